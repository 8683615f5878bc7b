import Curl
import Testing

@Suite struct AddressPolicyTests {
    @Test(arguments: [
        ("127.0.0.1", "loopback"), ("127.255.0.9", "loopback"), ("10.1.2.3", "private"), ("172.16.0.1", "private"),
        ("172.31.255.255", "private"), ("192.168.1.1", "private"), ("169.254.169.254", "link-local"),
        ("100.64.0.1", "shared-cgnat"), ("0.0.0.0", "this-network"), ("224.0.0.1", "multicast"),
        ("255.255.255.255", "reserved"), ("::1", "loopback"), ("::", "unspecified"), ("fd00::1", "unique-local"),
        ("fc00::5", "unique-local"), ("fe80::1", "link-local"), ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"), ("::ffff:10.0.0.1", "private"), ("64:ff9b::7f00:1", "loopback"),
        ("2002:c0a8:0101::1", "private"), ("2001:db8::1", "documentation"),
    ])
    func specialAddressesAreClassified(literal: String, range: String) throws {
        let address = try #require(IPAddress(literal))
        #expect(address.specialRange == range)
        #expect(!AddressPolicy.publicOnly.permits(address: address, host: "example.com"))
        #expect(AddressPolicy.allowAll.permits(address: address, host: "example.com"))
    }

    @Test(arguments: ["93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111",
                      "::ffff:8.8.8.8", "1.1.1.1"])
    func publicAddressesPass(literal: String) throws {
        let address = try #require(IPAddress(literal))
        #expect(address.isPublic)
        #expect(AddressPolicy.publicOnly.permits(address: address, host: nil))
    }

    @Test func allowListMatchesAddressesRangesAndHostNames() throws {
        let policy = AddressPolicy(allowedPrivateHosts: ["127.0.0.1", "10.9.0.0/16", "Sindonews.localhost"])
        let loopback = try #require(IPAddress("127.0.0.1"))
        let otherLoopback = try #require(IPAddress("127.0.0.2"))
        #expect(policy.permits(address: loopback, host: "anything.example"))
        #expect(policy.permits(address: try #require(IPAddress("::ffff:127.0.0.1")), host: nil))
        #expect(!policy.permits(address: otherLoopback, host: "evil.example"))
        #expect(policy.permits(address: otherLoopback, host: "sindonews.localhost"))
        #expect(policy.permits(address: try #require(IPAddress("10.9.200.1")), host: nil))
        #expect(!policy.permits(address: try #require(IPAddress("10.8.0.1")), host: nil))
        let refusal = policy.refusal(address: otherLoopback, host: "evil.example")
        #expect(refusal?.contains("127.0.0.2") == true)
        #expect(refusal?.contains("loopback") == true)
    }

    @Test func literalsParseAndPrint() throws {
        #expect(IPAddress("[::1]")?.description == "::1")
        #expect(IPAddress("192.168.0.1")?.description == "192.168.0.1")
        #expect(IPAddress("example.com") == nil)
        #expect(IPAddress("999.1.1.1") == nil)
        #expect(IPNetwork("10.0.0.0/33") == nil)
        #expect(IPNetwork("10.0.0.0/8")?.contains(try #require(IPAddress("10.255.1.1"))) == true)
    }
}

@Suite struct CurlURLTests {
    @Test func parsesWithCurlsParser() throws {
        let url = try CurlURL("HTTP://Sindonews.LOCALHOST:8088/a/b?x=1#frag")
        #expect(url.scheme == "http")
        #expect(url.host == "sindonews.localhost")
        #expect(url.port == 8088)
        #expect(url.isFetchable)
        #expect(try CurlURL("https://example.com/").port == 443)
        #expect(try CurlURL("http://[::1]/").host == "::1")
    }

    @Test func refusesWhatIsNotAnAbsoluteHTTPURL() {
        #expect(throws: CurlError.self) { try CurlURL("not a url") }
        #expect((try? CurlURL("ftp://example.com/x"))?.isFetchable == false)
        #expect((try? CurlURL("file:///etc/passwd"))?.isFetchable != true)
    }

    @Test func originIsSchemeHostAndPortWithIPv6InBrackets() throws {
        let url = try CurlURL("HTTPS://News.Example.co.id/berita/1?page=all#top")
        #expect(url.origin == "https://news.example.co.id:443")
        #expect(url.pathAndQuery == "/berita/1?page=all")
        #expect(try CurlURL("http://127.0.0.1:8080/").origin == "http://127.0.0.1:8080")
        #expect(try CurlURL("http://[::1]:8080/robots.txt").origin == "http://[::1]:8080")
    }

    @Test func schemeAloneAgreesWithTheFullParse() throws {
        for text in ["http://example.com/", "HTTPS://example.com/a", "ftp://example.com/x"] {
            #expect(try CurlURL.scheme(of: text) == CurlURL(text).scheme)
        }
        #expect(throws: CurlError.self) { try CurlURL.scheme(of: "not a url") }
    }
}
