// HostName.isDomainOrSubdomain against the String test it stands for, and HostName.host(of:), the one host
// extraction the feed parser, the extractor and the spool sidecar share.
import CrawlerModel
import Testing

struct HostNameTests {
    @Test func agreesWithTheStringTest() {
        let domains = ["detik.com", "co.id", "kompas.com", "a.b", "x"]
        let hosts = ["detik.com", "news.detik.com", "notdetik.com", "detik.com.evil", "com", "", ".detik.com",
                     "kompas.co.id", "www.kompas.com", "a.b", "xa.b", "c.a.b", "x", ".x", "yx"]
        for host in hosts {
            for domain in domains {
                let expected = host == domain || host.hasSuffix("." + domain)
                #expect(HostName.isDomainOrSubdomain(Array(host.utf8), of: Array(domain.utf8)) == expected, "\(host) / \(domain)")
            }
        }
    }

    @Test func worksOnSlicesAndBufferViews() {
        let host = Array("xx.news.detik.com".utf8)
        #expect(HostName.isDomainOrSubdomain(host[3...], of: Array("detik.com".utf8)))
        #expect(!HostName.isDomainOrSubdomain(host[8...], of: Array("news.detik.com".utf8)))
        host.withUnsafeBufferPointer { #expect(HostName.isDomainOrSubdomain($0, of: Array("news.detik.com".utf8))) }
    }

    @Test(arguments: [
        ("https://WWW.Detik.com/news/berita?x=1", "www.detik.com"),
        ("https://User@News.Detik.com:443/x", "news.detik.com"),
        ("http://user:pw@example.org:8080/a", "example.org"),
        ("https://User@Sub.Example.com:8443/x?y#z", "sub.example.com"),
        ("https://example.com#frag", "example.com"),
        ("https://example.com?q=http://other.org/", "example.com"),
        ("http://Berita.Example.ID", "berita.example.id"),
        ("https://A.com:", "a.com"),
        ("http://[::1]/a", "[::1]"),
        ("http://[::1]:8080/", "[::1]"),
        ("HTTPS://ÉCOLE.example/x", "école.example"),
        ("svn+ssh://host.example/repo", "host.example"),
    ])
    func hostOfAnAbsoluteURL(url: String, host: String) {
        #expect(HostName.host(of: url) == host)
    }

    @Test(arguments: ["not a url", "ab", "https://", "http://@/x", "http://:80/", "http://[::1/x", "/relative/path",
                      "//example.com/x", "mailto:someone@example.com", "3http://example.com/", "/redirect?u=http://x.org/",
                      "https:example.com"])
    func noHost(url: String) {
        #expect(HostName.host(of: url) == nil)
    }
}
