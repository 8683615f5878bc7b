// The state database: one SQLite file, `state.sqlite`, in the state directory.
//
// - WAL journal (GRDB's DatabasePool): readers (e.g. `feedcrawler status` in another process) never block the
//   writer.
// - synchronous=NORMAL for every commit, plus a WAL fsync after the ones the spool protocol depends on. NORMAL in WAL
//   mode loses nothing when the process is killed (the WAL is in the page cache); on power loss it can drop the
//   last commits, but only as a suffix (WAL frames are checksummed and replayed in order), and every ordinary
//   commit is safe to lose: an enqueue goes with its feed's ETag, a fetched/duplicate/failed mark only makes
//   the article pending again, a lost "written" confirmation is redone by SpoolDelivery.recover(). What must
//   not be lost is a claim (pending -> writing with its spool name and sequence number) once files are renamed
//   into the spool: the article would be written twice and a file number reused. Those transactions
//   (`durableWrite`) are followed by an fsync of the WAL, which also covers every commit before them. Measured:
//   an fsync costs ~0.5 ms here; claims are batched (SpoolDelivery), so a crawl pays one per batch.
// - Directory 0700 and file 0600 (with its -wal/-shm, which SQLite creates with the database's mode): the
//   database holds every URL the crawler has seen; nobody else needs to read it.
//
// Threading: a final class holding a DatabasePool, safe to share across threads and tasks. Calls block
// (fsync on commit): call from a dedicated thread or accept the short block.
public import struct Foundation.Date
public import struct Foundation.Data
public import Dedup
internal import GRDB
public import Spool
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

public final class StateStore: Sendable {
    public static let fileName = "state.sqlite"
    /// Seconds a statement waits for another process's write lock before failing.
    public static let busyTimeoutSeconds: Double = 5

    /// Full path of the database file.
    public let path: String
    /// How many times durableWrite fsynced the WAL (tests check that claims are synced).
    let walSyncs = SyncCounter()
    private let pool: DatabasePool

    /// Opens (creating if needed) `state_dir/state.sqlite` and migrates it to the current schema.
    public convenience init(directory: String) throws(StateStoreError) {
        try self.init(directory: directory, migratingUpTo: nil)
    }

    /// `migratingUpTo`: the last migration to apply (nil: all). Tests open a database at an older schema with it,
    /// to check an upgrade.
    init(directory: String, migratingUpTo lastMigration: String?) throws(StateStoreError) {
        try StateStore.makePrivateDirectory(directory)
        let path = directory.hasSuffix("/") ? directory + StateStore.fileName : directory + "/" + StateStore.fileName
        try StateStore.makePrivateFile(path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(StateStore.busyTimeoutSeconds)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // DatabasePool sets synchronous=NORMAL on its writer when it enables WAL; durableWrite fsyncs the WAL
            // after the commits that must survive a power loss.
            if let lastMigration { try Schema.migrator.migrate(pool, upTo: lastMigration) } else { try Schema.migrator.migrate(pool) }
        } catch {
            throw .database(String(describing: error))
        }
        self.path = path
    }

    // MARK: - Seen checks (dedup stages 1 and 2)

    /// True when an article with this canonical URL (as found in a feed, or as the page's own canonical) is
    /// known, in any state.
    public func isKnown(canonicalURL: String) throws(StateStoreError) -> Bool {
        try !knownItems(feed: "", guids: [], canonicalURLs: [canonicalURL]).canonicalURLs.isEmpty
    }

    /// True when this feed already listed an item with this GUID.
    public func isKnown(feed: String, guid: String) throws(StateStoreError) -> Bool {
        try !knownItems(feed: feed, guids: [guid], canonicalURLs: []).guids.isEmpty
    }

    /// Which of a feed's item GUIDs and which canonical URLs are known (a GUID this feed listed before; a URL as
    /// an article's feed-side or page-side canonical URL, in any state), all in one read transaction: a poll asks about every item of its feed at
    /// once (two read transactions per item were most of a poll's CPU).
    public func knownItems(feed: String, guids: [String], canonicalURLs: [String]) throws(StateStoreError)
        -> (guids: Set<String>, canonicalURLs: Set<String>) {
        try read { db in
            var known: (guids: Set<String>, canonicalURLs: Set<String>) = ([], [])
            // One statement per question, run once per item (firstInt64 resets it for the next).
            let guidQuery = try DirectStatement(db, sql: "SELECT EXISTS(SELECT 1 FROM seen_guids WHERE feed = ?1 AND guid = ?2)")
            for guid in guids {
                guidQuery.bind(feed, at: 1)
                guidQuery.bind(guid, at: 2)
                if try guidQuery.firstInt64() == 1 { known.guids.insert(guid) }
            }
            let urlQuery = try DirectStatement(db, sql: """
                SELECT EXISTS(SELECT 1 FROM articles WHERE canonical_url = ?1)
                    OR EXISTS(SELECT 1 FROM articles WHERE page_canonical_url = ?1)
                """)
            for url in canonicalURLs {
                urlQuery.bind(url, at: 1)
                if try urlQuery.firstInt64() == 1 { known.canonicalURLs.insert(url) }
            }
            return known
        }
    }

    /// Records a feed GUID as seen without enqueuing anything (e.g. its URL was already known).
    public func markSeen(feed: String, guid: String, at now: Date = Date()) throws(StateStoreError) {
        try write { db in
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO seen_guids (feed, guid, first_seen_at) VALUES (?, ?, ?)").execute(arguments: [feed, guid, now.timeIntervalSince1970])
        }
    }

    /// The article with this canonical URL (feed-side or page-side), if known.
    public func article(canonicalURL: String) throws(StateStoreError) -> ArticleRecord? {
        try read { db in
            let query = try DirectStatement(db, sql: """
                SELECT \(ArticleRecord.columnList) FROM articles WHERE canonical_url = ?1
                UNION ALL SELECT \(ArticleRecord.columnList) FROM articles WHERE page_canonical_url = ?1
                LIMIT 1
                """)
            query.bind(canonicalURL, at: 1)
            return try query.firstRecord()
        }
    }

