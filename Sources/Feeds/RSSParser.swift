// RSS 0.90, 0.91, 0.92, 2.0 and RSS 1.0 (RDF): one reader, because they differ only in where items sit and in
// the namespace of the core elements. RSS 2.0 puts <item> inside <channel>; RDF flavours put them beside it
// under <rdf:RDF>. Extension namespaces recognised: dc:, dcterms:, content:encoded, media:, atom: (links,
// dates, authors that some RSS feeds borrow), itunes:summary.
import CrawlerModel
import LibXML2

enum RSSParser {
    static func parse(root: Node, feedURL: String) -> ParsedFeed {
        var feed = ParsedFeed(kind: .rss)
        let rootBase = root.base(inheriting: feedURL)
        let channel = root.child(named: "channel")
        let channelBase = channel?.base(inheriting: rootBase) ?? rootBase
        if let channel { readChannel(channel, base: channelBase, into: &feed) }
        // RSS 2.0: items inside the channel. RDF (0.90/1.0), and some broken 2.0 feeds: items beside it.
        if let channel { collectItems(in: channel, base: channelBase, into: &feed.items) }
        collectItems(in: root, base: rootBase, into: &feed.items)
        return feed
    }

    private static func readChannel(_ channel: Node, base: String, into feed: inout ParsedFeed) {
        var atomAlternate: String?
        channel.forEachElementChild { node in
            if node.hasName("title") {
                if feed.title == nil, !Namespace.isExtension(node.namespaceURI) { feed.title = node.htmlFieldText }
            } else if node.hasName("link") {
                let namespace = node.namespaceURI
                if Namespace.isAtom(namespace) {
                    if atomAlternate == nil, isAlternate(node) { atomAlternate = resolveFeedLink(node.attribute("href"), base: node.base(inheriting: base)) }
                } else if feed.link == nil, !Namespace.isExtension(namespace) {
                    feed.link = resolveFeedLink(node.trimmedText, base: node.base(inheriting: base))
                }
            }
        }
        if feed.link == nil { feed.link = atomAlternate }
    }

    private static func collectItems(in container: Node, base: String, into items: inout [FeedItem]) {
        container.forEachElementChild { node in
            if node.hasName("item") { items.append(parseItem(node, base: node.base(inheriting: base))) }
        }
    }

    static func isAlternate(_ link: Node) -> Bool {
        guard let rel = link.attribute("rel")?.trimmingFeedWhitespace.lowercased(), !rel.isEmpty else { return true }
        return rel == "alternate"
    }

