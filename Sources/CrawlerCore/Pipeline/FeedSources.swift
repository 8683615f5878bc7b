// Turning a fetched feed URL into items, whatever the site gave us: a feed; a sitemap index whose child
// sitemaps are fetched (bounded: the newest `maxSitemapChildren`, nested at most `maxSitemapDepth` deep); or an
// HTML page naming its feeds (autodiscovery: the first feed it names is polled from then on). Also where a
// feed lives now: a 301/308 seen on `permanentMovePolls` consecutive polls becomes its poll URL.
import CrawlerModel
import Extract
import Feeds
import Fetch
import Foundation
import Logging
import Store

extension Crawler {
    /// Child sitemaps fetched per poll of an index (the newest by lastmod).
    static let maxSitemapChildren = 20
    /// An index of indexes is followed; deeper nesting is ignored.
    static let maxSitemapDepth = 2
    /// Consecutive polls that must report the same permanent move before it is trusted (a misconfigured
    /// server that 301s for an hour must not lose the feed's real URL).
    static let permanentMovePolls = 3

    /// The URL to poll: where the feed has moved for good (repeated 301/308, or autodiscovery), else the
    /// configured one.
    func pollURL(of feed: FeedConfig, state: FeedState) -> String {
        if state.permanentRedirectCount >= Self.permanentMovePolls, let moved = state.permanentRedirectURL { return moved }
        return feed.url
    }

    /// Counts a permanent move seen on this poll; logs once when it becomes the poll URL.
    func notePermanentMove(_ response: FetchResponse, feed: FeedConfig, state: inout FeedState) {
        guard state.permanentRedirectCount < Self.permanentMovePolls else { return }  // already moved
        guard let moved = response.permanentRedirectURL else {
            state.permanentRedirectURL = nil
            state.permanentRedirectCount = 0
            return
        }
        if state.permanentRedirectURL == moved {
            state.permanentRedirectCount += 1
        } else {
            state.permanentRedirectURL = moved
            state.permanentRedirectCount = 1
        }
        if state.permanentRedirectCount == Self.permanentMovePolls {
            logger.notice("Feed moved permanently; polling its new URL from now on (update the config to match).",
                          metadata: ["feed": "\(feed.name)", "url": "\(feed.url)", "new_url": "\(moved)"])
        }
    }

    func feedParseOptions(_ feed: FeedConfig) -> FeedParseOptions {
        let notBefore = feed.maxAgeSeconds.map { Date().addingTimeInterval(-Double($0)) }
        return FeedParseOptions(linkPattern: feed.linkPattern, notBefore: notBefore, maxItems: config.maxItemsPerPoll * 4)
    }

    /// Reads a fetched source into a feed, following sitemap indexes and feed links as described above.
    func readSource(_ response: FetchResponse, feed: FeedConfig, state: inout FeedState) async throws(FeedParseError) -> ParsedFeed {
        let document = try FeedParser.read(response.body, url: response.finalURL, kind: feed.kind,
                                           contentTypeCharset: response.charset, options: feedParseOptions(feed))
        switch document {
        case .feed(let parsed):
            return parsed
        case .sitemapIndex(let children):
            return await readSitemapIndex(children, feed: feed, depth: 1)
        case .feedLinks(let discovered):
            let preferred = discovered.first { $0.kind == .rss || $0.kind == .atom } ?? discovered.first
            guard let link = preferred else { throw FeedParseError(.notAFeed, "an HTML page that names no feed") }
            let outcome = await timedFetch(FetchRequest(url: link.url, purpose: .feed, maxBytes: config.maxFeedBytes))
            guard case .fresh(let found) = outcome else {
                throw FeedParseError(.notAFeed, "the page names the feed \(link.url), which failed: \(outcome.reason)")
            }
            guard case .feed(let parsed) = try FeedParser.read(found.body, url: found.finalURL, kind: .auto,
                                                               contentTypeCharset: found.charset,
                                                               options: feedParseOptions(feed)) else {
                throw FeedParseError(.notAFeed, "the page names \(link.url), which is not a feed either")
            }
            logger.notice("Feed autodiscovered; polling it from now on.", metadata: [
                "feed": "\(feed.name)", "url": "\(feed.url)", "new_url": "\(found.finalURL)"])
            state.permanentRedirectURL = found.finalURL
            state.permanentRedirectCount = Self.permanentMovePolls
            return parsed
        }
    }

    /// Fetches the newest child sitemaps and merges their items. A child that fails is logged and skipped.
    func readSitemapIndex(_ children: [SitemapReference], feed: FeedConfig, depth: Int) async -> ParsedFeed {
        let newestFirst = children.enumerated().sorted { a, b in
            switch (a.element.lastModified, b.element.lastModified) {
            case let (x?, y?): return x > y
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a.offset < b.offset
            }
        }.map(\.element).prefix(Self.maxSitemapChildren)
        var items: [FeedItem] = []
        for child in newestFirst {
            let outcome = await timedFetch(FetchRequest(url: child.url, purpose: .feed, maxBytes: config.maxFeedBytes))
            guard case .fresh(let response) = outcome else {
                logger.warning("Child sitemap failed.", metadata: ["feed": "\(feed.name)", "url": "\(child.url)",
                                                                   "reason": "\(outcome.reason)"])
                continue
            }
            do {
                switch try FeedParser.read(response.body, url: response.finalURL, kind: .sitemap,
                                           contentTypeCharset: response.charset, options: feedParseOptions(feed)) {
                case .feed(let parsed):
                    items += parsed.items
                case .sitemapIndex(let nested) where depth < Self.maxSitemapDepth:
                    items += await readSitemapIndex(nested, feed: feed, depth: depth + 1).items
                case .sitemapIndex, .feedLinks:
                    logger.info("Nested sitemap index ignored (too deep).", metadata: ["feed": "\(feed.name)", "url": "\(child.url)"])
                }
            } catch {
                logger.warning("Child sitemap could not be parsed.", metadata: [
                    "feed": "\(feed.name)", "url": "\(child.url)", "reason": "\(error.reason.rawValue)"])
            }
        }
        return ParsedFeed(kind: .sitemap, items: items)
    }

    /// Pages of one split article fetched at most (the first included): bounded, as any loop over remote links.
    static let maxArticlePages = 5

    /// Fetches the following pages of a split article (same host, never a page twice, at most
    /// `maxArticlePages` in all) and stitches them in order without repeated paragraphs. A page that fails
    /// ends the walk: the pages so far are kept rather than losing the article.
    func followNextPages(from next: String, first: ExtractedArticle, firstURL: String,
                         _ log: Logger.Metadata) async -> ExtractedArticle {
        var pages = [first]
        var seen: Set<String> = [firstURL]
        var nextURL: String? = next
        let host = URL(string: firstURL)?.host
        while let url = nextURL, pages.count < Self.maxArticlePages, !seen.contains(url), URL(string: url)?.host == host {
            seen.insert(url)
            let outcome = await timedFetch(FetchRequest(url: url, purpose: .article, maxBytes: config.maxPageBytes))
            guard case .fresh(let page) = outcome else {
                logger.info("Next page of a split article failed; keeping the pages so far.",
                            metadata: log.merging(["page_url": "\(url)", "reason": "\(outcome.reason)"]) { $1 })
                break
            }
            let extractor = self.extractor
            let report = await BlockingWork.run { extractor.report(html: page.body, url: page.finalURL, charset: page.charset) }
            guard case .article(let article) = report.result else { break }
            pages.append(article)
            nextURL = report.nextPageURL
        }
        return pages.count > 1 ? (Extractor.stitch(pages) ?? first) : first
    }
}