    public func article(key: Int64) throws(StateStoreError) -> ArticleRecord? {
        try read { db in try Self.record(key: key, in: db) }
    }

    // MARK: - Queue

    /// Adds a new pending article (and its GUID) unless its canonical URL is already known.
    public func enqueue(_ article: NewArticle, at now: Date = Date()) throws(StateStoreError) -> EnqueueResult {
        try write { db in try Self.enqueue(article, at: now, in: db) }
    }

    /// Several at once, in one transaction (one fsync instead of one per article); results in order.
    public func enqueue(_ articles: [NewArticle], at now: Date = Date()) throws(StateStoreError) -> [EnqueueResult] {
        try write { db in try articles.map { try Self.enqueue($0, at: now, in: db) } }
    }

    private static func enqueue(_ article: NewArticle, at now: Date, in db: Database) throws -> EnqueueResult {
        let time = now.timeIntervalSince1970
        if let guid = article.guid {
            let seen = try DirectStatement(db, sql: "INSERT OR IGNORE INTO seen_guids (feed, guid, first_seen_at) VALUES (?1, ?2, ?3)")
            seen.bind(article.feed, at: 1)
            seen.bind(guid, at: 2)
            seen.bind(time, at: 3)
            try seen.execute()
        }
        let known = try DirectStatement(db, sql: "SELECT id, state FROM articles WHERE canonical_url = ?1")
        known.bind(article.canonicalURL, at: 1)
        if try known.step() {
            let key = known.int64(0), state = known.string(1)
            known.reset()
            return .alreadyKnown(key: key, state: state.flatMap(ArticleState.init(rawValue:)) ?? .pending)
        }
        known.reset()
        let insert = try DirectStatement(db, sql: """
            INSERT INTO articles (article_id, canonical_url, feed, guid, url, title, state, first_seen_at, updated_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?7)
            """)
        insert.bind(article.articleID, at: 1)
        insert.bind(article.canonicalURL, at: 2)
        insert.bind(article.feed, at: 3)
        insert.bind(article.guid, at: 4)
        insert.bind(article.url, at: 5)
        insert.bind(article.title, at: 6)
        insert.bind(time, at: 7)
        try insert.execute()
        return .enqueued(key: db.lastInsertedRowID)
    }

    /// Pending articles due for a (re)try, oldest first.
    /// - Parameters:
    ///   - feeds: only these feeds' articles (nil = every feed).
    ///   - afterKey: only keys above this one: page through a long queue without reading its head again (the
    ///     `articles_pending` index is in key order, so each page reads about `limit` rows, not the whole queue).
    public func pendingArticles(limit: Int, now: Date = Date(), feeds: Set<String>? = nil,
                                afterKey: Int64? = nil) throws(StateStoreError) -> [ArticleRecord] {
        try read { db in
            // INDEXED BY: without ANALYZE statistics SQLite prefers articles_by_state and sorts every pending row.
            // Read directly (see DirectStatement): decoding through GRDB's Row was ~40,000 instructions per
            // article, and a crawl reads every article here once. Plain "?" placeholders, bound in order: SQLite
            // checks each numbered "?N" against all earlier ones, which with one per feed (100,000 feeds in
            // bench-poll) took most of an all-304 pass.
            var sql = """
                SELECT \(ArticleRecord.columnList) FROM articles INDEXED BY articles_pending
                WHERE state = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
                """
            if afterKey != nil { sql += " AND id > ?" }
            let feedNames = feeds.map { $0.sorted() } ?? []
            if feeds != nil {
                guard !feedNames.isEmpty else { return [] }
                sql += " AND feed IN (" + Array(repeating: "?", count: feedNames.count).joined(separator: ",") + ")"
            }
            sql += " ORDER BY id LIMIT ?"
            let query = try DirectStatement(db, sql: sql, cached: feedNames.count <= 64)
            var position: Int32 = 1
            query.bind(now.timeIntervalSince1970, at: position)
            if let afterKey { position += 1; query.bind(afterKey, at: position) }
            for name in feedNames { position += 1; query.bind(name, at: position) }
            query.bind(max(0, limit), at: position + 1)
            var records: [ArticleRecord] = []
            while try query.step() { records.append(ArticleRecord(query)) }
            query.reset()
            return records
        }
    }

    /// After fetching and extracting: the page's own canonical URL and the body fingerprints (issue 5).
    public func recordFetched(key: Int64, pageCanonicalURL: String?, bodyHash: String?, simHash: UInt64?,
                              at now: Date = Date()) throws(StateStoreError) {
        try write { db in
            try db.cachedStatement(sql: """
                UPDATE articles SET page_canonical_url = ?, body_hash = ?, simhash = ?, updated_at = ? WHERE id = ?
                """).execute(arguments: [pageCanonicalURL, bodyHash, simHash.map { Int64(bitPattern: $0) },
                                 now.timeIntervalSince1970, key])
            guard db.changesCount == 1 else { throw StateStoreError.unknownArticle(key) }
        }
    }

    /// Dedup after fetching (issue 5) for a batch of fetched articles, in ONE write transaction (it took two
    /// writes and three reads per article, each waiting for the writer): for each article in order, records the
    /// page's canonical URL and the body fingerprints, then looks for the article in (or going into) the spool
    /// that it repeats: by the page's own canonical URL (when it differs from the one the article was queued
    /// under), by the exact body hash, then by near-duplicate fingerprint. A duplicate is marked as such, with
    /// its original (spool name, or canonical URL when the original has none) and stage. Otherwise the near
    /// fingerprint is recorded so later articles are compared with it. Copies within one batch are both
    /// `.clear` here (neither is in the spool yet); the claim (beginWriting) catches the second.
    public func screenFetched(_ articles: [FetchedArticle], policy: NearDuplicatePolicy = .default,
                              at now: Date = Date()) throws(StateStoreError) -> [ScreeningResult] {
        try write { db in try articles.map { article in try Self.screen(article, policy: policy, at: now, in: db) } }
    }

