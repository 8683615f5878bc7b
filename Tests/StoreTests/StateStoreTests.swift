import Foundation
import Glibc
import Testing
import TestSupport
@testable import Store

func newArticle(_ n: Int, feed: String = "feed-a", guid: String? = nil) -> NewArticle {
    NewArticle(canonicalURL: "https://www.example.com/read/\(n)", articleID: String(format: "%016x", n), feed: feed,
               guid: guid ?? "guid-\(n)", url: "https://m.example.com/read/\(n)?utm_source=x", title: "Article \(n)")
}

func fileMode(_ path: String) -> UInt32 {
    var info = stat()
    return lstat(path, &info) == 0 ? UInt32(info.st_mode & 0o7777) : 0
}

@Suite struct StateStoreTests {
    @Test func createsPrivateDirectoryAndFileInWALWithFullSync() throws {
        let root = TemporaryDirectory("state")
        let directory = root.path + "/var/lib/feedcrawler"
        let store = try StateStore(directory: directory)
        #expect(store.path == directory + "/state.sqlite")
        #expect(fileMode(directory) == 0o700)
        #expect(fileMode(store.path) == 0o600)
        #expect(try store.pragma("journal_mode") == "wal")
        #expect(try store.pragma("synchronous") == "2")  // FULL
        _ = try store.reserveSpoolSequence()
        #expect(fileMode(store.path + "-wal") == 0o600)
    }

    @Test func spoolSequenceIsNeverReusedAcrossReopen() throws {
        let root = TemporaryDirectory("state")
        var taken: [Int] = []
        do {
            let store = try StateStore(directory: root.path)
            for _ in 0..<3 { taken.append(try store.reserveSpoolSequence()) }
        }
        do {
            let store = try StateStore(directory: root.path)
            for _ in 0..<2 { taken.append(try store.reserveSpoolSequence()) }
            try store.raiseSpoolSequence(atLeast: 3)  // lower than current: no effect
            taken.append(try store.reserveSpoolSequence())
            try store.raiseSpoolSequence(atLeast: 100)
        }
        let store = try StateStore(directory: root.path)
        taken.append(try store.reserveSpoolSequence())
        #expect(taken == [0, 1, 2, 3, 4, 5, 100])
    }

