// The streamed RSS path (RSSStream) must give exactly the feed the tree path (RSSParser over libxml2's tree)
// gives: on every golden fixture, on shapes it reads itself, and on shapes it must hand back to the tree.
@testable import Feeds
import CrawlerModel
import Foundation
import Testing

@Suite("Streamed RSS path")
struct StreamedRSSTests {
    static let url = "https://example.com/feed"

    /// Both paths' results for one input (errors as their reason, so error cases compare too).
    static func bothPaths(_ bytes: [UInt8], url: String = url, charset: String? = nil,
                          options: FeedParseOptions = FeedParseOptions()) -> (streamed: String, tree: String) {
        func run(_ allowsStreaming: Bool) -> String {
            var options = options
            options.allowsStreaming = allowsStreaming
            do {
                let feed = try FeedParser.parse(bytes, url: url, contentTypeCharset: charset, options: options)
                return FeedJSON.string(feed) + "\nhint=\(feed.updateIntervalHintSeconds.map(String.init) ?? "-") kind=\(feed.kind)"
            } catch {
                return "error: \(error.reason.rawValue)"
            }
        }
        return (run(true), run(false))
    }

    /// Whether the streamed path reads this (UTF-8) document itself.
    static func streams(_ xml: String, url: String = url) -> Bool {
        RSSStream.parse(Array(xml.utf8), feedURL: url, dates: FeedDates()) != nil
    }

