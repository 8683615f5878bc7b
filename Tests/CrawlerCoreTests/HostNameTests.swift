// HostName.isDomainOrSubdomain against the String test it stands for.
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
}