    @Test func enqueueAndSeenChecksSurviveReopen() throws {
        let root = TemporaryDirectory("state")
        do {
            let store = try StateStore(directory: root.path)
            #expect(try store.enqueue(newArticle(1)) == .enqueued(key: 1))
            #expect(try store.enqueue(newArticle(2)) == .enqueued(key: 2))
            // Same canonical URL from another feed and GUID: known, the GUID recorded for that feed.
            #expect(try store.enqueue(newArticle(1, feed: "feed-b", guid: "other")) == .alreadyKnown(key: 1, state: .pending))
            try store.markSeen(feed: "feed-c", guid: "x")
            // Batch: one transaction, results in order.
            #expect(try store.enqueue([newArticle(5), newArticle(2), newArticle(5)])
                == [.enqueued(key: 3), .alreadyKnown(key: 2, state: .pending), .alreadyKnown(key: 3, state: .pending)])
        }
        let store = try StateStore(directory: root.path)
        #expect(try store.isKnown(canonicalURL: "https://www.example.com/read/1"))
        #expect(try !store.isKnown(canonicalURL: "https://www.example.com/read/3"))
        #expect(try store.isKnown(feed: "feed-a", guid: "guid-2"))
        #expect(try store.isKnown(feed: "feed-b", guid: "other"))
        #expect(try store.isKnown(feed: "feed-c", guid: "x"))
        #expect(try !store.isKnown(feed: "feed-b", guid: "guid-2"))
        let pending = try store.pendingArticles(limit: 10)
        #expect(pending.map(\.key) == [1, 2, 3])
        #expect(pending[0].url == "https://m.example.com/read/1?utm_source=x")
        #expect(pending[0].articleID == "0000000000000001")
        // The page's own canonical URL counts as known once recorded.
        try store.recordFetched(key: 2, pageCanonicalURL: "https://www.example.com/canonical/2", bodyHash: "h2",
                                simHash: 0xFFFF_0000_FFFF_0000)
        #expect(try store.isKnown(canonicalURL: "https://www.example.com/canonical/2"))
        #expect(try store.article(canonicalURL: "https://www.example.com/canonical/2")?.key == 2)
        #expect(try store.article(key: 2)?.simHash == 0xFFFF_0000_FFFF_0000)
        #expect(throws: StateStoreError.unknownArticle(99)) {
            try store.recordFetched(key: 99, pageCanonicalURL: nil, bodyHash: nil, simHash: nil)
        }
    }

    @Test func failuresRetriesAndDuplicates() throws {
        let root = TemporaryDirectory("state")
        let store = try StateStore(directory: root.path)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        for n in 1...3 { _ = try store.enqueue(newArticle(n), at: now) }
        try store.markFailed(key: 1, reason: "timeout", retryAt: now.addingTimeInterval(600), at: now)
        #expect(try store.pendingArticles(limit: 10, now: now).map(\.key) == [2, 3])
        #expect(try store.pendingArticles(limit: 10, now: now.addingTimeInterval(601)).map(\.key) == [1, 2, 3])
        try store.markFailed(key: 1, reason: "http_404", retryAt: nil, at: now)
        let failed = try #require(try store.article(key: 1))
        #expect(failed.state == .failed && failed.attempts == 2 && failed.lastError == "http_404")

        // Key 2 goes to the spool; key 3 is an exact duplicate of it.
        let sequence = try store.reserveSpoolSequence()
        try store.markWriting(key: 2, spoolName: "00\(sequence)_0000000000000002")
        try store.recordFetched(key: 2, pageCanonicalURL: nil, bodyHash: "samehash", simHash: nil)
        #expect(try store.findByBodyHash("samehash")?.key == 2)  // writing counts: it is going into the spool
        try store.markWritten(key: 2, at: now)
        let original = try #require(try store.findByBodyHash("samehash"))
        try store.markDuplicate(key: 3, of: try #require(original.spoolName), stage: .exact)
        let duplicate = try #require(try store.article(key: 3))
        #expect(duplicate.state == .duplicate && duplicate.duplicateOf == "000_0000000000000002" && duplicate.duplicateStage == .exact)
        #expect(try store.pendingArticles(limit: 10, now: now.addingTimeInterval(10_000)).isEmpty)
        // Transitions out of final states are refused with a typed error.
        #expect(throws: StateStoreError.invalidTransition(key: 2, from: .written, to: .duplicate)) {
            try store.markDuplicate(key: 2, of: "x", stage: .near)
        }
        #expect(throws: StateStoreError.unknownArticle(42)) { try store.markWritten(key: 42) }
        let counts = try store.articleCounts()
        #expect(counts[.written] == 1 && counts[.duplicate] == 1 && counts[.failed] == 1 && counts[.pending] == 0)
    }

    @Test func feedStateRoundTrip() throws {
        let root = TemporaryDirectory("state")
        let state = FeedState(name: "kompas", url: "https://rss.kompas.com/", etag: "\"abc\"",
                              lastModified: "Sat, 30 Jul 2022 01:06:00 GMT",
                              lastPollAt: Date(timeIntervalSince1970: 1_700_000_000), lastSuccessAt: nil,
                              lastOutcome: "http_503", lastNewItems: 0, nextDueAt: Date(timeIntervalSince1970: 1_700_000_600),
                              consecutiveFailures: 3, disabledReason: nil,
                              permanentRedirectURL: "https://www.kompas.com/rss", permanentRedirectCount: 2)
        do {
            let store = try StateStore(directory: root.path)
            try store.saveFeedState(state)
            try store.saveFeedStates([FeedState(name: "old", url: "https://old.example/rss"),
                                      FeedState(name: "older", url: "https://older.example/rss")])
        }
        let store = try StateStore(directory: root.path)
        #expect(try store.feedState(name: "kompas") == state)
        var updated = state
        updated.disabledReason = "http_410"
        try store.saveFeedState(updated)
        #expect(try store.feedState(name: "kompas")?.disabledReason == "http_410")
        #expect(try store.removeFeedStates(notIn: ["kompas"]) == 2)
        #expect(try store.feedStates().map(\.name) == ["kompas"])
        #expect(try store.feedState(name: "missing") == nil)
    }

    @Test func pruneKeepsPendingAndRecent() throws {
        let root = TemporaryDirectory("state")
        let store = try StateStore(directory: root.path)
        let old = Date(timeIntervalSince1970: 1_600_000_000)
        let recent = Date(timeIntervalSince1970: 1_700_000_000)
        _ = try store.enqueue(newArticle(1), at: old)  // stays pending: kept
        _ = try store.enqueue(newArticle(2), at: old)
        try store.markFailed(key: 2, reason: "http_404", retryAt: nil, at: old)  // old and final: pruned
        _ = try store.enqueue(newArticle(3), at: recent)
        try store.markFailed(key: 3, reason: "http_404", retryAt: nil, at: recent)  // recent: kept
        let report = try store.prune(olderThan: Date(timeIntervalSince1970: 1_650_000_000))
        #expect(report == PruneReport(articles: 1, guids: 2))
        #expect(try store.article(key: 1) != nil && store.article(key: 2) == nil && store.article(key: 3) != nil)
        // Keys are never reused after pruning (AUTOINCREMENT): temp spool files are named by key.
        #expect(try store.enqueue(newArticle(4)) == .enqueued(key: 4))
        try store.compact()
        #expect(try store.article(key: 4)?.state == .pending)
        #expect(try store.pragma("synchronous") == "2")
    }

    @Test func articlesTodayCountsFromLocalMidnight() throws {
        let root = TemporaryDirectory("state")
        let store = try StateStore(directory: root.path)
        // 2022-07-30 00:30 WIB is 2022-07-29 17:30 UTC.
        let justAfterMidnightWIB = Date(timeIntervalSince1970: 1_659_115_800)
        let beforeMidnightWIB = justAfterMidnightWIB.addingTimeInterval(-3600)
        for (n, time) in [(1, beforeMidnightWIB), (2, justAfterMidnightWIB)] {
            _ = try store.enqueue(newArticle(n))
            try store.markWriting(key: Int64(n), spoolName: "00\(n)_000000000000000\(n)")
            try store.markWritten(key: Int64(n), at: time)
        }
        let now = justAfterMidnightWIB.addingTimeInterval(60)
        #expect(try store.articlesToday(now: now, utcOffsetSeconds: 25_200) == 1)
        #expect(try store.articlesToday(now: now, utcOffsetSeconds: 0) == 2)
        #expect(try store.writtenCountByFeed(since: beforeMidnightWIB) == ["feed-a": 2])
    }

    @Test func refusesSymlinkedDatabaseFile() throws {
        let root = TemporaryDirectory("state")
        let victim = try root.write("victim", "precious")
        try FileManager.default.createDirectory(atPath: root.path + "/state", withIntermediateDirectories: true)
        #expect(symlink(victim.path, root.path + "/state/state.sqlite") == 0)
        #expect(throws: StateStoreError.self) { try StateStore(directory: root.path + "/state") }
        #expect(try String(contentsOf: victim, encoding: .utf8) == "precious")
    }
}

