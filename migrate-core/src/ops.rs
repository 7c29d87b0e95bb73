//! Counted operations, for the scale tests: code whose cost must stay linear in its input calls
//! [`count`] where it does its unit of work (formatting a file name, scheduling a table), and a
//! test compares the counts for two sizes. Counts, not times, so the tests hold on a loaded
//! machine; outside tests [`count`] is nothing.

#[cfg(test)]
thread_local! {
    static OPS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// One unit of work, counted on this thread in tests.
#[inline]
pub(crate) fn count() {
    #[cfg(test)]
    OPS.with(|c| c.set(c.get() + 1));
}

/// What `f` returns, and the operations it counted on this thread.
#[cfg(test)]
pub(crate) fn counted<T>(f: impl FnOnce() -> T) -> (T, u64) {
    let before = OPS.with(std::cell::Cell::get);
    let out = f();
    (out, OPS.with(std::cell::Cell::get) - before)
}
