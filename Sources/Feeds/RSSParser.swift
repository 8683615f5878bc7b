// RSS 0.90, 0.91, 0.92, 2.0 and RSS 1.0 (RDF): one reader, because they differ only in where items sit and in
// the namespace of the core elements. RSS 2.0 puts <item> inside <channel>; RDF flavours put them beside it
// under <rdf:RDF>. Extension namespaces recognised: dc:, dcterms:, content:encoded, media:, atom: (links,
// dates, authors that some RSS feeds borrow), itunes:summary.
import CrawlerModel
import Glibc
import LibXML2

enum RSSParser {
    static func parse(root: Node, feedURL: String, dates: FeedDates = FeedDates()) -> ParsedFeed {
        var feed = ParsedFeed(kind: .rss)
        let rootBase = root.base(inheriting: feedURL)
        let channel = root.child(named: "channel")
        let channelBase = channel?.base(inheriting: rootBase) ?? rootBase
        if let channel { readChannel(channel, base: channelBase, into: &feed) }
        // RSS 2.0: items inside the channel. RDF (0.90/1.0), and some broken 2.0 feeds: items beside it.
        if let channel { collectItems(in: channel, base: channelBase, dates: dates, into: &feed.items) }
        collectItems(in: root, base: rootBase, dates: dates, into: &feed.items)
        return feed
    }

    static func readChannel<Element: FeedElement>(_ channel: Element, base: String, into feed: inout ParsedFeed) {
        var atomAlternate: String?, dcTitle: String?
        var hints = RefreshHints()
        channel.forEachElementChild { node in
            if hints.consider(node) { return }
            if node.hasName("title") {
                let namespace = node.namespaceURI
                if !Namespace.isExtension(namespace) { feed.title = feed.title ?? node.htmlFieldText }
                else if Namespace.isDC(namespace) { dcTitle = dcTitle ?? node.htmlFieldText }
            } else if node.hasName("link") {
                let namespace = node.namespaceURI
                if Namespace.isAtom(namespace) {
                    if atomAlternate == nil, isAlternate(node) { atomAlternate = resolveFeedLink(node.attribute("href"), base: node.base(inheriting: base)) }
                } else if feed.link == nil, !Namespace.isExtension(namespace) {
                    let href = node.trimmedText == nil && isAlternate(node) ? node.attribute("href") : nil
                    feed.link = resolveFeedLink(node.trimmedText ?? href, base: node.base(inheriting: base))
                }
            }
        }
        if feed.title == nil { feed.title = dcTitle }
        if feed.link == nil { feed.link = atomAlternate }
        feed.updateIntervalHintSeconds = hints.seconds
    }

    private static func collectItems(in container: Node, base: String, dates: FeedDates, into items: inout [FeedItem]) {
        container.forEachElementChild { node in
            if node.hasName("item") { items.append(parseItem(node, base: node.base(inheriting: base), dates: dates)) }
        }
    }

    static func isAlternate(_ link: some FeedElement) -> Bool {
        guard let rel = link.attribute("rel")?.trimmingFeedWhitespace.lowercased(), !rel.isEmpty else { return true }
        return rel == "alternate"
    }

