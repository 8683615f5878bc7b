// XML sitemaps (sitemaps.org 0.9): plain <urlset> with <lastmod>, Google News sitemaps (<news:news> with
// publication_date and title), and <sitemapindex> files that list further sitemaps.
import CrawlerModel
import struct Foundation.Date
import LibXML2

enum SitemapParser {
    /// A <urlset>: one item per <url>, link and id = <loc>, updated = <lastmod>, and for Google News entries
    /// published = <news:publication_date>, title = <news:title>.
    static func parseURLSet(root: Node, feedURL: String, notBefore: Date?, dates: FeedDates = FeedDates()) -> ParsedFeed {
        var feed = ParsedFeed(kind: .sitemap)
        let base = root.base(inheriting: feedURL)
        root.forEachElementChild { url in
            guard url.hasName("url") else { return }
            var item = FeedItem()
            url.forEachElementChild { node in
                if node.hasName("loc") {
                    item.link = item.link ?? resolveFeedLink(node.trimmedText, base: base)
                } else if node.hasName("lastmod") {
                    item.updated = item.updated ?? node.trimmedText.flatMap(dates.date)
                } else if node.hasName("news") {
                    node.forEachElementChild { news in
                        if news.hasName("publication_date") {
                            item.published = item.published ?? news.trimmedText.flatMap(dates.date)
                        } else if news.hasName("title") {
                            item.title = item.title ?? news.htmlFieldText
                        }
                    }
                }
            }
            guard let link = item.link else { return }
            item.id = link
            // News sitemaps keep two days of URLs, plain ones years: the caller's age limit drops the old ones
            // here, before anything is fetched. Undated URLs are kept (nothing says they are old).
            if let notBefore, let date = item.published ?? item.updated, date < notBefore { return }
            feed.items.append(item)
        }
        return feed
    }

    /// A <sitemapindex>: the child sitemaps to fetch next, in document order.
    static func parseIndex(root: Node, feedURL: String, notBefore: Date?, dates: FeedDates = FeedDates()) -> [SitemapReference] {
        var references: [SitemapReference] = []
        let base = root.base(inheriting: feedURL)
        root.forEachElementChild { sitemap in
            guard sitemap.hasName("sitemap") else { return }
            var location: String?
            var lastModified: Date?
            sitemap.forEachElementChild { node in
                if node.hasName("loc") { location = location ?? resolveFeedLink(node.trimmedText, base: base) }
                else if node.hasName("lastmod") { lastModified = lastModified ?? node.trimmedText.flatMap(dates.date) }
            }
            guard let location, URLResolver.isHTTP(location) else { return }
            // A child sitemap last changed before the age limit holds no newer URL.
            if let notBefore, let lastModified, lastModified < notBefore { return }
            references.append(SitemapReference(url: location, lastModified: lastModified))
        }
        return references
    }
}
