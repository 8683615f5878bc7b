// Sources that are not a plain feed, end to end on the loopback origin: a sitemap index (one child gzip'd,
// one a Google News sitemap), a homepage configured as the feed (autodiscovery), and a feed that moved
// permanently (301 on three consecutive polls, then polled at its new URL).
import Foundation
import TestSupport
import Testing

/// A small article page with a distinct body.
func articlePage(title: String, paragraphs: [String]) -> String {
    """
    <!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>\(title)</title></head><body>
    <nav><a href="/">Beranda</a> <a href="/nasional">Nasional</a> <a href="/ekonomi">Ekonomi</a></nav>
    <article><h1>\(title)</h1>
    \(paragraphs.map { "<p>\($0)</p>" }.joined(separator: "\n"))
    </article><footer>Hak cipta dilindungi undang-undang.</footer></body></html>
    """
}

/// Four paragraphs of text that no other seed shares (distinct words drawn deterministically from the seed),
/// so the near-duplicate stage rightly keeps the articles apart.
func paragraphs(_ seed: String) -> [String] {
    let vocabulary = ("pemerintah menteri warga petani nelayan pedagang harga beras cabai minyak listrik jalan jembatan "
        + "sekolah dokter pasien banjir gempa hujan polisi hakim sidang anggaran proyek investasi ekspor rupiah bank "
        + "pasar saham pemilu partai survei laporan pekan pagi malam rencana bantuan kesehatan pendidikan kereta "
        + "pesawat bandara pelabuhan pulau gunung hutan sungai sampah energi tambang pabrik buruh upah").split(separator: " ")
    var state = seed.unicodeScalars.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1.value)) &* 1099511628211 }
    func next() -> Substring {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return vocabulary[Int(state >> 33) % vocabulary.count]
    }
    return (1...4).map { _ in (0..<40).map { _ in String(next()) }.joined(separator: " ") + "." }
}