    static func screen(_ article: FetchedArticle, policy: NearDuplicatePolicy, at now: Date,
                       in db: Database) throws -> ScreeningResult {
        let key = article.key
        let fingerprint = article.fingerprint
        let mark = try DirectStatement(db, sql: """
            UPDATE articles SET page_canonical_url = ?, body_hash = ?, simhash = ?, updated_at = ? WHERE id = ? AND state = 'pending'
            """)
        mark.bind(article.pageCanonicalURL, at: 1)
        mark.bind(fingerprint.exact, at: 2)
        mark.bind(Int64(bitPattern: fingerprint.simHash), at: 3)
        mark.bind(now.timeIntervalSince1970, at: 4)
        mark.bind(key, at: 5)
        try mark.execute()
        guard db.changesCount == 1 else { return .notPending }
        var found: (ArticleRecord, DuplicateStage)?
        if let page = article.pageCanonicalURL, page != article.canonicalURL,
           let original = try spooledArticleKey(pageCanonicalURL: page, excluding: key, in: db) {
            found = (try existingRecord(key: original, in: db), .pageCanonical)
        } else if let original = try spooledArticleKey(bodyHash: fingerprint.exact, excluding: key, in: db) {
            found = (try existingRecord(key: original, in: db), .exact)
        } else {
            let signature = fingerprint.minHash
            guard signature.shingleCount >= policy.minimumShingles else { return .clear }
            if let (original, _) = try findNear(signature, excluding: key, policy: policy, in: db) {
                found = (original, .near)
            } else {
                try recordNear(key: key, signature: signature, policy: policy, stampCheckTime: now > Date(), in: db)
                return .clear
            }
        }
        guard let (original, stage) = found else { return .clear }
        let of = original.spoolName ?? original.canonicalURL
        try setDuplicate(key: key, of: of, stage: stage, at: now.timeIntervalSince1970, in: db)
        return .duplicate(of: of, stage: stage)
    }

    /// The oldest article in (or going into) the spool whose normalised body has this hash, other than `key`.
    static func spooledArticleKey(bodyHash: String, excluding key: Int64, in db: Database) throws -> Int64? {
        let query = try DirectStatement(db, sql: """
            SELECT id FROM articles WHERE body_hash = ? AND id != ? AND state IN ('written', 'writing') ORDER BY id LIMIT 1
            """)
        query.bind(bodyHash, at: 1)
        query.bind(key, at: 2)
        return try query.firstInt64()
    }

    /// An article in (or going into) the spool, other than `key`, that is this page: queued under it, or
    /// naming it as its own canonical URL.
    static func spooledArticleKey(pageCanonicalURL page: String, excluding key: Int64, in db: Database) throws -> Int64? {
        let query = try DirectStatement(db, sql: """
            SELECT id FROM articles WHERE canonical_url = ?1 AND id != ?2 AND state IN ('written', 'writing')
            UNION ALL SELECT id FROM articles WHERE page_canonical_url = ?1 AND id != ?2 AND state IN ('written', 'writing')
            LIMIT 1
            """)
        query.bind(page, at: 1)
        query.bind(key, at: 2)
        return try query.firstInt64()
    }

    /// The article with this key, nil when there is none (read in the caller's transaction).
    static func record(key: Int64, in db: Database) throws -> ArticleRecord? {
        let query = try DirectStatement(db, sql: "SELECT \(ArticleRecord.columnList) FROM articles WHERE id = ?")
        query.bind(key, at: 1)
        return try query.firstRecord()
    }

    /// The record of an article known to exist (read in the caller's transaction).
    static func existingRecord(key: Int64, in db: Database) throws -> ArticleRecord {
        guard let record = try record(key: key, in: db) else {
            throw StateStoreError.database("article \(key) vanished within its transaction")
        }
        return record
    }

    /// Marks an article as a copy of `of` (a spool name or canonical URL), found by `stage`.
    static func setDuplicate(key: Int64, of original: String, stage: DuplicateStage, at now: Double, in db: Database) throws {
        try db.cachedStatement(sql: """
            UPDATE articles SET state = 'duplicate', duplicate_of = ?, duplicate_stage = ?, updated_at = ? WHERE id = ?
            """).execute(arguments: [original, stage.rawValue, now, key])
    }

    // MARK: - Near-duplicates (dedup stage 4)

    /// Stage 4, in one call after the exact-hash check: the article in (or going into) the spool whose body
    /// is a near-duplicate of this one (MinHash LSH candidates verified by estimated Jaccard, see
    /// NearDuplicatePolicy), or nil. When there is none, this article's fingerprint is recorded in the same
    /// transaction, so the articles after it are compared with it. Bodies too short to compare
    /// (`policy.minimumShingles`) are neither matched nor recorded.
    public func nearDuplicate(key: Int64, of fingerprint: BodyFingerprint,
                              policy: NearDuplicatePolicy = .default) throws(StateStoreError) -> ArticleRecord? {
        let signature = fingerprint.minHash
        guard signature.shingleCount >= policy.minimumShingles else { return nil }
        // Look up on a reader (no write lock while candidates are verified), record on the writer. A copy
        // claimed in between is caught by beginWriting (duplicateAtClaim).
        if let (original, _) = try readStatement({ db in try Self.findNear(signature, excluding: key, policy: policy, in: db) }) {
            return original
        }
        try write { db in try Self.recordNear(key: key, signature: signature, policy: policy, in: db) }
        return nil
    }

    /// The closest article in (or going into) the spool that `signature` near-duplicates, with the estimated
    /// Jaccard similarity; ties go to the oldest. Reads only the rows of the signature's LSH bands.
    public func findNearDuplicate(of signature: MinHashSignature, excluding key: Int64? = nil,
                                  policy: NearDuplicatePolicy = .default) throws(StateStoreError) -> (ArticleRecord, similarity: Double)? {
        guard signature.shingleCount >= policy.minimumShingles else { return nil }
        return try readStatement { db in try Self.findNear(signature, excluding: key, policy: policy, in: db) }
    }

