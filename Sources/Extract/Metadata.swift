// Page metadata: <head> meta tags, JSON-LD, canonical links, <time>, language. Collected with one walk of
// <head> and a few XPath queries (evaluated in C) over the body.
import CrawlerModel
import Foundation
import LibXML2

struct PageMetadata {
    var meta: [String: [String]] = [:]
    var titleTag: String?
    var canonical: String?
    var nextLink: String?
    var htmlLang: String?
    var jsonLD = JSONLDArticle()
    var timeElements: [String] = []
    /// Texts of elements whose class or id mentions a date, in page order (at most 6).
    var dateTexts: [String] = []
    var itempropDates: [String: String] = [:]

    func first(_ keys: String...) -> String? {
        for key in keys {
            if let value = meta[key]?.first(where: { !$0.isEmpty }) { return value }
        }
        return nil
    }
}

struct JSONLDArticle {
    var found = false
    var headline: String?
    var datePublished: String?
    var dateModified: String?
    var authors: [String] = []
    var articleBody: String?
    var image: String?
    var section: String?
    var keywords: [String] = []
    var isAccessibleForFree: Bool?
    var publisher: String?
    var url: String?
    var description: String?
}

enum MetadataCollector {
    static func collect(_ document: Document) -> PageMetadata {
        var page = PageMetadata()
        guard let root = document.root else { return page }
        page.htmlLang = root.attribute("lang") ?? root.attribute("xml:lang")
        guard let head = root.child(named: "head") else { return page }
        // One scan of <head> on borrowed bytes (a Node walk made a Node and a name String per element):
        // meta, title and link outside script/style/noscript; JSON-LD scripts anywhere in it.
        var depth = 0
        var opaqueDepth = Int.max  // inside style/noscript below this depth: only JSON-LD is looked for
        head.scanDescendants(maxDepth: Int.max, enter: { item in
            guard item.isElement else { return .skip }
            depth += 1
            let name = item.withNameBytes(HeadElement.init)
            if name == .script {
                if let type = item.attribute("type"), type.lowercased() == "application/ld+json" {
                    absorbJSONLD(item.node(in: document).textContent, into: &page.jsonLD)
                }
                return .skip
            }
            guard depth < opaqueDepth else { return .descend }
            switch name {
            case .meta:
                var key: String?, fallbackKeys: [String?] = [nil, nil, nil], content: String?
                item.forEachAttributeBytes { attributeName, value in
                    switch HeadElement.attribute(attributeName) {
                    case 0: if key == nil { key = String(decoding: value, as: UTF8.self) }
                    case 1: if fallbackKeys[0] == nil { fallbackKeys[0] = String(decoding: value, as: UTF8.self) }
                    case 2: if fallbackKeys[1] == nil { fallbackKeys[1] = String(decoding: value, as: UTF8.self) }
                    case 3: if fallbackKeys[2] == nil { fallbackKeys[2] = String(decoding: value, as: UTF8.self) }
                    case 4: if content == nil { content = String(decoding: value, as: UTF8.self) }
                    default: break
                    }
                }
                // property, then name, itemprop, http-equiv.
                if let key = key ?? fallbackKeys[0] ?? fallbackKeys[1] ?? fallbackKeys[2], let content {
                    page.meta[asciiLowercasedPrefix(key, 80), default: []].append(collapseWhitespace(content))
                }
                return .skip
            case .title:
                if page.titleTag == nil { page.titleTag = collapseWhitespace(item.node(in: document).textContent) }
                return .skip
            case .link:
                let rel = item.attribute("rel")?.lowercased() ?? ""
                if rel == "canonical", page.canonical == nil { page.canonical = item.attribute("href") }
                if rel == "next", page.nextLink == nil { page.nextLink = item.attribute("href") }
                return .skip
            case .opaque:
                opaqueDepth = depth
                return .descend
            default:
                return .descend
            }
        }, leave: {
            if depth == opaqueDepth { opaqueDepth = Int.max }
            depth -= 1
        })
        return page
    }

    /// The <head> elements `collect` tells apart, by name bytes.
    private enum HeadElement {
        case meta, title, link, script, opaque, other

        init(_ name: UnsafeBufferPointer<UInt8>) {
            func equals(_ literal: StaticString) -> Bool {
                guard literal.utf8CodeUnitCount == name.count else { return false }
                for index in 0..<name.count where literal.utf8Start[index] != name[index] { return false }
                return true
            }
            if equals("meta") { self = .meta } else if equals("title") { self = .title } else if equals("link") { self = .link }
            else if equals("script") { self = .script } else if equals("style") || equals("noscript") { self = .opaque }
            else { self = .other }
        }