    @Test("every golden fixture parses the same with and without streaming", arguments: goldenCaseNames())
    func fixtureSamePaths(name: String) throws {
        let folder = fixturesDirectory.appendingPathComponent(name)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        guard let input = files.first(where: { $0.hasPrefix("feed.") || $0.hasPrefix("page.") }) else { return }
        let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(input)))
        let results = Self.bothPaths(bytes)
        #expect(results.streamed == results.tree)
    }

    @Test("the fixtures of plain RSS are read by the streamed path (it is not silently always falling back)")
    func fixturesStream() throws {
        for name in ["rss20-basic", "rss20-cdata-html-entities", "rss20-indonesian-news", "rss10-rdf-dc", "rss090-rdf",
                     "rss20-xmlbase-relative-links"] {
            let data = try Data(contentsOf: fixturesDirectory.appendingPathComponent(name).appendingPathComponent("feed.xml"))
            #expect(RSSStream.parse([UInt8](data), feedURL: Self.url, dates: FeedDates()) != nil, "\(name)")
        }
    }

    /// Shapes the streamed path reads itself; each must equal the tree path.
    static let streamedShapes: [String] = [
        // Attributes with references: "&amp;" comes from libxml2 as "&#38;" and must read as "&".
        """
        <rss version="2.0"><channel><title>T &amp; U</title><link>http://a.example/?x=1&amp;y=2</link>
        <atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="self" href="http://a.example/rss?a=1&amp;b=&#38;2"/>
        <item><title>One</title><link href="http://a.example/1?p=1&amp;q=&#60;2"/><guid isPermaLink="false">g1</guid></item>
        </channel></rss>
        """,
        // xml:base on root, channel and item; relative links and permalink guids.
        """
        <rss version="2.0" xml:base="http://base.example/dir/"><channel xml:base="sub/"><link>home</link>
        <item xml:base="item/"><link>a.html</link><guid>g.html</guid></item>
        <item><link> b.html\u{A0}</link><guid isPermaLink="true">\u{A0} /abs </guid></item></channel></rss>
        """,
        // Text split by comments, processing instructions and CDATA; whitespace around.
        """
        <?xml version="1.0" encoding="UTF-8"?><!-- generator --><rss version="2.0"><channel>
        <title>  A<!-- c -->B <?pi x?> <![CDATA[<b>C</b>]]>  </title>
        <item><title>&lt;i&gt;x&lt;/i&gt; &#8211; y</title><description>  <![CDATA[<p>para &amp; more</p>]]>  </description>
        <pubDate>Mon, 23 Nov 2026 07:00:00 +0700</pubDate><dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/"> Ann </dc:creator>
        </item></channel></rss>
        """,
        // RDF: items beside the channel, one before it; a second channel is not the channel.
        """
        <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
        <item rdf:about="http://a.example/0"><title>zero</title></item>
        <channel rdf:about="http://a.example/"><title>RDF</title><link>http://a.example/</link>
        <items><rdf:Seq><rdf:li rdf:resource="http://a.example/1"/></rdf:Seq></items></channel>
        <item rdf:about="http://a.example/1"><title>one</title><link>http://a.example/1</link></item>
        <channel><title>second</title><item><title>ignored</title></item></channel>
        </rdf:RDF>
        """,
        // Items directly under <rss> beside the channel's; ttl and sy: hints; unknown children with children.
        """
        <rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><item><title>root item</title></item>
        <channel><title>C</title><ttl>30</ttl><sy:updatePeriod>hourly</sy:updatePeriod><image><title>img</title></image>
        <item><title>ch</title><enclosure url="http://a.example/x.mp3" length="1" type="audio/mpeg"/>
        <category domain="d">c</category><media:content xmlns:media="http://search.yahoo.com/mrss/" url="http://a.example/i.jpg"><media:title>m</media:title></media:content>
        </item></channel></rss>
        """,
        // Repeated elements, dc:date only, namespaced title/description variants.
        """
        <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/"
         xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><dc:title>dc title</dc:title>
        <item><dc:title>dt</dc:title><media:title>mt</media:title><media:description>md</media:description>
        <content:encoded><![CDATA[<p>full</p>]]></content:encoded><dc:date>2026-11-23T01:02:03Z</dc:date>
        <dc:creator>first</dc:creator><dc:creator>second</dc:creator><author>a@b.example (A)</author></item>
        </channel></rss>
        """,
    ]

    @Test("shapes the streamed path reads give the tree path's feed", arguments: streamedShapes.indices)
    func streamedShape(index: Int) {
        let xml = Self.streamedShapes[index]
        #expect(Self.streams(xml))
        let results = Self.bothPaths(Array(xml.utf8))
        #expect(results.streamed == results.tree)
    }

    /// Shapes the streamed path must hand back to the tree path (and the result is still the tree's).
    static let treeShapes: [String] = [
        // Markup as child elements of a field.
        #"<rss version="2.0"><channel><item><title>x</title><description>a <b>bold</b> c</description></item></channel></rss>"#,
        #"<rss version="2.0"><channel><title>a <em>b</em></title><item><title>x</title></item></channel></rss>"#,
        // An Atom summary, content and author inside an RSS item.
        #"<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><item><atom:summary type="html">&lt;b&gt;s&lt;/b&gt;</atom:summary></item></channel></rss>"#,
        #"<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><item><atom:author><atom:name>N</atom:name></atom:author></item></channel></rss>"#,
        // media:group.
        #"<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><item><media:group><media:title>g</media:title></media:group></item></channel></rss>"#,
        // A DOCTYPE (entity declarations are the tree path's business), with and without an internal subset.
        #"<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"><channel><title>a&nbsp;b</title><item><title>x</title></item></channel></rss>"#,
        #"<!DOCTYPE rss [<!ENTITY e "expanded">]><rss version="2.0"><channel><title>&e;</title><item><title>x</title></item></channel></rss>"#,
        // Not well-formed: the tree path's repairs.
        #"<rss version="2.0"><channel><title>a &nbsp; b</title><item><title>x & y</title></item></channel></rss>"#,
        #"<rss version="2.0"><channel><item><title>cut"#,
        // Not RSS.
        #"<feed xmlns="http://www.w3.org/2005/Atom"><title>atom</title><entry><title>e</title></entry></feed>"#,
        #"<channel><title>bare</title><item><title>x</title></item></channel>"#,
    ]

    @Test("shapes the streamed path hands back give the tree path's feed", arguments: treeShapes.indices)
    func treeShape(index: Int) {
        let xml = Self.treeShapes[index]
        #expect(!Self.streams(xml))
        let results = Self.bothPaths(Array(xml.utf8))
        #expect(results.streamed == results.tree)
    }

    @Test("with max items, the items the stream skips are exactly those the cut drops", arguments: [0, 1, 2, 3, 5, 9])
    func maxItems(limit: Int) {
        let xml = """
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
            <item><title>r0</title><link>http://a.example/r0</link></item>
            <channel><title>C</title><link>http://a.example/</link>
            <item><title>c0</title><link>http://a.example/c0</link></item><item><title>c1</title><link>http://a.example/c1</link></item>
            <item><title>c2</title><link>http://a.example/c2</link></item></channel>
            <item><title>r1</title><link>http://a.example/r1</link></item><item><title>r2</title><link>http://a.example/r2</link></item>
            </rdf:RDF>
            """
        let results = Self.bothPaths(Array(xml.utf8), options: FeedParseOptions(maxItems: limit))
        #expect(results.streamed == results.tree)
    }

    @Test("a 5,000-item feed streams and equals the tree path")
    func bigFeed() {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>big</title>"#
        for index in 0..<5000 {
            // Multi-byte characters and long CDATA, so that libxml2's 64 KiB push chunks end inside both.
            let body = String(repeating: "Berita café — 🇮🇩 \(index) ", count: 1 + index % 40)
            xml += "<item><title>Item \(index) &amp; more é—</title><link>https://a.example/\(index)</link>"
                + "<description><![CDATA[<p>Body \(index) &mdash; \(body)</p>]]></description>"
                + "<dc:creator xmlns:dc=\"http://purl.org/dc/elements/1.1/\">Ánn \(index)</dc:creator>"
                + "<pubDate>Mon, 23 Nov 2026 07:00:00 +0700</pubDate></item>"
        }
        xml += "</channel></rss>"
        #expect(Self.streams(xml))
        let results = Self.bothPaths(Array(xml.utf8))
        #expect(results.streamed == results.tree)
    }

    @Test("the fixed-position RFC 822 reader gives DateParser's instant, and leaves every other shape to it")
    func rfc822FastMatchesDateParser() {
        var seed: UInt64 = 20261123
        func next(_ bound: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(bound))
        }
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        var fastCount = 0
        for _ in 0..<20_000 {
            let zone: String
            switch next(4) {
            case 0: zone = "GMT"
            default: zone = (next(2) == 0 ? "+" : "-") + two(next(15)) + two([0, 30, 45][next(3)])
            }
            let text = "\(days[next(7)]), \(two(1 + next(31))) \(months[next(12)]) \(1000 + next(9000)) "
                + "\(two(next(24))):\(two(next(60))):\(two(next(60))) \(zone)"
            let fast = RFC822Fast.date(text)
            if fast != nil { fastCount += 1 }
            #expect(fast == nil || fast == DateParser.parse(text, assumedOffsetSeconds: 0)?.date, "\(text)")
        }
        #expect(fastCount > 18_000)  // only impossible days (31 Apr, 30 Feb) go to DateParser
        for text in ["Mon, 23 Nov 2026 07:00:00 +0700", "Sun, 29 Feb 2032 23:59:59 -1130", "Tue, 01 Jan 1000 00:00:00 GMT"] {
            #expect(RFC822Fast.date(text) != nil)
            #expect(RFC822Fast.date(text) == DateParser.parse(text, assumedOffsetSeconds: 0)?.date)
        }
        for text in ["Mon, 31 Nov 2026 07:00:00 +0700", "Mon, 29 Feb 2026 07:00:00 +0700", "Mon, 23 Nov 2026 24:00:00 +0700",
                     "Mon, 23 Nov 2026 07:00:60 +0700", "Mon, 23 nov 2026 07:00:00 +0700", "Mon, 23 Nov 2026 07:00:00 WIB",
                     "Sen, 23 Nov 2026 07:00:00 +0700", "Mon, 23 Nov 2026 07:00:00 +07:0", "Mon, 23 Nov 0999 07:00:00 +0700",
                     "Mon, 23 Nov 2026 07:00:00 UTC", "Mon,  3 Nov 2026 07:00:00 +0700", "2026-11-23T07:00:00+07:00"] {
            #expect(RFC822Fast.date(text) == nil, "\(text)")
        }
    }

    /// feedparser's test corpus (see Conformance/feedparser_agreement.py), when FEEDPARSER_CORPUS names its tests/
    /// folder: every file must parse the same on both paths.
    @Test("feedparser's corpus parses the same on both paths",
          .enabled(if: ProcessInfo.processInfo.environment["FEEDPARSER_CORPUS"] != nil))
    func corpusSamePaths() throws {
        let root = ProcessInfo.processInfo.environment["FEEDPARSER_CORPUS"]!
        let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".xml") || $0.hasSuffix(".rdf") || $0.hasSuffix(".rss") } ?? []
        #expect(files.count > 1000)
        var streamed = 0
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: root).appendingPathComponent(file)))
            let url = "http://127.0.0.1:8097/tests/" + file
            let results = Self.bothPaths(bytes, url: url)
            #expect(results.streamed == results.tree, "\(file)")
            if let text = String(bytes: bytes, encoding: .utf8), Self.streams(text, url: url) { streamed += 1 }
        }
        print("corpus: \(files.count) files, \(streamed) read by the streamed path")
    }
}