    /// Records fingerprints without looking anything up, several in one transaction (back-filling, the
    /// benchmark). Signatures too short to compare are skipped.
    public func recordNearFingerprints(_ entries: [(key: Int64, signature: MinHashSignature)],
                                       policy: NearDuplicatePolicy = .default) throws(StateStoreError) {
        try write { db in
            for entry in entries where entry.signature.shingleCount >= policy.minimumShingles {
                try Self.recordNear(key: entry.key, signature: entry.signature, policy: policy, in: db)
            }
        }
    }

    static func findNear(_ signature: MinHashSignature, excluding key: Int64?, policy: NearDuplicatePolicy,
                         in db: Database) throws -> (ArticleRecord, similarity: Double)? {
        let keys = signature.bandKeys(bands: policy.bands, rows: policy.rows)
        guard !keys.isEmpty else { return nil }
        // One statement: the band index probes (one index range per band), joined to the candidates'
        // signatures and states. Unrelated texts share no band, so this usually returns no row at all; the
        // work below happens only for candidates.
        let lookup = try DirectStatement(db, sql: nearLookupSQL(bands: keys.count))
        for (index, bandKey) in keys.enumerated() { lookup.bind(bandKey, at: Int32(index + 1)) }
        var compact: [UInt8] = []
        var best: (key: Int64, similarity: Double)?
        while try lookup.step() {
            let candidate = lookup.int64(0)
            // The same candidate comes once per shared band; its verdict does not change.
            guard candidate != key, candidate != best?.key else { continue }
            if compact.isEmpty { compact = signature.compact }
            let other = lookup.bytes(1)
            let shingles = lookup.int(2)
            guard policy.isDuplicate(compact, shingles: signature.shingleCount, other, shingles: shingles) else { continue }
            let similarity = policy.similarity(compact, shingles: signature.shingleCount, other, shingles: shingles)
            if best == nil || similarity > best!.similarity || (similarity == best!.similarity && candidate < best!.key) {
                best = (candidate, similarity)
            }
        }
        lookup.reset()
        guard let best else { return nil }
        return (try existingRecord(key: best.key, in: db), best.similarity)
    }

    /// The lookup for `bands` band keys (made once per band count: the statement cache is keyed by the text).
    static func nearLookupSQL(bands: Int) -> String {
        bands < nearLookupSQLs.count ? nearLookupSQLs[bands] : makeNearLookupSQL(bands: bands)
    }

    private static let nearLookupSQLs = (0 ..< 65).map(makeNearLookupSQL)

    private static func makeNearLookupSQL(bands: Int) -> String {
        """
        SELECT b.article, f.signature, f.shingles
        FROM near_bands b JOIN near_fingerprints f ON f.article = b.article JOIN articles a ON a.id = b.article
        WHERE b.key IN (\(Array(repeating: "?", count: bands).joined(separator: ","))) AND a.state IN ('written', 'writing')
        """
    }

    /// - Parameter stampCheckTime: sets the article's updated_at to now. The screening needs it only when its
    ///   own time is in the future (a caller's clock): its UPDATE of the row, in the same transaction, already
    ///   set updated_at to the screening time, and a check time earlier than now only makes the claim-time guard
    ///   compare with more articles.
    static func recordNear(key: Int64, signature: MinHashSignature, policy: NearDuplicatePolicy,
                           stampCheckTime: Bool = true, in db: Database) throws {
        let fingerprint = try DirectStatement(db, sql: """
            INSERT OR REPLACE INTO near_fingerprints (article, signature, shingles) VALUES (?, ?, ?)
            """)
        fingerprint.bind(key, at: 1)
        fingerprint.bind(bytes: signature.compact, at: 2)
        fingerprint.bind(signature.shingleCount, at: 3)
        try fingerprint.execute()
        // The race guard at claim time compares with what was claimed since this moment.
        if stampCheckTime {
            let stamp = try DirectStatement(db, sql: "UPDATE articles SET updated_at = ?1 WHERE id = ?2")
            stamp.bind(Date().timeIntervalSince1970, at: 1)
            stamp.bind(key, at: 2)
            try stamp.execute()
        }
        // All bands in one statement: one execution instead of one per band.
        let bandKeys = signature.bandKeys(bands: policy.bands, rows: policy.rows)
        guard !bandKeys.isEmpty else { return }
        let insert = try DirectStatement(db, sql: bandInsertSQL(bands: bandKeys.count))
        for (index, bandKey) in bandKeys.enumerated() {
            insert.bind(bandKey, at: Int32(2 * index + 1))
            insert.bind(key, at: Int32(2 * index + 2))
        }
        try insert.execute()
    }

    /// The band insert for `bands` band keys (made once per band count).
    static func bandInsertSQL(bands: Int) -> String {
        bands < bandInsertSQLs.count ? bandInsertSQLs[bands] : makeBandInsertSQL(bands: bands)
    }

    private static let bandInsertSQLs = (0 ..< 65).map(makeBandInsertSQL)

    private static func makeBandInsertSQL(bands: Int) -> String {
        "INSERT OR IGNORE INTO near_bands (key, article) VALUES " + Array(repeating: "(?, ?)", count: bands).joined(separator: ", ")
    }

