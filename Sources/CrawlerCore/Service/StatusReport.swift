// `feedcrawler status`: what the state database and the daemon's heartbeat say, per feed and in total.
public import Foundation
import Store

public struct StatusReport: Sendable {
    public struct FeedLine: Sendable {
        public var name: String
        public var lastPollAt: Date?
        public var lastOutcome: String?
        public var lastNewItems: Int
        public var nextDueAt: Date?
        public var writtenToday: Int
        public var consecutiveFailures: Int
        public var disabledReason: String?
        public var configured: Bool
    }

    public enum Daemon: Sendable, Equatable {
        case running(pid: Int32, heartbeatAgeSeconds: Int)
        case stale(pid: Int32, heartbeatAgeSeconds: Int)
        case stopped(at: Date)
        case neverStarted
    }

    public var feeds: [FeedLine]
    public var pending: Int
    public var written: Int
    public var duplicates: Int
    public var failed: Int
    public var writtenToday: Int
    public var daemon: Daemon

    /// Healthy means a daemon whose main loop ticked recently.
    public var daemonIsHealthy: Bool {
        if case .running = daemon { return true }
        return false
    }

    /// Reads the state of `config`'s crawler. `staleAfterSeconds`: heartbeat age beyond which the daemon counts
    /// as stuck or dead (its main loop ticks every second).
    public static func load(config: Config, staleAfterSeconds: Int = 30, now: Date = Date()) throws -> StatusReport {
        let store = try StateStore(directory: config.stateDir)
        let localMidnight = StateStore.startOfDay(now, utcOffsetSeconds: TimeZone.current.secondsFromGMT(for: now))
        let today = try store.writtenCountByFeed(since: localMidnight)
        let states = Dictionary(try store.feedStates().map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var names = config.feeds.map(\.name)
        names += states.keys.filter { !names.contains($0) }.sorted()
        let configured = Set(config.feeds.map(\.name))
        let lines = names.map { name -> FeedLine in
            let state = states[name]
            return FeedLine(name: name, lastPollAt: state?.lastPollAt, lastOutcome: state?.lastOutcome,
                            lastNewItems: state?.lastNewItems ?? 0, nextDueAt: state?.nextDueAt,
                            writtenToday: today[name] ?? 0, consecutiveFailures: state?.consecutiveFailures ?? 0,
                            disabledReason: state?.disabledReason, configured: configured.contains(name))
        }
        let counts = try store.articleCounts()
        let daemon: Daemon
        if let heartbeat = Heartbeat.read(stateDir: config.stateDir) {
            let age = max(0, Int(now.timeIntervalSince(heartbeat.at)))
            if heartbeat.stopped { daemon = .stopped(at: heartbeat.at) }
            else if age <= staleAfterSeconds { daemon = .running(pid: heartbeat.pid, heartbeatAgeSeconds: age) }
            else { daemon = .stale(pid: heartbeat.pid, heartbeatAgeSeconds: age) }
        } else {
            daemon = .neverStarted
        }
        return StatusReport(feeds: lines, pending: counts[.pending] ?? 0, written: counts[.written] ?? 0,
                            duplicates: counts[.duplicate] ?? 0, failed: counts[.failed] ?? 0,
                            writtenToday: today.values.reduce(0, +), daemon: daemon)
    }

    /// A table a person reads at a glance: one line per feed, then totals and the daemon's state.
    public func lines(now: Date = Date()) -> [String] {
        func ago(_ date: Date?) -> String {
            guard let date else { return "never" }
            return Self.humanDuration(now.timeIntervalSince(date)) + " ago"
        }
        func until(_ date: Date?) -> String {
            guard let date else { return "-" }
            let seconds = date.timeIntervalSince(now)
            return seconds <= 0 ? "now" : "in " + Self.humanDuration(seconds)
        }
        var rows = [["FEED", "LAST POLL", "OUTCOME", "NEW", "NEXT", "TODAY", "FAILS", "DISABLED"]]
        for feed in feeds {
            rows.append([feed.name + (feed.configured ? "" : " (not in config)"), ago(feed.lastPollAt),
                         feed.lastOutcome ?? "-", "\(feed.lastNewItems)", until(feed.nextDueAt), "\(feed.writtenToday)",
                         "\(feed.consecutiveFailures)", feed.disabledReason ?? "-"])
        }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        var output = rows.map { row in
            zip(row, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }
        let failing = feeds.filter { $0.consecutiveFailures > 0 }.count
        let disabled = feeds.filter { $0.disabledReason != nil }.count
        output.append("totals: feeds=\(feeds.count) failing=\(failing) disabled=\(disabled) today=\(writtenToday) "
                      + "written=\(written) pending=\(pending) duplicates=\(duplicates) failed=\(failed)")
        switch daemon {
        case .running(let pid, let age): output.append("daemon: running pid=\(pid) heartbeat=\(age)s ago")
        case .stale(let pid, let age): output.append("daemon: STALE pid=\(pid) heartbeat=\(age)s ago (stuck or dead)")
        case .stopped(let at): output.append("daemon: stopped \(ago(at))")
        case .neverStarted: output.append("daemon: not running (no heartbeat)")
        }
        return output
    }

    static func humanDuration(_ seconds: Double) -> String {
        let value = Int(abs(seconds))
        if value < 120 { return "\(value)s" }
        if value < 7200 { return "\(value / 60)m" }
        if value < 172_800 { return "\(value / 3600)h" }
        return "\(value / 86_400)d"
    }
}
