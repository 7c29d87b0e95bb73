//! Running one future per target, at most `jobs` at a time, on the caller's task.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

/// Runs `start(i, item)` for each item, at most `jobs` (at least 1) at a time, in the items'
/// order, and gives each result at its item's index. Once `stop(result)` holds for a result, no
/// further item starts (those already started finish; theirs are `None`) — `--fail-fast`.
///
/// The futures are polled on the caller's task, so they need not be `Send` nor `'static`: they
/// may borrow the migrations and options. Database work waits on the network (and SQLite's
/// worker threads), so one task keeps every connection busy.
pub async fn bounded<'a, I, T, F>(
    items: &'a [I],
    jobs: usize,
    mut start: impl FnMut(usize, &'a I) -> F,
    stop: impl Fn(&T) -> bool,
) -> Vec<Option<T>>
where
    F: Future<Output = T> + 'a,
{
    let jobs = jobs.max(1);
    let mut results: Vec<Option<T>> = items.iter().map(|_| None).collect();
    let mut running: Vec<(usize, Pin<Box<F>>)> = Vec::with_capacity(jobs);
    let mut next = 0;
    let mut stopped = false;
    loop {
        while !stopped && running.len() < jobs && next < items.len() {
            running.push((next, Box::pin(start(next, &items[next]))));
            next += 1;
        }
        if running.is_empty() {
            return results;
        }
        let (i, result) = std::future::poll_fn(|cx| {
            for k in 0..running.len() {
                if let Poll::Ready(result) = running[k].1.as_mut().poll(cx) {
                    let (i, _) = running.swap_remove(k);
                    return Poll::Ready((i, result));
                }
            }
            Poll::Pending
        })
        .await;
        stopped |= stop(&result);
        results[i] = Some(result);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
            .block_on(f)
    }

    /// Pending `n` times, then ready: a future that finishes after `n` polls, whatever the clock.
    async fn polls(n: u64) {
        for _ in 0..n {
            tokio::task::yield_now().await;
        }
    }

    #[test]
    fn at_most_jobs_run_at_once_and_every_result_keeps_its_place() {
        let items: Vec<u64> = (0..10).collect();
        let now = Cell::new(0);
        let most = Cell::new(0);
        let results = block_on(bounded(
            &items,
            3,
            |i, &item| {
                let (now, most) = (&now, &most);
                async move {
                    now.set(now.get() + 1);
                    most.set(most.get().max(now.get()));
                    // Later items finish first: results still land at their index.
                    polls(10 - item).await;
                    now.set(now.get() - 1);
                    i * 2
                }
            },
            |_| false,
        ));
        assert_eq!(most.get(), 3);
        assert_eq!(
            results,
            (0..10).map(|i| Some(i * 2)).collect::<Vec<Option<usize>>>()
        );
    }

    #[test]
    fn a_stop_starts_nothing_more_and_lets_the_started_finish() {
        let items: Vec<u64> = (0..10).collect();
        let results = block_on(bounded(
            &items,
            2,
            |_, &item| async move {
                // Item 1 fails on its first poll, while item 0 is still running; 0 finishes.
                if item != 1 {
                    polls(3).await;
                }
                item != 1
            },
            |ok| !ok,
        ));
        assert_eq!(results[0], Some(true));
        assert_eq!(results[1], Some(false));
        assert!(results[2..].iter().all(Option::is_none), "{results:?}");
    }
}
