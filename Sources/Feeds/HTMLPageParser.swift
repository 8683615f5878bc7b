// HTML pages as sources: section/index pages (`kind = html`), whose article links become items in page order,
// and feed autodiscovery, where a homepage given as a feed names its feeds with <link rel="alternate">.
import CrawlerModel
import LibXML2

enum HTMLPageParser {
    /// Feeds the page announces: <link rel="alternate" type="application/rss+xml|atom+xml|feed+json|rdf+xml">,
    /// in page order, hrefs resolved against <base href> and the page URL.
    static func discoverFeeds(_ document: Document, pageURL: String) -> [DiscoveredFeed] {
        guard let root = document.root else { return [] }
        let base = documentBase(root, pageURL: pageURL)
        var found: [DiscoveredFeed] = []
        var seen = Set<String>()
        root.walkDescendants { node in
            guard node.isElement else { return .skipChildren }
            // Feed links belong in <head>; <body> is skipped to keep this cheap on large pages.
            if node.hasName("body") { return .skipChildren }
            guard node.hasName("link"),
                  let rel = node.attribute("rel")?.lowercased(),
                  rel.split(whereSeparator: { $0 == " " || $0 == "\t" }).contains("alternate"),
                  let type = node.attribute("type")?.trimmingFeedWhitespace.lowercased(),
                  let kind = feedKind(ofMediaType: type),
                  let href = resolveFeedLink(node.attribute("href"), base: base),
                  URLResolver.isHTTP(href), !seen.contains(href)
            else { return .visitChildren }
            seen.insert(href)
            let title = node.attribute("title").flatMap { nonEmpty(PlainText.fromText($0)) }
            found.append(DiscoveredFeed(url: href, title: title, kind: kind))
            return .visitChildren
        }
        return found
    }

    static func feedKind(ofMediaType type: String) -> FeedKind? {
        switch type.split(separator: ";").first.map({ String($0).trimmingFeedWhitespace }) ?? "" {
        case "application/rss+xml", "application/rdf+xml", "application/rss", "text/rss+xml": return .rss
        case "application/atom+xml", "application/atom": return .atom
        // Not plain application/json: WordPress announces its REST API with that type.
        case "application/feed+json": return .jsonfeed
        default: return nil
        }
    }

    /// A section page: links to articles of the same site, in page order, each once. With `linkPattern`, the
    /// pattern alone decides which absolute URLs are articles (same-site still required); without it, a URL
    /// shape heuristic does (see `looksLikeArticle`).
    static func sectionPage(_ document: Document, pageURL: String, linkPattern: Regex<AnyRegexOutput>?) -> ParsedFeed {
        var feed = ParsedFeed(kind: .html)
        guard let root = document.root else { return feed }
        let base = documentBase(root, pageURL: pageURL)
        let pageSite = HostName.host(of: base).map(siteKey)
        let pageWithoutFragment = stripFragment(base)
        var indexByLink: [String: Int] = [:]
        root.walkDescendants { node in
            guard node.isElement else { return .skipChildren }
            if node.hasName("title") {
                if feed.title == nil { feed.title = nonEmpty(PlainText.fromText(node.textContent)) }
                return .skipChildren
            }
            if node.hasName("script") || node.hasName("style") || node.hasName("noscript") || node.hasName("template") {
                return .skipChildren
            }
            guard node.hasName("a"), let href = node.attribute("href") else { return .visitChildren }
            guard let resolved = resolveFeedLink(href, base: base), URLResolver.isHTTP(resolved) else { return .skipChildren }
            let link = stripFragment(resolved)
            guard link != pageWithoutFragment, let host = HostName.host(of: link), siteKey(host) == pageSite else {
                return .skipChildren
            }
            if let linkPattern {
                guard (try? linkPattern.firstMatch(in: link)) != nil else { return .skipChildren }
            } else if !looksLikeArticle(link) {
                return .skipChildren
            }
            let text = nonEmpty(PlainText.fromText(node.textContent))
                ?? node.attribute("title").flatMap { nonEmpty(PlainText.fromText($0)) }
            if let existing = indexByLink[link] {
                // The same article is often linked twice (image, then headline): keep the first position and
                // the longer text, which is the headline rather than a "Read more".
                if let text, text.count > feed.items[existing].title?.count ?? 0 { feed.items[existing].title = text }
            } else {
                indexByLink[link] = feed.items.count
                feed.items.append(FeedItem(id: link, title: text, link: link))
            }
            return .skipChildren
        }
        feed.link = base
        return feed
    }

