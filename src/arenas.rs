//! Malloc arenas under an address-space limit. glibc gives each thread that
//! allocates its own arena and reserves 64 MiB of address space for it, so a
//! run with eight workers under `ulimit -v 200000` aborts on an allocation
//! although it uses 60 MB. When the process has such a limit, the arenas are
//! capped (`mallopt(M_ARENA_MAX)`) so that they reserve at most a quarter of
//! it; without a limit nothing changes. Other C libraries: nothing to do.

/// Address space each glibc arena reserves.
const ARENA_BYTES: u64 = 64 << 20;

/// The soft address-space limit (`ulimit -v`) in bytes, from a
/// `/proc/self/limits` text; `None` when unlimited or unknown.
fn address_space_limit(limits: &str) -> Option<u64> {
    let line = limits.lines().find(|l| l.starts_with("Max address space"))?;
    line["Max address space".len()..].split_whitespace().next()?.parse().ok()
}

/// Arenas that fit a quarter of `limit` bytes, at least one and at most `threads + 1`.
fn arenas_for(limit: u64, threads: usize) -> u64 {
    (limit / (4 * ARENA_BYTES)).clamp(1, threads as u64 + 1)
}

/// Caps malloc arenas for `threads` worker threads when the process has an
/// address-space limit (once per process; later calls do nothing).
pub fn fit_to_address_limit(threads: usize) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let Some(limit) = std::fs::read_to_string("/proc/self/limits").ok().as_deref().and_then(address_space_limit)
        else {
            return;
        };
        set_arena_max(arenas_for(limit, threads));
    });
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn set_arena_max(arenas: u64) {
    use std::ffi::c_int;
    const M_ARENA_MAX: c_int = -8;
    extern "C" {
        fn mallopt(param: c_int, value: c_int) -> c_int;
    }
    // SAFETY: mallopt only changes the allocator's settings; glibc allows it at any time.
    unsafe {
        mallopt(M_ARENA_MAX, arenas.min(c_int::MAX as u64) as c_int);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn set_arena_max(_arenas: u64) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_read_and_arenas_fit_a_quarter_of_them() {
        let limited = "Limit                     Soft Limit           Hard Limit           Units\n\
                       Max address space         204800000            unlimited            bytes\n";
        assert_eq!(address_space_limit(limited), Some(204_800_000));
        let unlimited = "Max address space         unlimited            unlimited            bytes\n";
        assert_eq!(address_space_limit(unlimited), None);
        assert_eq!(arenas_for(204_800_000, 8), 1);
        assert_eq!(arenas_for(1 << 30, 8), 4);
        assert_eq!(arenas_for(1 << 40, 8), 9);
    }
}
