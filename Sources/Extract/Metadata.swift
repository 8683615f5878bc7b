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
        if let head = root.child(named: "head") {
            head.walkDescendants { node in
                guard node.isElement else { return .skipChildren }
                switch node.name {
                case "meta":
                    let key = node.attribute("property") ?? node.attribute("name") ?? node.attribute("itemprop")
                        ?? node.attribute("http-equiv")
                    if let key, let content = node.attribute("content") {
                        page.meta[asciiLowercasedPrefix(key, 80), default: []].append(collapseWhitespace(content))
                    }
                    return .skipChildren
                case "title":
                    if page.titleTag == nil { page.titleTag = collapseWhitespace(node.textContent) }
                    return .skipChildren
                case "link":
                    let rel = node.attribute("rel")?.lowercased() ?? ""
                    if rel == "canonical", page.canonical == nil { page.canonical = node.attribute("href") }
                    if rel == "next", page.nextLink == nil { page.nextLink = node.attribute("href") }
                    return .skipChildren
                case "script", "style", "noscript": return .skipChildren
                default: return .visitChildren
                }
            }
        }
        // JSON-LD in the head (the body's arrives through the mirror's signals).
        if let head = root.child(named: "head") {
            head.walkDescendants { node in
                guard node.isElement else { return .skipChildren }
                if node.hasName("script"), node.attribute("type")?.lowercased() == "application/ld+json" {
                    absorbJSONLD(node.textContent, into: &page.jsonLD)
                    return .skipChildren
                }
                return .visitChildren
            }
        }
        return page
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
        let cleaned = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 ? " " : $0 }))
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
    private static let indonesian: Set<Substring> = ["yang", "dan", "di", "dari", "ini", "itu", "dengan", "untuk",
                                                     "tidak", "dalam", "akan", "pada", "juga", "ke", "karena", "adalah",
                                                     "oleh", "ada", "kata", "telah", "sudah", "bahwa", "saat"]
    private static let english: Set<Substring> = ["the", "and", "of", "to", "in", "is", "that", "for", "it", "with",
                                                  "was", "on", "as", "are", "be", "this", "by", "have", "from"]

    /// "id" or "en" from stop-word counts over (at most) the first 400 words, nil when neither is clear.
    static func detect(_ paragraphs: [String]) -> String? {
        var idCount = 0, enCount = 0, words = 0
        for paragraph in paragraphs.prefix(12) {
            for word in asciiLowercasedPrefix(paragraph, 600).split(whereSeparator: { !$0.isLetter }) {
                words += 1
                if indonesian.contains(word) { idCount += 1 } else if english.contains(word) { enCount += 1 }
                if words > 400 { break }
            }
            if words > 400 { break }
        }
        guard idCount + enCount >= 3 else { return nil }
        return idCount >= enCount ? "id" : "en"
    }

    /// The primary subtag of a BCP 47 tag or locale ("en-US" -> "en", "id_ID" -> "id").
    static func primary(_ tag: String?) -> String? {
        guard let tag else { return nil }
        let primary = tag.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map { $0.lowercased() } ?? ""
        guard primary.count >= 2, primary.count <= 3, primary.allSatisfy(\.isLetter) else { return nil }
        return primary == "in" ? "id" : primary
    }
}