    /// <base href> (first one, resolved against the page URL) or the page URL.
    private static func documentBase(_ root: Node, pageURL: String) -> String {
        var base = pageURL
        root.walkDescendants { node in
            guard node.isElement else { return .skipChildren }
            if node.hasName("body") { return .stop }
            if node.hasName("base"), let href = node.attribute("href"), !href.trimmingFeedWhitespace.isEmpty {
                base = URLResolver.resolve(href, against: pageURL)
                return .stop
            }
            return .visitChildren
        }
        return base
    }

    private static func stripFragment(_ url: String) -> String {
        guard let hash = url.firstIndex(of: "#") else { return url }
        return String(url[..<hash])
    }

    /// The site a host belongs to: its registrable domain, approximated without a public-suffix list as the
    /// last two labels, or three when the second-level label is a generic one under a country code
    /// (news.detik.com -> detik.com, www.kompas.co.id -> kompas.co.id, regional.kompas.com -> kompas.com).
    static func siteKey(_ host: String) -> String {
        let labels = host.split(separator: ".")
        guard labels.count > 2 else { return host }
        let genericSecondLevel: Set<Substring> = ["co", "com", "net", "org", "go", "ac", "or", "web", "sch", "my", "biz",
                                                   "gov", "edu", "ne", "id", "ponpes", "mil"]
        let keep = labels.last!.count == 2 && genericSecondLevel.contains(labels[labels.count - 2]) ? 3 : 2
        return labels.suffix(keep).joined(separator: ".")
    }

    /// Article URLs on news sites carry an id or a date or a long slug; section, tag, author and paging URLs
    /// carry none of them. Examples of articles: /read/2026/07/24/10000011/judul (kompas), /berita/d-7123456/judul
    /// (detik), /nasional/2026/07/24/judul-artikel (tribunnews), /berita/4212345/judul (antaranews),
    /// /2026/07/judul-artikel-panjang (blogs).
    static func looksLikeArticle(_ url: String) -> Bool {
        let path = URLResolver.path(of: url)
        let lowered = path.lowercased()
        let assetSuffixes = [".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".css", ".js", ".pdf", ".xml", ".rss",
                             ".mp3", ".mp4", ".zip", ".ico"]
        if assetSuffixes.contains(where: { lowered.hasSuffix($0) }) { return false }
        let segments = lowered.split(separator: "/")
        guard !segments.isEmpty else { return false }
        let listingWords: Set<Substring> = ["tag", "tags", "topic", "topik", "category", "kategori", "author", "penulis",
                                             "search", "cari", "page", "login", "register", "indeks", "index", "feed",
                                             "rss", "about", "contact", "kontak", "privacy", "redaksi", "pedoman"]
        if let first = segments.first, listingWords.contains(first) { return false }
        if segments.count >= 2, listingWords.contains(segments[segments.count - 2]), segments.last!.allSatisfy(\.isNumber) {
            return false  // /page/2
        }
        var digitRun = 0, longestDigitRun = 0
        for byte in lowered.utf8 {
            if byte >= 48 && byte <= 57 { digitRun += 1; longestDigitRun = max(longestDigitRun, digitRun) } else { digitRun = 0 }
        }
        // An id of 5+ digits, or a /yyyy/mm/ date.
        if longestDigitRun >= 5 { return true }
        if segments.count >= 3, segments.contains(where: { $0.count == 4 && $0.allSatisfy(\.isNumber) && $0.hasPrefix("20") }) {
            return true
        }
        // A headline slug: four or more words joined by hyphens or underscores.
        let last = segments.last!
        let words = last.split(whereSeparator: { $0 == "-" || $0 == "_" })
        return words.count >= 4 && last.count >= 20
    }
}
