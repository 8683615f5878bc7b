// Backpressure: when the consumer falls behind (too many articles waiting in the spool) or the disk fills up,
// article writing pauses. Polling continues and new URLs queue as pending in the state database; writing
// resumes by itself once the spool drains. Logged once when it pauses and once when it resumes.
import Foundation
import Logging
import Spool

final class Backpressure: @unchecked Sendable {
    private let writer: SpoolWriter
    private let maxFiles: Int
    private let minFreeBytes: Int
    private let logger: Logger
    private let lock = NSLock()
    private var pausedReason: String?
    /// Articles in the spool at the last check, and written since: lets `mayBeFull` decide without listing
    /// the directory (the consumer only ever removes files, so this over-estimates, never under-estimates).
    private var countAtLastCheck = 0
    private var writtenSinceCheck = 0

    init(writer: SpoolWriter, maxFiles: Int, minFreeBytes: Int, logger: Logger) {
        self.writer = writer
        self.maxFiles = maxFiles
        self.minFreeBytes = minFreeBytes
        self.logger = logger
    }

    /// Why writing must wait now (`spool_full files=…` or `disk_low free=…`), nil when it may go on.
    /// Counting the spool lists a directory: call it once per batch of articles, not per article.
    func check() -> String? {
        var reason: String?
        let count = maxFiles > 0 ? (try? writer.spooledArticleCount()) : nil
        lock.withLock {
            countAtLastCheck = count ?? 0
            writtenSinceCheck = 0
        }
        if let count, count >= maxFiles {
            reason = "spool_full files=\(count) max=\(maxFiles)"
        } else if minFreeBytes > 0, let free = try? writer.availableBytes(), free < UInt64(minFreeBytes) {
            reason = "disk_low free_bytes=\(free) min=\(minFreeBytes)"
        }
        lock.withLock {
            if let reason, pausedReason == nil {
                logger.warning("Spool backpressure: article writing paused; polling continues.", metadata: ["reason": "\(reason)"])
            } else if reason == nil, let was = pausedReason {
                logger.notice("Spool drained: article writing resumed.", metadata: ["was": "\(was)"])
            }
            pausedReason = reason
        }
        return reason
    }

    var isPaused: Bool { lock.withLock { pausedReason != nil } }

    /// Called after each article written.
    func noteWritten() { lock.withLock { writtenSinceCheck += 1 } }

    /// Whether one more article may start while `inFlight` others are under way: with `spool_max_files` set,
    /// only as many as the spool has room for at the last check (less what was written since), so a wide window
    /// of articles in flight does not overshoot the limit.
    func admits(inFlight: Int) -> Bool {
        lock.withLock { maxFiles <= 0 || countAtLastCheck + writtenSinceCheck + inFlight < maxFiles }
    }

    /// True when the spool might have reached `spool_max_files` since the last check: time to check again.
    var mayBeFull: Bool {
        lock.withLock { maxFiles > 0 && countAtLastCheck + writtenSinceCheck >= maxFiles }
    }
}