    /// Closes the race between concurrent articles: two copies processed at once can both pass the exact and
    /// near checks before either is claimed. Called inside beginWriting's transaction (claims are serialised
    /// there) with the article's own row (`claimCheckSQL`): an article whose body hash, or near fingerprint,
    /// matches one already claimed is a duplicate. Near matches are looked for among the articles being
    /// written (`claimed`: read once per transaction, plus the transaction's own claims) and the ones written
    /// since the article's own check recorded its fingerprint; older ones were visible to that check.
    static func duplicateAtClaim(key: Int64, own: ClaimCheck, claimed: [ClaimedFingerprint], in db: Database,
                                 policy: NearDuplicatePolicy = .default) throws -> (of: String, stage: DuplicateStage)? {
        if let hash = own.bodyHash {
            let exact = try DirectStatement(db, sql: """
                SELECT spool_name FROM articles WHERE body_hash = ? AND id != ? AND state IN ('written', 'writing')
                    AND spool_name IS NOT NULL ORDER BY id LIMIT 1
                """)
            exact.bind(hash, at: 1)
            exact.bind(key, at: 2)
            if let original = try exact.firstString() { return (original, .exact) }
        }
        guard let signature = own.signature else { return nil }
        let shingles = own.shingles
        for other in claimed where other.key != key
            && policy.isDuplicate(signature, shingles: shingles, other.signature, shingles: other.shingles) {
            return (other.spoolName, .near)
        }
        // A copy written after this article's check has written_at >= the check time. The crawler screens and
        // claims each batch on one thread, batch after batch, so normally none qualifies here; any slack costs
        // a comparison with every article written in it (at 1,000 articles/s, 0.1 s of slack was a third of
        // the claim transaction).
        let recent = try DirectStatement(db, sql: """
            SELECT a.spool_name, f.signature, f.shingles
                FROM articles a INDEXED BY articles_by_written_at JOIN near_fingerprints f ON f.article = a.id
                WHERE a.written_at >= ? AND a.state = 'written' AND a.id != ? ORDER BY a.id
            """)
        // INDEXED BY: without ANALYZE statistics SQLite chose articles_by_state and read every written article at
        // each claim (the crawl slowed down as the spool filled).
        recent.bind(own.checkedAt, at: 1)
        recent.bind(key, at: 2)
        defer { recent.reset() }
        while try recent.step() {
            guard !recent.isNull(1), policy.isDuplicate(signature, shingles: shingles, recent.bytes(1), shingles: recent.int(2)),
                  let name = recent.string(0) else { continue }
            return (name, .near)
        }
        return nil
    }

    /// An article in state `writing` as the claim-time check compares with it.
    struct ClaimedFingerprint {
        let key: Int64
        let spoolName: String
        let signature: [UInt8]
        let shingles: Int
    }

    /// What beginWriting reads of an article before claiming it: its state, body hash, check time (the
    /// screening's updated_at) and near fingerprint (nil when it has none).
    struct ClaimCheck {
        let state: String?
        let bodyHash: String?
        let checkedAt: Double
        let signature: [UInt8]?
        let shingles: Int

        /// nil when the article does not exist.
        static func read(key: Int64, in db: Database) throws -> ClaimCheck? {
            let query = try DirectStatement(db, sql: """
                SELECT a.state, a.body_hash, a.updated_at, f.signature, f.shingles
                FROM articles a LEFT JOIN near_fingerprints f ON f.article = a.id WHERE a.id = ?
                """)
            query.bind(key, at: 1)
            defer { query.reset() }
            guard try query.step() else { return nil }
            let hasSignature = !query.isNull(3)
            return ClaimCheck(state: query.string(0), bodyHash: query.string(1), checkedAt: query.double(2),
                              signature: hasSignature ? query.bytes(3) : nil, shingles: hasSignature ? query.int(4) : 0)
        }
    }

