// The scheduling rules, each on its own: base interval, adaptation to the observed publishing rate, global
// bounds, feed and HTTP hints as lower bounds, failure backoff, Retry-After, jitter and start-up spreading.
@testable import CrawlerCore
import Foundation
import Testing

struct PollPolicyTests {
    let policy = PollPolicy(defaultIntervalSeconds: 600, minIntervalSeconds: 60, maxIntervalSeconds: 86_400)
    let now = Date(timeIntervalSince1970: 1_790_000_000)
    let feed = FeedConfig(name: "f", url: "https://example.com/rss")

    func items(everySeconds gap: Double, count: Int, newestAgo: Double = 0) -> [Date] {
        (0..<count).map { now.addingTimeInterval(-newestAgo - Double($0) * gap) }
    }

    @Test func withoutObservationsTheConfiguredIntervalApplies() {
        #expect(policy.intervalSeconds(for: feed, after: .init(), now: now) == 600)
        var custom = feed
        custom.intervalSeconds = 1800
        #expect(policy.intervalSeconds(for: custom, after: .init(), now: now) == 1800)
    }

    @Test func busyFeedsArePolledMoreOftenQuietOnesLessWithinFourTimesTheBase() {
        let busy = PollPolicy.Observation(itemDates: items(everySeconds: 120, count: 20))
        let busyInterval = policy.intervalSeconds(for: feed, after: busy, now: now)
        #expect(busyInterval < 600)
        #expect(busyInterval == 150)  // floor: a quarter of the base

        let quiet = PollPolicy.Observation(itemDates: items(everySeconds: 6 * 3600, count: 10))
        let quietInterval = policy.intervalSeconds(for: feed, after: quiet, now: now)
        #expect(quietInterval > 600)
        #expect(quietInterval == 2400)  // ceiling: four times the base
    }

    @Test func aFeedThatStoppedPublishingIsNotTreatedAsBusy() {
        // Three items a minute apart, but the newest is two days old.
        let stale = PollPolicy.Observation(itemDates: items(everySeconds: 60, count: 3, newestAgo: 2 * 86_400))
        #expect(policy.intervalSeconds(for: feed, after: stale, now: now) >= 600)
    }

    @Test func globalBoundsWin() {
        let tight = PollPolicy(defaultIntervalSeconds: 600, minIntervalSeconds: 300, maxIntervalSeconds: 900)
        let busy = PollPolicy.Observation(itemDates: items(everySeconds: 10, count: 50))
        #expect(tight.intervalSeconds(for: feed, after: busy, now: now) == 300)
        let quiet = PollPolicy.Observation(itemDates: items(everySeconds: 86_400, count: 5))
        #expect(tight.intervalSeconds(for: feed, after: quiet, now: now) == 900)
    }

    @Test func feedAndCacheHintsAreLowerBoundsCappedAtTheMaximum() {
        #expect(policy.intervalSeconds(for: feed, after: .init(feedHintSeconds: 3600), now: now) == 3600)
        #expect(policy.intervalSeconds(for: feed, after: .init(cacheMaxAgeSeconds: 1200), now: now) == 1200)
        #expect(policy.intervalSeconds(for: feed, after: .init(feedHintSeconds: 60), now: now) == 600)
        #expect(policy.intervalSeconds(for: feed, after: .init(feedHintSeconds: 30 * 86_400), now: now) == 86_400)
    }

    @Test func failuresBackOffExponentiallyUpToADay() {
        #expect(policy.intervalSeconds(for: feed, after: .init(consecutiveFailures: 1), now: now) == 1200)
        #expect(policy.intervalSeconds(for: feed, after: .init(consecutiveFailures: 3), now: now) == 4800)
        #expect(policy.intervalSeconds(for: feed, after: .init(consecutiveFailures: 30), now: now) == 86_400)
    }

    @Test func retryAfterIsAFloorThatJitterNeverUndercuts() {
        let limited = PollPolicy.Observation(consecutiveFailures: 1, retryAfterSeconds: 7200)
        #expect(policy.intervalSeconds(for: feed, after: limited, now: now) == 7200)
        let earliest = policy.nextDue(for: feed, after: limited, now: now, random: 0)
        #expect(earliest.timeIntervalSince(now) >= 7200)
    }

    @Test func jitterSpreadsDueTimesByTenPercent() {
        let low = policy.nextDue(for: feed, after: .init(), now: now, random: 0).timeIntervalSince(now)
        let high = policy.nextDue(for: feed, after: .init(), now: now, random: 0.999_999).timeIntervalSince(now)
        #expect(abs(low - 540) < 0.01)
        #expect(abs(high - 660) < 0.01)
    }

    @Test func restartKeepsFutureDueTimesAndSpreadsOverdueOnesByFeedCountUpToAMinute() {
        let future = now.addingTimeInterval(300)
        #expect(policy.startupDue(for: feed, persisted: future, now: now, random: 0.5, feedCount: 10_000) == future)
        let overdue = policy.startupDue(for: feed, persisted: now.addingTimeInterval(-3600), now: now, random: 0.5,
                                        feedCount: 10_000)
        #expect(overdue == now.addingTimeInterval(30))
        let never = policy.startupDue(for: feed, persisted: nil, now: now, random: 0.999, feedCount: 10_000)
        #expect(never.timeIntervalSince(now) < 60)
        // A handful of feeds start at once (50 ms each), not over a minute.
        let few = policy.startupDue(for: feed, persisted: nil, now: now, random: 0.999, feedCount: 3)
        #expect(few.timeIntervalSince(now) < 0.15)
    }
}

extension PollPolicyTests {
    @Test func aFeedWithABacklogComesBackAtTheMinimumInterval() {
        #expect(policy.intervalSeconds(for: feed, after: .init(backlog: true), now: now) == 60)
    }
}
