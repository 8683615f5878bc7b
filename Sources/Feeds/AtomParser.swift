// Atom 1.0 (RFC 4287) and its predecessor Atom 0.3. Differences handled: 0.3 says issued/modified where 1.0
// says published/updated, and marks escaped content with mode="escaped" and MIME types instead of
// type="text|html|xhtml".
import CrawlerModel
import LibXML2

enum AtomParser {
    static func parse(root: Node, feedURL: String) -> ParsedFeed {
        var feed = ParsedFeed(kind: .atom)
        let base = root.base(inheriting: feedURL)
        var alternate: (href: String, score: Int)?
        var entries: [Node] = []
        root.forEachElementChild { node in
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
        feed.link = alternate?.href
        feed.items.reserveCapacity(entries.count)
        for entry in entries {
            feed.items.append(parseEntry(entry, base: entry.base(inheriting: base)))
        }
        return feed
    }

    static func parseEntry(_ entry: Node, base: String) -> FeedItem {
        var item = FeedItem()
        var alternate: (href: String, score: Int)?
        var summary: String?, content: String?
        var published: String?, updated: String?, created: String?
        var sourceAuthor: String?
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
                published = published ?? node.trimmedText
            } else if node.hasName("updated") || node.hasName("modified") {
                updated = updated ?? node.trimmedText
            } else if node.hasName("created") {
                created = created ?? node.trimmedText
            } else if node.hasName("date") {
                // dc:date in an Atom entry: an update time, as feedparser reads it.
                updated = updated ?? node.trimmedText
            } else if node.hasName("author") {
                item.author = item.author ?? personName(node)
            } else if node.hasName("creator") {
                item.author = item.author ?? node.htmlFieldText
            } else if node.hasName("source") {
                node.forEachElementChild { inner in
                    if inner.hasName("author") { sourceAuthor = sourceAuthor ?? personName(inner) }
                }
            }
        }
        item.link = alternate?.href
        if item.id == nil { item.id = item.link }
        item.summary = summary ?? content
        item.published = (published ?? created).flatMap(DateParser.date)
        item.updated = updated.flatMap(DateParser.date)
        // RFC 4287 lets an entry inherit the feed's author; we do not (nor does feedparser): a feed-level author
        // is usually the publication ("Redaksi"), and `author` should be the entry's own byline. An author in
        // <source> is the entry's own (the entry was copied from that feed).
        item.author = item.author ?? sourceAuthor
        return item
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
        let type = (node.attribute("type") ?? "text").trimmingFeedWhitespace.lowercased()
        let mode = node.attribute("mode")?.lowercased()
        switch type {
        case "xhtml", "application/xhtml+xml":
            return nonEmpty(PlainText.fromHTML(node.innerMarkup))
        case "html", "text/html":
            return node.htmlFieldText
        case "text", "text/plain":
            if mode == "escaped" { return node.htmlFieldText }
            // Plain text by the spec; but entity references a sloppy feed left unexpanded still get decoded.
            return nonEmpty(PlainText.fromText(node.literalText))
        default:
            // Other media types (e.g. base64 images): not text we can show.
            if type.hasPrefix("text/") || type.hasSuffix("+xml") || type.hasSuffix("/xml") { return node.htmlFieldText }
            return nil
        }
    }

    /// The display name of an Atom person (author/contributor): name, else email.
    static func personName(_ node: Node) -> String? {
        var name: String?, email: String?
        node.forEachElementChild { child in
            if child.hasName("name") { name = name ?? nonEmpty(PlainText.fromText(child.literalText)) }
            else if child.hasName("email") { email = email ?? child.trimmedText }
        }
        if name == nil, email == nil {
            // Some RSS feeds write <atom:author>Name</atom:author> without children.
            return node.htmlFieldText
        }
        return name ?? email
    }
}

extension Namespace {
    static let ianaAlternate = "http://www.iana.org/assignments/relation/alternate"
}
