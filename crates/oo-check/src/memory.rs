//! A large account's check reads and drops a lot of data in phases. glibc's allocator keeps freed memory for
//! reuse, per thread, and only hands back what lies above a threshold that grows with every large block; so the
//! resident size would stay at the highest point of every phase together. `oo-check` runs many of these side by side
//! for support (`--all-accounts`), so it asks for one heap and for freed memory to be given back above 1 MiB.
//! Elsewhere (Windows, macOS, musl) the system allocator already does so and nothing is changed.

/// Sets glibc's allocator to give freed memory back (see the module comment).
pub fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; it is called first thing in `main`, before any thread
    // exists, as glibc asks.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 1 << 20);
    }
}