@Suite("JSON dates")
struct FeedJSONDateTests {
    @Test("the JSON written in pieces is the document written whole", arguments: [false, true])
    func piecesMakeTheDocument(pretty: Bool) {
        let items = (0..<3000).map {
            FeedItem(id: "id-\($0)", title: "Title \"\($0)\" é\u{2028}", link: "https://a.example/\($0)",
                     published: Date(timeIntervalSince1970: Double($0) * 3600), summary: String(repeating: "text\t", count: $0 % 50))
        }
        let feed = ParsedFeed(kind: .rss, title: "T", link: "https://a.example/", items: items)
        var pieces: [UInt8] = []
        var count = 0
        FeedJSON.write(feed, prettyPrinted: pretty) { piece in
            pieces.append(contentsOf: piece)
            count += 1
        }
        #expect(count > 3)
        #expect(pieces == FeedJSON.bytes(feed, prettyPrinted: pretty))
    }

    @Test("dates written in place read exactly as DateParser.rfc3339UTC writes them")
    func datesMatchRFC3339UTC() {
        var seed: UInt64 = 7
        func next() -> Double {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Double(Int64(bitPattern: seed) >> 20) / 1000  // about +-4.4e12 s, with fractions
        }
        var dates = (0..<5000).map { _ in Date(timeIntervalSince1970: next()) }
        dates += [0, -0.5, -1, 86_399.9, -86_400, 951_782_400, 253_402_300_799, 253_402_300_800, -62_135_596_800,
                  -62_167_219_201].map { Date(timeIntervalSince1970: $0) }
        let feed = ParsedFeed(kind: .rss, items: dates.map { FeedItem(published: $0) })
        let json = FeedJSON.string(feed, prettyPrinted: false)
        let expected = dates.map { "\"published\":\"\(DateParser.rfc3339UTC($0))\"" }
        var missing = 0
        var rest = json[...]
        for text in expected {
            guard let range = rest.range(of: text) else { missing += 1; continue }
            rest = rest[range.upperBound...]
        }
        #expect(missing == 0)
    }
}
