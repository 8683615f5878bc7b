// Plain values that cross stage boundaries. All Sendable; no behaviour beyond small conveniences.
public import struct Foundation.Date

/// The source formats feedcrawler reads. `auto` detects from content.
public enum FeedKind: String, Sendable, Codable, CaseIterable {
    case auto, rss, atom, jsonfeed, sitemap, html
}

/// One entry of a feed, as parsed: links are absolute, text fields plain text (tags stripped, entities
/// decoded, whitespace collapsed), nil where the feed does not say.
public struct FeedItem: Sendable, Equatable, Codable {
    /// The feed's own identifier (RSS guid or rdf:about, Atom id, JSON Feed id), nil when the feed gives none
    /// (the crawler then identifies the item by its canonical URL alone).
    public var id: String?
    public var title: String?
    public var link: String?
    public var published: Date?
    public var updated: Date?
    public var author: String?
    public var summary: String?

    public init(id: String? = nil, title: String? = nil, link: String? = nil, published: Date? = nil,
                updated: Date? = nil, author: String? = nil, summary: String? = nil) {
        self.id = id
        self.title = title
        self.link = link
        self.published = published
        self.updated = updated
        self.author = author
        self.summary = summary
    }
}

/// A whole parsed feed.
public struct ParsedFeed: Sendable, Equatable {
    /// Which parser produced it (never `.auto`).
    public var kind: FeedKind
    public var title: String?
    /// The site's home page as the feed states it (absolute).
    public var link: String?
    public var items: [FeedItem]
    /// The feed's own word on how often to poll it, in seconds: RSS `<ttl>` (minutes) or
    /// `sy:updatePeriod`/`sy:updateFrequency`. The scheduler treats it as a lower bound. nil when absent.
    public var updateIntervalHintSeconds: Int?
    /// What the parser noticed and worked around (the items are what it could read safely); each is worth a
    /// log line naming the feed, since the feed's publisher or an attacker should be told apart from a bug.
    public var warnings: [FeedWarning] = []

    public init(kind: FeedKind, title: String? = nil, link: String? = nil, items: [FeedItem] = [],
                updateIntervalHintSeconds: Int? = nil) {
        self.kind = kind
        self.title = title
        self.link = link
        self.items = items
        self.updateIntervalHintSeconds = updateIntervalHintSeconds
    }
}

/// A problem a feed parser worked around; the raw value is the stable reason logged.
public enum FeedWarning: String, Sendable, Equatable {
    /// The document declares entities (a DTD internal subset): they were left unexpanded, so entity-expansion
    /// attacks (billion laughs, quadratic blow-up) and external entities cost nothing and leak nothing.
    case entitiesNotExpanded = "entities_not_expanded"
    /// Not well-formed XML: read in libxml2's recovery mode, so items may be missing or cut.
    case recoveredMalformedXML = "recovered_malformed_xml"
}
