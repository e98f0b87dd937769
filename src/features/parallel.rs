//! Order-preserving parallel maps: [`map_chunks`] for one call on scoped
//! threads, and [`with_pool`] for a run of many batches on worker threads that
//! live for the whole run.

use std::sync::mpsc::{channel, Receiver, Sender};

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
    let threads = threads.max(1).min(items.len().max(1));
    let mut states: Vec<S> = (0..threads).map(|_| init()).collect();
    map_chunks_with(items, &mut states, f)
}

/// Like [`map_chunks`], with the scratch states kept by the caller: one thread per state (at
/// most one per item), so that states such as word caches stay warm from one call to the next.
/// # Panics
/// When `states` is empty and `items` is not.
pub fn map_chunks_with<T, S, R, F>(items: &[T], states: &mut [S], f: F) -> Vec<R>
where
    T: Sync,
    S: Send,
    R: Send,
    F: Fn(&mut S, &T) -> R + Sync,
{
    if items.is_empty() {
        return Vec::new();
    }
    assert!(!states.is_empty(), "map_chunks_with needs at least one state");
    let threads = states.len().min(items.len());
    if threads == 1 {
        let state = &mut states[0];
        return items.iter().map(|t| f(state, t)).collect();
    }
    crate::arenas::fit_to_address_limit(threads);
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

/// One worker thread of a [`Pool`]: it takes a contiguous part of a batch and
/// gives it back with its results.
struct Worker<T, R> {
    jobs: Sender<Vec<T>>,
    done: Receiver<(Vec<T>, Vec<R>)>,
    /// An emptied part, kept so the next batch reuses its allocation.
    spare: Vec<T>,
}

/// A batch run on the calling thread.
type Local<'a, T, R> = Box<dyn FnMut(&[T]) -> Vec<R> + 'a>;

/// Worker threads that live for a whole run (see [`with_pool`]), each with its
/// own scratch state, so a run of many batches spawns its threads once.
pub struct Pool<'a, T, R> {
    threads: usize,
    workers: Vec<Worker<T, R>>,
    spawn: Box<dyn FnMut() -> Worker<T, R> + 'a>,
    local: Local<'a, T, R>,
}

impl<T, R> Pool<'_, T, R> {
    /// Applies the pool's function to each item and returns the results in
    /// input order; `items` holds the same items, in the same order, afterwards.
    /// The batch is cut into up to `threads` contiguous parts, one per worker, in
    /// order; workers are started the first time they are needed, and a batch
    /// of one item runs on the calling thread.
    pub fn map(&mut self, items: &mut Vec<T>) -> Vec<R> {
        let parts = self.threads.min(items.len());
        if parts <= 1 {
            return (self.local)(items);
        }
        while self.workers.len() < parts {
            let worker = (self.spawn)();
            self.workers.push(worker);
        }
        let chunk = items.len().div_ceil(parts);
        let mut rest = items.drain(..);
        let mut sent = 0;
        for worker in &mut self.workers {
            let mut part = std::mem::take(&mut worker.spare);
            part.extend(rest.by_ref().take(chunk));
            if part.is_empty() {
                worker.spare = part;
                break;
            }
            worker.jobs.send(part).expect("worker thread panicked");
            sent += 1;
        }
        drop(rest);
        let mut results = Vec::with_capacity(items.capacity());
        for worker in &mut self.workers[..sent] {
            let (mut part, out) = worker.done.recv().expect("worker thread panicked");
            items.append(&mut part);
            worker.spare = part;
            results.extend(out);
        }
        results
    }
}

/// Runs `body` with a [`Pool`] of up to `threads` worker threads applying `f`,
/// each to its own scratch state made by `init` (kept for the whole run, so
/// per-thread caches stay warm across batches). With one thread the work runs
/// on the calling thread. The threads end when `body` returns.
pub fn with_pool<T, S, R, I, F, O>(threads: usize, init: I, f: F, body: impl FnOnce(&mut Pool<'_, T, R>) -> O) -> O
where
    T: Send,
    S: Send,
    R: Send,
    I: Fn() -> S,
    F: Fn(&mut S, &T) -> R + Sync,
{
    let (f, init) = (&f, &init);
    crate::arenas::fit_to_address_limit(threads);
    std::thread::scope(|scope| {
        let mut local_state = None;
        let mut pool = Pool {
            threads: threads.max(1),
            workers: Vec::new(),
            spawn: Box::new(move || {
                let (jobs, inbox) = channel::<Vec<T>>();
                let (outbox, done) = channel();
                let mut state = init();
                scope.spawn(move || {
                    for part in inbox {
                        let out: Vec<R> = part.iter().map(|t| f(&mut state, t)).collect();
                        if outbox.send((part, out)).is_err() {
                            break;
                        }
                    }
                });
                Worker { jobs, done, spare: Vec::new() }
            }),
            local: Box::new(move |items: &[T]| {
                let state = local_state.get_or_insert_with(init);
                items.iter().map(|t| f(state, t)).collect()
            }),
        };
        body(&mut pool)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

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
    fn caller_kept_states_keep_order_and_last_across_calls() {
        for threads in [1, 2, 3, 8] {
            let mut states = vec![0u32; threads];
            for len in [0, 1, 2, 7, 1001] {
                let items: Vec<u32> = (0..len).collect();
                let out = map_chunks_with(&items, &mut states, |calls, x| {
                    *calls += 1;
                    x * 2
                });
                assert_eq!(out, items.iter().map(|x| x * 2).collect::<Vec<_>>(), "{threads} threads");
            }
            // Every item of every call was counted by one of the states.
            assert_eq!(states.iter().sum::<u32>(), 1 + 2 + 7 + 1001, "{threads} threads");
            // The first state took the first chunk of each call.
            let first: u32 = [1u32, 2, 7, 1001].iter().map(|&n| n.div_ceil(n.min(threads as u32))).sum();
            assert_eq!(states[0], first, "{threads} threads");
        }
    }

    #[test]
    fn a_pool_keeps_order_and_items_for_any_batch() {
        for threads in [1, 2, 3, 8] {
            with_pool(
                threads,
                || (),
                |_, x: &u32| x * 2,
                |pool| {
                    for len in [0, 1, 2, 5, 7, 1001, 3] {
                        let mut items: Vec<u32> = (0..len).collect();
                        let out = pool.map(&mut items);
                        assert_eq!(items, (0..len).collect::<Vec<_>>(), "items kept, {threads} threads");
                        assert_eq!(out, items.iter().map(|x| x * 2).collect::<Vec<_>>(), "{threads} threads");
                    }
                },
            );
        }
    }

    #[test]
    fn a_pool_reuses_its_threads_and_their_states_across_batches() {
        let ids = std::sync::Mutex::new(HashSet::new());
        let states = std::sync::atomic::AtomicUsize::new(0);
        let counts = with_pool(
            3,
            || {
                states.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                0u32
            },
            |calls, _: &u32| {
                ids.lock().unwrap().insert(std::thread::current().id());
                *calls += 1;
                *calls
            },
            |pool| (0..50).map(|_| pool.map(&mut (0..30).collect())).collect::<Vec<_>>(),
        );
        assert_eq!(ids.lock().unwrap().len(), 3, "50 batches ran on the same 3 threads");
        assert_eq!(states.into_inner(), 3, "one scratch state per thread, made once");
        // Each worker's state counts every item it saw: 10 a batch, 50 batches.
        assert_eq!(counts[49][9], 500, "states kept across batches");
        assert!(!ids.lock().unwrap().contains(&std::thread::current().id()));
    }
}
