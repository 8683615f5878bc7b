// The one-line progress display of `feedcrawler fetch`: only when stderr is a terminal and not the journal
// (piped, redirected, cron and systemd runs get plain log lines only). Redrawn in place, at most 10 times a
// second, and cleared before the summary is printed.
import Foundation
import Glibc

final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private var lastDraw = ContinuousClock.now - .seconds(1)

    /// nil when stderr is not an interactive terminal.
    static func forStandardError(environment: [String: String] = ProcessInfo.processInfo.environment) -> ProgressLine? {
        guard isatty(STDERR_FILENO) == 1, environment["JOURNAL_STREAM"] == nil, environment["TERM"] != "dumb" else {
            return nil
        }
        return ProgressLine()
    }

    func show(_ text: String) {
        lock.withLock {
            let now = ContinuousClock.now
            guard now - lastDraw >= .milliseconds(100) else { return }
            lastDraw = now
            write("\r\u{1B}[2K" + text)
        }
    }

    func clear() { lock.withLock { write("\r\u{1B}[2K") } }

    private func write(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