    /// Every article being written that has a near fingerprint (normally none between two batches).
    static func claimedFingerprints(_ db: Database) throws -> [ClaimedFingerprint] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT a.id, a.spool_name, f.signature, f.shingles FROM articles a JOIN near_fingerprints f ON f.article = a.id
            WHERE a.state = 'writing' AND a.spool_name IS NOT NULL ORDER BY a.id
            """)).map { row in
            ClaimedFingerprint(key: row[0], spoolName: row[1], signature: [UInt8]((row[2] as Data?) ?? Data()), shingles: row[3])
        }
    }

    /// A failed attempt. With `retryAt` the article stays pending and is offered again from then on; without,
    /// it is failed for good. Only pending articles can fail.
    public func markFailed(key: Int64, reason: String, retryAt: Date?, at now: Date = Date()) throws(StateStoreError) {
        try write { db in
            try Self.requireState(db, key: key, in: [.pending], to: retryAt == nil ? .failed : .pending)
            try db.cachedStatement(sql: """
                UPDATE articles SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, state = ?,
                    updated_at = ? WHERE id = ?
                """).execute(arguments: [reason, retryAt?.timeIntervalSince1970,
                                 (retryAt == nil ? ArticleState.failed : .pending).rawValue, now.timeIntervalSince1970, key])
        }
    }

    /// Not written: the same article is in the spool as `of` (a spool name "NNN_H...", or a canonical URL when
    /// the original predates the spool). Only pending articles can become duplicates.
    public func markDuplicate(key: Int64, of original: String, stage: DuplicateStage,
                              at now: Date = Date()) throws(StateStoreError) {
        try write { db in
            try Self.requireState(db, key: key, in: [.pending], to: .duplicate)
            try Self.setDuplicate(key: key, of: original, stage: stage, at: now.timeIntervalSince1970, in: db)
        }
    }

    /// The article in (or going into) the spool whose normalised body has this hash, oldest first.
    public func findByBodyHash(_ hash: String) throws(StateStoreError) -> ArticleRecord? {
        try read { db in
            try Self.spooledArticleKey(bodyHash: hash, excluding: 0, in: db).map { try Self.existingRecord(key: $0, in: db) }  // keys start at 1
        }
    }

    // MARK: - Spool sequence and states (SpoolDelivery uses the SpoolLedger methods below)

    /// Takes the next spool sequence number, committed before it is returned: numbers are never handed out
    /// twice, even across crashes (gaps are allowed).
    public func reserveSpoolSequence() throws(StateStoreError) -> Int {
        try durableWrite { db in try Self.takeSequence(db) }
    }

    /// The next number reserveSpoolSequence() would return.
    public func peekSpoolSequence() throws(StateStoreError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT value FROM counters WHERE name = 'spool_sequence'") ?? 0 }
    }

    /// pending -> writing under a spool name reserved with reserveSpoolSequence().
    public func markWriting(key: Int64, spoolName: String, at now: Date = Date()) throws(StateStoreError) {
        try durableWrite { db in
            try Self.requireState(db, key: key, in: [.pending], to: .writing)
            try db.cachedStatement(sql: "UPDATE articles SET state = 'writing', spool_name = ?, updated_at = ? WHERE id = ?").execute(arguments: [spoolName, now.timeIntervalSince1970, key])
        }
    }

    /// writing -> written.
    public func markWritten(key: Int64, at now: Date = Date()) throws(StateStoreError) {
        try write { db in
            try Self.requireState(db, key: key, in: [.writing], to: .written)
            try db.cachedStatement(sql: "UPDATE articles SET state = 'written', written_at = ?, updated_at = ? WHERE id = ?").execute(arguments: [now.timeIntervalSince1970, now.timeIntervalSince1970, key])
        }
    }

    // MARK: - Feeds

    public func feedState(name: String) throws(StateStoreError) -> FeedState? {
        try read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM feeds WHERE name = ?"), arguments: [name]).map(FeedState.init(row:))
        }
    }

    /// Every feed with stored state, by name.
    public func feedStates() throws(StateStoreError) -> [FeedState] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM feeds ORDER BY name").map(FeedState.init(row:)) }
    }

    /// Inserts or replaces the feed's state.
    public func saveFeedState(_ state: FeedState) throws(StateStoreError) {
        try write { db in try Self.save(state, in: db) }
    }

    /// Several at once, in one transaction: a poll cycle over many feeds costs one fsync, not one per feed.
    public func saveFeedStates(_ states: [FeedState]) throws(StateStoreError) {
        try write { db in for state in states { try Self.save(state, in: db) } }
    }

    private static func save(_ state: FeedState, in db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO feeds (name, url, etag, last_modified, last_poll_at, last_success_at,
                last_outcome, last_new_items, next_due_at, consecutive_failures, disabled_reason,
                permanent_redirect_url, permanent_redirect_count)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [state.name, state.url, state.etag, state.lastModified,
                             state.lastPollAt?.timeIntervalSince1970, state.lastSuccessAt?.timeIntervalSince1970,
                             state.lastOutcome, state.lastNewItems, state.nextDueAt?.timeIntervalSince1970,
                             state.consecutiveFailures, state.disabledReason, state.permanentRedirectURL,
                             state.permanentRedirectCount])
    }

    /// Forgets feeds no longer configured (their articles stay, for dedup).
    @discardableResult
    public func removeFeedStates(notIn names: Set<String>) throws(StateStoreError) -> Int {
        try write { db in
            let stored = try String.fetchAll(db, sql: "SELECT name FROM feeds")
            var removed = 0
            for name in stored where !names.contains(name) {
                try db.cachedStatement(sql: "DELETE FROM feeds WHERE name = ?").execute(arguments: [name])
                removed += 1
            }
            return removed
        }
    }

    // MARK: - Counts and retention

    /// Articles per state (every state present, 0 when none).
    public func articleCounts() throws(StateStoreError) -> [ArticleState: Int] {
        try read { db in
            var counts = Dictionary(uniqueKeysWithValues: ArticleState.allCases.map { ($0, 0) })
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM articles GROUP BY state") {
                if let state = ArticleState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    /// Articles written at or after `since`, per feed.
    public func writtenCountByFeed(since: Date) throws(StateStoreError) -> [String: Int] {
        try read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT feed, COUNT(*) AS n FROM articles WHERE written_at >= ? GROUP BY feed
                """, arguments: [since.timeIntervalSince1970]) {
                counts[row["feed"]] = row["n"]
            }
            return counts
        }
    }

    /// Articles written since midnight of `now`'s day in the given zone (seconds east of UTC; 25200 = WIB).
    public func articlesToday(now: Date = Date(), utcOffsetSeconds: Int = 0) throws(StateStoreError) -> Int {
        let since = Self.startOfDay(now, utcOffsetSeconds: utcOffsetSeconds)
        return try read { db in
            try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM articles WHERE written_at >= ?"), arguments: [since.timeIntervalSince1970]) ?? 0
        }
    }

    /// Midnight of `now`'s day in the zone `utcOffsetSeconds` east of UTC, as an instant.
    public static func startOfDay(_ now: Date, utcOffsetSeconds: Int) -> Date {
        let local = Int(now.timeIntervalSince1970.rounded(.down)) + utcOffsetSeconds
        let midnightLocal = local - ((local % 86_400) + 86_400) % 86_400
        return Date(timeIntervalSince1970: Double(midnightLocal - utcOffsetSeconds))
    }

    /// Forgets articles and GUIDs first seen before `cutoff` (the dedup window, default 30 days). Articles
    /// still pending or being written are kept whatever their age.
    @discardableResult
    public func prune(olderThan cutoff: Date) throws(StateStoreError) -> PruneReport {
        try write { db in
            // The near-duplicate rows first (one pass over each table; they have no index by article).
            for table in ["near_bands", "near_fingerprints"] {
                try db.cachedStatement(sql: """
                    DELETE FROM \(table) WHERE article IN (
                        SELECT id FROM articles WHERE first_seen_at < ? AND state IN ('written', 'duplicate', 'failed'))
                    """).execute(arguments: [cutoff.timeIntervalSince1970])
            }
            try db.cachedStatement(sql: """
                DELETE FROM articles WHERE first_seen_at < ? AND state IN ('written', 'duplicate', 'failed')
                """).execute(arguments: [cutoff.timeIntervalSince1970])
            let articles = db.changesCount
            try db.cachedStatement(sql: "DELETE FROM seen_guids WHERE first_seen_at < ?").execute(arguments: [cutoff.timeIntervalSince1970])
            return PruneReport(articles: articles, guids: db.changesCount)
        }
    }

    /// The dedup window's upkeep in one call (issue 5): forgets articles, GUIDs and near-duplicate
    /// fingerprints first seen more than `windowDays` days before `now` (Config.dedupWindowDays, default 30),
    /// then compacts when at least `compactFraction` of the file is free pages (VACUUM holds the write lock
    /// ~1 s per 60 MB, so not after every small prune). Cheap when there is nothing to do: call it at start-up
    /// and about daily.
    @discardableResult
    public func maintain(windowDays: Int, now: Date = Date(), compactFraction: Double = 0.25) throws(StateStoreError) -> PruneReport {
        let report = try prune(olderThan: now.addingTimeInterval(-Double(max(1, windowDays)) * 86_400))
        let (free, total) = try read { db in
            (try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0, try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0)
        }
        if total > 0, Double(free) / Double(total) >= compactFraction { try compact() }
        return report
    }

    /// Gives the space of pruned rows back to the filesystem (VACUUM) and truncates the WAL. Takes the write
    /// lock for a while (about a second per 100 MB): run it after prune(), e.g. daily, not per poll.
    public func compact() throws(StateStoreError) {
        do {
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "VACUUM")
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            }
        } catch {
            throw .database(String(describing: error))
        }
    }

    // MARK: - Internals

    /// A PRAGMA's current value as text, as an ordinary or a durable write sees it (tests check journal_mode
    /// and synchronous).
    func pragma(_ name: String, durable: Bool = false) throws(StateStoreError) -> String? {
        let query = { (db: Database) in try String.fetchOne(db, sql: "PRAGMA \(name)") }
        return durable ? try durableWrite(query) : try write(query)
    }

    /// The opcodes SQLite compiles a statement to on the writer connection, in order (tests check plans, e.g.
    /// that setting an article's state builds no temporary b-tree; a reader's EXPLAIN showed no CHECK code).
    func opcodes(of sql: String) throws(StateStoreError) -> [String] {
        try write { db in try Row.fetchAll(db, sql: "EXPLAIN " + sql).map { row -> String in row["opcode"] } }
    }

    /// Runs SQL as an ordinary write (tests reach under the API with it, e.g. to try a state no method sets).
    func execute(_ sql: String) throws(StateStoreError) {
        try write { db in try db.execute(sql: sql) }
    }

    func read<T>(_ body: (Database) throws -> T) throws(StateStoreError) -> T {
        do {
            return try pool.read { db in try body(db) }
        } catch let error as StateStoreError {
            throw error
        } catch {
            throw .database(String(describing: error))
        }
    }

    /// A read of ONE statement outside an explicit transaction (a single SELECT is consistent on its own in
    /// WAL mode): saves the BEGIN/COMMIT pair, a third of a near-duplicate lookup's cost.
    func readStatement<T>(_ body: (Database) throws -> T) throws(StateStoreError) -> T {
        do {
            return try pool.unsafeRead { db in try body(db) }
        } catch let error as StateStoreError {
            throw error
        } catch {
            throw .database(String(describing: error))
        }
    }

    /// A write transaction whose commit is durable against power loss when this returns, for the spool claims;
    /// see the header. The commit itself runs with NORMAL; the WAL is fsynced after it, outside the writer lock.
    /// (With synchronous=FULL the fsync ran inside the lock, ~1-4 ms during which every other write, each
    /// article's dedup screening among them, waited: a 10,000-article crawl used one of its two cores.)
    /// Fsyncing the WAL at any moment after COMMIT makes the commit durable: SQLite in WAL mode with NORMAL only
    /// reuses WAL space after a checkpoint has copied those frames into the database file and synced it.
    func durableWrite<T>(_ body: (Database) throws -> T) throws(StateStoreError) -> T {
        let result = try write(body)
        try syncWriteAheadLog()
        return result
    }

    /// Fsyncs the WAL file (opened by path each time: the file SQLite holds open is the one at that path while
    /// our connection is open).
    func syncWriteAheadLog() throws(StateStoreError) {
        let walPath = path + "-wal"
        let file = open(walPath, O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { throw .filesystem(call: "open", path: walPath, errno: errno) }
        defer { close(file) }
        guard fsync(file) == 0 else { throw .filesystem(call: "fsync", path: walPath, errno: errno) }
        walSyncs.add(1)
    }

    func write<T>(_ body: (Database) throws -> T) throws(StateStoreError) -> T {
        do {
            return try pool.write { db in try body(db) }
        } catch let error as StateStoreError {
            throw error
        } catch {
            throw .database(String(describing: error))
        }
    }

    static func takeSequence(_ db: Database) throws -> Int {
        let next = try Int.fetchOne(db.cachedStatement(sql: "SELECT value FROM counters WHERE name = 'spool_sequence'")) ?? 0
        try db.cachedStatement(sql: "UPDATE counters SET value = ? WHERE name = 'spool_sequence'").execute(arguments: [next + 1])
        return next
    }

    static func requireState(_ db: Database, key: Int64, in allowed: Set<ArticleState>, to target: ArticleState) throws {
        guard let raw = try String.fetchOne(db.cachedStatement(sql: "SELECT state FROM articles WHERE id = ?"), arguments: [key]) else {
            throw StateStoreError.unknownArticle(key)
        }
        let state = ArticleState(rawValue: raw) ?? .pending
        guard allowed.contains(state) else { throw StateStoreError.invalidTransition(key: key, from: state, to: target) }
    }

    private static func makePrivateDirectory(_ path: String) throws(StateStoreError) {
        var info = stat()
        if stat(path, &info) == 0 { return }
        let components = path.split(separator: "/", omittingEmptySubsequences: true)
        var current = path.hasPrefix("/") ? "" : "."
        for (index, component) in components.enumerated() {
            current += "/" + component
            let isLast = index == components.count - 1
            if mkdir(current, isLast ? 0o700 : 0o755) != 0, errno != EEXIST {
                throw .filesystem(call: "mkdir", path: current, errno: errno)
            }
        }
    }

    /// Creates the database file 0600 before SQLite does (SQLite would use 0644 minus the umask), and
    /// tightens an existing one. O_NOFOLLOW: a planted symlink cannot point the database elsewhere.
    private static func makePrivateFile(_ path: String) throws(StateStoreError) {
        let file = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, mode_t(0o600))
        guard file >= 0 else { throw .filesystem(call: "open", path: path, errno: errno) }
        defer { close(file) }
        if fchmod(file, 0o600) != 0 { throw .filesystem(call: "fchmod", path: path, errno: errno) }
    }
}