@Suite(.serialized)
struct FeedSourcesEndToEndTests {
    @Test func sitemapIndexIsFollowedIncludingGzipAndGoogleNewsChildren() throws {
        let root = TemporaryDirectory("sources")
        let site = "sitemaps.localhost"
        for (index, name) in ["satu", "dua", "tiga"].enumerated() {
            try root.write("\(site)/berita/\(index)/\(name)", articlePage(title: "Berita \(name)", paragraphs: paragraphs(name)))
        }
        try root.write("\(site)/sitemap.xml", """
            <?xml version="1.0" encoding="UTF-8"?>
            <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
              <sitemap><loc>http://{{HOST}}/sitemap-news.xml</loc><lastmod>2026-07-24T10:00:00+07:00</lastmod></sitemap>
              <sitemap><loc>http://{{HOST}}/sitemap-web.xml.gz</loc><lastmod>2026-07-23T10:00:00+07:00</lastmod></sitemap>
            </sitemapindex>
            """)
        try root.write("\(site)/sitemap-news.xml", """
            <?xml version="1.0" encoding="UTF-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
              <url><loc>http://{{HOST}}/berita/0/satu</loc><news:news><news:publication><news:name>Site</news:name>
                <news:language>id</news:language></news:publication><news:publication_date>2026-07-24T09:00:00+07:00</news:publication_date>
                <news:title>Berita satu</news:title></news:news></url>
              <url><loc>http://{{HOST}}/berita/1/dua</loc><news:news><news:publication><news:name>Site</news:name>
                <news:language>id</news:language></news:publication><news:publication_date>2026-07-24T08:00:00+07:00</news:publication_date>
                <news:title>Berita dua</news:title></news:news></url>
            </urlset>
            """)
        // The gzip'd child is served as a file (no Content-Encoding), as sites do; its links are absolute, so the
        // port must be known before compressing: the origin cannot substitute inside gzip bytes.
        let origin = try TestOrigin(root: root.url)
        let plain = try root.write("web.xml", """
            <?xml version="1.0" encoding="UTF-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
              <url><loc>\(origin.baseURL("sitemaps"))/berita/2/tiga</loc><lastmod>2026-07-23T07:00:00+07:00</lastmod></url>
            </urlset>
            """)
        let gzip = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c",
            "import gzip,sys; open(sys.argv[2],'wb').write(gzip.compress(open(sys.argv[1],'rb').read()))",
            plain.path, root.file("\(site)/sitemap-web.xml.gz").path])
        try #require(gzip.status == 0, "\(gzip.stderr)")

        let work = TemporaryDirectory("e2e-sitemap")
        let config = try writeCrawlerConfig(in: work, feeds: [
            TestFeed("sitemaps", "\(origin.baseURL("sitemaps"))/sitemap.xml", "kind = \"sitemap\"")])
        let result = try runFeedcrawler(["fetch", "--config", config.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let listing = SpoolListing(work.file("spool"))
        #expect(listing.texts.count == 3, "\(listing.texts) \(result.stderr)")
        let titles = try listing.texts.map {
            try String(contentsOf: work.file("spool/\($0)"), encoding: .utf8).split(separator: "\n").first.map(String.init) ?? ""
        }
        #expect(Set(titles) == ["Berita satu", "Berita dua", "Berita tiga"])
    }

    @Test func aHomepageConfiguredAsTheFeedResolvesThroughItsAlternateLink() throws {
        let root = TemporaryDirectory("sources")
        let site = "portal.localhost"
        try root.write("\(site)/index.html", """
            <!DOCTYPE html><html><head><title>Portal</title>
            <link rel="alternate" type="application/rss+xml" title="Portal RSS" href="/rss/terkini.xml">
            </head><body><h1>Portal berita</h1><p>Selamat datang.</p></body></html>
            """)
        try root.write("\(site)/rss/terkini.xml", """
            <?xml version="1.0"?><rss version="2.0"><channel><title>Portal</title><link>http://{{HOST}}/</link>
            <item><title>Berita empat</title><link>http://{{HOST}}/berita/4/empat</link></item>
            </channel></rss>
            """)
        try root.write("\(site)/berita/4/empat", articlePage(title: "Berita empat", paragraphs: paragraphs("empat")))
        let origin = try TestOrigin(root: root.url)
        let work = TemporaryDirectory("e2e-discovery")
        let config = try writeCrawlerConfig(in: work, feeds: [
            TestFeed("portal", "\(origin.baseURL("portal"))/")])
        let result = try runFeedcrawler(["fetch", "--config", config.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("Feed autodiscovered"))
        #expect(SpoolListing(work.file("spool")).texts.count == 1)
    }

    @Test func aFeedThatMovedPermanentlyIsPolledAtItsNewURLAfterThreeConsecutivePolls() throws {
        let root = TemporaryDirectory("sources")
        try root.write("newhome.localhost/feed.xml", """
            <?xml version="1.0"?><rss version="2.0"><channel><title>New home</title><link>http://{{HOST}}/</link>
            <item><title>Berita lima</title><link>http://{{HOST}}/berita/5/lima</link></item>
            </channel></rss>
            """)
        try root.write("newhome.localhost/berita/5/lima", articlePage(title: "Berita lima", paragraphs: paragraphs("lima")))
        let origin = try TestOrigin(root: root.url)
        let target = "\(origin.baseURL("newhome"))/feed.xml"
        let moved = "\(origin.baseURL("oldhome"))/_/redirect?code=301&to=" + (target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        let work = TemporaryDirectory("e2e-moved")
        let config = try writeCrawlerConfig(in: work, feeds: [
            TestFeed("moved", moved)])
        var logs: [String] = []
        for poll in 1...4 {
            // The feed changes between polls, as live feeds do (a 304 through a redirect says nothing about it).
            try root.write("newhome.localhost/feed.xml", """
                <?xml version="1.0"?><rss version="2.0"><channel><title>New home \(poll)</title><link>http://{{HOST}}/</link>
                <item><title>Berita lima</title><link>http://{{HOST}}/berita/5/lima</link></item>
                </channel></rss>
                """)
            let result = try runFeedcrawler(["fetch", "--config", config.path, "--log-level", "debug"])
            #expect(result.status == 0, "\(result.stderr)")
            logs.append(result.stderr)
        }
        #expect(!logs[0].contains("Feed moved permanently") && !logs[1].contains("Feed moved permanently"))
        #expect(logs[2].contains("Feed moved permanently"), "\(logs[2])")
        // From the fourth poll on, the old URL is not requested any more.
        #expect(!logs[3].contains("oldhome.localhost"), "\(logs[3])")
        #expect(SpoolListing(work.file("spool")).texts.count == 1)
    }

    @Test func newItemsBeyondMaxItemsPerPollWaitForLaterPollsEvenWhenTheFeedDoesNotChange() throws {
        let sites = try generatedLoadSites("backlog-sites", sites: 1, articles: 5)
        let origin = try TestOrigin(root: sites.url)
        let work = TemporaryDirectory("e2e-backlog")
        let config = try writeCrawlerConfig(in: work, settings: ["max_items_per_poll = 2"], feeds: [
            TestFeed("busy", "\(origin.baseURL("site0"))/feed.xml")])
        var written: [Int] = []
        for _ in 1...3 {
            let result = try runFeedcrawler(["fetch", "--config", config.path])
            #expect(result.status == 0, "\(result.stderr)")
            written.append(SpoolListing(work.file("spool")).texts.count)
        }
        #expect(written == [2, 4, 5], "articles after each pass: \(written)")
    }

    @Test func robotsTxtDisallowedArticlesAreSkippedUnlessTheFeedOptsOut() throws {
        let root = TemporaryDirectory("robots-sites")
        for site in ["polite.localhost", "optout.localhost"] {
            try root.write("\(site)/robots.txt", "User-agent: *\nDisallow: /private/\n")
            try root.write("\(site)/rss.xml", """
                <?xml version="1.0"?><rss version="2.0"><channel><title>\(site)</title><link>http://{{HOST}}/</link>
                <item><title>Open</title><link>http://{{HOST}}/news/1/open</link></item>
                <item><title>Private</title><link>http://{{HOST}}/private/2/closed</link></item>
                </channel></rss>
                """)
            try root.write("\(site)/news/1/open", articlePage(title: "Open", paragraphs: paragraphs(site + "open")))
            try root.write("\(site)/private/2/closed", articlePage(title: "Private", paragraphs: paragraphs(site + "closed")))
        }
        let origin = try TestOrigin(root: root.url)
        let work = TemporaryDirectory("e2e-robots")
        let config = try writeCrawlerConfig(in: work, feeds: [
            TestFeed("polite", "\(origin.baseURL("polite"))/rss.xml"),
            TestFeed("optout", "\(origin.baseURL("optout"))/rss.xml", "robots = false")])
        let result = try runFeedcrawler(["fetch", "--config", config.path])
        #expect(result.stderr.contains("robots_disallowed"), "\(result.stderr)")
        let sidecars = try SpoolListing(work.file("spool")).sidecars.map {
            try String(contentsOf: work.file("spool/\($0)"), encoding: .utf8)
        }
        #expect(sidecars.count == 3, "\(sidecars)")
        #expect(sidecars.contains { $0.contains("polite.localhost") && $0.contains("/news/1/open") })
        #expect(!sidecars.contains { $0.contains("polite.localhost") && $0.contains("/private/") })
        #expect(sidecars.contains { $0.contains("optout.localhost") && $0.contains("/private/2/closed") })
    }

    @Test func aTemporaryRedirectIsNeverPersistedAndA410DisablesTheFeed() throws {
        let root = TemporaryDirectory("redirect-sites")
        try root.write("target.localhost/feed.xml", """
            <?xml version="1.0"?><rss version="2.0"><channel><title>Target</title><link>http://{{HOST}}/</link>
            </channel></rss>
            """)
        let origin = try TestOrigin(root: root.url)
        let target = "\(origin.baseURL("target"))/feed.xml".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let work = TemporaryDirectory("e2e-redirects")
        let config = try writeCrawlerConfig(in: work, feeds: [
            TestFeed("temporary", "\(origin.baseURL("hop"))/_/redirect?code=302&to=\(target)"),
            TestFeed("gone", "\(origin.baseURL("hop"))/_/status/410")])
        var logs: [String] = []
        var statuses: [Int32] = []
        for _ in 1...4 {
            let result = try runFeedcrawler(["fetch", "--config", config.path])
            logs.append(result.stderr)
            statuses.append(result.status)
        }
        #expect(!logs.joined().contains("Feed moved permanently"), "a 302 was taken for a move")
        #expect(logs[0].contains("Feed is gone (410)"))
        #expect(statuses[0] == 1, "a failed feed makes fetch exit 1")
        // Later passes do not request the gone feed at all.
        #expect(!logs[1].contains("/_/status/410"), "\(logs[1])")
        let status = try runFeedcrawler(["status", "--config", config.path])
        #expect(status.stdout.contains("http_410"), "\(status.stdout)")
    }

    @Test func aSplitArticleIsFollowedToItsNextPageAndStitchedWithoutRepeats() throws {
        let root = TemporaryDirectory("split-sites")
        let first = paragraphs("halaman-satu"), second = paragraphs("halaman-dua")
        func page(_ body: [String], next: String?) -> String {
            """
            <!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>Berita panjang</title>
            \(next.map { "<link rel=\"next\" href=\"\($0)\">" } ?? "")</head><body>
            <nav><a href="/">Beranda</a> <a href="/nasional">Nasional</a></nav>
            <article><h1>Berita panjang</h1>
            \(body.map { "<p>\($0)</p>" }.joined(separator: "\n"))
            <div class="pagination">Halaman <a href="/berita/9/panjang">1</a> <a href="/berita/9/panjang/2">2</a></div>
            </article><footer>Hak cipta dilindungi.</footer></body></html>
            """
        }
        try root.write("split.localhost/berita/9/panjang/index.html", page(first, next: "/berita/9/panjang/2"))
        // Page 2 repeats the lead paragraph, as many templates do.
        try root.write("split.localhost/berita/9/panjang/2", page([first[0]] + second, next: nil))
        try root.write("split.localhost/rss.xml", """
            <?xml version="1.0"?><rss version="2.0"><channel><title>Split</title><link>http://{{HOST}}/</link>
            <item><title>Berita panjang</title><link>http://{{HOST}}/berita/9/panjang</link></item>
            </channel></rss>
            """)
        let origin = try TestOrigin(root: root.url)
        let work = TemporaryDirectory("e2e-split")
        let config = try writeCrawlerConfig(in: work, feeds: [
            TestFeed("split", "\(origin.baseURL("split"))/rss.xml")])
        let result = try runFeedcrawler(["fetch", "--config", config.path])
        #expect(result.status == 0, "\(result.stderr)")
        let listing = SpoolListing(work.file("spool"))
        try #require(listing.texts.count == 1, "\(listing.texts)")
        let text = try String(contentsOf: work.file("spool/\(listing.texts[0])"), encoding: .utf8)
        let body = text.split(separator: "\n").dropFirst().map(String.init)
        #expect(body == first + second, "\(text)")
    }
}
