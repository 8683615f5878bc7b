// The feed-parsing stage: bytes of a fetched source in, a ParsedFeed (or what to fetch next) out.
// Pure: no I/O, no shared state; safe to call from any thread (each call owns its libxml2 document).
//
// Detection is from content, never from the URL or Content-Type (servers mislabel feeds constantly):
//   `{`                                  -> JSON Feed
//   `<html`, an HTML doctype             -> HTML: feed autodiscovery (or a section page with kind = .html)
//   XML root rss | RDF                   -> RSS 0.90-2.0 / RSS 1.0
//   XML root feed                        -> Atom 0.3 / 1.0
//   XML root urlset | sitemapindex       -> sitemap / sitemap index
//   XML root CHANNEL                     -> Microsoft CDF
public import CrawlerModel
public import struct Foundation.Date
import LibXML2

public enum FeedParser {
    /// Parses a source into a feed.
    /// - Parameters:
    ///   - bytes: the body as fetched (after Content-Encoding is undone).
    ///   - url: the final URL it was fetched from: the base for relative links (an `xml:base` takes precedence).
    ///   - kind: `.html` reads a section page; `.jsonfeed` insists on JSON; every other value detects from content.
    ///   - contentTypeCharset: the `charset=` of the HTTP Content-Type, if any.
    /// - Returns: the feed.
    /// - Throws: `FeedParseError`. Two reasons carry what to fetch next: an HTML page with feed links throws
    ///   `.notAFeed` with `discoveredFeeds` set; a sitemap index throws `.sitemapIndex` with `sitemaps` set.
    ///   `read` returns both as values instead.
    public static func parse(_ bytes: [UInt8], url: String, kind: FeedKind = .auto, contentTypeCharset: String? = nil,
                             options: FeedParseOptions = FeedParseOptions()) throws(FeedParseError) -> ParsedFeed {
        switch try read(bytes, url: url, kind: kind, contentTypeCharset: contentTypeCharset, options: options) {
        case .feed(let feed):
            return feed
        case .sitemapIndex(let sitemaps):
            // Not items: a caller that treated child sitemaps as articles would fetch and extract XML files.
            var error = FeedParseError(.sitemapIndex, "a sitemap index listing \(sitemaps.count) sitemap(s); fetch and parse each")
            error.sitemaps = sitemaps
            throw error
        case .feedLinks(let feeds):
            var error = FeedParseError(.notAFeed, "an HTML page that links to \(feeds.count) feed(s): "
                                       + feeds.map(\.url).joined(separator: " "))
            error.discoveredFeeds = feeds
            throw error
        }
    }

    /// Parses a source and says what it is: a feed, a sitemap index to follow, or an HTML page naming feeds.
    /// Same parameters as `parse`.
    public static func read(_ bytes: [UInt8], url: String, kind: FeedKind = .auto, contentTypeCharset: String? = nil,
                            options: FeedParseOptions = FeedParseOptions()) throws(FeedParseError) -> FeedDocument {
        // A gzip file (sitemap.xml.gz served without Content-Encoding) is unpacked first, with a size cap.
        var bytes = bytes
        if Gzip.isGzip(bytes) {
            do {
                bytes = try Gzip.decompress(bytes, maxOutput: options.maxDecompressedBytes)
            } catch {
                switch error {
                case .tooLarge:
                    throw FeedParseError(.tooLarge, "gzip body inflates past \(options.maxDecompressedBytes) bytes")
                case .corrupt(let detail):
                    throw FeedParseError(.badCompression, "gzip body cannot be decompressed: \(detail)")
                }
            }
        }
        // UTF-16/32 become UTF-8 first; every later step (sniffing, repairs, JSON) then sees one encoding.
        let wide = FeedEncoding.transcodeWide(bytes)
        if let wide { bytes = wide }
        let contentTypeCharset = wide == nil ? contentTypeCharset : "UTF-8"
        var start = contentStart(bytes)
        guard start < bytes.count else { throw FeedParseError(.empty, "the body is empty") }
        if kind != .html, let feedStart = feedStartAfterJunk(bytes, from: start) { start = feedStart }
        let format: SourceFormat
        switch kind {
        case .html: format = .html
        case .jsonfeed: format = .json
        default:
            // EBCDIC ("<?xm" is 4C 6F A7 94): libxml2 recognises it and reads the declared code page itself.
            format = bytes.starts(with: [0x4C, 0x6F, 0xA7, 0x94]) ? .xml : try sniff(bytes, from: start)
        }
        var document: FeedDocument
        switch format {
        case .json:
            let utf8 = FeedEncoding.isValidUTF8(bytes) ? bytes : Windows1252.toUTF8(bytes)
            document = .feed(try JSONFeedParser.parse(Array(utf8[start...]), feedURL: url, dates: FeedDates(options)))
        case .html:
            let html = try parseHTML(bytes, url: url, charset: contentTypeCharset)
            if kind == .html {
                document = .feed(HTMLPageParser.sectionPage(html, pageURL: url, linkPattern: try compiledLinkPattern(options)))
            } else {
                let feeds = HTMLPageParser.discoverFeeds(html, pageURL: url)
                guard !feeds.isEmpty else {
                    throw FeedParseError(.notAFeed, "an HTML page without feed links (set kind = \"html\" to read it as a section page)")
                }
                document = .feedLinks(feeds)
            }
        case .xml:
            document = try parseXML(bytes, from: start, url: url, charset: contentTypeCharset, wasWide: wide != nil,
                                    options: options)
        }
        if case .feed(var feed) = document {
            // Sitemaps often list every kind of page (republika's mixes /kanal/ and /berita/): the link pattern
            // keeps the articles, as it does on HTML section pages.
            if feed.kind == .sitemap, let pattern = try compiledLinkPattern(options) {
                feed.items.removeAll { item in
                    guard let link = item.link else { return true }
                    return (try? pattern.firstMatch(in: link)) == nil
                }
            }
            if let limit = options.maxItems, feed.items.count > limit { feed.items.removeSubrange(limit...) }
            if format == .xml, declaresEntities(bytes, from: start) { feed.warnings.append(.entitiesNotExpanded) }
            if options.rejectHomepageLinks, feed.kind != .html {
                try FeedHealth.checkLinks(&feed)
            }
            document = .feed(feed)
        }
        return document
    }

