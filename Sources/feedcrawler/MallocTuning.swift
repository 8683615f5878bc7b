// glibc malloc settings for the two long-running commands. mallopt is in <malloc.h>, which Swift's Glibc module
// does not import, so it is looked up by name (as Spool does for syncfs). A missing symbol leaves the defaults.
import Glibc

enum MallocTuning {
    /// `run`: one malloc arena instead of glibc's default of one per allocating thread (up to 8 per core): freed
    /// memory stays in the arena of the thread that allocated it, and Swift tasks hop threads, so the
    /// 10,000-feed soak (Scripts/soak) held 38.7 MB of anonymous memory for ~12 MB in use; with one arena
    /// 22.9 MB. Per-thread caches (tcache) still serve most small allocations without the arena lock.
    static func useOneArena() {
        mallopt(-8, 1)  // M_ARENA_MAX
    }

    /// `fetch`: a one-shot pass keeps what it frees for its next allocations instead of handing it back to the
    /// kernel and faulting fresh zeroed pages in again: page bodies and parse buffers (up to max_page_bytes)
    /// come from the heap rather than from mmap/munmap each time, and the heap is not trimmed as it shrinks.
    /// Measured on the 10,000-article bench crawl: ~4% less CPU and wall time, ~3 MB more peak RSS. Not for the
    /// daemon, whose memory must go back down after a burst.
    static func keepFreedMemoryForReuse() {
        mallopt(-1, 128 << 20)  // M_TRIM_THRESHOLD: trim only above 128 MB free at the top
        mallopt(-2, 32 << 20)   // M_TOP_PAD: grow the heap 32 MB at a time
        mallopt(-3, 32 << 20)   // M_MMAP_THRESHOLD: only blocks above 32 MB get their own mapping
    }

    private static func mallopt(_ parameter: Int32, _ value: Int32) {
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(parameter, value)
    }
}
