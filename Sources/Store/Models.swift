// Plain values the state store takes and returns. All Sendable; no database types leak out.
public import struct Foundation.Date
public import Dedup

/// Where an article is in its life. Stored as the raw value.
public enum ArticleState: String, Sendable, Codable, CaseIterable {
    /// Seen, not yet in the spool (to fetch, or to retry).
    case pending
    /// Claimed for the spool under a name; the files are being published (see Spool's SpoolDelivery).
    case writing
    /// In the spool (both files).
    case written
    /// Not written: the same article is already in the spool (`duplicate_of`, `duplicate_stage`).
    case duplicate
    /// Given up (permanent error, or too many attempts): not retried.
    case failed
}

/// Which dedup stage caught a duplicate (issue 5), cheapest first. Stored as the raw value.
public enum DuplicateStage: String, Sendable, Codable, CaseIterable {
    /// The feed's GUID was seen before.
    case guid
    /// Canonical URL before fetching.
    case url
    /// The page's own canonical URL, after fetching.
    case pageCanonical = "page_canonical"
    /// Same normalised body hash.
    case exact
    /// Near-duplicate fingerprint.
    case near
}

/// A new article found in a feed, to enqueue.
public struct NewArticle: Sendable, Equatable {
    public var canonicalURL: String
    /// 16 lowercase hex digits (Dedup.ArticleID of canonicalURL).
    public var articleID: String
    public var feed: String
    public var guid: String?
    /// The link as the feed gave it (absolute): what is fetched.
    public var url: String
    public var title: String?

    public init(canonicalURL: String, articleID: String, feed: String, guid: String?, url: String, title: String? = nil) {
        self.canonicalURL = canonicalURL
        self.articleID = articleID
        self.feed = feed
        self.guid = guid
        self.url = url
        self.title = title
    }
}

/// One article row, as the pipeline sees it.
public struct ArticleRecord: Sendable, Equatable {
    /// The store's key (row id): what every other method takes.
    public var key: Int64
    public var articleID: String
    public var canonicalURL: String
    public var pageCanonicalURL: String?
    public var feed: String
    public var guid: String?
    public var url: String
    public var title: String?
    public var state: ArticleState
    /// "NNN_HHHHHHHHHHHHHHHH" once claimed for the spool.
    public var spoolName: String?
    public var duplicateOf: String?
    public var duplicateStage: DuplicateStage?
    public var bodyHash: String?
    public var simHash: UInt64?
    public var attempts: Int
    public var lastError: String?
    public var nextAttemptAt: Date?
    public var firstSeenAt: Date
    public var writtenAt: Date?
}

/// What enqueue() did.
public enum EnqueueResult: Sendable, Equatable {
    /// A new pending article with this key.
    case enqueued(key: Int64)
    /// The canonical URL was already known (any state): nothing changed except the GUID being recorded.
    case alreadyKnown(key: Int64, state: ArticleState)
}

/// A feed's persisted polling state. nil/0 where never set.
public struct FeedState: Sendable, Equatable {
    public var name: String
    public var url: String
    public var etag: String?
    public var lastModified: String?
    public var lastPollAt: Date?
    public var lastSuccessAt: Date?
    /// A stable outcome token, e.g. "fresh", "not_modified", "http_404", "timeout".
    public var lastOutcome: String?
    public var lastNewItems: Int
    public var nextDueAt: Date?
    public var consecutiveFailures: Int
    /// Set when the feed is disabled (e.g. "http_410"); nil when active.
    public var disabledReason: String?
    /// A 301/308 target seen on consecutive polls, and how many polls in a row.
    public var permanentRedirectURL: String?
    public var permanentRedirectCount: Int

    public init(name: String, url: String, etag: String? = nil, lastModified: String? = nil, lastPollAt: Date? = nil,
                lastSuccessAt: Date? = nil, lastOutcome: String? = nil, lastNewItems: Int = 0, nextDueAt: Date? = nil,
                consecutiveFailures: Int = 0, disabledReason: String? = nil, permanentRedirectURL: String? = nil,
                permanentRedirectCount: Int = 0) {
        self.name = name
        self.url = url
        self.etag = etag
        self.lastModified = lastModified
        self.lastPollAt = lastPollAt
        self.lastSuccessAt = lastSuccessAt
        self.lastOutcome = lastOutcome
        self.lastNewItems = lastNewItems
        self.nextDueAt = nextDueAt
        self.consecutiveFailures = consecutiveFailures
        self.disabledReason = disabledReason
        self.permanentRedirectURL = permanentRedirectURL
        self.permanentRedirectCount = permanentRedirectCount
    }
}

/// What prune() removed.
public struct PruneReport: Sendable, Equatable {
    public var articles: Int
    public var guids: Int
}

/// A state store failure with a stable reason token.
public enum StateStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Creating the state directory or file failed.
    case filesystem(call: String, path: String, errno: Int32)
    /// SQLite or GRDB reported an error; its message.
    case database(String)
    /// The article key is not in the store.
    case unknownArticle(Int64)
    /// The article is not in a state that allows this transition.
    case invalidTransition(key: Int64, from: ArticleState, to: ArticleState)

    public var reason: String {
        switch self {
        case .filesystem: "state_filesystem_error"
        case .database: "state_database_error"
        case .unknownArticle: "state_unknown_article"
        case .invalidTransition: "state_invalid_transition"
        }
    }

    public var description: String {
        switch self {
        case .filesystem(let call, let path, let code): "\(call)(\(path)) failed: errno \(code)"
        case .database(let message): "database: \(message)"
        case .unknownArticle(let key): "unknown article key \(key)"
        case .invalidTransition(let key, let from, let to): "article \(key): cannot go from \(from) to \(to)"
        }
    }
}

/// A fetched and extracted article, as the dedup screening after fetching sees it.
public struct FetchedArticle: Sendable {
    public var key: Int64
    /// The canonical URL the article was queued under (from the feed).
    public var canonicalURL: String
    /// The page's own canonical URL, when usable.
    public var pageCanonicalURL: String?
    public var fingerprint: BodyFingerprint

    public init(key: Int64, canonicalURL: String, pageCanonicalURL: String?, fingerprint: BodyFingerprint) {
        self.key = key
        self.canonicalURL = canonicalURL
        self.pageCanonicalURL = pageCanonicalURL
        self.fingerprint = fingerprint
    }
}

/// What the screening after fetching decided for one article.
public enum ScreeningResult: Sendable, Equatable {
    /// No original found: on to the spool.
    case clear
    /// A copy of `of` (a spool name, or the original's canonical URL), found by `stage`; now marked duplicate.
    case duplicate(of: String, stage: DuplicateStage)
    /// The article was no longer pending (written, a duplicate or failed meanwhile, or pruned): nothing done.
    case notPending
}
