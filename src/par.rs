//! Data parallelism behind the `parallel` feature.
//!
//! With `parallel` (the default) this is rayon's prelude. Without it, the same method
//! names (`par_iter`, `into_par_iter`, `map_init`) run the work serially, in index
//! order. Every parallel loop in the crate seeds its random stream by the item's index
//! and keeps per-thread state as scratch only, so both builds give bit-for-bit the same
//! results.

#[cfg(feature = "parallel")]
pub(crate) use rayon::prelude::*;

#[cfg(not(feature = "parallel"))]
pub(crate) use serial::*;

#[cfg(not(feature = "parallel"))]
mod serial {
    /// `slice.par_iter()`: the serial iterator.
    pub(crate) trait ParallelSlice<T> {
        /// Iterates the items in order.
        fn par_iter(&self) -> std::slice::Iter<'_, T>;
    }

    impl<T> ParallelSlice<T> for [T] {
        fn par_iter(&self) -> std::slice::Iter<'_, T> {
            self.iter()
        }
    }

    /// `range.into_par_iter()`: the range itself.
    pub(crate) trait IntoParallelIterator: Sized {
        /// Iterates the items in order.
        fn into_par_iter(self) -> Self;
    }

    impl IntoParallelIterator for std::ops::Range<usize> {
        fn into_par_iter(self) -> Self {
            self
        }
    }

    /// rayon's `map_init`: one scratch state for the whole (serial) loop.
    pub(crate) trait MapInit: Iterator + Sized {
        /// Maps every item with `f(&mut state, item)`, `state` made once by `init`.
        fn map_init<S, R, I, F>(self, init: I, mut f: F) -> impl Iterator<Item = R>
        where
            I: FnOnce() -> S,
            F: FnMut(&mut S, Self::Item) -> R,
        {
            let mut state = init();
            self.map(move |item| f(&mut state, item))
        }
    }

    impl<It: Iterator> MapInit for It {}
}
