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
}