// MARK: - SpoolLedger

extension StateStore: SpoolLedger {
    public func beginWriting(_ claims: [SpoolClaim]) throws -> [Int64: SpoolName] {
        let now = Date().timeIntervalSince1970
        return try durableWrite { db in
            var names: [Int64: SpoolName] = [:]
            var claimed = try Self.claimedFingerprints(db)
            let firstSequence = try Int.fetchOne(db.cachedStatement(sql: "SELECT value FROM counters WHERE name = 'spool_sequence'")) ?? 0
            var sequence = firstSequence
            let mark = try DirectStatement(db, sql: """
                UPDATE articles SET state = 'writing', spool_name = ?, article_id = ?, updated_at = ? WHERE id = ?
                """)
            for claim in claims where names[claim.articleKey] == nil {
                guard let own = try ClaimCheck.read(key: claim.articleKey, in: db),
                      own.state == ArticleState.pending.rawValue else { continue }
                if let (original, stage) = try Self.duplicateAtClaim(key: claim.articleKey, own: own, claimed: claimed, in: db) {
                    try Self.setDuplicate(key: claim.articleKey, of: original, stage: stage, at: now, in: db)
                    continue
                }
                guard let name = SpoolName(sequence: sequence, articleID: claim.articleID) else {
                    throw StateStoreError.database("invalid article id \(claim.articleID)")
                }
                sequence += 1
                mark.bind(name.stem, at: 1)
                mark.bind(claim.articleID, at: 2)
                mark.bind(now, at: 3)
                mark.bind(claim.articleKey, at: 4)
                try mark.execute()
                names[claim.articleKey] = name
                if let signature = own.signature {
                    claimed.append(ClaimedFingerprint(key: claim.articleKey, spoolName: name.stem, signature: signature,
                                                      shingles: own.shingles))
                }
            }
            if sequence != firstSequence {
                try db.cachedStatement(sql: "UPDATE counters SET value = ? WHERE name = 'spool_sequence'").execute(arguments: [sequence])
            }
            return names
        }
    }

