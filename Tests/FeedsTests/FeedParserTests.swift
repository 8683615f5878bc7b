// Unit tests for the feed parser's entry point: detection from content, error reasons, quirks, the JSON
// output format, and hostile inputs. Format details are covered by the golden fixtures.
import CrawlerModel
@testable import Feeds
import Foundation
import Testing

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
private let feedURL = "https://example.com/feed"

private func rss(items: String, channelExtra: String = "") -> String {
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <rss version="2.0"><channel><title>T</title><link>https://example.com/</link>\(channelExtra)\(items)</channel></rss>
    """
}

@Suite("Detection from content")
struct DetectionTests {
    @Test("each format is recognised by its content, whatever kind the caller guessed",
          arguments: [FeedKind.auto, .rss, .atom, .sitemap])
    func detects(_ hint: FeedKind) throws {
        let samples: [(String, FeedKind)] = [
            (rss(items: "<item><link>https://example.com/a-1</link></item>"), .rss),
            ("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\"><item rdf:about=\"https://example.com/x\"><title>x</title></item></rdf:RDF>", .rss),
            ("<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>x</id></entry></feed>", .atom),
            ("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>https://example.com/a</loc></url></urlset>", .sitemap),
            ("{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{\"id\":\"1\",\"url\":\"https://example.com/a\"}]}", .jsonfeed),
            ("\u{FEFF}  \n<?xml version=\"1.0\"?>\n<!-- generator --><rss version=\"2.0\"><channel/></rss>", .rss),
        ]
        for (source, kind) in samples {
            let feed = try FeedParser.parse(bytes(source), url: feedURL, kind: hint)
            #expect(feed.kind == kind, "\(source.prefix(40))")
        }
    }

    @Test("an XHTML doctype left before a feed root does not make the feed HTML")
    func htmlDoctypeBeforeFeed() throws {
        let source = "<?xml version=\"1.0\"?><!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"http://site.invalid/\">\n<rss><channel><title>found</title></channel></rss>"
        let feed = try FeedParser.parse(bytes(source), url: feedURL)
        #expect(feed.kind == .rss)
        #expect(feed.title == "found")
    }

    @Test("EBCDIC code pages named by the declaration (cp500 writes '!' where libxml2's default EBCDIC does not)")
    func ebcdicCodePages() throws {
        // "<?xml version="1.0" encoding="cp500"?><!-- x --><feed xmlns="http://purl.org/atom/ns#"><title>Ø</title></feed>" in cp500.
        let text = "<?xml version=\"1.0\" encoding=\"cp500\"?><!-- x --><feed xmlns=\"http://purl.org/atom/ns#\"><title>\u{D8}</title></feed>"
        let cp500: [Character: UInt8] = [
            "<": 0x4C, "?": 0x6F, ">": 0x6E, " ": 0x40, "=": 0x7E, "\"": 0x7F, ".": 0x4B, "!": 0x4F, "-": 0x60, "/": 0x61,
            ":": 0x7A, "#": 0x7B, "\u{D8}": 0x80,
        ]
        func encode(_ character: Character) -> UInt8 {
            if let byte = cp500[character] { return byte }
            let value = character.asciiValue!
            switch character {
            case "a"..."i": return 0x81 + (value - 97)
            case "j"..."r": return 0x91 + (value - 106)
            case "s"..."z": return 0xA2 + (value - 115)
            case "0"..."9": return 0xF0 + (value - 48)
            default: Issue.record("no cp500 byte for \(character)"); return 0x40
            }
        }
        let feed = try FeedParser.parse(text.map(encode), url: feedURL)
        #expect(feed.kind == .atom)
        #expect(feed.title == "\u{D8}")
    }

    @Test("an HTML page is never parsed as XML")
    func htmlIsHTML() throws {
        for prefix in ["<!DOCTYPE html>", "<html>", "<?xml version=\"1.0\"?><!DOCTYPE html PUBLIC \"x\" \"y\"><html xmlns=\"http://www.w3.org/1999/xhtml\">"] {
            let page = prefix + "<head><link rel=\"alternate\" type=\"application/rss+xml\" href=\"/rss\"></head><body></body></html>"
            let document = try FeedParser.read(bytes(page), url: "https://example.com/")
            #expect(document == .feedLinks([DiscoveredFeed(url: "https://example.com/rss", kind: .rss)]))
        }
    }

    @Test("parse() of a homepage throws not_a_feed carrying the discovered feeds")
    func autodiscoveryError() {
        let page = "<html><head><link rel=\"alternate\" type=\"application/atom+xml\" title=\" Atom \" href=\"https://example.com/atom\"></head></html>"
        #expect {
            try FeedParser.parse(bytes(page), url: "https://example.com/")
        } throws: { error in
            guard let error = error as? FeedParseError else { return false }
            return error.reason == .notAFeed
                && error.discoveredFeeds == [DiscoveredFeed(url: "https://example.com/atom", title: "Atom", kind: .atom)]
        }
    }

    @Test("a sitemap index is a value from read() and a sitemap_index error carrying the children from parse()")
    func sitemapIndex() throws {
        let index = "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><sitemap><loc>/s1.xml</loc><lastmod>2026-07-24</lastmod></sitemap><sitemap><loc>ftp://x/s2.xml</loc></sitemap></sitemapindex>"
        let document = try FeedParser.read(bytes(index), url: "https://example.com/sitemap.xml")
        #expect(document == .sitemapIndex([SitemapReference(url: "https://example.com/s1.xml", lastModified: DateParser.date("2026-07-24"))]))
        do {
            _ = try FeedParser.parse(bytes(index), url: "https://example.com/sitemap.xml")
            Issue.record("parse() returned child sitemaps as if they were articles")
        } catch {
            #expect(error.reason == .sitemapIndex)
            #expect(error.sitemaps.map(\.url) == ["https://example.com/s1.xml"])
        }
    }
}

@Suite("Error reasons")
struct ErrorReasonTests {
    @Test("each bad input gets its stable reason", arguments: [
        ("", FeedParseError.Reason.empty),
        ("   \n\t ", .empty),
        ("\u{FEFF}", .empty),
        ("Service Unavailable", .notAFeed),
        ("<config><x/></config>", .notAFeed),
        ("<html><body>no feeds</body></html>", .notAFeed),
        ("{\"items\": [", .malformedJSON),
        ("{\"hello\": 1}", .notAFeed),
        ("<rss version=\"2.0\"><channel><item><link>https://e.com/</link></item><item><link>https://e.com/</link></item></channel></rss>", .linksPointToHomepage),
        ("<?xml version=\"1.0\" encoding=\"ut f 8 ;;\"?><rss/>", .badEncoding),
    ])
    func reason(_ input: String, _ reason: FeedParseError.Reason) {
        #expect {
            try FeedParser.parse(bytes(input), url: feedURL)
        } throws: { error in
            (error as? FeedParseError)?.reason == reason
        }
    }

    @Test("an unknown charset is bad_encoding when the bytes need it; ASCII bytes read anyway")
    func unknownCharset() throws {
        let declared = "<?xml version=\"1.0\" encoding=\"x-no-such-charset\"?><rss version=\"2.0\"><channel><title>"
        #expect(try FeedParser.parse(bytes(declared + "ok</title></channel></rss>"), url: feedURL).title == "ok")
        #expect {
            try FeedParser.parse(bytes(declared) + [0xE9, 0xFF] + bytes("</title></channel></rss>"), url: feedURL)
        } throws: { error in
            (error as? FeedParseError)?.reason == .badEncoding
        }
    }

    @Test("binary garbage is not a feed, with a message that says what it starts with")
    func binary() {
        do {
            _ = try FeedParser.parse([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], url: feedURL)
            Issue.record("a PNG parsed as a feed")
        } catch {
            #expect(error.reason == .notAFeed)
            #expect(error.message.contains("binary"))
            #expect(error.description.hasPrefix("not_a_feed: "))
        }
    }

    @Test("a bad link_pattern is reported, not a crash")
    func badPattern() {
        #expect {
            try FeedParser.parse(bytes("<html><body><a href=\"/a/12345\">x</a></body></html>"), url: feedURL, kind: .html,
                                 options: FeedParseOptions(linkPattern: "([unclosed"))
        } throws: { error in
            (error as? FeedParseError)?.reason == .badLinkPattern
        }
    }
}

@Suite("Quirks")
struct QuirkTests {
    @Test("homepage check can be switched off, and does not fire on feeds with real links")
    func homepageCheck() throws {
        let source = rss(items: "<item><link>https://e.com/</link></item><item><link>https://e.com/index.php</link></item>")
        let feed = try FeedParser.parse(bytes(source), url: feedURL, options: FeedParseOptions(rejectHomepageLinks: false))
        #expect(feed.items.count == 2)
        let mixed = rss(items: "<item><link>https://e.com/</link></item><item><link>https://e.com/berita/1234567/x</link></item>")
        #expect(try FeedParser.parse(bytes(mixed), url: feedURL).items.count == 2)
    }

    @Test("polling hints: <ttl> minutes, sy:updatePeriod/Frequency, the longer of both; nonsense ignored")
    func refreshHints() throws {
        let sy = "xmlns:sy=\"http://purl.org/rss/1.0/modules/syndication/\""
        func hint(_ channelExtra: String) throws -> Int? {
            let source = "<rss version=\"2.0\" \(sy)><channel><title>T</title>\(channelExtra)</channel></rss>"
            return try FeedParser.parse(bytes(source), url: feedURL).updateIntervalHintSeconds
        }
        #expect(try hint("<ttl>15</ttl>") == 900)
        #expect(try hint("<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>") == 1800)
        #expect(try hint("<sy:updatePeriod> daily </sy:updatePeriod>") == 86_400)
        #expect(try hint("<ttl>60</ttl><sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>4</sy:updateFrequency>") == 3600)
        #expect(try hint("<ttl>0</ttl>") == nil)
        #expect(try hint("<ttl>soon</ttl><sy:updatePeriod>fortnightly</sy:updatePeriod>") == nil)
        #expect(try hint("") == nil)
        let atom = "<feed xmlns=\"http://www.w3.org/2005/Atom\" \(sy)><sy:updatePeriod>weekly</sy:updatePeriod></feed>"
        #expect(try FeedParser.parse(bytes(atom), url: feedURL).updateIntervalHintSeconds == 7 * 86_400)
    }

    @Test("all items linking to one article page is also broken")
    func sameLink() {
        let same = rss(items: String(repeating: "<item><link>https://e.com/news/latest</link></item>", count: 3))
        #expect(throws: FeedParseError.self) { try FeedParser.parse(bytes(same), url: feedURL) }
    }

    @Test("a wrong declared charset does not produce mojibake when the bytes are UTF-8")
    func wrongCharset() throws {
        let source = "<?xml version=\"1.0\" encoding=\"windows-1252\"?>" + rss(items: "<item><title>Jum’at café</title><link>https://e.com/a/1</link></item>").dropFirst(38)
        for charset in [nil, "iso-8859-1", "windows-1252", "UTF-8"] {
            let feed = try FeedParser.parse(bytes(String(source)), url: feedURL, contentTypeCharset: charset)
            #expect(feed.items.first?.title == "Jum’at café", "charset \(charset ?? "none")")
        }
    }

    @Test("windows-1252 bytes labelled UTF-8 (or not at all) are read as windows-1252")
    func legacyBytes() throws {
        var source = Array("<rss version=\"2.0\"><channel><item><title>Caf".utf8)
        source += [0xE9, 0x20, 0x93, 0x71, 0x94, 0x20, 0x81]  // é “q” and an undefined byte
        source += Array("</title><link>https://e.com/a/1</link></item></channel></rss>".utf8)
        for charset in [nil, "utf-8"] {
            let feed = try FeedParser.parse(source, url: feedURL, contentTypeCharset: charset)
            #expect(feed.items.first?.title == "Café “q”")
        }
    }

    @Test("UTF-16 and UTF-32, with or without a byte-order mark, either byte order")
    func wideEncodings() throws {
        let source = "<?xml version=\"1.0\" encoding=\"utf-16\"?><rss version=\"2.0\"><channel><title>Wide – ünï 😀</title></channel></rss>"
        var variants: [[UInt8]] = []
        let utf16 = Array(source.utf16)
        variants.append(utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] })  // BE, no BOM
        variants.append(utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })  // LE, no BOM
        variants.append([0xFE, 0xFF] + variants[0])
        variants.append([0xFF, 0xFE] + variants[1])
        let utf32 = source.unicodeScalars.map(\.value)
        variants.append(utf32.flatMap { [UInt8($0 >> 24), UInt8($0 >> 16 & 0xFF), UInt8($0 >> 8 & 0xFF), UInt8($0 & 0xFF)] })
        variants.append([0xFF, 0xFE, 0, 0] + utf32.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8 & 0xFF), UInt8($0 >> 16 & 0xFF), UInt8($0 >> 24)] })
        for (index, variant) in variants.enumerated() {
            #expect(try FeedParser.parse(variant, url: feedURL).title == "Wide – ünï 😀", "variant \(index)")
        }
    }

    @Test("ISO-8859-2 goes through iconv as declared")
    func otherLegacyCharset() throws {
        var source = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-2\"?><rss version=\"2.0\"><channel><item><title>".utf8)
        source += [0xA3, 0xF3, 0x64, 0xBC]  // Łódź
        source += Array("</title></item></channel></rss>".utf8)
        let feed = try FeedParser.parse(source, url: feedURL)
        #expect(feed.items.first?.title == "Łódź")
    }

    @Test("one bare ampersand or &nbsp; does not cost the rest of the feed its entities")
    func entitiesAfterErrors() throws {
        let source = rss(items: """
            <item><title>Tom & Jerry&nbsp;Show</title><link>https://e.com/a/1?x=1&y=2</link></item>
            <item><title>R&amp;D</title><description>&lt;p&gt;Para&lt;/p&gt; &lt; 5</description><link>https://e.com/a/2</link></item>
            """)
        let feed = try FeedParser.parse(bytes(source), url: feedURL)
        #expect(feed.items.map(\.title) == ["Tom & Jerry Show", "R&D"])
        #expect(feed.items[0].link == "https://e.com/a/1?x=1&y=2")
        #expect(feed.items[1].summary == "Para < 5")
    }

    @Test("XML external entities are never loaded, internal ones never expanded")
    func xxe() throws {
        let source = """
            <?xml version="1.0"?>
            <!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/hostname"><!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
            <rss version="2.0"><channel><item><title>x&xxe;y&b;z</title><link>https://e.com/a/1</link></item></channel></rss>
            """
        let feed = try FeedParser.parse(bytes(source), url: feedURL)
        #expect(feed.items.first?.title == "xyz")
    }

    @Test("100,000-deep nesting is refused or flattened, never a crash")
    func deepNesting() {
        let depth = 100_000
        let source = "<rss><channel>" + String(repeating: "<x>", count: depth) + String(repeating: "</x>", count: depth) + "</channel></rss>"
        let result = Result { () throws(FeedParseError) -> ParsedFeed in try FeedParser.parse(bytes(source), url: feedURL) }
        if case .success(let feed) = result { #expect(feed.items.isEmpty) }
    }

    @Test("100,000-deep HTML nesting (section page and autodiscovery) is walked without recursion")
    func deepHTML() throws {
        let depth = 100_000
        let page = "<html><body>" + String(repeating: "<div><a href=\"/berita/1234567/judul\">x</a>", count: depth) + "</body></html>"
        let feed = try FeedParser.parse(bytes(page), url: "https://e.com/", kind: .html)
        #expect(feed.items.map(\.link) == ["https://e.com/berita/1234567/judul"])
        let head = "<html><head>" + String(repeating: "<span>", count: depth) + "</head></html>"
        #expect(throws: FeedParseError.self) { try FeedParser.parse(bytes(head), url: "https://e.com/") }
    }

    @Test("100,000-deep JSON nesting is refused, never a crash")
    func deepJSON() {
        let deep = "{\"items\": " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        #expect(throws: FeedParseError.self) { try FeedParser.parse(bytes(deep), url: feedURL) }
    }

    @Test("a 5,000-item feed parses completely, dates and all")
    func largeFeed() throws {
        var items = ""
        for index in 0..<5000 {
            items += "<item><title>Item \(index) &amp; more</title><link>https://e.com/berita/\(index)/judul</link>"
                + "<guid isPermaLink=\"false\">id-\(index)</guid><pubDate>Fri, 24 Jul 2026 10:00:00 +0700</pubDate>"
                + "<description>&lt;p&gt;Summary \(index)&lt;/p&gt;</description></item>"
        }
        let feed = try FeedParser.parse(bytes(rss(items: items)), url: feedURL)
        #expect(feed.items.count == 5000)
        #expect(feed.items.last?.title == "Item 4999 & more")
        #expect(feed.items.last?.summary == "Summary 4999")
        #expect(feed.items.allSatisfy { $0.published == DateParser.date("2026-07-24T03:00:00Z") })
        let limited = try FeedParser.parse(bytes(rss(items: items)), url: feedURL, options: FeedParseOptions(maxItems: 10))
        #expect(limited.items.count == 10)
    }
}

@Suite("parse-feed JSON")
struct FeedJSONTests {
    @Test("keys in order, null where absent, dates as RFC 3339 UTC with Z, strings escaped")
    func format() throws {
        let feed = ParsedFeed(kind: .rss, title: "A \"quoted\" \\ title\n", link: nil, items: [
            FeedItem(id: "1", title: "T", link: "https://e.com/1", published: DateParser.date("2022-07-30T08:06:00+07:00"),
                     updated: nil, author: nil, summary: "tab\there \u{1} ctl"),
        ])
        let compact = String(decoding: feed.jsonData(prettyPrinted: false), as: UTF8.self)
        #expect(compact == #"{"title":"A \"quoted\" \\ title\n","link":null,"items":[{"id":"1","title":"T","link":"https://e.com/1","published":"2022-07-30T01:06:00Z","updated":null,"author":null,"summary":"tab\there \u0001 ctl"}]}"#)
        // It is valid JSON with the same content when pretty-printed.
        let pretty = try #require(JSONSerialization.jsonObject(with: FeedJSON.encode(feed)) as? [String: Any])
        #expect(pretty["title"] as? String == "A \"quoted\" \\ title\n")
        #expect(pretty["link"] is NSNull)
        #expect((pretty["items"] as? [Any])?.count == 1)
        #expect(FeedJSON.string(ParsedFeed(kind: .rss), prettyPrinted: false) == #"{"title":null,"link":null,"items":[]}"#)
    }
}

@Suite("Text, URLs and repairs")
struct HelperTests {
    @Test("HTML to plain text", arguments: [
        ("<p>One</p><p>Two</p>", "One Two"),
        ("<b>Bold</b>face", "Boldface"),
        ("a &lt; b &amp;&amp; c", "a < b && c"),
        ("x < y > z", "x < y > z"),
        ("&#x1F600; &#128512; &#0; &bogus; &amp", "😀 😀 \u{FFFD} &bogus; &"),
        ("<script>var a = '<p>x</p>';</script>Text<style>p{}</style>", "Text"),
        ("<!-- c --><![CDATA[kept]]> <?php x ?>", "kept"),
        ("  lots \n\t of   space&nbsp;&nbsp;here  ", "lots of space here"),
        ("<a href=\"x>y\" title='a>b'>link</a>", "link"),
        ("Zero\u{200B}width", "Zerowidth"),
        // Soft hyphen, ZWNJ and ZWJ are text (feedparser keeps them; ZWJ joins emoji sequences).
        ("Ber\u{AD}ita mi\u{200C}ni \u{1F469}\u{200D}\u{1F4BB}", "Ber\u{AD}ita mi\u{200C}ni \u{1F469}\u{200D}\u{1F4BB}"),
        ("cafe\u{301} \u{AD}x", "caf\u{E9} \u{AD}x"),  // the NFC path keeps them too
        // MathML tokens, SVG text and prefixed XML islands are separate words.
        ("<math><mrow><mi>a</mi><mo>+</mo><mi>b</mi></mrow></math>", "a + b"),
        ("<p>Before</p><svg><dc:title>Tree</dc:title><dc:title>Author</dc:title></svg>", "Before Tree Author"),
        // "<!" not followed by a letter is text; a declaration is markup.
        ("&lt;!' <a href=\"foo\">x</a>", "<!' x"),
        ("<!DOCTYPE html>Text", "Text"),
        // An attribute quote that never closes does not swallow the text after the tag.
        ("<a href=http://example.com/\">example</a>", "example"),
    ])
    func plainText(_ html: String, _ expected: String) {
        #expect(PlainText.fromHTML(html) == expected)
    }

    @Test("hostile markup costs linear time (no rescan per '<')")
    func hostileMarkup() {
        let text = String(repeating: "<a", count: 200_000)
        #expect(PlainText.fromHTML(text).count == 400_000)
    }

    @Test("relative references (RFC 3986 5.4 examples and feed cases)", arguments: [
        ("g", "http://a/b/c/g"), ("./g", "http://a/b/c/g"), ("g/", "http://a/b/c/g/"), ("/g", "http://a/g"),
        ("//g", "http://g"), ("?y", "http://a/b/c/d;p?y"), ("g?y", "http://a/b/c/g?y"), ("#s", "http://a/b/c/d;p?q#s"),
        ("g#s", "http://a/b/c/g#s"), ("..", "http://a/b/"), ("../g", "http://a/b/g"), ("../..", "http://a/"),
        ("../../g", "http://a/g"), ("../../../g", "http://a/g"), ("/./g", "http://a/g"), ("g.", "http://a/b/c/g."),
        ("g;x=1/../y", "http://a/b/c/y"), ("", "http://a/b/c/d;p?q"), ("https://x.y/z", "https://x.y/z"),
        ("  /padded  ", "http://a/padded"), ("tag:example.com,2026:1", "tag:example.com,2026:1"),
        ("/berita jakarta/é", "http://a/berita jakarta/é"),
        // Dots inside names are not dot segments (the byte fast path), dot segments still go.
        ("berita-1.html", "http://a/b/c/berita-1.html"), ("/a/.x/..y/z.", "http://a/a/.x/..y/z."),
        ("/a/./b/../c.html", "http://a/a/c.html"), ("/a/b/..", "http://a/a/"),
    ])
    func resolve(_ reference: String, _ expected: String) {
        #expect(URLResolver.resolve(reference, against: "http://a/b/c/d;p?q") == expected)
    }

    @Test("hosts and sites")
    func hosts() {
        #expect(HTMLPageParser.siteKey("news.detik.com") == "detik.com")
        #expect(HTMLPageParser.siteKey("www.kompas.co.id") == "kompas.co.id")
        #expect(HTMLPageParser.siteKey("example.com") == "example.com")
        #expect(FeedHealth.isHomepage("https://www.tribunnews.com"))
        #expect(FeedHealth.isHomepage("https://www.tribunnews.com/"))
        #expect(!FeedHealth.isHomepage("https://www.tribunnews.com/?p=1"))
        #expect(!FeedHealth.isHomepage("https://www.tribunnews.com/nasional/2026/07/24/x"))
    }

    @Test("article-like URL shapes", arguments: [
        ("https://news.detik.com/berita/d-7123456/presiden-resmikan", true),
        ("https://nasional.kompas.com/read/2026/07/24/10000011/judul", true),
        ("https://www.tribunnews.com/nasional/2026/07/24/judul-artikel", true),
        ("https://www.antaranews.com/berita/4212345/judul", true),
        ("https://example.com/opini/mengapa-kita-harus-peduli-lingkungan", true),
        ("https://example.com/nasional", false),
        ("https://example.com/tag/politik", false),
        ("https://example.com/page/2", false),
        ("https://example.com/", false),
        ("https://example.com/img/2026/07/24/123456.jpg", false),
    ])
    func articleShapes(_ url: String, _ expected: Bool) {
        #expect(HTMLPageParser.looksLikeArticle(url) == expected)
    }

    @Test("named references become numeric outside CDATA, comments and the DOCTYPE")
    func referenceRepair() {
        let input = "<!DOCTYPE x [<!ENTITY e \"&amp;\">]><a t=\"1&2\">&amp;&nbsp;&e;&bad; & &#65;&#x41;&#zz;<![CDATA[&amp;]]><!-- &nbsp; --></a>"
        let output = String(decoding: XMLReferenceRepair.repair(Array(input.utf8)), as: UTF8.self)
        #expect(output == "<!DOCTYPE x [<!ENTITY e \"&amp;\">]><a t=\"1&#38;2\">&#38;&#160;&e;&#38;bad; &#38; &#65;&#x41;&#38;#zz;<![CDATA[&amp;]]><!-- &nbsp; --></a>")
    }
}

@Suite("UTF-8 validation")
struct UTF8ValidationTests {
    @Test("agrees with the standard library's decoder on valid, truncated, overlong, surrogate and out-of-range input")
    func agreesWithStandardLibrary() {
        var samples: [[UInt8]] = [
            Array("plain ASCII".utf8), Array("café – 😀 Łódź".utf8), [0xC3], [0xC0, 0x80], [0xE0, 0x80, 0x80],
            [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF0, 0x9F, 0x98], [0x80], [0xFF], [0xE2, 0x82, 0xAC],
            [0xF0, 0x90, 0x80, 0x80], [0xEF, 0xBF, 0xBF], [0xF4, 0x8F, 0xBF, 0xBF],
        ]
        // Every two-byte combination after an ASCII prefix, and a sweep of three-byte leads.
        for first in UInt8(0x80)...0xFF { for second in stride(from: 0, through: 0xFF, by: 17) { samples.append([0x41, first, UInt8(second)]) } }
        for lead in UInt8(0xE0)...0xF4 { for second in stride(from: 0x80, through: 0xBF, by: 7) { samples.append([lead, UInt8(second), 0x80, 0x80]) } }
        for sample in samples {
            let reference = String(validating: sample, as: UTF8.self) != nil
            #expect(FeedEncoding.isValidUTF8(sample) == reference, "\(sample.map { String($0, radix: 16) })")
        }
    }
}
