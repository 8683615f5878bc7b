// The `.json` beside each spool text: the article's metadata, keys in the order the spool contract fixes
// (docs/spool.md). Every key is always present (null, [] or false where unknown) so consumers see one schema.
public import struct Foundation.Date
public import CrawlerModel

public struct SpoolSidecar: Sendable, Equatable {
    /// The article id: 16 lowercase hex digits, also in the file name.
    public var id: String
    /// The URL the article was fetched from (after redirects).
    public var url: String
    /// The canonical URL the id derives from.
    public var canonicalURL: String
    /// The configured feed name that led to the article.
    public var feed: String
    /// The site the article comes from: the host of `url` (e.g. "international.sindonews.com").
    public var site: String?
    public var title: String
    /// Publication time with the offset the source stated (RFC 3339), nil when unknown.
    public var published: ZonedDate?
    /// When feedcrawler fetched the page (written in UTC, "Z").
    public var fetchedAt: Date
    public var author: String?
    /// BCP 47 primary tag, e.g. "id".
    public var language: String?
    public var wordCount: Int
    /// Version of the extractor that produced the text, so consumers can re-process old files selectively.
    public var extractorVersion: String

    // Optional keys, written after the twelve fixed ones.
    public var modified: ZonedDate?
    public var dateline: String?
    public var image: String?
    public var section: String?
    public var tags: [String]
    public var description: String?
    public var paywalled: Bool

    public init(id: String, url: String, canonicalURL: String, feed: String, site: String?, title: String,
                published: ZonedDate?, fetchedAt: Date, author: String?, language: String?, wordCount: Int,
                extractorVersion: String, modified: ZonedDate? = nil, dateline: String? = nil, image: String? = nil,
                section: String? = nil, tags: [String] = [], description: String? = nil, paywalled: Bool = false) {
        self.id = id
        self.url = url
        self.canonicalURL = canonicalURL
        self.feed = feed
        self.site = site
        self.title = title
        self.published = published
        self.fetchedAt = fetchedAt
        self.author = author
        self.language = language
        self.wordCount = wordCount
        self.extractorVersion = extractorVersion
        self.modified = modified
        self.dateline = dateline
        self.image = image
        self.section = section
        self.tags = tags
        self.description = description
        self.paywalled = paywalled
    }

    /// The sidecar of an extracted article; `site` defaults to the host of `url`.
    public init(article: ExtractedArticle, id: String, url: String, canonicalURL: String, feed: String,
                site: String? = nil, fetchedAt: Date, extractorVersion: String) {
        let metadata = article.metadata
        self.init(id: id, url: url, canonicalURL: canonicalURL, feed: feed, site: site ?? HostName.host(of: url),
                  title: article.title, published: metadata.published, fetchedAt: fetchedAt, author: metadata.author,
                  language: metadata.language, wordCount: article.wordCount, extractorVersion: extractorVersion,
                  modified: metadata.modified, dateline: metadata.dateline, image: metadata.image,
                  section: metadata.section, tags: metadata.tags, description: metadata.description,
                  paywalled: metadata.paywalled)
    }

    /// The twelve keys every sidecar starts with, in order.
    public static let fixedKeys = ["id", "url", "canonical_url", "feed", "site", "title", "published", "fetched_at",
                                   "author", "language", "word_count", "extractor_version"]
    /// The keys that follow them, in order.
    public static let extraKeys = ["modified", "dateline", "image", "section", "tags", "description", "paywalled"]

    public var json: JSONValue {
        .object([
            ("id", .string(id)),
            ("url", .string(url)),
            ("canonical_url", .string(canonicalURL)),
            ("feed", .string(feed)),
            ("site", .optional(site)),
            ("title", .string(title)),
            ("published", .optional(published.map(RFC3339.format))),
            ("fetched_at", .string(RFC3339.format(fetchedAt))),
            ("author", .optional(author)),
            ("language", .optional(language)),
            ("word_count", .int(wordCount)),
            ("extractor_version", .string(extractorVersion)),
            ("modified", .optional(modified.map(RFC3339.format))),
            ("dateline", .optional(dateline)),
            ("image", .optional(image)),
            ("section", .optional(section)),
            ("tags", .array(tags.map { .string($0) })),
            ("description", .optional(description)),
            ("paywalled", .bool(paywalled)),
        ])
    }

    /// The file content: one JSON object and a final newline.
    public var fileContents: String { json.serialized + "\n" }
}

/// One article ready for the spool: its text in the spool text format and its sidecar.
public struct SpoolDocument: Sendable, Equatable {
    /// The state store's key for the article (its row id): the ledger is asked about this key.
    public var articleKey: Int64
    /// Title line, blank line, paragraphs (ExtractedArticle.spoolText).
    public var text: String
    public var sidecar: SpoolSidecar

    public init(articleKey: Int64, text: String, sidecar: SpoolSidecar) {
        self.articleKey = articleKey
        self.text = text
        self.sidecar = sidecar
    }
}
