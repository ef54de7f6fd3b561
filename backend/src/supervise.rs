//! Background tasks that must not die quietly: the simulator's scheduler and
//! the upstream poller. A task that panics or ends is logged and started
//! again (after a pause that grows to a few seconds), instead of leaving
//! transitions or polls stalled until the next restart.

use std::future::Future;
use std::time::Duration;

use tokio::task::JoinHandle;

/// Longest pause between two restarts.
const MAX_PAUSE: Duration = Duration::from_secs(5);

/// Runs the task `start` makes, and a new one whenever it panics or ends,
/// until the runtime shuts down or the returned handle is aborted (which
/// stops the task too).
pub fn supervise<F, Fut>(name: &'static str, mut start: F) -> JoinHandle<()>
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    tokio::spawn(async move {
        let mut pause = Duration::from_millis(100);
        loop {
            let mut task = tokio::spawn(start());
            // Stopping the supervisor (aborting its handle) stops the task.
            let _stop = AbortOnDrop(task.abort_handle());
            match (&mut task).await {
                Ok(()) => tracing::error!(task = name, "background task ended; starting it again"),
                Err(err) if err.is_panic() => {
                    tracing::error!(task = name, "background task panicked; starting it again");
                }
                Err(_) => return, // cancelled: the runtime is shutting down
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(MAX_PAUSE);
        }
    })
}

/// Aborts a task when dropped.
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn a_task_that_panics_is_started_again() {
        let starts = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&starts);
        let (done, mut finished) = tokio::sync::mpsc::channel(1);
        let handle = supervise("test", move || {
            let run = counted.fetch_add(1, Ordering::SeqCst);
            let done = done.clone();
            async move {
                if run < 2 {
                    panic!("the task fails on its first two runs");
                }
                let _ = done.send(()).await;
                std::future::pending::<()>().await;
            }
        });
        tokio::time::timeout(Duration::from_secs(10), finished.recv())
            .await
            .expect("the third run starts");
        assert_eq!(starts.load(Ordering::SeqCst), 3);
        handle.abort();
    }
}
