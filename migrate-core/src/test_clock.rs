//! The clock of the linear-time tests: the CPU time of the calling thread. Unlike the time on
//! the wall clock, it does not grow while the thread waits for a core, so other work on the
//! machine (builds, other tests) does not stretch one run more than another.

use std::time::Duration;

/// The CPU time this thread has used so far.
pub(crate) fn thread_cpu_time() -> Duration {
    use nix::time::{ClockId, clock_gettime};
    let t = clock_gettime(ClockId::CLOCK_THREAD_CPUTIME_ID)
        .unwrap_or_else(|e| panic!("the thread's CPU clock cannot be read: {e}"));
    Duration::from(t)
}

/// The CPU time `f` takes.
pub(crate) fn cpu_time(f: impl FnOnce()) -> Duration {
    let start = thread_cpu_time();
    f();
    thread_cpu_time().saturating_sub(start)
}