    private static func compiledLinkPattern(_ options: FeedParseOptions) throws(FeedParseError) -> Regex<AnyRegexOutput>? {
        guard let source = options.linkPattern else { return nil }
        do { return try Regex(source) } catch {
            throw FeedParseError(.badLinkPattern, "link_pattern is not a valid regular expression: \(source)")
        }
    }

    // MARK: Detection

    enum SourceFormat { case xml, json, html }

    /// Index of the first byte after a UTF-8 BOM and leading whitespace.
    static func contentStart(_ bytes: [UInt8]) -> Int {
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A
                || bytes[index] == 0x0D || bytes[index] == 0x0C {
            index += 1
        }
        return index
    }

    /// Where the feed begins when something else was printed before it (a PHP warning, a stray byte, a
    /// "<br />" from a broken template): the first `<?xml`, `<rss`, `<feed`, `<rdf:RDF`, `<urlset` or
    /// `<sitemapindex` in the first 4 KiB. nil when the body starts like a document already or none is found.
    static func feedStartAfterJunk(_ bytes: [UInt8], from start: Int) -> Int? {
        let window = Array(bytes[start..<min(bytes.count, start + 4096)])
        if window.first == UInt8(ascii: "{") { return nil }
        if window.starts(with: Array("<?xml".utf8)) || window.starts(with: Array("<!".utf8)) { return nil }
        if window.first == UInt8(ascii: "<"), let second = window.dropFirst().first, PlainText.isASCIILetter(second),
           !window.starts(with: Array("<br".utf8)) && !window.starts(with: Array("<b>".utf8)) {
            return nil  // starts with an element: a document (or HTML), not junk
        }
        for marker in ["<?xml", "<rss", "<feed", "<rdf:RDF", "<urlset", "<sitemapindex"] {
            if let found = find(Array(marker.utf8), in: window, from: 1) { return start + found }
        }
        return nil
    }

    /// True when a DOCTYPE in the prolog declares entities (`<!ENTITY` in its internal subset). libxml2 is run
    /// without entity substitution, so they stay unexpanded; this is only to say so in the log. The DOCTYPE must
    /// come before the root element, within the first 4 KiB; its declarations are searched in the next 1 MiB.
    static func declaresEntities(_ bytes: [UInt8], from start: Int) -> Bool {
        let prolog = Array(bytes[start..<min(bytes.count, start + 4096)])
        guard let doctype = find(Array("<!DOCTYPE".utf8), in: prolog, from: 0) else { return false }
        let subsetEnd = min(bytes.count, start + doctype + 1 << 20)
        return find(Array("<!ENTITY".utf8), in: Array(bytes[(start + doctype)..<subsetEnd]), from: 0) != nil
    }