    /// Reads one <item>. Field priorities follow feedparser where it is sensible: the core RSS element first,
    /// then Dublin Core, then Atom and Media RSS.
    static func parseItem(_ item: Node, base: String) -> FeedItem {
        var title: String?, dcTitle: String?, mediaTitle: String?
        var link: String?, atomLink: String?
        var guid: String?, guidIsPermaLink = true
        var description: String?, contentEncoded: String?, atomSummary: String?, atomContent: String?
        var mediaDescription: String?, itunesSummary: String?
        var pubDate: String?, dcDate: String?, issued: String?, modified: String?, atomPublished: String?, atomUpdated: String?
        var author: String?, dcCreator: String?, atomAuthor: String?
        // Core elements are in the item's own namespace (none for RSS 0.9x/2.0, the RSS 1.0 or 0.90 namespace for
        // RDF). A <description> in some other namespace is an extension's, not the item's.
        let core = item.namespaceURI
        func isCore(_ namespace: String?) -> Bool {
            namespace == nil || namespace == core || namespace == Namespace.rss10 || namespace == Namespace.rss090
        }

        item.forEachElementChild { node in
            if node.hasName("title") {
                let namespace = node.namespaceURI
                if Namespace.isDC(namespace) { dcTitle = dcTitle ?? node.htmlFieldText }
                else if Namespace.isMedia(namespace) { mediaTitle = mediaTitle ?? node.htmlFieldText }
                else if Namespace.isAtom(namespace) || isCore(namespace) { title = title ?? node.htmlFieldText }
            } else if node.hasName("link") {
                let namespace = node.namespaceURI
                if Namespace.isAtom(namespace) {
                    if atomLink == nil, isAlternate(node) {
                        atomLink = resolveFeedLink(node.attribute("href"), base: node.base(inheriting: base))
                    }
                } else if link == nil, isCore(namespace) {
                    link = resolveFeedLink(node.trimmedText, base: node.base(inheriting: base))
                }
            } else if node.hasName("guid") {
                if guid == nil, let text = node.trimmedText {
                    guidIsPermaLink = node.attribute("isPermaLink")?.trimmingFeedWhitespace.lowercased() != "false"
                    // A permalink guid is a URL and gets resolved like one (feedparser does the same).
                    guid = guidIsPermaLink ? URLResolver.resolve(text, against: node.base(inheriting: base)) : text
                }
            } else if node.hasName("description") {
                let namespace = node.namespaceURI
                if Namespace.isMedia(namespace) { mediaDescription = mediaDescription ?? node.htmlFieldText }
                else if isCore(namespace) || Namespace.isDC(namespace) { description = description ?? node.htmlFieldText }
            } else if node.hasName("encoded") || node.hasName("body") || node.hasName("fullitem") {
                // content:encoded; <xhtml:body> and <fullitem> are older ways to carry the full text.
                contentEncoded = contentEncoded ?? node.htmlFieldText
            } else if node.hasName("summary") {
                let namespace = node.namespaceURI
                if namespace == Namespace.itunes { itunesSummary = itunesSummary ?? node.htmlFieldText }
                else { atomSummary = atomSummary ?? AtomParser.textConstruct(node) }
            } else if node.hasName("content") {
                if Namespace.isAtom(node.namespaceURI) { atomContent = atomContent ?? AtomParser.textConstruct(node) }
            } else if node.hasName("pubDate") || node.hasName("pubdate") {
                pubDate = pubDate ?? node.trimmedText
            } else if node.hasName("date") {
                dcDate = dcDate ?? node.trimmedText
            } else if node.hasName("issued") {
                issued = issued ?? node.trimmedText
            } else if node.hasName("modified") {
                modified = modified ?? node.trimmedText
            } else if node.hasName("published") {
                atomPublished = atomPublished ?? node.trimmedText
            } else if node.hasName("updated") {
                atomUpdated = atomUpdated ?? node.trimmedText
            } else if node.hasName("author") {
                if Namespace.isAtom(node.namespaceURI) { atomAuthor = atomAuthor ?? AtomParser.personName(node) }
                else { author = author ?? node.htmlFieldText }
            } else if node.hasName("creator") {
                dcCreator = dcCreator ?? node.htmlFieldText
            } else if node.hasName("group"), Namespace.isMedia(node.namespaceURI) {
                // <media:group><media:title/><media:description/></media:group>
                node.forEachElementChild { media in
                    if media.hasName("title") { mediaTitle = mediaTitle ?? media.htmlFieldText }
                    else if media.hasName("description") { mediaDescription = mediaDescription ?? media.htmlFieldText }
                }
            }
        }

        var result = FeedItem()
        result.title = title ?? dcTitle ?? mediaTitle
        // RSS 1.0 items name themselves with rdf:about (usually the article URL).
        let about = item.attribute("about", namespace: Namespace.rdf).flatMap { resolveFeedLink($0, base: base) }
        let permalink = guidIsPermaLink ? guid.flatMap { URLResolver.isHTTP($0) ? $0 : nil } : nil
        result.link = link ?? atomLink ?? permalink ?? about.flatMap { URLResolver.isHTTP($0) ? $0 : nil }
        result.id = guid ?? about ?? result.link
        result.summary = description ?? atomSummary ?? contentEncoded ?? atomContent ?? mediaDescription ?? itunesSummary
        // Published: pubDate, then Dublin Core (RDF feeds date items only with dc:date), then Atom.
        result.published = [pubDate, issued, atomPublished, dcDate].lazy.compactMap { $0.flatMap(DateParser.date) }.first
        result.updated = [atomUpdated, modified, dcDate].lazy.compactMap { $0.flatMap(DateParser.date) }.first
        result.author = author ?? dcCreator ?? atomAuthor
        return result
    }
}
