public import struct Foundation.Date
// What one pass over the feeds did: values the CLI prints and the daemon logs.

/// How one feed's poll ended.
public enum FeedPollStatus: Sendable, Equatable {
    /// The feed was fetched and parsed.
    case polled
    /// The server said 304 Not Modified: nothing was parsed.
    case notModified
    /// The poll failed; `reason` is a stable token (`timeout`, `http_404`, `not_a_feed`, ...).
    case failed(reason: String)
    /// Skipped without a request (disabled feed, host rate-limited until later).
    case skipped(reason: String)
}

/// One feed's part of a pass.
public struct FeedRunReport: Sendable, Equatable {
    public var feed: String
    public var status: FeedPollStatus
    /// Articles written to the spool.
    public var written: Int = 0
    /// Items already known, or articles caught as duplicates after fetching.
    public var duplicates: Int = 0
    /// Articles that failed (fetch, extraction, rejection); they stay pending or failed in the state store.
    public var failed: Int = 0
    /// Items left for the next poll because of `max_items_per_poll`.
    public var deferred: Int = 0
    public var elapsedMilliseconds: Int = 0
    /// When the scheduler should poll this feed next (persisted in the state database).
    public var nextDueAt: Date?

    public init(feed: String, status: FeedPollStatus) {
        self.feed = feed
        self.status = status
    }

    public var isFailure: Bool {
        if case .failed = status { return true }
        return false
    }
}

/// A whole pass (`feedcrawler fetch`).
public struct FetchRunReport: Sendable, Equatable {
    public var feeds: [FeedRunReport]
    public var elapsedMilliseconds: Int

    public init(feeds: [FeedRunReport], elapsedMilliseconds: Int) {
        self.feeds = feeds
        self.elapsedMilliseconds = elapsedMilliseconds
    }

    public var written: Int { feeds.reduce(0) { $0 + $1.written } }
    public var duplicates: Int { feeds.reduce(0) { $0 + $1.duplicates } }
    public var failedArticles: Int { feeds.reduce(0) { $0 + $1.failed } }
    public var failedFeeds: Int { feeds.filter(\.isFailure).count }

    /// One line per feed and a total line, as `feedcrawler fetch` prints them.
    public var summaryLines: [String] {
        var lines: [String] = []
        let width = max(4, feeds.map(\.feed.count).max() ?? 4)
        for feed in feeds {
            let name = feed.feed.padding(toLength: width, withPad: " ", startingAt: 0)
            let status: String
            switch feed.status {
            case .polled: status = "ok"
            case .notModified: status = "not-modified"
            case .failed(let reason): status = "FAILED \(reason)"
            case .skipped(let reason): status = "skipped \(reason)"
            }
            var line = "\(name)  new=\(feed.written) skipped=\(feed.duplicates) failed=\(feed.failed)"
            if feed.deferred > 0 { line += " deferred=\(feed.deferred)" }
            line += " ms=\(feed.elapsedMilliseconds)  \(status)"
            lines.append(line)
        }
        lines.append("total: feeds=\(feeds.count) failed_feeds=\(failedFeeds) new=\(written) skipped=\(duplicates) "
                     + "failed=\(failedArticles) ms=\(elapsedMilliseconds)")
        return lines
    }
}

extension String {
    fileprivate func padding(toLength length: Int, withPad pad: String, startingAt _: Int) -> String {
        count >= length ? self : self + String(repeating: pad, count: length - count)
    }
}

/// Where a pass stands, for the progress line `feedcrawler fetch` shows on a terminal.
public struct FetchProgress: Sendable, Equatable {
    public var feedsPolled = 0
    public var feedsTotal = 0
    public var articlesWritten = 0
    public var articlesDone = 0
    public var articlesFailed = 0

    public init() {}

    /// e.g. "feeds 12/300  articles 45 written, 3 failed"
    public var line: String {
        "feeds \(feedsPolled)/\(feedsTotal)  articles \(articlesWritten) written, \(articlesFailed) failed, "
            + "\(articlesDone) done"
    }
}
