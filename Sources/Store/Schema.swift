// The state database's schema, as GRDB migrations (append new migrations; never edit a shipped one).
// Times are REAL seconds since 1970 UTC: compared and pruned in SQL without parsing.
internal import GRDB

enum Schema {
    /// The articles table's state CHECK as v1 writes it, and as v5 rewrites it (same states, same meaning). v1
    /// takes its text from here, so v5 looks for exactly what v1 wrote.
    static let stateCheckAsList = "CHECK (state IN ('pending', 'writing', 'written', 'duplicate', 'failed'))"
    static let stateCheckAsComparisons = "CHECK (state = 'pending' OR state = 'writing' OR state = 'written' OR "
        + "state = 'duplicate' OR state = 'failed')"

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            // One row per configured feed: conditional-GET validators, schedule, health.
            try db.execute(sql: """
                CREATE TABLE feeds (
                    name TEXT PRIMARY KEY NOT NULL,
                    url TEXT NOT NULL,
                    etag TEXT,
                    last_modified TEXT,
                    last_poll_at REAL,
                    last_success_at REAL,
                    last_outcome TEXT,
                    last_new_items INTEGER NOT NULL DEFAULT 0,
                    next_due_at REAL,
                    consecutive_failures INTEGER NOT NULL DEFAULT 0,
                    disabled_reason TEXT,
                    permanent_redirect_url TEXT,
                    permanent_redirect_count INTEGER NOT NULL DEFAULT 0
                )
                """)
            // One row per article ever seen (within the retention window). AUTOINCREMENT: keys are never
            // reused after pruning, because spool temp files and claims are named by key.
            try db.execute(sql: """
                CREATE TABLE articles (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    article_id TEXT NOT NULL,
                    canonical_url TEXT NOT NULL UNIQUE,
                    page_canonical_url TEXT,
                    feed TEXT NOT NULL,
                    guid TEXT,
                    url TEXT NOT NULL,
                    title TEXT,
                    state TEXT NOT NULL DEFAULT 'pending'
                        \(Schema.stateCheckAsList),
                    spool_name TEXT UNIQUE,
                    duplicate_of TEXT,
                    duplicate_stage TEXT,
                    body_hash TEXT,
                    simhash INTEGER,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT,
                    next_attempt_at REAL,
                    first_seen_at REAL NOT NULL,
                    updated_at REAL NOT NULL,
                    written_at REAL
                )
                """)
            try db.execute(sql: "CREATE INDEX articles_by_state ON articles(state, next_attempt_at)")
            try db.execute(sql: """
                CREATE INDEX articles_by_page_canonical ON articles(page_canonical_url)
                    WHERE page_canonical_url IS NOT NULL
                """)
            try db.execute(sql: "CREATE INDEX articles_by_body_hash ON articles(body_hash) WHERE body_hash IS NOT NULL")
            try db.execute(sql: "CREATE INDEX articles_by_written_at ON articles(written_at) WHERE written_at IS NOT NULL")
            try db.execute(sql: "CREATE INDEX articles_by_first_seen ON articles(first_seen_at)")
            // Feed GUIDs already taken, per feed: the cheapest "seen" check, before any URL work.
            try db.execute(sql: """
                CREATE TABLE seen_guids (
                    feed TEXT NOT NULL,
                    guid TEXT NOT NULL,
                    first_seen_at REAL NOT NULL,
                    PRIMARY KEY (feed, guid)
                ) WITHOUT ROWID
                """)
            try db.execute(sql: "CREATE INDEX seen_guids_by_first_seen ON seen_guids(first_seen_at)")
            // Persisted counters; spool_sequence is the next spool number to hand out.
            try db.execute(sql: """
                CREATE TABLE counters (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL) WITHOUT ROWID
                """)
            try db.execute(sql: "INSERT INTO counters (name, value) VALUES ('spool_sequence', 0)")
        }
        migrator.registerMigration("v2-simhash-bands") { db in
            // Near-duplicate lookup without a scan (issue 5): each SimHash is stored as 4 bands of 16 bits.
            // Two hashes within Hamming distance 3 share at least one band exactly (pigeonhole), so a lookup
            // reads 4 index ranges; larger distances are still found when a band happens to match.
            try db.execute(sql: """
                CREATE TABLE simhash_bands (
                    band INTEGER NOT NULL,
                    value INTEGER NOT NULL,
                    article INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
                    PRIMARY KEY (band, value, article)
                ) WITHOUT ROWID
                """)
            try db.execute(sql: "CREATE INDEX simhash_bands_by_article ON simhash_bands(article)")
        }
        migrator.registerMigration("v3-minhash") { db in
            // Stage 4 measured better with MinHash than with SimHash (Scripts/bench-dedup): the SimHash band
            // index could only find ~72% of the syndicated copies. The simhash column stays (diagnostics).
            try db.execute(sql: "DROP TABLE simhash_bands")
            // One row per fetched article that went on towards the spool: the 8-bit MinHash signature (64
            // bytes) and its shingle count, for verifying LSH candidates.
            try db.execute(sql: """
                CREATE TABLE near_fingerprints (
                    article INTEGER PRIMARY KEY NOT NULL,
                    signature BLOB NOT NULL,
                    shingles INTEGER NOT NULL
                )
                """)
            // The LSH index: one row per (band key, article); `key` = band << 28 | 28 hash bits (4 bytes on
            // disk). No foreign key and no index by article on purpose: both would double the table's size;
            // prune() deletes rows of pruned articles in one pass instead.
            try db.execute(sql: """
                CREATE TABLE near_bands (
                    key INTEGER NOT NULL,
                    article INTEGER NOT NULL,
                    PRIMARY KEY (key, article)
                ) WITHOUT ROWID
                """)
        }
        migrator.registerMigration("v4-pending-in-key-order") { db in
            // The pending queue in key order: "the next N pending articles" reads N index entries instead of
            // sorting every pending row (articles_by_state is by next_attempt_at), which a 10,000-article first
            // crawl did once per batch of 128.
            try db.execute(sql: "CREATE INDEX articles_pending ON articles(id) WHERE state = 'pending'")
        }
        migrator.registerMigration("v5-state-check-as-comparisons") { db in
            // SQLite (3.40) evaluates v1's `state IN (five names)` by building a temporary b-tree of the names on
            // every INSERT or UPDATE that sets `state`: ~22 K instructions each, three per article. The same
            // check written as comparisons builds nothing. A changed CHECK leaves stored rows as they are, so
            // SQLite's documented procedure for it edits the schema text in place, without rebuilding the table
            // (https://sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema Changes").
            // A table whose text is not v1's (nothing here writes another) keeps its check: slower, still right.
            let original = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'articles'")
            guard original?.contains(Schema.stateCheckAsList) == true else { return }
            let current = try Int.fetchOne(db, sql: "PRAGMA schema_version") ?? 0
            try db.execute(sql: "PRAGMA writable_schema = ON")
            try db.execute(sql: "UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = 'articles'",
                           arguments: [Schema.stateCheckAsList, Schema.stateCheckAsComparisons])
            try db.execute(sql: "PRAGMA schema_version = \(current + 1)")
            try db.execute(sql: "PRAGMA writable_schema = OFF")
            let rewritten = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'articles'")
            guard rewritten?.contains(Schema.stateCheckAsComparisons) == true else {
                throw DatabaseError(message: "v5: the articles table's state CHECK was not rewritten")
            }
        }
        return migrator
    }
}
