// When to poll a feed next: a pure function of the configuration, what the last poll saw, and a random jitter
// source. No clock or I/O here, so every rule is unit-tested.
//
// 1. Base: the feed's `interval`, else `default_interval`.
// 2. Adaptive: from the publication dates in the feed, the mean gap between recent items; polling at half that
//    gap catches new items promptly without hammering quiet feeds. Kept within 1/4..4x the base, so the
//    operator's interval stays the centre of gravity.
// 3. Bounds: `min_interval` .. `max_interval`. A feed with items left over (max_items_per_poll) comes back at
//    `min_interval` to work through its backlog.
// 4. Lower bounds the site asked for: RSS <ttl>, sy:updatePeriod/Frequency, Cache-Control max-age (capped at
//    max_interval: a site cannot stop us for a week with a typo).
// 5. Failures back off exponentially: base x 2^failures, at most 24 h. Retry-After wins when longer.
// 6. Jitter +-10% so feeds of one host drift apart instead of firing together.
import CrawlerModel
import Foundation

struct PollPolicy: Sendable {
    var defaultIntervalSeconds: Int
    var minIntervalSeconds: Int
    var maxIntervalSeconds: Int
    /// Longest wait after repeated failures.
    var maxBackoffSeconds: Int = 86_400
    /// Relative jitter: 0.1 = +-10%.
    var jitter: Double = 0.1

    init(config: Config) {
        defaultIntervalSeconds = config.defaultIntervalSeconds
        minIntervalSeconds = config.minIntervalSeconds
        maxIntervalSeconds = config.maxIntervalSeconds
    }

    init(defaultIntervalSeconds: Int, minIntervalSeconds: Int, maxIntervalSeconds: Int) {
        self.defaultIntervalSeconds = defaultIntervalSeconds
        self.minIntervalSeconds = minIntervalSeconds
        self.maxIntervalSeconds = maxIntervalSeconds
    }

    /// What the last poll observed, as far as scheduling cares.
    struct Observation: Sendable, Equatable {
        /// Publication dates of the items the feed lists (any order; nil dates left out).
        var itemDates: [Date] = []
        /// <ttl> / sy:update* hint, seconds.
        var feedHintSeconds: Int?
        /// Cache-Control max-age of the feed response, seconds.
        var cacheMaxAgeSeconds: Int?
        /// Consecutive failures including this poll's (0 after a success).
        var consecutiveFailures: Int = 0
        /// Retry-After from a 429/503, seconds.
        var retryAfterSeconds: Int?
        /// New items were left for later polls (`max_items_per_poll`): come back at the minimum interval.
        var backlog = false
    }

    /// Seconds until the next poll, before jitter.
    func intervalSeconds(for feed: FeedConfig, after observation: Observation, now: Date) -> Double {
        let base = Double(feed.intervalSeconds ?? defaultIntervalSeconds)
        var interval = base
        if let gap = Self.meanRecentGapSeconds(observation.itemDates, now: now) {
            interval = min(max(gap / 2, base / 4), base * 4)
        }
        if observation.backlog { interval = Double(minIntervalSeconds) }
        interval = min(max(interval, Double(minIntervalSeconds)), Double(maxIntervalSeconds))
        let hints = [observation.feedHintSeconds, observation.cacheMaxAgeSeconds].compactMap { $0 }
        if let hint = hints.max() { interval = max(interval, min(Double(hint), Double(maxIntervalSeconds))) }
        if observation.consecutiveFailures > 0 {
            let exponent = Double(min(observation.consecutiveFailures, 16))
            interval = min(max(interval, base * pow(2, exponent)), Double(maxBackoffSeconds))
        }
        if let retryAfter = observation.retryAfterSeconds {
            interval = max(interval, min(Double(retryAfter), Double(maxBackoffSeconds)))
        }
        return interval
    }

    /// The next due time: now + interval, with jitter drawn from `random` (a value in 0..<1).
    func nextDue(for feed: FeedConfig, after observation: Observation, now: Date, random: Double) -> Date {
        let interval = intervalSeconds(for: feed, after: observation, now: now)
        let factor = 1 + jitter * (2 * random - 1)
        // Retry-After is a floor the server set: jitter only later, never earlier.
        let jittered = observation.retryAfterSeconds.map { max(interval * factor, Double($0)) } ?? interval * factor
        return now.addingTimeInterval(jittered)
    }

    /// When a feed with no persisted due time, or an overdue one, is first polled after a (re)start: spread
    /// over 50 ms per feed, at most a minute (or the feed's interval, if shorter), so a restart with thousands
    /// of feeds does not stampede while a handful start at once.
    func startupDue(for feed: FeedConfig, persisted: Date?, now: Date, random: Double, feedCount: Int) -> Date {
        if let persisted, persisted > now { return persisted }
        let spread = min(60, Double(feed.intervalSeconds ?? defaultIntervalSeconds), 0.05 * Double(feedCount))
        return now.addingTimeInterval(spread * random)
    }

    /// Mean gap between the most recent items published within the last 7 days (at least 3 such items),
    /// nil when the feed does not say enough to tell.
    static func meanRecentGapSeconds(_ dates: [Date], now: Date) -> Double? {
        let window = now.addingTimeInterval(-7 * 86_400)
        let recent = dates.filter { $0 >= window && $0 <= now.addingTimeInterval(3600) }.sorted()
        guard recent.count >= 3, let first = recent.first, let last = recent.last else { return nil }
        // Include the time since the newest item: a feed that stopped publishing yesterday is not "every 5 min".
        let span = max(last.timeIntervalSince(first), 1) + max(0, now.timeIntervalSince(last))
        return span / Double(recent.count)
    }
}
