// Helpers shared by the XML feed readers (RSS, RDF, Atom, sitemaps): namespace URIs, element text, xml:base.
import CrawlerModel
import struct Foundation.Date
import LibXML2

enum Namespace {
    static let xml = "http://www.w3.org/XML/1998/namespace"
    static let atom10 = "http://www.w3.org/2005/Atom"
    static let atom03 = "http://purl.org/atom/ns#"
    static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    static let rss10 = "http://purl.org/rss/1.0/"
    static let rss090 = "http://my.netscape.com/rdf/simple/0.9/"
    static let dc = "http://purl.org/dc/elements/1.1/"
    static let dcterms = "http://purl.org/dc/terms/"
    static let content = "http://purl.org/rss/1.0/modules/content/"
    static let media = "http://search.yahoo.com/mrss/"
    static let itunes = "http://www.itunes.com/dtds/podcast-1.0.dtd"
    static let sitemap = "http://www.sitemaps.org/schemas/sitemap/0.9"
    static let googleNews = "http://www.google.com/schemas/sitemap-news/0.9"
    static let xhtml = "http://www.w3.org/1999/xhtml"
    static let syndication = "http://purl.org/rss/1.0/modules/syndication/"

    /// Extension namespaces whose elements must not be mistaken for RSS core elements of the same local name
    /// (`media:title`, `atom:link`, `itunes:summary`, ...).
    static func isExtension(_ uri: String?) -> Bool {
        guard let uri else { return false }
        switch uri {
        case atom10, atom03, dc, dcterms, content, media, itunes, googleNews, xhtml, rdf: return true
        default:
            // Misspelt Atom and Media RSS namespaces seen in the wild.
            return uri.hasPrefix("http://www.w3.org/2005/Atom") || uri.hasPrefix("http://search.yahoo.com/mrss")
        }
    }

    static func isAtom(_ uri: String?) -> Bool { uri == atom10 || uri == atom03 || (uri?.hasPrefix(atom10) ?? false) }
    static func isMedia(_ uri: String?) -> Bool { uri?.hasPrefix("http://search.yahoo.com/mrss") ?? false }
    static func isDC(_ uri: String?) -> Bool { uri == dc }
    static func isDCTerms(_ uri: String?) -> Bool { uri == dcterms }
}

extension Node {
    /// The element's text as written: text and CDATA, entity references that libxml2 did not expand kept as
    /// `&name;` (HTML decoding of titles and summaries resolves them). When the element has element children
    /// (inline XHTML, or raw HTML a sloppy feed did not escape), their markup is returned so that tags can be
    /// stripped with block boundaries respected.
    var rawText: String {
        var hasElementChild = false
        var child = firstChild
        var text = ""
        while let node = child {
            switch node.kind {
            case .text: text += node.content ?? ""
            case .element: hasElementChild = true
            case .other: text += node.entityReferenceText
            case .comment: break
            }
            if hasElementChild { break }
            child = node.nextSibling
        }
        return hasElementChild ? innerMarkup : text
    }

    /// True when the element has an element child (markup rather than text inside).
    var hasElementChild: Bool {
        var child = firstChild
        while let node = child {
            if node.isElement { return true }
            child = node.nextSibling
        }
        return false
    }

    /// Plain text of a field that holds HTML or text (RSS titles and descriptions); nil when empty.
    var htmlFieldText: String? { nonEmpty(PlainText.fromHTML(rawText)) }

    /// A person's name (author, dc:creator): plain text as written. Not tag-stripped: "Name <name@example.com>"
    /// (escaped in the feed) is a common form and the address is part of it; markup inside is left to
    /// `htmlFieldText` when the element really has element children.
    var personText: String? {
        if hasElementChild { return htmlFieldText }
        return nonEmpty(PlainText.fromText(literalText))
    }

    /// A URL-ish field (link, guid, loc): text trimmed, nil when empty.
    var trimmedText: String? {
        let text = literalText.trimmingFeedWhitespace
        return text.isEmpty ? nil : text
    }

    /// Text of text children only, as the reader sees it: entity references libxml2 left unexpanded are decoded
    /// one by one (never a second decoding pass over the text, which would turn a literal "&lt;" into "<").
    var literalText: String {
        var text = ""
        var child = firstChild
        while let node = child {
            if node.isText { text += node.content ?? "" }
            else if node.kind == .other { text += node.entityReferenceText }
            child = node.nextSibling
        }
        return text
    }

    /// An entity reference libxml2 left unexpanded (`&nbsp;` in a feed without a DTD, or any entity declared in
    /// an internal subset, which we never expand): the character for the HTML names, nothing for the rest, so
    /// a declared `&xxe;` or `&lol9;` vanishes instead of leaking or multiplying.
    var entityReferenceText: String {
        let markup = outerMarkup
        guard markup.hasPrefix("&"), markup.hasSuffix(";") else { return "" }
        let decoded = PlainText.decodeEntities(markup)
        return decoded == markup ? "" : decoded
    }