        /// 0 property, 1 name, 2 itemprop, 3 http-equiv, 4 content, -1 other.
        static func attribute(_ name: UnsafeBufferPointer<UInt8>) -> Int {
            func equals(_ literal: StaticString) -> Bool {
                guard literal.utf8CodeUnitCount == name.count else { return false }
                for index in 0..<name.count where literal.utf8Start[index] != name[index] { return false }
                return true
            }
            if equals("property") { return 0 }
            if equals("name") { return 1 }
            if equals("itemprop") { return 2 }
            if equals("http-equiv") { return 3 }
            if equals("content") { return 4 }
            return -1
        }
    }

    /// Adds what the mirror walk saw in the body: JSON-LD scripts, <time datetime>, itemprop values.
    static func absorb(_ signals: BodySignals, dom: MiniDOM, into page: inout PageMetadata) {
        for script in signals.jsonLD.prefix(8) { absorbJSONLD(script, into: &page.jsonLD) }
        page.timeElements += signals.timeElements
        // Texts now: the scorer restructures the mirror afterwards.
        // Only short texts are dates: a date-classed wrapper around a whole story is not read in full.
        page.dateTexts = signals.dateElements.compactMap { dom.innerTextIfShort($0, maxBytes: 120) }
            .filter { !$0.isEmpty && $0.utf8.count <= 120 }
        for (key, value, node) in signals.itemprops where page.itempropDates[key] == nil {
            let text = node >= 0 ? dom.innerText(node) : value
            if !text.isEmpty { page.itempropDates[key] = text }
        }
    }

    static func absorbJSONLD(_ text: String, into article: inout JSONLDArticle) {
        guard text.utf8.count < 2_000_000, let data = text.data(using: .utf8) else { return }
        if let json = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) {
            absorb(json, into: &article)
            return
        }
        // Some sites leave raw control characters in JSON-LD strings; retry with them replaced.
        // Control characters are single bytes in UTF-8: replace them byte by byte.
        let cleaned = String(decoding: text.utf8.map { $0 < 0x20 ? 0x20 : $0 }, as: UTF8.self)
        if let data2 = cleaned.data(using: .utf8),
           let json2 = try? JSONSerialization.jsonObject(with: data2, options: [.fragmentsAllowed]) {
            absorb(json2, into: &article)
        }
    }

    private static let articleTypes: Set<String> = ["Article", "NewsArticle", "ReportageNewsArticle", "BlogPosting",
                                                    "AnalysisNewsArticle", "OpinionNewsArticle", "ReviewNewsArticle",
                                                    "BackgroundNewsArticle", "TechArticle", "ScholarlyArticle",
                                                    "Report", "LiveBlogPosting", "SocialMediaPosting", "WebPage"]

    private static func absorb(_ json: Any, into article: inout JSONLDArticle, depth: Int = 0) {
        guard depth < 6 else { return }
        if let array = json as? [Any] {
            for item in array { absorb(item, into: &article, depth: depth + 1) }
            return
        }
        guard let object = json as? [String: Any] else { return }
        if let graph = object["@graph"] { absorb(graph, into: &article, depth: depth + 1) }
        let types: [String]
        if let type = object["@type"] as? String { types = [type] } else { types = object["@type"] as? [String] ?? [] }
        guard let type = types.first(where: { articleTypes.contains($0) }) else { return }
        // A WebPage only fills gaps; a real article type replaces an earlier WebPage's values.
        let isPage = type == "WebPage"
        if isPage && article.found { return }
        if !isPage { article.found = true }
        func set(_ key: String, _ target: inout String?) {
            if let value = stringValue(object[key]), !value.isEmpty, target == nil || !isPage { target = value }
        }
        set("headline", &article.headline)
        if article.headline == nil { set("name", &article.headline) }
        set("datePublished", &article.datePublished)
        set("dateModified", &article.dateModified)
        set("articleBody", &article.articleBody)
        set("articleSection", &article.section)
        set("url", &article.url)
        set("description", &article.description)
        if let image = object["image"] {
            if let text = stringValue(image) { article.image = text }
            else if let list = image as? [Any], let firstImage = list.first { article.image = stringValue(firstImage) ?? (firstImage as? [String: Any]).flatMap { stringValue($0["url"]) } }
            else if let dictionary = image as? [String: Any] { article.image = stringValue(dictionary["url"]) }
        }
        if let author = object["author"] {
            let names = personNames(author)
            if !names.isEmpty { article.authors = names }
        }
        if let publisher = object["publisher"] as? [String: Any], let name = stringValue(publisher["name"]) {
            article.publisher = name
        }
        if let keywords = object["keywords"] {
            if let text = keywords as? String {
                article.keywords = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            } else if let list = keywords as? [Any] {
                article.keywords = list.compactMap { stringValue($0) }.filter { !$0.isEmpty }
            }
        }
        if let free = object["isAccessibleForFree"] {
            if let flag = free as? Bool { article.isAccessibleForFree = flag }
            else if let text = free as? String { article.isAccessibleForFree = text.lowercased() != "false" }
        }
    }

    private static func stringValue(_ value: Any?) -> String? {
        if let text = value as? String { return text.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let number = value as? NSNumber { return number.stringValue }
        return nil
    }

    private static func personNames(_ value: Any) -> [String] {
        if let text = value as? String { return [text] }
        if let list = value as? [Any] { return list.flatMap { personNames($0) } }
        if let object = value as? [String: Any], let name = stringValue(object["name"]) { return [name] }
        return []
    }
}

