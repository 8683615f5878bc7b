import Foundation
import Glibc
import Testing
import TestSupport
@testable import Store
import Dedup
import Spool

func newArticle(_ n: Int, feed: String = "feed-a", guid: String? = nil) -> NewArticle {
    NewArticle(canonicalURL: "https://www.example.com/read/\(n)", articleID: String(format: "%016x", n), feed: feed,
               guid: guid ?? "guid-\(n)", url: "https://m.example.com/read/\(n)?utm_source=x", title: "Article \(n)")
}

func fileMode(_ path: String) -> UInt32 {
    var info = stat()
    return lstat(path, &info) == 0 ? UInt32(info.st_mode & 0o7777) : 0
}

@Suite struct StateStoreTests {
    @Test func createsPrivateDirectoryAndFileInWALWithNormalSync() throws {
        let root = TemporaryDirectory("state")
        let directory = root.path + "/var/lib/feedcrawler"
        let store = try StateStore(directory: directory)
        #expect(store.path == directory + "/state.sqlite")
        #expect(fileMode(directory) == 0o700)
        #expect(fileMode(store.path) == 0o600)
        #expect(try store.pragma("journal_mode") == "wal")
        #expect(try store.pragma("synchronous") == "1")  // NORMAL: ordinary commits are not fsynced
        // Claims are made durable by an fsync of the WAL after their commit (outside the writer lock).
        let syncsBefore = store.walSyncs.value
        _ = try store.reserveSpoolSequence()
        #expect(store.walSyncs.value == syncsBefore + 1)
        _ = try store.enqueue(newArticle(1))
        #expect(store.walSyncs.value == syncsBefore + 1)  // ordinary commits are not
        #expect(fileMode(store.path + "-wal") == 0o600)
    }

