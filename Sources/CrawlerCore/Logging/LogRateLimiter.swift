// Keeps a burst of identical problems from flooding the log: a site that starts answering 503 to every
// article, or a full disk failing every write, should cost a few lines a minute, not thousands.
//
// Only warning and above are limited (info lines are already one per poll or article). Events count as
// "the same problem" when level, message and the `feed`, `host` and `reason` fields agree; the URL and
// timings may differ. Each such key may log `burst` lines per window; later ones are counted, and once the
// window has passed one summary line reports how many were suppressed:
//
//   warning Article failed. feed=detik reason=http_503 suppressed=212 window=60s
//
// Summaries are written with the next log event of any kind after the window ends (so a quiet daemon may
// print one late, never loses one unless the process exits first).
public import Logging
import class Foundation.NSLock
import Glibc

public final class LogRateLimiter: @unchecked Sendable {
    /// Fields that say WHAT went wrong and where, as opposed to which item (url, file) or how long (ms).
    public static let identityKeys = ["feed", "host", "reason"]

    public let burst: Int
    public let windowMilliseconds: Int
    /// Distinct problem keys tracked at once; the oldest is forgotten beyond this (bounded memory).
    public let maxKeys: Int
    private let clock: @Sendable () -> Int

    private let lock = NSLock()
    private var windows: [String: Window] = [:]
    /// Earliest end of a window that has suppressed events, so most calls skip the summary scan.
    private var nextSummaryDue = Int.max

    private struct Window {
        var start: Int
        var count: Int
        var suppressed: Int
        var level: Logger.Level
        var message: String
        var identity: Logger.Metadata
    }

    /// A line to write before the current event: the summary of a finished window.
    public struct Summary: Sendable, Equatable {
        public var level: Logger.Level
        public var message: String
        public var metadata: Logger.Metadata
    }

    public init(burst: Int = 10, windowMilliseconds: Int = 60_000, maxKeys: Int = 256,
                clock: @escaping @Sendable () -> Int = LogRateLimiter.monotonicMilliseconds) {
        self.burst = max(1, burst)
        self.windowMilliseconds = max(1, windowMilliseconds)
        self.maxKeys = max(1, maxKeys)
        self.clock = clock
    }

    /// Summaries due now, then whether the event itself should be written.
    public func admit(level: Logger.Level, message: String, metadata: Logger.Metadata) -> (summaries: [Summary], write: Bool) {
        let now = clock()
        return lock.withLock {
            let summaries = now >= nextSummaryDue ? collectSummaries(now: now) : []
            guard level >= .warning else { return (summaries, true) }
            var identity: Logger.Metadata = [:]
            for key in Self.identityKeys { if let value = metadata[key] { identity[key] = value } }
            let key = "\(level.rawValue)\u{1F}\(message)\u{1F}"
                + identity.keys.sorted().map { "\($0)=\(identity[$0]!)" }.joined(separator: "\u{1F}")
            if var window = windows[key], now - window.start < windowMilliseconds {
                window.count += 1
                let write = window.count <= burst
                if !write {
                    window.suppressed += 1
                    nextSummaryDue = min(nextSummaryDue, window.start + windowMilliseconds)
                }
                windows[key] = window
                return (summaries, write)
            }
            // A new window (an expired one was summarised above or had nothing suppressed).
            if windows[key] == nil, windows.count >= maxKeys, let oldest = windows.min(by: { $0.value.start < $1.value.start }) {
                windows.removeValue(forKey: oldest.key)
            }
            windows[key] = Window(start: now, count: 1, suppressed: 0, level: level, message: message, identity: identity)
            return (summaries, true)
        }
    }

    /// Called with the lock held: summaries of ended windows, which are then dropped.
    private func collectSummaries(now: Int) -> [Summary] {
        var summaries: [Summary] = []
        var nextDue = Int.max
        for (key, window) in windows {
            let end = window.start + windowMilliseconds
            if now >= end {
                if window.suppressed > 0 {
                    var metadata = window.identity
                    metadata["suppressed"] = "\(window.suppressed)"
                    metadata["window"] = "\(ConfigDuration.format(milliseconds: windowMilliseconds))"
                    summaries.append(Summary(level: window.level, message: window.message, metadata: metadata))
                }
                windows.removeValue(forKey: key)
            } else if window.suppressed > 0 {
                nextDue = min(nextDue, end)
            }
        }
        nextSummaryDue = nextDue
        // Deterministic order for readers and tests.
        func sortKey(_ summary: Summary) -> String {
            summary.message + summary.metadata.keys.sorted().map { "\($0)=\(summary.metadata[$0]!)" }.joined()
        }
        return summaries.sorted { sortKey($0) < sortKey($1) }
    }

    /// CLOCK_MONOTONIC in milliseconds: immune to wall-clock jumps.
    @Sendable public static func monotonicMilliseconds() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int(now.tv_sec) * 1_000 + Int(now.tv_nsec) / 1_000_000
    }
}