    static func sniff(_ bytes: [UInt8], from start: Int) throws(FeedParseError) -> SourceFormat {
        let first = bytes[start]
        if first == UInt8(ascii: "{") { return .json }
        guard first == UInt8(ascii: "<") else {
            throw FeedParseError(.notAFeed, "the body is neither XML, HTML nor JSON (starts with \(describe(bytes, from: start)))")
        }
        // The first element name decides HTML vs XML, past the XML declaration, comments and doctype.
        let window = bytes[start..<min(bytes.count, start + 4096)]
        let lowered = window.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        var index = 0
        // An HTML doctype decides for HTML unless a feed root follows it: generators that wrap feeds in XHTML
        // templates leave `<!DOCTYPE html ...>` before `<rss>`.
        var htmlDoctype = false
        while index < lowered.count {
            guard let open = lowered[index...].firstIndex(of: UInt8(ascii: "<")) else { break }
            let next = open + 1 < lowered.count ? lowered[open + 1] : 0
            if next == UInt8(ascii: "?") || next == UInt8(ascii: "!") {
                if lowered[open...].starts(with: Array("<!doctype html".utf8)) { htmlDoctype = true }
                if lowered[open...].starts(with: Array("<!--".utf8)) {
                    index = find(Array("-->".utf8), in: lowered, from: open + 4).map { $0 + 3 } ?? lowered.count
                } else {
                    index = (lowered[open...].firstIndex(of: UInt8(ascii: ">")) ?? lowered.count - 1) + 1
                }
                continue
            }
            let name = lowered[(open + 1)...].prefix(while: { PlainText.isASCIILetter($0) || PlainText.isASCIIDigit($0) || $0 == UInt8(ascii: ":") })
            if name.elementsEqual("html".utf8) || name.elementsEqual("head".utf8) || name.elementsEqual("body".utf8) {
                return .html
            }
            let feedRoots = ["rss", "feed", "rdf:rdf", "rdf", "channel", "urlset", "sitemapindex"]
            return htmlDoctype && !feedRoots.contains(where: { name.elementsEqual($0.utf8) }) ? .html : .xml
        }
        return htmlDoctype ? .html : .xml
    }