    @Test func settingAStateBuildsNoTemporaryTableAfterTheUpgradeAndIsStillChecked() throws {
        let root = TemporaryDirectory("state")
        let setState = "UPDATE articles SET state = 'writing' WHERE id = 1"
        // A database as the schema before v5 made it, with an article in it: its state CHECK (an IN list) made
        // SQLite build a temporary b-tree for every statement that sets a state.
        do {
            let old = try StateStore(directory: root.path, migratingUpTo: "v4-pending-in-key-order")
            _ = try old.enqueue(newArticle(1))
            #expect(try old.opcodes(of: setState).contains("OpenEphemeral"))
        }
        let store = try StateStore(directory: root.path)
        #expect(try !store.opcodes(of: setState).contains("OpenEphemeral"))
        #expect(try store.articleCounts()[.pending] == 1)
        #expect(throws: StateStoreError.self) { try store.execute("UPDATE articles SET state = 'lost' WHERE id = 1") }
        try store.execute(setState)
        #expect(try store.articleCounts()[.writing] == 1)
        // A new database gets the same plan.
        let fresh = try StateStore(directory: root.path + "/fresh")
        #expect(try !fresh.opcodes(of: setState).contains("OpenEphemeral"))
        _ = try fresh.enqueue(newArticle(2))
        #expect(try fresh.articleCounts()[.pending] == 1)
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

    /// Keyset pages: each starts after the last key handed out, skips what is not pending or not due, and a
    /// whole queue read page by page yields every due article once, in key order.
    @Test func pendingArticlesPageInKeyOrder() throws {
        let root = TemporaryDirectory("state")
        let store = try StateStore(directory: root.path)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        for n in 1...9 { _ = try store.enqueue(newArticle(n), at: now) }
        try store.markFailed(key: 4, reason: "timeout", retryAt: now.addingTimeInterval(600), at: now)  // not due
        try store.markFailed(key: 6, reason: "http_404", retryAt: nil, at: now)  // not pending
        #expect(try store.pendingArticles(limit: 2, now: now, afterKey: 2).map(\.key) == [3, 5])
        var keys: [Int64] = []
        var last: Int64?
        while true {
            let page = try store.pendingArticles(limit: 2, now: now, afterKey: last)
            guard let tail = page.last else { break }
            keys += page.map(\.key)
            last = tail.key
        }
        #expect(keys == [1, 2, 3, 5, 7, 8, 9])
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
        #expect(try store.pragma("synchronous") == "1")
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
    /// A body of `count` distinct sentences drawn from a numbered vocabulary: different `topic`s share no shingle.
    func body(topic: Int, paragraphs count: Int = 8) -> [String] {
        (0..<count).map { p in
            (0..<4).map { s in "Kalimat \(topic)x\(p)x\(s) menyebut pejabat \(topic * 100 + p) dan warga \(topic)w\(s) di kota \(p)k\(topic)." }
                .joined(separator: " ")
        }
    }

    func written(_ store: StateStore, _ key: Int64) throws {
        let names = try store.beginWriting([SpoolClaim(articleKey: key, articleID: String(format: "%016x", key))])
        #expect(names[key] != nil)
        try store.finishWriting([key])
    }

    @Test func findsSyndicatedCopyRecordsOriginalsAndPrunes() throws {
        let root = TemporaryDirectory("state")
        let store = try StateStore(directory: root.path)
        for n in 1...5 { _ = try store.enqueue(newArticle(n)) }
        let original = body(topic: 1)
        // Key 1: the original, checked (nothing found, so recorded) and written.
        #expect(try store.nearDuplicate(key: 1, of: BodyFingerprint(paragraphs: original)) == nil)
        try written(store, 1)
        // Key 2: a different article: not a duplicate, recorded, written.
        #expect(try store.nearDuplicate(key: 2, of: BodyFingerprint(paragraphs: body(topic: 2))) == nil)
        try written(store, 2)
        // Key 3: the original syndicated: another dateline, a footer, two paragraphs dropped, a typo.
        var copy = original
        copy.remove(at: 5)
        copy.remove(at: 2)
        copy[0] = "TRIBUN-MEDAN.com, SIANTAR - " + copy[0].replacingOccurrences(of: "pejabat", with: "pejabt")
        copy.append("Artikel ini telah tayang di Tribunnews.com dengan judul Sesuatu")
        let found = try #require(try store.nearDuplicate(key: 3, of: BodyFingerprint(paragraphs: copy)))
        #expect(found.key == 1 && found.spoolName?.hasSuffix("_0000000000000001") == true)
        // A duplicate is not recorded as an original; looking up again still finds key 1.
        #expect(try store.findNearDuplicate(of: BodyFingerprint(paragraphs: copy).minHash)?.0.key == 1)
        // Too short to compare: never matched.
        #expect(try store.nearDuplicate(key: 4, of: BodyFingerprint(paragraphs: ["Singkat saja."])) == nil)
        // Pending articles are not originals: key 5 records the same body as pending key 4 would.
        #expect(try store.findNearDuplicate(of: BodyFingerprint(paragraphs: body(topic: 3)).minHash) == nil)
        // Pruning forgets fingerprints with their articles.
        _ = try store.prune(olderThan: Date().addingTimeInterval(3600))
        #expect(try store.findNearDuplicate(of: BodyFingerprint(paragraphs: copy).minHash) == nil)
        #expect(try store.nearDuplicate(key: 3, of: BodyFingerprint(paragraphs: copy)) == nil)
    }

    /// The crawler's screening after fetching: one call per batch decides each article in order and marks
    /// the duplicates; copies inside one batch pass it and are caught by the claim.
    @Test func screensFetchedBatchesAndMarksDuplicates() throws {
        let root = TemporaryDirectory("state")
        let store = try StateStore(directory: root.path)
        for n in 1...8 { _ = try store.enqueue(newArticle(n)) }
        func fetched(_ key: Int64, _ paragraphs: [String], page: String? = nil) -> FetchedArticle {
            FetchedArticle(key: key, canonicalURL: "https://www.example.com/read/\(key)", pageCanonicalURL: page,
                           fingerprint: BodyFingerprint(paragraphs: paragraphs))
        }
        let original = body(topic: 11)
        #expect(try store.screenFetched([fetched(1, original), fetched(2, body(topic: 12))]) == [.clear, .clear])
        try written(store, 1)
        try written(store, 2)
        var syndicated = original
        syndicated[0] = "KOMPAS.com, JAKARTA - " + syndicated[0]
        syndicated.removeLast()
        let results = try store.screenFetched([
            fetched(3, body(topic: 13), page: "https://www.example.com/read/1"),  // the page says it is article 1
            fetched(4, body(topic: 12)),                                            // same body as 2
            fetched(5, syndicated),                                                 // near copy of 1
            fetched(6, body(topic: 14)),                                            // new
            fetched(7, body(topic: 15)), fetched(8, body(topic: 15)),               // two copies in one batch
            fetched(2, body(topic: 12)),                                            // not pending any more
        ])
        #expect(results == [.duplicate(of: "000_0000000000000001", stage: .pageCanonical),
                            .duplicate(of: "001_0000000000000002", stage: .exact),
                            .duplicate(of: "000_0000000000000001", stage: .near),
                            .clear, .clear, .clear, .notPending])
        let marked = try #require(try store.article(key: 5))
        #expect(marked.state == .duplicate && marked.duplicateOf == "000_0000000000000001" && marked.duplicateStage == .near)
        #expect(try store.article(key: 6)?.state == .pending)
        // The claim takes the first of the two in-batch copies and marks the second.
        let names = try store.beginWriting([6, 7, 8].map { SpoolClaim(articleKey: $0, articleID: String(format: "%016x", $0)) })
        #expect(names.keys.sorted() == [6, 7])
        #expect(try store.article(key: 8)?.duplicateStage == .exact)
    }

