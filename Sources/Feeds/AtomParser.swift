// Atom 1.0 (RFC 4287) and its predecessor Atom 0.3. Differences handled: 0.3 says issued/modified where 1.0
// says published/updated, and marks escaped content with mode="escaped" and MIME types instead of
// type="text|html|xhtml".
import CrawlerModel
import Foundation
import LibXML2

enum AtomParser {
    static func parse(root: Node, feedURL: String, dates: FeedDates = FeedDates()) -> ParsedFeed {
        var feed = ParsedFeed(kind: .atom)
        let base = root.base(inheriting: feedURL)
        var alternate: (href: String, score: Int)?
        var entries: [Node] = []
        var hints = RefreshHints()
        root.forEachElementChild { node in
            if hints.consider(node) { return }
            if node.hasName("entry") {
                entries.append(node)
            } else if node.hasName("title") {
                feed.title = feed.title ?? textConstruct(node)
            } else if node.hasName("link") {
                if let candidate = linkCandidate(node, base: base), candidate.score > (alternate?.score ?? -1) {
                    alternate = candidate
                }
            }
        }
        // No alternate link: an http(s) feed id is the best home page there is (feedparser does the same).
        feed.link = alternate?.href ?? idLink(root, base: base)
        feed.updateIntervalHintSeconds = hints.seconds
        feed.items.reserveCapacity(entries.count)
        for entry in entries {
            feed.items.append(parseEntry(entry, base: entry.base(inheriting: base), dates: dates))
        }
        return feed
    }

    static func parseEntry(_ entry: Node, base: String, dates: FeedDates) -> FeedItem {
        var item = FeedItem()
        var alternate: (href: String, score: Int)?
        var summary: String?, content: String?, mediaDescription: String?
        var published: String?, updated: String?
        entry.forEachElementChild { node in
            if node.hasName("id") {
                // feedparser resolves Atom ids like permalink guids; URNs and tag: URIs keep their scheme.
                if item.id == nil, let text = node.trimmedText {
                    item.id = URLResolver.resolve(text, against: node.base(inheriting: base))
                }
            } else if node.hasName("title") {
                if Namespace.isMedia(node.namespaceURI) { return }
                item.title = item.title ?? textConstruct(node)
            } else if node.hasName("link") {
                if let candidate = linkCandidate(node, base: base), candidate.score > (alternate?.score ?? -1) {
                    alternate = candidate
                }
            } else if node.hasName("summary") {
                summary = summary ?? textConstruct(node)
            } else if node.hasName("content") {
                if Namespace.isMedia(node.namespaceURI) { return }
                content = content ?? textConstruct(node)
            } else if node.hasName("published") || node.hasName("issued") {
                // Repeated dates and authors: the last one counts, as in feedparser.
                published = node.trimmedText ?? published
            } else if node.hasName("updated") || node.hasName("modified") {
                updated = node.trimmedText ?? updated
            } else if node.hasName("group"), Namespace.isMedia(node.namespaceURI) {
                node.forEachElementChild { media in
                    if media.hasName("description") { mediaDescription = mediaDescription ?? media.htmlFieldText }
                }
            } else if node.hasName("date") {
                // dc:date in an Atom entry: an update time, as feedparser reads it.
                updated = node.trimmedText ?? updated
            } else if node.hasName("author") {
                item.author = personName(node) ?? item.author
            } else if node.hasName("creator") {
                item.author = node.personText ?? item.author
            }
        }
        // Without an alternate link, an http(s) id is the permalink (feedparser reads ids like permalink guids).
        item.link = alternate?.href ?? item.id.flatMap { URLResolver.isHTTP($0) ? $0 : nil }
        item.summary = summary ?? content ?? mediaDescription
        item.published = published.flatMap(dates.date)
        item.updated = updated.flatMap(dates.date)
        // RFC 4287 lets an entry inherit the feed's (or its <source>'s) author; we do not, nor does feedparser:
        // a feed-level author is usually the publication ("Redaksi"), and `author` is the entry's own byline.
        return item
    }

