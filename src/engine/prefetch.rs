//! A hint to the processor to start loading memory that will be needed
//! soon, so that the handling of one event overlaps the cache misses of the
//! next. In a national run the tables of cases are hundreds of megabytes,
//! and an event's first touch of its case is a miss to main memory.

/// Bytes in a cache line on the targets this is tuned for.
const LINE: usize = 64;

/// Asks for every cache line holding `value` to be loaded (a 96-byte
/// record spans two or three). It never faults, changes nothing the
/// program can observe and is a no-op where the target has no prefetch
/// instruction.
#[inline(always)]
pub fn prefetch<T>(value: &T) {
    let start = value as *const T as usize;
    let end = start + std::mem::size_of::<T>().max(1);
    let mut line = start & !(LINE - 1);
    while line < end {
        prefetch_line(line);
        line += LINE;
    }
}

#[inline(always)]
#[allow(unsafe_code)]
fn prefetch_line(address: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: SSE is part of every x86_64 target, and a prefetch reads
        // nothing the program sees and cannot fault, whatever the address.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(address as *const i8) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = address;
}
