//! Memory prefetch hints: ask the processor to start loading a value's cache line
//! before it is needed. They change no result; on other targets they do nothing.

/// Brings the line holding `value` towards the first-level cache.
#[inline(always)]
pub fn prefetch_l1<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint: it cannot fault, and the address is a live reference.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>((value as *const T).cast::<i8>())
    };
}

/// Brings the line holding `value` towards the second-level cache, which keeps more
/// misses in flight than the first: for many scattered loads needed a little later.
#[inline(always)]
pub fn prefetch_l2<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: as for `prefetch_l1`.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T1 }>((value as *const T).cast::<i8>())
    };
}
