//! Order-preserving parallel map over contiguous chunks with scoped threads.

/// Applies `f` to each item on up to `threads` threads; results keep input order.
/// `init` makes one scratch state per thread.
pub fn map_chunks<T, S, R, I, F>(items: &[T], threads: usize, init: I, f: F) -> Vec<R>
where
    T: Sync,
    S: Send,
    R: Send,
    I: Fn() -> S,
    F: Fn(&mut S, &T) -> R + Sync,
{
    map_chunks_with(items, &mut Vec::new(), threads, init, f)
}

/// [`map_chunks`] with scratch states that outlive the call: `states` grows
/// (through `init`) to one per thread used, and keeps them for the next call,
/// so per-thread caches stay warm across batches.
pub fn map_chunks_with<T, S, R, I, F>(items: &[T], states: &mut Vec<S>, threads: usize, init: I, f: F) -> Vec<R>
where
    T: Sync,
    S: Send,
    R: Send,
    I: Fn() -> S,
    F: Fn(&mut S, &T) -> R + Sync,
{
    let threads = threads.max(1).min(items.len().max(1));
    while states.len() < threads {
        states.push(init());
    }
    if threads == 1 {
        let state = &mut states[0];
        return items.iter().map(|t| f(state, t)).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .zip(states.iter_mut())
            .map(|(part, state)| s.spawn(move || part.iter().map(|t| f(state, t)).collect::<Vec<R>>()))
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("worker thread panicked")).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_for_any_thread_count() {
        let items: Vec<u32> = (0..1001).collect();
        for threads in [1, 2, 3, 8, 5000] {
            let out = map_chunks(
                &items,
                threads,
                || 0u32,
                |calls, x| {
                    *calls += 1;
                    x * 2
                },
            );
            assert_eq!(out, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        }
        assert!(map_chunks(&[] as &[u32], 4, || (), |_, x| *x).is_empty());
    }

    #[test]
    fn states_persist_across_calls() {
        let items: Vec<u32> = (0..100).collect();
        let mut states = Vec::new();
        for round in 1..=3u32 {
            map_chunks_with(&items, &mut states, 2, || 0u32, |calls, _| *calls += 1);
            assert_eq!(states.len(), 2);
            assert_eq!(states.iter().sum::<u32>(), 100 * round, "every call counted in the kept states");
        }
    }
}