    /// A poll's lookup of all its items at once answers as the one-item lookups do.
    @Test func knownItemsAnswersLikeTheSingleLookups() throws {
        let root = TemporaryDirectory("state")
        let store = try StateStore(directory: root.path)
        _ = try store.enqueue(newArticle(1, feed: "feed-a", guid: "g1"))
        try store.markSeen(feed: "feed-a", guid: "g-seen")
        _ = try store.screenFetched([FetchedArticle(key: 1, canonicalURL: "https://www.example.com/read/1",
                                                    pageCanonicalURL: "https://www.example.com/page-canonical",
                                                    fingerprint: BodyFingerprint(paragraphs: ["x"]))])
        let guids = ["g1", "g-seen", "g-new"]
        let urls = ["https://www.example.com/read/1", "https://www.example.com/page-canonical", "https://www.example.com/new"]
        let known = try store.knownItems(feed: "feed-a", guids: guids, canonicalURLs: urls)
        #expect(known.guids == Set(try guids.filter { try store.isKnown(feed: "feed-a", guid: $0) }))
        #expect(known.guids == ["g1", "g-seen"])
        #expect(known.canonicalURLs == Set(try urls.filter { try store.isKnown(canonicalURL: $0) }))
        #expect(known.canonicalURLs.count == 2)
        #expect(try store.knownItems(feed: "feed-b", guids: guids, canonicalURLs: []).guids.isEmpty)
    }

    @Test func maintainPrunesTheWindowAndCompacts() throws {
        let root = TemporaryDirectory("state")
        let store = try StateStore(directory: root.path)
        let old = Date().addingTimeInterval(-40 * 86_400)
        for n in 1...200 { _ = try store.enqueue(newArticle(n), at: n <= 150 ? old : Date()) }
        for n in 1...200 {
            #expect(try store.nearDuplicate(key: Int64(n), of: BodyFingerprint(paragraphs: body(topic: 100 + n, paragraphs: 2))) == nil)
        }
        try store.finishWriting(Array(try store.beginWriting((1...200).map { SpoolClaim(articleKey: Int64($0), articleID: String(format: "%016x", $0)) }).keys))
        let sizeBefore = try FileManager.default.attributesOfItem(atPath: store.path)[.size] as? Int ?? 0
        let report = try store.maintain(windowDays: 30)
        #expect(report.articles == 150)
        // Old fingerprints are gone, recent ones stay.
        #expect(try store.findNearDuplicate(of: BodyFingerprint(paragraphs: body(topic: 101, paragraphs: 2)).minHash) == nil)
        #expect(try store.findNearDuplicate(of: BodyFingerprint(paragraphs: body(topic: 300, paragraphs: 2)).minHash)?.0.key == 200)
        // Three quarters of the rows went: the file was compacted.
        let sizeAfter = try FileManager.default.attributesOfItem(atPath: store.path)[.size] as? Int ?? 0
        #expect(sizeAfter < sizeBefore, "\(sizeBefore) -> \(sizeAfter)")
        #expect(try store.maintain(windowDays: 30).articles == 0)
    }

    /// Two copies processed at the same time both pass their own check (neither is claimed yet); the claim
    /// of the second finds the first and makes it a duplicate instead of writing it.
    @Test func concurrentCopiesAreCaughtAtClaim() throws {
        let root = TemporaryDirectory("state")
        let store = try StateStore(directory: root.path)
        for n in 1...4 { _ = try store.enqueue(newArticle(n)) }
        let original = body(topic: 7)
        var copy = original
        copy.removeLast()
        copy.insert("Baca Juga: Berita lain yang sama sekali berbeda", at: 2)
        #expect(try store.nearDuplicate(key: 1, of: BodyFingerprint(paragraphs: original)) == nil)
        #expect(try store.nearDuplicate(key: 2, of: BodyFingerprint(paragraphs: copy)) == nil)  // key 1 not claimed yet
        try store.recordFetched(key: 3, pageCanonicalURL: nil, bodyHash: "same", simHash: nil)
        try store.recordFetched(key: 4, pageCanonicalURL: nil, bodyHash: "same", simHash: nil)
        let names = try store.beginWriting([1, 2, 3, 4].map { SpoolClaim(articleKey: $0, articleID: String(format: "%016x", $0)) })
        #expect(names.keys.sorted() == [1, 3])
        let near = try #require(try store.article(key: 2))
        #expect(near.state == .duplicate && near.duplicateStage == .near && near.duplicateOf == names[1]?.stem)
        let exact = try #require(try store.article(key: 4))
        #expect(exact.state == .duplicate && exact.duplicateStage == .exact && exact.duplicateOf == names[3]?.stem)
    }

    @Test func differentArticlesOfOneEventStayApart() throws {
        let root = TemporaryDirectory("state")
        let store = try StateStore(directory: root.path)
        for n in 1...2 { _ = try store.enqueue(newArticle(n)) }
        // Two outlets' reports sharing one quoted paragraph.
        let quote = "\"Kami melakukan percakapan yang jujur dan langsung dengan pihak Rusia mengenai pembebasan dua warga,\" kata Blinken."
        var first = body(topic: 11)
        first.insert(quote, at: 2)
        var second = body(topic: 12)
        second.insert(quote, at: 4)
        #expect(try store.nearDuplicate(key: 1, of: BodyFingerprint(paragraphs: first)) == nil)
        try written(store, 1)
        #expect(try store.nearDuplicate(key: 2, of: BodyFingerprint(paragraphs: second)) == nil)
    }
}