@Suite struct NearDuplicateIndexTests {
    @Test func findsWithinDistanceThroughBands() throws {
        let root = TemporaryDirectory("state")
        let store = try StateStore(directory: root.path)
        let base: UInt64 = 0x0123_4567_89AB_CDEF
        // Key 1: written with `base`; key 2: written, 3 bits away spread over 3 bands; key 3: pending (never a match).
        for n in 1...4 { _ = try store.enqueue(newArticle(n)) }
        try store.recordFetched(key: 1, pageCanonicalURL: nil, bodyHash: nil, simHash: base)
        try store.recordFetched(key: 2, pageCanonicalURL: nil, bodyHash: nil, simHash: base ^ (1 << 0 | 1 << 17 | 1 << 40))
        try store.recordFetched(key: 3, pageCanonicalURL: nil, bodyHash: nil, simHash: base)
        for key in [Int64(1), 2] {
            try store.markWriting(key: key, spoolName: "00\(key)_000000000000000\(key)")
            try store.markWritten(key: key)
        }
        // Exact match wins over the 3-bit one.
        let exact = try #require(try store.findNearDuplicate(simHash: base, maxDistance: 3))
        #expect(exact.0.key == 1 && exact.distance == 0)
        // 3 bits away from key 1 in three different bands: the fourth band still matches.
        let probe = base ^ (1 << 5 | 1 << 20 | 1 << 36)
        let near = try #require(try store.findNearDuplicate(simHash: probe, maxDistance: 3))
        #expect(near.0.key == 1 && near.distance == 3)
        #expect(try store.findNearDuplicate(simHash: probe, maxDistance: 2) == nil)
        // Excluding itself; far hashes find nothing.
        #expect(try store.findNearDuplicate(simHash: base, maxDistance: 0, excluding: 1) == nil)
        #expect(try store.findNearDuplicate(simHash: ~base, maxDistance: 10) == nil)
        // Pruning an article removes its bands (ON DELETE CASCADE).
        _ = try store.prune(olderThan: Date().addingTimeInterval(3600))
        #expect(try store.findNearDuplicate(simHash: base, maxDistance: 3) == nil)
    }
}