    public func finishWriting(_ articleKeys: [Int64]) throws {
        let now = Date().timeIntervalSince1970
        try write { db in
            let mark = try DirectStatement(db, sql: """
                UPDATE articles SET state = 'written', written_at = ?1, updated_at = ?1 WHERE id = ?2 AND state = 'writing'
                """)
            for key in articleKeys {
                mark.bind(now, at: 1)
                mark.bind(key, at: 2)
                try mark.execute()
            }
        }
    }

    public func articlesBeingWritten() throws -> [Int64: SpoolName] {
        try read { db in
            var result: [Int64: SpoolName] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, spool_name FROM articles WHERE state = 'writing'") {
                let stem: String? = row["spool_name"]
                guard let stem, let name = SpoolName(fileName: stem) else {
                    throw StateStoreError.database("article \(row["id"] as Int64) is writing without a valid spool name")
                }
                result[row["id"]] = name
            }
            return result
        }
    }

    public func raiseSpoolSequence(atLeast next: Int) throws {
        try durableWrite { db in
            try db.cachedStatement(sql: "UPDATE counters SET value = MAX(value, ?) WHERE name = 'spool_sequence'").execute(arguments: [next])
        }
    }
}

// MARK: - Row decoding

extension ArticleRecord {
    /// The columns `init(_: DirectStatement)` reads, in its order: statements select these and decoding goes
    /// by position. GRDB's by-name lookup compares each name with every column of the row: it
    /// was 100 K instructions per pending article read.
    static let columnList = ["id", "article_id", "canonical_url", "page_canonical_url", "feed", "guid", "url", "title",
                             "state", "spool_name", "duplicate_of", "duplicate_stage", "body_hash", "simhash", "attempts",
                             "last_error", "next_attempt_at", "first_seen_at", "written_at"].joined(separator: ", ")

    /// The current row of a statement selecting `columnList`.
    init(_ row: DirectStatement) {
        func date(_ column: Int32) -> Date? { row.isNull(column) ? nil : Date(timeIntervalSince1970: row.double(column)) }
        self.init(key: row.int64(0), articleID: row.string(1) ?? "", canonicalURL: row.string(2) ?? "",
                  pageCanonicalURL: row.string(3), feed: row.string(4) ?? "", guid: row.string(5), url: row.string(6) ?? "",
                  title: row.string(7), state: row.string(8).flatMap(ArticleState.init(rawValue:)) ?? .pending,
                  spoolName: row.string(9), duplicateOf: row.string(10),
                  duplicateStage: row.string(11).flatMap(DuplicateStage.init(rawValue:)), bodyHash: row.string(12),
                  simHash: row.isNull(13) ? nil : UInt64(bitPattern: row.int64(13)), attempts: row.int(14),
                  lastError: row.string(15), nextAttemptAt: date(16), firstSeenAt: Date(timeIntervalSince1970: row.double(17)),
                  writtenAt: date(18))
    }
}

extension DirectStatement {
    /// The first row of a statement selecting `ArticleRecord.columnList`, nil without one; reset after.
    func firstRecord() throws -> ArticleRecord? { try firstRow(ArticleRecord.init) }
}

extension FeedState {
    init(row: Row) {
        func date(_ column: String) -> Date? { (row[column] as Double?).map(Date.init(timeIntervalSince1970:)) }
        self.init(name: row["name"], url: row["url"], etag: row["etag"], lastModified: row["last_modified"],
                  lastPollAt: date("last_poll_at"), lastSuccessAt: date("last_success_at"),
                  lastOutcome: row["last_outcome"], lastNewItems: row["last_new_items"], nextDueAt: date("next_due_at"),
                  consecutiveFailures: row["consecutive_failures"], disabledReason: row["disabled_reason"],
                  permanentRedirectURL: row["permanent_redirect_url"],
                  permanentRedirectCount: row["permanent_redirect_count"])
    }
}

/// A counter safe to bump from any thread.
final class SyncCounter: Sendable {
    private let count = Atomic<Int>(0)
    func add(_ n: Int) { count.wrappingAdd(n, ordering: .sequentiallyConsistent) }
    var value: Int { count.load(ordering: .sequentiallyConsistent) }
}
