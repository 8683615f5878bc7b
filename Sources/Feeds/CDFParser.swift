// Microsoft CDF (Channel Definition Format, 1997, IE 4 "active channels"): the oldest feed format still found in
// archives and in feedparser's corpus. Everything is an upper-case element or attribute:
//   <CHANNEL HREF="home page" BASE="base URL" LASTMOD="date">
//     <TITLE>...</TITLE> <ABSTRACT>...</ABSTRACT>
//     <ITEM HREF="article" LASTMOD="date"> <TITLE/> <ABSTRACT/> </ITEM>
//     <CHANNEL ...> nested sub-channels with their own items </CHANNEL>
//   </CHANNEL>
// Mapped as feedparser maps it: HREF -> link, ABSTRACT -> summary, LASTMOD -> updated. CDF has no item ids.
import CrawlerModel
import LibXML2

enum CDFParser {
    /// A root `<CHANNEL>` is CDF (RSS never has a `channel` root, and the lower-case bare-channel root of broken
    /// RSS 0.9x stays with the RSS reader); so is a lower-case one carrying CDF's HREF attribute.
    static func isCDF(_ root: Node) -> Bool {
        root.hasName("CHANNEL") || (root.hasName("channel") && attribute(root, "HREF") != nil)
    }

    static func parse(root: Node, feedURL: String, dates: FeedDates = FeedDates()) -> ParsedFeed {
        var feed = ParsedFeed(kind: .rss)
        let base = channelBase(root, inherited: feedURL)
        feed.link = attribute(root, "HREF").flatMap { resolveFeedLink($0, base: base) }
        root.forEachElementChild { node in
            if named(node, "title") { feed.title = feed.title ?? node.htmlFieldText }
        }
        collectItems(in: root, base: base, dates: dates, depth: 0, into: &feed.items)
        return feed
    }

    /// Items of a channel and of its sub-channels, in document order. Sub-channels nest at most 16 deep (the
    /// XML parser bounds depth already; this keeps the recursion's own bound local).
    private static func collectItems(in channel: Node, base: String, dates: FeedDates, depth: Int, into items: inout [FeedItem]) {
        guard depth < 16 else { return }
        channel.forEachElementChild { node in
            if named(node, "item") {
                items.append(parseItem(node, base: base, dates: dates))
            } else if named(node, "channel") {
                collectItems(in: node, base: channelBase(node, inherited: base), dates: dates, depth: depth + 1, into: &items)
            }
        }
    }

    private static func parseItem(_ node: Node, base: String, dates: FeedDates) -> FeedItem {
        var item = FeedItem()
        item.link = attribute(node, "HREF").flatMap { resolveFeedLink($0, base: base) }
        item.updated = attribute(node, "LASTMOD").flatMap { dates.date($0.trimmingFeedWhitespace) }
        node.forEachElementChild { child in
            if named(child, "title") { item.title = item.title ?? child.htmlFieldText }
            else if named(child, "abstract") { item.summary = item.summary ?? child.htmlFieldText }
        }
        return item
    }

    /// CDF's own BASE attribute (or xml:base) resolved against the inherited base.
    private static func channelBase(_ channel: Node, inherited: String) -> String {
        let own = channel.base(inheriting: inherited)
        guard let cdfBase = attribute(channel, "BASE")?.trimmingFeedWhitespace, !cdfBase.isEmpty else { return own }
        return URLResolver.resolve(cdfBase, against: own)
    }

    /// CDF writes names in upper case; tolerate lower case too.
    private static func named(_ node: Node, _ lowercase: String) -> Bool {
        node.hasName(lowercase) || node.hasName(lowercase.uppercased())
    }

    private static func attribute(_ node: Node, _ uppercase: String) -> String? {
        node.attribute(uppercase) ?? node.attribute(uppercase.lowercased())
    }
}
