//! Order-preserving parallel map over contiguous chunks with scoped threads.

/// Applies `f` to each item on up to `threads` threads; results keep input order.
/// `init` makes one scratch state per thread.
pub fn map_chunks<T, S, R, I, F>(items: &[T], threads: usize, init: I, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    I: Fn() -> S + Sync,
    F: Fn(&mut S, &T) -> R + Sync,
{
    let threads = threads.max(1).min(items.len().max(1));
    if threads == 1 {
        let mut state = init();
        return items.iter().map(|t| f(&mut state, t)).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| {
                s.spawn(|| {
                    let mut state = init();
                    part.iter().map(|t| f(&mut state, t)).collect::<Vec<R>>()
                })
            })
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
}
