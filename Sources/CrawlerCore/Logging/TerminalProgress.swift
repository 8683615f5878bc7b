// The one-line progress display of `feedcrawler fetch` on a terminal ("feeds 12/40  articles 37 written, ..."),
// redrawn in place on stderr at most 10 times a second. Log lines still appear: the log handler writes each
// one through `writeAbove`, which clears the progress line, writes the log line, and draws the progress line
// again below it, so the two never share a row. Only used when stderr is a terminal and not the journal, so
// pipes, files, cron and systemd never see control characters.
import class Foundation.NSLock
import Glibc

public final class TerminalProgress: @unchecked Sendable {
    /// Minimum time between two redraws caused by progress updates (log lines always redraw), in ms.
    public static let redrawIntervalMilliseconds = 100

    private let lock = NSLock()
    private let output: @Sendable (String) -> Void
    private let clock: @Sendable () -> Int
    /// The text currently drawn; nil when nothing is on screen.
    private var current: String?
    private var lastDraw = Int.min / 2

    /// `output` receives raw terminal text (default: stderr); `clock` gives monotonic milliseconds.
    public init(output: @escaping @Sendable (String) -> Void = { LogSink.standardError.write($0) },
                clock: @escaping @Sendable () -> Int = LogRateLimiter.monotonicMilliseconds) {
        self.output = output
        self.clock = clock
    }

    /// True when progress may be drawn: stderr is an interactive terminal, not the journal, not TERM=dumb.
    public static func isWanted(environment: [String: String]) -> Bool {
        isatty(STDERR_FILENO) == 1 && !LogSetup.stderrIsJournal(environment: environment)
            && environment["JOURNAL_STREAM"] == nil && environment["TERM"] != "dumb"
    }

    /// Shows `text` as the progress line (skipped when the last redraw was under 100 ms ago).
    public func show(_ text: String) {
        lock.withLock {
            let now = clock()
            guard now - lastDraw >= Self.redrawIntervalMilliseconds else {
                current = text  // drawn with the next log line or update
                return
            }
            lastDraw = now
            current = text
            output("\r\u{1B}[K" + text)
        }
    }

    /// Writes a complete log line (ending in "\n") above the progress line.
    public func writeAbove(_ line: String) {
        lock.withLock {
            guard let current else { return output(line) }
            output("\r\u{1B}[K" + line + current)
        }
    }

    /// Removes the progress line and stops drawing (before the summary is printed).
    public func finish() {
        lock.withLock {
            if current != nil { output("\r\u{1B}[K") }
            current = nil
        }
    }
}