    /// xml:base on this element, if any.
    var xmlBase: String? {
        // Asked for every item, link and guid: look at the attribute names in place first (no allocation), and
        // only do the namespaced lookup when an attribute called "base" exists at all.
        var hasBase = false
        forEachAttributeBytes { name, _ in
            if name.count == 4, name[0] == UInt8(ascii: "b"), name[1] == UInt8(ascii: "a"), name[2] == UInt8(ascii: "s"),
               name[3] == UInt8(ascii: "e") { hasBase = true }
        }
        return hasBase ? attribute("base", namespace: Namespace.xml) : nil
    }

    /// The base in effect for this element from the document root down (all xml:base on the way applied).
    func effectiveBase(documentURL: String) -> String {
        var chain: [String] = []
        var node: Node? = self
        while let current = node {
            if let base = current.xmlBase, !base.isEmpty { chain.append(base) }
            node = current.parent
        }
        var base = documentURL
        for own in chain.reversed() { base = URLResolver.resolve(own, against: base) }
        return base
    }

    /// Direct element children, without building an array.
    func forEachElementChild(_ body: (Node) -> Void) {
        var child = firstChild
        while let node = child {
            if node.isElement { body(node) }
            child = node.nextSibling
        }
    }
}

/// What the RSS/Atom field readers need of an element: one reader serves both libxml2's tree (`Node`) and the
/// streamed RSS path (`StreamedElement`), so the two cannot drift apart.
protocol FeedElement {
    var namespaceURI: String? { get }
    func withNameBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R
    func hasName(_ candidate: String) -> Bool
    /// By local name, in no namespace or any namespace (first match).
    func attribute(_ localName: String) -> String?
    func attribute(_ localName: String, namespace: String) -> String?
    var htmlFieldText: String? { get }
    var trimmedText: String? { get }
    var personText: String? { get }
    var xmlBase: String? { get }
    func forEachElementChild(_ body: (Self) -> Void)
    /// `AtomParser.textConstruct` of this element.
    var atomTextConstruct: String? { get }
    /// `AtomParser.personName` of this element.
    var atomPersonName: String? { get }
}

extension FeedElement {
    /// The base URL in effect inside this element: its own xml:base resolved against `inherited`.
    func base(inheriting inherited: String) -> String {
        guard let own = xmlBase, !own.isEmpty else { return inherited }
        return URLResolver.resolve(own, against: inherited)
    }
}

extension Node: FeedElement {
    var atomTextConstruct: String? { AtomParser.textConstruct(self) }
    var atomPersonName: String? { AtomParser.personName(self) }
}

func nonEmpty(_ text: String?) -> String? {
    guard let text, !text.isEmpty else { return nil }
    return text
}

extension String {
    /// Trimmed of ASCII whitespace and NBSP (feeds pad links and guids with newlines and tabs).
    var trimmingFeedWhitespace: String {
        // Nothing to trim when neither end can be whitespace or NBSP (C2 A0): the usual case, decided on two bytes
        // instead of a scalar walk.
        let utf8 = self.utf8
        guard let firstByte = utf8.first, let lastByte = utf8.last else { return self }
        let firstMaybeSpace = firstByte == 0x20 || firstByte == 0x09 || firstByte == 0x0A || firstByte == 0x0D || firstByte == 0xC2
        let lastMaybeSpace = lastByte == 0x20 || lastByte == 0x09 || lastByte == 0x0A || lastByte == 0x0D || lastByte == 0xA0
        if !firstMaybeSpace && !lastMaybeSpace { return self }
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{A0}" }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        if first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) { return self }
        return String(scalars[first...last])
    }
}

/// Resolves a link found in a feed: `&amp;` left over from double escaping fixed (as feedparser does), then made
/// absolute against the base in effect.
func resolveFeedLink(_ raw: String?, base: String) -> String? {
    guard var raw = raw?.trimmingFeedWhitespace, !raw.isEmpty else { return nil }
    // Over the contiguous UTF-8 (the generic UTF8View.contains costs ~25 instructions a byte).
    let hasAmpersand = raw.utf8.withContiguousStorageIfAvailable { $0.contains(UInt8(ascii: "&")) } ?? raw.utf8.contains(UInt8(ascii: "&"))
    if hasAmpersand, raw.firstRange(of: "&amp;") != nil { raw = raw.replacingAll("&amp;", with: "&") }
    return URLResolver.resolve(raw, against: base)
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        result += rest
        return result
    }
}

/// The feed's own polling hints: RSS `<ttl>` (minutes) and the syndication module's `sy:updatePeriod` /
/// `sy:updateFrequency` ("hourly" and 2 = every 30 minutes). Collected from the channel (or Atom feed) element.
struct RefreshHints {
    var ttlMinutes: Int?
    var period: String?
    var frequency: Int?