    private static func describe(_ bytes: [UInt8], from start: Int) -> String {
        let prefix = bytes[start..<min(bytes.count, start + 16)]
        let printable = prefix.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
        return printable ? "\"\(String(decoding: prefix, as: UTF8.self))\"" : "binary bytes"
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        var index = start
        while index + needle.count <= haystack.count {
            if haystack[index] == needle[0], haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    // MARK: XML

    private static func parseXML(_ bytes: [UInt8], from start: Int, url: String, charset: String?, wasWide: Bool,
                                 options: FeedParseOptions) throws(FeedParseError) -> FeedDocument {
        let decoded: FeedEncoding.Prepared
        if bytes.starts(with: [0x4C, 0x6F, 0xA7, 0x94]) {
            // EBCDIC: no byte-level repairs (they assume an ASCII-compatible encoding). libxml2 would start in its
            // own EBCDIC variant and misread `<!--` before it reaches the declaration in code pages where `!`
            // differs (cp500): name the declared code page (iconv spelling) up front.
            let declared = FeedEncoding.ebcdicDeclaredEncoding(bytes).map { FeedEncoding.iconvName($0.lowercased()) }
            decoded = FeedEncoding.Prepared(bytes: bytes, encoding: declared)
        } else {
            decoded = try FeedEncoding.prepareXML(bytes, from: start, httpCharset: charset, wasWide: wasWide)
        }
        // Well-formed UTF-8 RSS (most feeds) is read from parser events without building a tree; anything the
        // streamed path cannot read exactly as the tree path would comes back nil and takes the tree path below.
        if options.allowsStreaming, decoded.encoding == "UTF-8", RSSStream.rootLooksLikeRSS(decoded.bytes),
           let feed = RSSStream.parse(decoded.bytes, feedURL: url, dates: FeedDates(options), maxItems: options.maxItems) {
            return .feed(feed)
        }
        let document: Document
        var recovered = false
        do {
            // Strict first: most feeds are well-formed and need nothing else. A feed that is not gets its entity
            // references made numeric (see XMLReferenceRepair: after a well-formedness error libxml2 drops named
            // references) and a second strict try; one still broken gets its raw HTML wrapped in CDATA and
            // libxml2's recovery mode. Extra parses are paid only by broken feeds.
            if let strict = try? Document.parseXML(decoded.bytes, url: url, encoding: decoded.encoding, recover: false) {
                document = strict
            } else {
                // NUL is never XML and makes libxml2 stop reading (even in recovery mode), losing every item
                // after it: the repair pass drops NUL bytes (ASCII-compatible encodings only, as the repair itself).
                let withoutNUL = decoded.bytes.contains(0) ? decoded.bytes.filter { $0 != 0 } : decoded.bytes
                let repaired = decoded.encoding == nil ? decoded.bytes : XMLReferenceRepair.repair(withoutNUL)
                if let strict = try? Document.parseXML(repaired, url: url, encoding: decoded.encoding, recover: false) {
                    document = strict
                } else {
                    document = try Document.parseXML(XMLMarkupWrapping.wrap(repaired), url: url,
                                                     encoding: decoded.encoding, recover: true)
                    recovered = true
                }
            }
        } catch {
            switch error {
            case .empty: throw FeedParseError(.malformedXML, "no XML element could be read")
            case .tooLarge: throw FeedParseError(.tooLarge, "the document is too large to parse")
            case .malformed(let message, let line):
                if message.lowercased().contains("encoding") {
                    throw FeedParseError(.badEncoding, "cannot decode the document: \(message) (line \(line))")
                }
                throw FeedParseError(.malformedXML, "\(message) (line \(line))")
            }
        }
        guard let root = document.root else { throw FeedParseError(.malformedXML, "no root element") }
        func flagged(_ feed: ParsedFeed) -> FeedDocument {
            var feed = feed
            if recovered { feed.warnings.append(.recoveredMalformedXML) }
            return .feed(feed)
        }
        if root.hasName("rss") || root.hasName("RDF") || root.hasName("rdf") {
            return flagged(RSSParser.parse(root: root, feedURL: url, dates: FeedDates(options)))
        }
        if root.hasName("feed") { return flagged(AtomParser.parse(root: root, feedURL: url, dates: FeedDates(options))) }
        if root.hasName("urlset") {
            return flagged(SitemapParser.parseURLSet(root: root, feedURL: url, notBefore: options.notBefore,
                                                     dates: FeedDates(options)))
        }
        if root.hasName("sitemapindex") {
            return .sitemapIndex(SitemapParser.parseIndex(root: root, feedURL: url, notBefore: options.notBefore,
                                                          dates: FeedDates(options)))
        }
        if CDFParser.isCDF(root) { return flagged(CDFParser.parse(root: root, feedURL: url, dates: FeedDates(options))) }
        if root.hasName("channel") {
            // A bare <channel> root (seen with broken RSS 0.9x generators).
            var feed = RSSParser.parse(root: root, feedURL: url, dates: FeedDates(options))
            if feed.items.isEmpty { feed = ParsedFeed(kind: .rss) }
            return flagged(feed)
        }
        if root.hasName("html") {
            let html = try parseHTML(bytes, url: url, charset: charset)
            let feeds = HTMLPageParser.discoverFeeds(html, pageURL: url)
            guard !feeds.isEmpty else { throw FeedParseError(.notAFeed, "an XHTML page without feed links") }
            return .feedLinks(feeds)
        }
        throw FeedParseError(.notAFeed, "XML with root element <\(root.name)> is not a feed format")
    }

    // MARK: HTML

    private static func parseHTML(_ bytes: [UInt8], url: String, charset: String?) throws(FeedParseError) -> Document {
        let prepared = FeedEncoding.prepareHTML(bytes, httpCharset: charset)
        do {
            return try Document.parseHTML(prepared.bytes, url: url, encoding: prepared.encoding)
        } catch {
            switch error {
            case .tooLarge: throw FeedParseError(.tooLarge, "the page is too large to parse")
            default: throw FeedParseError(.notAFeed, "an HTML page with no content")
            }
        }
    }
}

/// Knobs for one parse; the defaults suit feeds.
public struct FeedParseOptions: Sendable, Equatable {
    /// HTML section pages and sitemaps: a regular expression (Swift Regex syntax) that an absolute link must
    /// contain a match of to count as an article. On HTML pages it replaces the URL-shape heuristic (links must
    /// still be on the page's site); in sitemaps it drops the URLs that do not match. Ignored for RSS/Atom/JSON.
    public var linkPattern: String?
    /// Sitemaps: URLs (and child sitemaps) dated before this are dropped; undated ones are kept.
    public var notBefore: Date?
    /// Keep at most this many items, in document order (nil: all).
    public var maxItems: Int?
    /// Report a feed whose item links all point at a site's home page as broken (`links_point_to_homepage`)
    /// instead of returning one bogus article. On by default.
    public var rejectHomepageLinks: Bool
    /// Seconds east of UTC for dates that state no zone ("2026-07-24 10:00:00"). Default 0: UTC, as feedparser
    /// reads them. An Indonesian site that writes WIB wall-clock times without a zone: 25200.
    public var zonelessDateOffsetSeconds: Int
    /// A gzip body (e.g. sitemap.xml.gz) may inflate to at most this many bytes (default 64 MiB; the sitemap
    /// protocol allows 50 MB uncompressed). A gzip bomb stops here with `too_large`.
    public var maxDecompressedBytes: Int
    /// RSS may be read from parser events instead of a tree (RSSStream). Off only in tests that check both paths
    /// give the same feed.
    var allowsStreaming = true

    public init(linkPattern: String? = nil, notBefore: Date? = nil, maxItems: Int? = nil, rejectHomepageLinks: Bool = true,
                maxDecompressedBytes: Int = 64 << 20, zonelessDateOffsetSeconds: Int = 0) {
        self.linkPattern = linkPattern
        self.notBefore = notBefore
        self.maxItems = maxItems
        self.rejectHomepageLinks = rejectHomepageLinks
        self.maxDecompressedBytes = maxDecompressedBytes
        self.zonelessDateOffsetSeconds = zonelessDateOffsetSeconds
    }
}

/// What a source turned out to be.
public enum FeedDocument: Sendable, Equatable {
    /// A feed (RSS, Atom, JSON Feed, sitemap, HTML section page) with its items.
    case feed(ParsedFeed)
    /// A sitemap index: fetch each child sitemap and parse it the same way (indexes may nest; bound the depth).
    case sitemapIndex([SitemapReference])
    /// An HTML page (e.g. a homepage configured as a feed) naming its feeds with <link rel="alternate">.
    case feedLinks([DiscoveredFeed])
}

/// One child sitemap listed by a sitemap index.
public struct SitemapReference: Sendable, Equatable {
    public var url: String
    public var lastModified: Date?

    public init(url: String, lastModified: Date? = nil) {
        self.url = url
        self.lastModified = lastModified
    }
}

/// A feed announced by an HTML page.
public struct DiscoveredFeed: Sendable, Equatable {
    /// Absolute http(s) URL.
    public var url: String
    public var title: String?
    /// `.rss`, `.atom` or `.jsonfeed`, from the link's type attribute.
    public var kind: FeedKind

    public init(url: String, title: String? = nil, kind: FeedKind) {
        self.url = url
        self.title = title
        self.kind = kind
    }
}

/// Why a source could not be read as a feed. `reason` is stable (for logs and metrics), `message` says more.
public struct FeedParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable, Equatable {
        /// No bytes, or only whitespace.
        case empty
        /// Some other kind of document (HTML without feed links, XML of another vocabulary, binary data).
        case notAFeed = "not_a_feed"
        /// XML that libxml2 could not build a tree from even in recovery mode.
        case malformedXML = "malformed_xml"
        /// A body starting with `{` that is not valid JSON.
        case malformedJSON = "malformed_json"
        /// The declared charset is unknown or the bytes cannot be decoded with it.
        case badEncoding = "bad_encoding"
        /// Larger than the parser accepts (2 GiB), or a gzip body inflating past `maxDecompressedBytes`.
        case tooLarge = "too_large"
        /// A gzip body that is corrupt.
        case badCompression = "bad_compression"
        /// Every item links to a site's home page (seen on tribunnews): one bogus article instead of many.
        case linksPointToHomepage = "links_point_to_homepage"
        /// The configured link_pattern is not a valid regular expression.
        case badLinkPattern = "bad_link_pattern"
        /// A sitemap index (from `parse` only): its child sitemaps are in `sitemaps`, to be fetched and parsed.
        case sitemapIndex = "sitemap_index"
    }

    public var reason: Reason
    public var message: String
    /// For `.notAFeed` on an HTML page: the feeds it links to (autodiscovery).
    public var discoveredFeeds: [DiscoveredFeed] = []
    /// For `.sitemapIndex`: the child sitemaps, in document order.
    public var sitemaps: [SitemapReference] = []

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { "\(reason.rawValue): \(message)" }
}
