import Testing
import Dedup

@Suite struct URLCanonicalizerTests {
    let canonicalizer = URLCanonicalizer()

    /// (input, expected canonical form). One row per rule; the comment says which.
    @Test(arguments: [
        // Scheme and host lowercased, default port dropped, fragment dropped, empty path is "/".
        ("HTTP://Example.COM:80", "http://example.com/"),
        ("https://example.com:443/a#section-2", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://example.com./a", "https://example.com/a"),
        ("  https://example.com/a\n", "https://example.com/a"),
        ("https://user:secret@example.com/a", "https://example.com/a"),
        // Tracking parameters dropped, the rest sorted.
        ("https://example.com/a?utm_source=fb&utm_medium=social&id=7", "https://example.com/a?id=7"),
        ("https://example.com/a?b=2&fbclid=XYZ&a=1&gclid=1&mc_cid=c&mc_eid=e&igshid=i&_ga=2.1&ref_src=twsrc",
         "https://example.com/a?a=1&b=2"),
        ("https://example.com/a?UTM_Campaign=x", "https://example.com/a"),
        ("https://example.com/a?z=1&a=2&a=1", "https://example.com/a?a=1&a=2&z=1"),
        ("https://example.com/a?", "https://example.com/a"),
        ("https://example.com/a?&&x=1&", "https://example.com/a?x=1"),
        // Percent-encoding normalised; dot segments removed.
        ("https://example.com/%7euser/%e2%82%ac", "https://example.com/~user/%E2%82%AC"),
        ("https://example.com/a b/ü", "https://example.com/a%20b/%C3%BC"),
        ("https://example.com/a/./b/../c", "https://example.com/a/c"),
        ("https://example.com/a/%2E%2E/c", "https://example.com/c"),
        ("https://example.com/100%", "https://example.com/100%25"),
        // Generic single-page variants and mobile/AMP hosts.
        ("https://example.com/a?page=all", "https://example.com/a"),
        ("https://example.com/a?page=2", "https://example.com/a?page=2"),
        ("https://m.example.com/a", "https://www.example.com/a"),
        ("https://amp.example.co.id/a", "https://www.example.co.id/a"),
        ("https://m.news.example.com/a", "https://news.example.com/a"),
        ("https://example.com/news/story/amp", "https://example.com/news/story"),
        // kompas: AMP host with the kanal as first segment, /amp suffix, ?page=all, source=, jxrecoid=.
        ("https://amp.kompas.com/nasional/read/2022/07/30/08060001/menlu-as-rusia",
         "https://nasional.kompas.com/read/2022/07/30/08060001/menlu-as-rusia"),
        ("https://nasional.kompas.com/read/2022/07/30/08060001/menlu-as-rusia/amp",
         "https://nasional.kompas.com/read/2022/07/30/08060001/menlu-as-rusia"),
        ("https://nasional.kompas.com/read/2022/07/30/08060001/menlu-as-rusia?page=all&source=widget&jxrecoid=abc",
         "https://nasional.kompas.com/read/2022/07/30/08060001/menlu-as-rusia"),
        ("http://kompas.com/read/x", "https://www.kompas.com/read/x"),
        // detik: m. host, ?single=1.
        ("https://m.detik.com/news/berita/d-6206500/judul?single=1", "https://www.detik.com/news/berita/d-6206500/judul"),
        ("https://news.detik.com/berita/d-6206500/judul?single=1&utm_source=rss",
         "https://news.detik.com/berita/d-6206500/judul"),
        // sindonews: ?showpage=all, trailing page segment, /newsread/.
        ("https://international.sindonews.com/read/846981/41/menlu-as-rusia-1659143160?showpage=all",
         "https://international.sindonews.com/read/846981/41/menlu-as-rusia-1659143160"),
        ("https://international.sindonews.com/read/846981/41/menlu-as-rusia-1659143160/10",
         "https://international.sindonews.com/read/846981/41/menlu-as-rusia-1659143160"),
        ("https://international.sindonews.com/newsread/846981/41/menlu-as-rusia-1659143160",
         "https://international.sindonews.com/read/846981/41/menlu-as-rusia-1659143160"),
        // tribunnews: m. host with /amp/ prefix, ?page=all.
        ("https://m.tribunnews.com/amp/internasional/2022/07/30/menlu-as", "https://www.tribunnews.com/internasional/2022/07/30/menlu-as"),
        ("https://www.tribunnews.com/internasional/2022/07/30/menlu-as?page=all",
         "https://www.tribunnews.com/internasional/2022/07/30/menlu-as"),
        ("https://jabar.tribunnews.com/amp/2024/07/02/judul", "https://jabar.tribunnews.com/2024/07/02/judul"),
        // IPv6 literal.
        ("http://[::1]:8080/a", "http://[::1]:8080/a"),
    ])
    func canonicalForms(input: String, expected: String) throws {
        #expect(try canonicalizer.canonicalize(input) == expected)
        // Idempotent: the canonical form is its own canonical form.
        #expect(try canonicalizer.canonicalize(expected) == expected)
    }

    @Test(arguments: [
        ("", "url_empty"),
        ("/relative/path", "url_not_absolute"),
        ("//example.com/a", "url_not_absolute"),
        ("ftp://example.com/a", "url_unsupported_scheme"),
        ("file:///etc/passwd", "url_unsupported_scheme"),
        ("javascript:alert(1)", "url_unsupported_scheme"),
        ("https:///a", "url_missing_host"),
        ("https://exa mple.com/", "url_invalid_host"),
        ("https://a..b/", "url_invalid_host"),
        ("https://example.com:99999/", "url_invalid_port"),
        ("https://example.com:0/", "url_invalid_port"),
        ("https://example.com:8o/", "url_invalid_port"),
        ("https://[::1/", "url_invalid_host"),
    ])
    func refusals(input: String, reason: String) {
        #expect(throws: CanonicalURLError.self) { try canonicalizer.canonicalize(input) }
        do {
            _ = try canonicalizer.canonicalize(input)
        } catch {
            #expect(error.reason == reason)
        }
    }

    @Test func refusesOverlongURLs() {
        let long = "https://example.com/" + String(repeating: "a", count: URLCanonicalizer.maxLength)
        #expect(throws: CanonicalURLError.self) { try canonicalizer.canonicalize(long) }
    }

    /// Bytes that are not a URL at all must give an error, never a crash.
    @Test func totalOnJunk() throws {
        let junk = ["http://", "https://:80", "http://%zz/", "http://a/%", "http://a/%G0", "http://[]/", "h:", ":",
                    "http://a/\u{0}b", "http://a?b=%", "https://@/"]
        for input in junk {
            _ = try? canonicalizer.canonicalize(input)
        }
        #expect(try canonicalizer.canonicalize("http://a/%") == "http://a/%25")
    }

    @Test func siteRuleLookupPrefersLongestDomain() {
        let rules = [SiteURLRule(domain: "example.com"), SiteURLRule(domain: "news.example.com", dropAllQuery: true)]
        let custom = URLCanonicalizer(rules: rules)
        #expect(custom.rule(forHost: "a.news.example.com")?.domain == "news.example.com")
        #expect(custom.rule(forHost: "www.example.com")?.domain == "example.com")
        #expect(custom.rule(forHost: "notexample.com") == nil)
        #expect(custom.rule(forHost: "example.com")?.domain == "example.com")
        #expect(custom.rule(forHost: "com") == nil)
        #expect(custom.rule(forHost: ".example.com")?.domain == "example.com")
    }
}