    private static func idLink(_ root: Node, base: String) -> String? {
        var link: String?
        root.forEachElementChild { node in
            if link == nil, node.hasName("id"), let text = node.trimmedText {
                let resolved = URLResolver.resolve(text, against: node.base(inheriting: base))
                if URLResolver.isHTTP(resolved) { link = resolved }
            }
        }
        return link
    }

    /// A link element that could be the entry's permalink, scored so that rel="alternate" type="text/html"
    /// wins over a bare link, and rel="self"/"edit"/"enclosure"... never count.
    private static func linkCandidate(_ node: Node, base: String) -> (href: String, score: Int)? {
        guard let href = node.attribute("href"), let resolved = resolveFeedLink(href, base: node.base(inheriting: base)) else {
            // Atom 0.3 and broken feeds: <link>http://...</link>
            if let text = node.trimmedText, let resolved = resolveFeedLink(text, base: node.base(inheriting: base)) {
                return (resolved, 0)
            }
            return nil
        }
        let rel = node.attribute("rel")?.trimmingFeedWhitespace.lowercased() ?? "alternate"
        guard rel == "alternate" || rel.isEmpty || rel == Namespace.ianaAlternate else { return nil }
        let type = node.attribute("type")?.lowercased() ?? ""
        let htmlType = type.isEmpty || type.hasPrefix("text/html") || type.hasPrefix("application/xhtml")
        return (resolved, htmlType ? 2 : 1)
    }

    /// The plain text of an Atom text construct (title, summary, content, subtitle, rights).
    static func textConstruct(_ node: Node) -> String? {
        var type = (node.attribute("type") ?? "text").trimmingFeedWhitespace.lowercased()
        if type.isEmpty { type = "text" }
        let mode = node.attribute("mode")?.lowercased()
        // Atom 0.3 mode="base64", or a non-text media type (Atom 1.0 says those are base64): decode, then read
        // as HTML when it is text at all.
        if mode == "base64" || !(type.hasPrefix("text") || type == "html" || type == "xhtml" || type.hasSuffix("xml")) {
            guard let data = Data(base64Encoded: node.literalText.trimmingFeedWhitespace, options: .ignoreUnknownCharacters),
                  let decoded = String(data: data, encoding: .utf8) else { return nil }
            return nonEmpty(PlainText.fromHTML(decoded))
        }
        switch type {
        case "xhtml", "application/xhtml+xml":
            return nonEmpty(PlainText.fromHTML(node.innerMarkup))
        case "html", "text/html":
            // Escaped HTML inside an element (TypePad wrapped it in an XHTML <div>): the div's text is the
            // escaped markup, so strip once for the wrapper and once for the HTML it carries.
            if node.hasElementChild { return nonEmpty(PlainText.fromHTML(PlainText.fromHTML(node.innerMarkup))) }
            return node.htmlFieldText
        case "text", "text/plain":
            // Plain text by the spec, but feeds routinely put HTML and entities in it (`&nbsp;`, `<b>`), and
            // feedparser strips them too: read it like RSS text. A literal "<blink>" in a text title is lost,
            // which is rarer than the opposite mistake.
            return node.htmlFieldText
        default:
            return node.htmlFieldText
        }
    }

    /// The display name of an Atom person (author/contributor) as feedparser writes it: "Name (email)", the name
    /// or the email alone when only one is given.
    static func personName(_ node: Node) -> String? {
        var name: String?, email: String?
        node.forEachElementChild { child in
            if child.hasName("name") { name = name ?? child.personText }
            else if child.hasName("email") { email = email ?? child.trimmedText }
        }
        if name == nil, email == nil {
            // Some RSS feeds write <atom:author>Name</atom:author> without children; a person with only a <uri>
            // has no name to show.
            return node.hasElementChild ? nil : node.personText
        }
        if let name, let email { return "\(name) (\(email))" }
        return name ?? email
    }
}

extension Namespace {
    static let ianaAlternate = "http://www.iana.org/assignments/relation/alternate"
}
