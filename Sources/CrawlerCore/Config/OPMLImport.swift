// `feedcrawler import-opml`: turns an OPML subscription list (what feed readers export) into `[[feeds]]`
// tables. Feeds already configured (same URL) or listed twice are skipped; each new feed gets a unique,
// valid `name` from its title (else its host). The output is TOML text to review or append, never a
// silent rewrite of the config.
import CrawlerModel
import Foundation
import LibXML2

/// One subscription read from an OPML file.
public struct OPMLFeed: Sendable, Equatable {
    /// The outline's `title` (or `text`), as the reader showed it.
    public var title: String?
    /// `xmlUrl`: the feed itself.
    public var url: String

    public init(title: String?, url: String) {
        self.title = title
        self.url = url
    }
}

public struct OPMLImportError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
}

/// The result of turning subscriptions into config entries.
public struct OPMLImportResult: Sendable, Equatable {
    /// `[[feeds]]` tables, one blank line between them, ending with a newline (empty when nothing is new).
    public var toml: String
    /// Names given to the new feeds, in order.
    public var addedNames: [String]
    /// Subscriptions left out, with why: "already configured as detik", "listed twice", "not http(s): ...".
    public var skipped: [(url: String, reason: String)]

    public static func == (lhs: OPMLImportResult, rhs: OPMLImportResult) -> Bool {
        lhs.toml == rhs.toml && lhs.addedNames == rhs.addedNames
            && lhs.skipped.map { "\($0.url) \($0.reason)" } == rhs.skipped.map { "\($0.url) \($0.reason)" }
    }
}

public enum OPMLImport {
    /// Longest generated feed name, in characters.
    static let maxNameLength = 40

    /// Every `<outline xmlUrl="...">` of an OPML document, in document order (nested folders included).
    /// The XML is parsed with libxml2's safe options (no network, no entity expansion).
    public static func feeds(fromOPML bytes: [UInt8]) throws(OPMLImportError) -> [OPMLFeed] {
        let document: Document
        do {
            document = try Document.parseXML(bytes, recover: true)
        } catch {
            throw OPMLImportError(description: "not an OPML file: \(error)")
        }
        guard let root = document.root, root.hasName("opml") else {
            throw OPMLImportError(description: "not an OPML file: the root element is not <opml>")
        }
        var result: [OPMLFeed] = []
        for outline in document.select("//*[local-name()='outline']") {
            // Readers disagree on the attribute's case (xmlUrl, xmlURL, xmlurl).
            guard let url = outline.attributes.first(where: { $0.name.lowercased() == "xmlurl" })?.value
                .configTrimmed(), !url.isEmpty else { continue }
            let title = [outline.attribute("title"), outline.attribute("text")]
                .compactMap { $0?.configTrimmed() }.first { !$0.isEmpty }
            result.append(OPMLFeed(title: title, url: url))
        }
        return result
    }

    /// `[[feeds]]` entries for the subscriptions not yet in `existing`.
    public static func entries(for subscriptions: [OPMLFeed], existing: [FeedConfig]) -> OPMLImportResult {
        var usedNames = Set(existing.map(\.name))
        var knownURLs: [String: String] = [:]  // comparable URL -> feed name
        for feed in existing { knownURLs[comparable(feed.url)] = feed.name }
        var blocks: [String] = []
        var added: [String] = []
        var skipped: [(url: String, reason: String)] = []

        for subscription in subscriptions {
            if let problem = ConfigLoader.feedURLProblem(subscription.url) {
                skipped.append((subscription.url, "url \(problem)"))
                continue
            }
            let key = comparable(subscription.url)
            if let name = knownURLs[key] {
                skipped.append((subscription.url, added.contains(name) ? "listed twice" : "already configured as \(name)"))
                continue
            }
            let name = uniqueName(base: baseName(subscription), used: usedNames)
            usedNames.insert(name)
            knownURLs[key] = name
            added.append(name)
            var block = ""
            if let title = subscription.title { block += "# \(title.filter { $0 != "\n" && $0 != "\r" })\n" }
            block += "[[feeds]]\nname = \(configQuoted(name))\nurl = \(configQuoted(subscription.url))\n"
            blocks.append(block)
        }
        return OPMLImportResult(toml: blocks.joined(separator: "\n"), addedNames: added, skipped: skipped)
    }

    /// URLs that differ only in scheme case, host case or a trailing slash are the same feed.
    static func comparable(_ url: String) -> String {
        var text = url.configTrimmed()
        if let schemeEnd = text.firstRange(of: "://") {
            let afterScheme = text[schemeEnd.upperBound...]
            let hostEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
            text = text[..<schemeEnd.upperBound].lowercased() + afterScheme[..<hostEnd].lowercased()
                + afterScheme[hostEnd...]
        }
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    /// A name from the title ("Kompas.com - Nasional" -> "kompas-com-nasional"), else the host.
    static func baseName(_ subscription: OPMLFeed) -> String {
        if let title = subscription.title {
            let slug = slugify(title)
            if !slug.isEmpty { return slug }
        }
        var host = Substring(subscription.url)
        if let schemeEnd = host.firstRange(of: "://") { host = host[schemeEnd.upperBound...] }
        host = host.prefix { $0 != "/" && $0 != ":" && $0 != "?" && $0 != "#" }
        if host.hasPrefix("www.") { host = host.dropFirst(4) }
        let slug = slugify(String(host))
        return slug.isEmpty ? "feed" : slug
    }

    /// ASCII letters and digits kept (lowercased, accents dropped), runs of anything else become one '-'.
    static func slugify(_ text: String) -> String {
        var out = ""
        var pendingDash = false
        for scalar in text.decomposedStringWithCompatibilityMapping.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                if pendingDash, !out.isEmpty { out += "-" }
                pendingDash = false
                out.unicodeScalars.append(Unicode.Scalar(UInt8(ascii: scalar).lowercasedASCII))
            } else if scalar.properties.generalCategory == .nonspacingMark {
                continue  // the accent of a decomposed letter: "é" -> "e"
            } else {
                pendingDash = true
            }
            if out.count >= maxNameLength { break }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out
    }

    static func uniqueName(base: String, used: Set<String>) -> String {
        if !used.contains(base) { return base }
        var counter = 2
        while used.contains("\(base)-\(counter)") { counter += 1 }
        return "\(base)-\(counter)"
    }
}

extension UInt8 {
    fileprivate init(ascii scalar: Unicode.Scalar) { self = UInt8(truncatingIfNeeded: scalar.value) }
    fileprivate var lowercasedASCII: UInt8 { (65...90).contains(self) ? self + 32 : self }
}
