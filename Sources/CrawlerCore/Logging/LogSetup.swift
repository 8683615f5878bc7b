// Process-wide logging setup, called once by the executable before anything logs. Decides journal mode:
// systemd sets JOURNAL_STREAM=<device>:<inode> of the stream it connected to stdout/stderr; we trust it only
// when it still describes our stderr, so `feedcrawler ... 2>file` run from a unit's shell does not put
// `<6>` prefixes into a file.
public import Logging
import Glibc

public enum LogSetup {
    /// Installs `LineLogHandler` as the handler of every `Logger` in the process. swift-log allows this once;
    /// call it from `main` only. Returns the root logger to pass down.
    /// `progress`: a terminal progress line to keep below the log lines (see `TerminalProgress`).
    public static func bootstrap(level: Logger.Level, format: LogFormat, environment: [String: String],
                                 progress: TerminalProgress? = nil) -> Logger {
        let journal = stderrIsJournal(environment: environment)
        // One limiter for the process: at most 10 lines a minute per identical problem (see LogRateLimiter).
        let rateLimiter = LogRateLimiter()
        LoggingSystem.bootstrap { _ in
            LineLogHandler(level: level, format: format, journal: journal, rateLimiter: rateLimiter, progress: progress)
        }
        return Logger(label: "feedcrawler")
    }

    /// True when `JOURNAL_STREAM` names the device and inode of our current stderr.
    public static func stderrIsJournal(environment: [String: String]) -> Bool {
        guard let value = environment["JOURNAL_STREAM"] else { return false }
        var status = stat()
        guard fstat(STDERR_FILENO, &status) == 0 else { return false }
        return journalStream(value, matchesDevice: UInt64(status.st_dev), inode: UInt64(status.st_ino))
    }

    /// Parses `JOURNAL_STREAM` ("<device>:<inode>", both decimal) and compares.
    public static func journalStream(_ value: String, matchesDevice device: UInt64, inode: UInt64) -> Bool {
        let parts = value.split(separator: ":")
        guard parts.count == 2, let streamDevice = UInt64(parts[0]), let streamInode = UInt64(parts[1]) else {
            return false
        }
        return streamDevice == device && streamInode == inode
    }

    /// `--log-level` values: trace, debug, info, notice, warning, error, critical (case-insensitive; "warn"
    /// is accepted for warning).
    public static func level(named name: String) -> Logger.Level? {
        let lowered = name.lowercased()
        if lowered == "warn" { return .warning }
        return Logger.Level(rawValue: lowered)
    }
}