    /// Reads one <item>. Field priorities follow feedparser where it is sensible: the core RSS element first,
    /// then Dublin Core, then Atom and Media RSS.
    static func parseItem<Element: FeedElement>(_ item: Element, base: String, dates: FeedDates) -> FeedItem {
        var title: String?, dcTitle: String?, mediaTitle: String?
        var link: String?, atomLink: String?
        var guid: String?, guidIsPermaLink = true
        // The first of <description> and <summary> is the summary (feedparser: the later one becomes content).
        var description: String?, contentEncoded: String?, atomSummary: String?, atomContent: String?
        var summaryFirst = false
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
            switch ItemElement(node) {
            case .title:
                let namespace = node.namespaceURI
                if Namespace.isDC(namespace) { dcTitle = dcTitle ?? node.htmlFieldText }
                else if Namespace.isMedia(namespace) { mediaTitle = mediaTitle ?? node.htmlFieldText }
                else if Namespace.isAtom(namespace) || isCore(namespace) { title = title ?? node.htmlFieldText }
            case .link:
                let namespace = node.namespaceURI
                if Namespace.isAtom(namespace) {
                    if atomLink == nil, isAlternate(node) {
                        atomLink = resolveFeedLink(node.attribute("href"), base: node.base(inheriting: base))
                    }
                } else if link == nil, isCore(namespace) {
                    // <link href="..."/> in RSS: an Atom habit some generators carry over.
                    let href = node.trimmedText == nil && isAlternate(node) ? node.attribute("href") : nil
                    link = resolveFeedLink(node.trimmedText ?? href, base: node.base(inheriting: base))
                }
            case .guid:
                if guid == nil, let text = node.trimmedText {
                    guidIsPermaLink = node.attribute("isPermaLink")?.trimmingFeedWhitespace.lowercased() != "false"
                    // A permalink guid is a URL and gets resolved like one (feedparser does the same).
                    guid = guidIsPermaLink ? URLResolver.resolve(text, against: node.base(inheriting: base)) : text
                }
            case .description:
                let namespace = node.namespaceURI
                if Namespace.isMedia(namespace) { mediaDescription = mediaDescription ?? node.htmlFieldText }
                else if isCore(namespace) || Namespace.isDC(namespace) {
                    if description == nil, atomSummary == nil { summaryFirst = false }
                    description = description ?? node.htmlFieldText
                }
            case .fullText:
                // content:encoded; <xhtml:body> and <fullitem> are older ways to carry the full text.
                contentEncoded = contentEncoded ?? node.htmlFieldText
            case .summary:
                if node.namespaceURI == Namespace.itunes { itunesSummary = itunesSummary ?? node.htmlFieldText }
                else {
                    if description == nil, atomSummary == nil { summaryFirst = true }
                    atomSummary = atomSummary ?? node.atomTextConstruct
                }
            case .content:
                if Namespace.isAtom(node.namespaceURI) { atomContent = atomContent ?? node.atomTextConstruct }
            // Dates and people: when an element repeats, the last one counts (feedparser overwrites too; a
            // second dc:creator is usually the byline, the first a desk or agency).
            case .pubDate: pubDate = node.trimmedText ?? pubDate
            case .date: dcDate = node.trimmedText ?? dcDate
            case .issued: issued = node.trimmedText ?? issued
            case .modified: modified = node.trimmedText ?? modified
            case .published: atomPublished = node.trimmedText ?? atomPublished
            case .updated: atomUpdated = node.trimmedText ?? atomUpdated
            case .author:
                if Namespace.isAtom(node.namespaceURI) { atomAuthor = node.atomPersonName ?? atomAuthor }
                else { author = node.personText ?? author }
            case .creator: dcCreator = node.personText ?? dcCreator
            case .group:
                guard Namespace.isMedia(node.namespaceURI) else { return }
                // <media:group><media:title/><media:description/></media:group>
                node.forEachElementChild { media in
                    if media.hasName("title") { mediaTitle = mediaTitle ?? media.htmlFieldText }
                    else if media.hasName("description") { mediaDescription = mediaDescription ?? media.htmlFieldText }
                }
            case .other: break
            }
        }

        var result = FeedItem()
        result.title = title ?? dcTitle ?? mediaTitle
        // RSS 1.0 items name themselves with rdf:about (usually the article URL). It is the id, not the link:
        // an item without <link> has none (as in feedparser); the pipeline takes an http(s) id as the link then.
        let about = item.attribute("about", namespace: Namespace.rdf).flatMap { resolveFeedLink($0, base: base) }
        let permalink = guidIsPermaLink ? guid.flatMap { URLResolver.isHTTP($0) ? $0 : nil } : nil
        result.link = link ?? atomLink ?? permalink
        // The id is what the feed states (guid, else rdf:about), as feedparser reports it. The crawler does not
        // need a fallback: it identifies articles by canonical URL.
        result.id = guid ?? about
        let stated = summaryFirst ? atomSummary ?? description : description ?? atomSummary
        result.summary = stated ?? contentEncoded ?? atomContent ?? mediaDescription ?? itunesSummary
        // Published: pubDate, then dcterms:issued, then Atom. dc:date is an update time only (feedparser reads it
        // so); the pipeline dates an article by `published ?? updated`, so RDF items dated by dc:date keep a date.
        result.published = [pubDate, issued, atomPublished].lazy.compactMap { $0.flatMap(dates.date) }.first
        result.updated = [atomUpdated, modified, dcDate].lazy.compactMap { $0.flatMap(dates.date) }.first
        result.author = author ?? dcCreator ?? atomAuthor
        return result
    }
}

/// The item child elements the reader looks at, identified from the name bytes with one length switch instead
/// of up to twenty string comparisons per child (a 5,000-item feed has ~50,000 children).
private enum ItemElement {
    case title, link, guid, description, fullText, summary, content, pubDate, date, issued, modified, published, updated
    case author, creator, group, other

    init(_ node: some FeedElement) {
        self = node.withNameBytes { name in
            func equals(_ text: StaticString) -> Bool {
                name.count == text.utf8CodeUnitCount && memcmp(name.baseAddress!, text.utf8Start, name.count) == 0
            }
            switch name.count {
            case 2:
                if equals("id") { return .guid }  // Atom's <id> in an RSS item reads like a guid (feedparser too)
            case 4:
                if equals("link") { return .link }
                if equals("guid") { return .guid }
                if equals("date") { return .date }
                if equals("body") { return .fullText }
            case 5:
                if equals("title") { return .title }
                if equals("group") { return .group }
            case 6:
                if equals("author") { return .author }
                if equals("issued") { return .issued }
            case 7:
                if equals("pubDate") || equals("pubdate") { return .pubDate }
                if equals("encoded") { return .fullText }
                if equals("summary") { return .summary }
                if equals("content") { return .content }
                if equals("creator") { return .creator }
                if equals("updated") { return .updated }
            case 8:
                if equals("modified") { return .modified }
                if equals("fullitem") { return .fullText }
            case 9:
                if equals("published") { return .published }
            case 11:
                if equals("description") { return .description }
            default: break
            }
            return .other
        }
    }
}