    /// Looks at one channel-level element; true when it was a hint.
    mutating func consider(_ node: some FeedElement) -> Bool {
        if node.hasName("ttl") {
            ttlMinutes = node.trimmedText.flatMap { Int($0) }
            return true
        }
        if node.hasName("updatePeriod") || node.hasName("updateFrequency"),
           node.namespaceURI == Namespace.syndication {
            if node.hasName("updatePeriod") { period = node.trimmedText?.lowercased() }
            else { frequency = node.trimmedText.flatMap { Int($0) } }
            return true
        }
        return false
    }

    /// Seconds between polls the feed asks for at most as often as; nil without a usable hint. When both
    /// forms are present the longer one wins (both are lower bounds).
    var seconds: Int? {
        var candidates: [Int] = []
        // A year is the largest plausible hint; anything above (or zero, or negative) is a typo.
        let year = 365 * 86_400
        if let ttlMinutes, ttlMinutes > 0, ttlMinutes * 60 <= year { candidates.append(ttlMinutes * 60) }
        if let period {
            let periodSeconds: Int? = switch period {
            case "hourly": 3600
            case "daily": 86_400
            case "weekly": 7 * 86_400
            case "monthly": 30 * 86_400
            case "yearly": year
            default: nil
            }
            let times = max(1, min(frequency ?? 1, 3600))
            if let periodSeconds { candidates.append(max(1, periodSeconds / times)) }
        }
        return candidates.max()
    }
}

/// How a reader turns date strings into instants: DateParser with the zone to assume for zone-less strings.
struct FeedDates: Sendable {
    var zonelessOffsetSeconds = 0

    init() {}
    init(_ options: FeedParseOptions) { zonelessOffsetSeconds = options.zonelessDateOffsetSeconds }

    func date(_ text: String) -> Date? {
        if let date = RFC822Fast.date(text) { return date }
        return DateParser.parse(text, assumedOffsetSeconds: zonelessOffsetSeconds)?.date
    }
}

/// The one date shape nearly every RSS feed writes, "Mon, 23 Nov 2026 07:00:00 +0700" (or "GMT"), read at fixed
/// positions: ~100 instructions instead of DateParser's general token scan (~7,500; 5% of parsing a 5,000-item
/// feed). Anything else, including out-of-range fields, returns nil and goes to DateParser, which reads this
/// shape to the same instant (a test compares the two over many dates).
enum RFC822Fast {
    static func date(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes -> Date? in
            // "Www, DD Mmm YYYY HH:MM:SS +HHMM" is 31 bytes; with "GMT" 29.
            guard bytes.count == 31 || bytes.count == 29 else { return nil }
            func digit(_ index: Int) -> Int? {
                let byte = bytes[index]
                return byte >= 0x30 && byte <= 0x39 ? Int(byte - 0x30) : nil
            }
            func number(_ index: Int, _ width: Int) -> Int? {
                var value = 0
                for offset in 0..<width {
                    guard let digit = digit(index + offset) else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            func word(_ index: Int) -> UInt32 {
                UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            }
            guard weekdays.contains(word(0)), bytes[3] == UInt8(ascii: ","), bytes[4] == 0x20, bytes[7] == 0x20,
                  bytes[11] == 0x20, bytes[16] == 0x20, bytes[19] == UInt8(ascii: ":"), bytes[22] == UInt8(ascii: ":"),
                  bytes[25] == 0x20,
                  let day = number(5, 2), let monthIndex = months.firstIndex(of: word(8)), let year = number(12, 4),
                  let hour = number(17, 2), let minute = number(20, 2), let second = number(23, 2) else { return nil }
            let month = monthIndex + 1
            guard year >= 1000, day >= 1, day <= daysInMonth(year, month), hour <= 23, minute <= 59,
                  second <= 59 else { return nil }
            let offset: Int
            if bytes.count == 29 {
                guard word(26) == gmt else { return nil }
                offset = 0
            } else {
                let sign = bytes[26]
                guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"), let hours = number(27, 2),
                      let minutes = number(29, 2), hours <= 23, minutes <= 59 else { return nil }
                offset = (sign == UInt8(ascii: "-") ? -1 : 1) * (hours * 3600 + minutes * 60)
            }
            let epoch = DateParser.days(fromCivil: year, month, day) * 86_400
                + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
            return Date(timeIntervalSince1970: Double(epoch))
        }
    }

    private static func packed(_ text: StaticString) -> UInt32 {
        let bytes = text.utf8Start
        return UInt32(bytes[0]) << 16 | UInt32(bytes[1]) << 8 | UInt32(bytes[2])
    }

    private static let weekdays: [UInt32] = (["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as [StaticString]).map(packed)
    private static let months: [UInt32] = (["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                                            "Dec"] as [StaticString]).map(packed)

    private static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
    private static let gmt = packed("GMT")
}
