//! A hint to the processor to start loading memory that will be needed
//! soon, so that the handling of one event overlaps the cache misses of the
//! next. In a national run the tables of cases are hundreds of megabytes,
//! and an event's first touch of its case is a miss to main memory.

/// Asks for the cache line holding `value` to be loaded. It never faults,
/// changes nothing the program can observe and is a no-op where the target
/// has no prefetch instruction.
#[inline(always)]
#[allow(unsafe_code)]
pub fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: SSE is part of every x86_64 target, and a prefetch reads
        // nothing the program sees and cannot fault, whatever the address.
        unsafe { _mm_prefetch::<_MM_HINT_T0>((value as *const T).cast::<i8>()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}
