// Regression tests for hostile feed bytes found by issue 7's hostile origin and fuzzing (Scripts/hostile,
// Scripts/fuzz). Each test names the input that once went wrong.
import Feeds
import Testing

@Suite("Hostile feeds")
struct HostileFeedTests {
    /// A NUL byte in a feed made libxml2 stop reading (even in recovery mode): every item after it was lost,
    /// silently (the feed "parsed" with 0 items). Found by the hostile origin's /_/bad-bytes feed.
    @Test func nulBytesDoNotHideTheItems() throws {
        var bytes = Array("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel><title>Bad ".utf8)
        bytes += [0x00, 0xFF, 0x01, 0x1B]
        bytes += Array("</title><link>https://news.example/</link>".utf8)
        for index in 1...3 {
            bytes += Array("<item><title>Judul \(index) ".utf8) + [0x00, 0xC3, 0x28] + Array(" berita</title>".utf8)
            bytes += Array("<link>https://news.example/read/\(index)</link></item>".utf8)
        }
        bytes += Array("</channel></rss>\n".utf8)
        let feed = try FeedParser.parse(bytes, url: "https://news.example/rss.xml")
        #expect(feed.items.compactMap(\.link) == (1...3).map { "https://news.example/read/\($0)" })
        for item in feed.items {
            #expect(!(item.title ?? "").contains("\u{0}"))
        }
    }

    /// Entity declarations are never expanded, and the feed says so (a billion-laughs feed "parsed" with no
    /// reason logged before); a feed without a DTD carries no warning.
    @Test func declaredEntitiesAreReportedNotExpanded() throws {
        var declarations = "<!ENTITY lol0 \"lol\">"
        for level in 1...9 {
            declarations += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">"
        }
        let laughs = """
            <?xml version="1.0"?>
            <!DOCTYPE rss [\(declarations)]>
            <rss version="2.0"><channel><title>&lol9;</title><item><title>Judul &lol9;</title>
            <link>https://news.example/read/1</link></item></channel></rss>
            """
        let feed = try FeedParser.parse(Array(laughs.utf8), url: "https://news.example/rss.xml")
        // libxml2 also finds the nesting suspicious and the feed ends up read in recovery mode (often with no
        // item at all): what matters is that nothing was expanded and the log will say why.
        #expect(feed.warnings.contains(.entitiesNotExpanded))
        #expect(!feed.items.contains { ($0.title ?? "").contains("lol") })

        let plain = """
            <?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>Judul</title>
            <link>https://news.example/read/1</link></item></channel></rss>
            """
        #expect(try FeedParser.parse(Array(plain.utf8), url: "https://news.example/rss.xml").warnings.isEmpty)
    }

    /// A feed libxml2 could only read in recovery mode says so: its items may be incomplete.
    @Test func recoveredFeedsAreReported() throws {
        let depth = 5_000  // past libxml2's nesting limit without XML_PARSE_HUGE (256)
        let broken = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title><item><title>Judul</title>"
            + "<link>https://news.example/read/1</link><description>" + String(repeating: "<b>", count: depth)
            + "</description></item></channel></rss>"
        let feed = try FeedParser.parse(Array(broken.utf8), url: "https://news.example/rss.xml")
        #expect(feed.warnings == [.recoveredMalformedXML])
    }
}