enum Language {
    fileprivate static let indonesian: Set<Substring> = ["yang", "dan", "di", "dari", "ini", "itu", "dengan", "untuk",
                                                     "tidak", "dalam", "akan", "pada", "juga", "ke", "karena", "adalah",
                                                     "oleh", "ada", "kata", "telah", "sudah", "bahwa", "saat"]
    fileprivate static let english: Set<Substring> = ["the", "and", "of", "to", "in", "is", "that", "for", "it", "with",
                                                  "was", "on", "as", "are", "be", "this", "by", "have", "from"]

    /// "id" or "en" from stop-word counts over (at most) the first 400 words, nil when neither is clear.
    static func detect(_ paragraphs: [String]) -> String? {
        var counts = WordCounts()
        for paragraph in paragraphs.prefix(12) {
            if !counts.scan(asciiLowercasedPrefixBytes(paragraph, 600)) {
                // A character made of several scalars: let Swift find the characters.
                for word in asciiLowercasedPrefix(paragraph, 600).split(whereSeparator: { !$0.isLetter }) {
                    counts.add(word)
                    if counts.words > 400 { break }
                }
            }
            if counts.words > 400 { break }
        }
        guard counts.id + counts.en >= 3 else { return nil }
        return counts.id >= counts.en ? "id" : "en"
    }

    /// Stop words packed into an integer (all are ASCII and at most 8 letters), so a word is looked up without
    /// making a string of it.
    private static func pack<C: Collection>(_ word: C) -> UInt64? where C.Element == UInt8 {
        guard word.count <= 8 else { return nil }
        var key: UInt64 = 0
        for byte in word { key = key << 8 | UInt64(byte) }
        return key
    }

    private static let indonesianKeys = Set(indonesian.compactMap { pack(Array($0.utf8)) })
    private static let englishKeys = Set(english.compactMap { pack(Array($0.utf8)) })

    private struct WordCounts {
        var id = 0, en = 0, words = 0

        mutating func add(_ word: Substring) {
            words += 1
            if Language.indonesian.contains(word) { id += 1 } else if Language.english.contains(word) { en += 1 }
        }

        /// Counts the words (runs of letters, as `Character.isLetter` = the first scalar is alphabetic) of one
        /// lowercased paragraph head; false, counting nothing, when a scalar might join the previous one into
        /// one character (then the caller splits by characters).
        mutating func scan(_ bytes: [UInt8]) -> Bool {
            // First pass: every scalar must stand alone as a character.
            var index = 0
            while index < bytes.count {
                let lead = bytes[index]
                if lead < 0x80 {
                    if lead == 0x0D { return false }
                    index += 1
                    continue
                }
                let (value, length) = UTF8Scalar.decode(bytes, at: index)
                if value >= 0x300 && !(value >= 0x2000 && value < 0x2070 && value != 0x200C && value != 0x200D) {
                    return false
                }
                index += length
            }
            var wordStart = -1
            var wordIsASCII = true
            func finish(_ end: Int) {
                words += 1
                if wordIsASCII, let key = Language.pack(bytes[wordStart ..< end]) {
                    if Language.indonesianKeys.contains(key) { id += 1 } else if Language.englishKeys.contains(key) { en += 1 }
                }
                wordStart = -1
                wordIsASCII = true
            }
            index = 0
            while index < bytes.count {
                let lead = bytes[index]
                var length = 1
                let isLetter: Bool
                if lead < 0x80 {
                    isLetter = (lead >= 0x61 && lead <= 0x7A) || (lead >= 0x41 && lead <= 0x5A)
                } else {
                    let decoded = UTF8Scalar.decode(bytes, at: index)
                    length = decoded.length
                    isLetter = Unicode.Scalar(decoded.value)?.properties.isAlphabetic ?? false
                }
                if isLetter {
                    if wordStart < 0 { wordStart = index }
                    if lead >= 0x80 { wordIsASCII = false }
                } else if wordStart >= 0 {
                    finish(index)
                    if words > 400 { return true }
                }
                index += length
            }
            if wordStart >= 0 { finish(bytes.count) }
            return true
        }
    }

    /// The primary subtag of a BCP 47 tag or locale ("en-US" -> "en", "id_ID" -> "id").
    static func primary(_ tag: String?) -> String? {
        guard let tag else { return nil }
        let primary = tag.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map { $0.lowercased() } ?? ""
        guard primary.count >= 2, primary.count <= 3, primary.allSatisfy(\.isLetter) else { return nil }
        return primary == "in" ? "id" : primary
    }
}
