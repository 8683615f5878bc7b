// Which rel=canonical values the crawler trusts: the shape check on canonical URLs, read on bytes.
@testable import CrawlerCore
import Testing

struct PageCanonicalTests {
    @Test func aCanonicalURLWithAPathBelowTheRootIsAnArticle() {
        #expect(Crawler.hasPathBelowRoot("https://www.example.co.id/read/2026/11/23/berita"))
        #expect(Crawler.hasPathBelowRoot("http://news.example.com:8080/a"))
        #expect(Crawler.hasPathBelowRoot("https://example.com/a?id=7"))
    }

    @Test func theSiteRootIsNotAnArticleWhateverItsQuery() {
        #expect(!Crawler.hasPathBelowRoot("https://www.example.co.id/"))
        #expect(!Crawler.hasPathBelowRoot("http://example.com:8080/"))
        #expect(!Crawler.hasPathBelowRoot("https://example.com/?utm=x"))
        #expect(!Crawler.hasPathBelowRoot("https://example.com"))
        #expect(!Crawler.hasPathBelowRoot("not a url"))
    }
}
