// CurlClient against the real loopback origin (Scripts/origin.py): every test starts its own origin process.
import Curl
import Foundation
import Testing
import TestSupport

/// An origin on 127.0.0.1 plus the site directory it serves; both live as long as the value.
struct Origin {
    let root = TemporaryDirectory("curl-origin")
    let server: TestOrigin

    init(files: [String: String] = [:]) throws {
        for (path, contents) in files { try root.write(path, contents) }
        server = try TestOrigin(root: root.url)
    }

    func url(_ path: String) -> String { server.url(path) }
}

/// A client that may talk to loopback (the origin) unless told otherwise.
func loopbackClient(maxInFlight: Int = 16, policy: AddressPolicy = AddressPolicy(allowedPrivateHosts: ["127.0.0.1"]))
    throws -> CurlClient {
    try CurlClient(configuration: .init(maxTransfersInFlight: maxInFlight, addressPolicy: policy))
}

/// The error kind a transfer failed with, or nil if it succeeded.
func failureKind(_ client: CurlClient, _ request: CurlRequest) async -> CurlError.Kind? {
    do {
        _ = try await client.perform(request)
        return nil
    } catch {
        return error.kind
    }
}

@Suite struct CurlClientTests {
    @Test func getsBodyAndFinalHeaders() async throws {
        let origin = try Origin(files: ["_default/hello.txt": "hello, world\n"])
        let client = try loopbackClient()
        let response = try await client.perform(CurlRequest(url: origin.url("/hello.txt")))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "hello, world\n")
        #expect(response.header("Content-Type") == "text/plain; charset=utf-8")
        #expect(response.header("etag") != nil)
        #expect(response.primaryIP == "127.0.0.1")
        #expect(response.redirectCount == 0)
        #expect(response.effectiveURL == origin.url("/hello.txt"))

        let multi = try await client.perform(CurlRequest(url: origin.url("/_/multi-header")))
        #expect(multi.headerValues("x-twice") == ["one", "two"])
        #expect(multi.header("X-Mixed-Case") == "yes")
        #expect(multi.headers.allSatisfy { $0.name == $0.name.lowercased() })
    }

    @Test func sendsUserAgentAndExtraHeaders() async throws {
        let origin = try Origin()
        let client = try loopbackClient()
        let request = CurlRequest(url: origin.url("/_/echo"),
                                  headers: [HTTPHeaderField(name: "If-None-Match", value: "\"abc\"")],
                                  userAgent: "feedcrawler-test/1.0")
        let echoed = String(decoding: try await client.perform(request).body, as: UTF8.self).lowercased()
        #expect(echoed.contains("user-agent: feedcrawler-test/1.0"))
        #expect(echoed.contains("if-none-match: \"abc\""))
        #expect(echoed.contains("accept-encoding: "))
    }

    @Test func refusesHeaderInjection() async throws {
        let client = try loopbackClient()
        let request = CurlRequest(url: "http://127.0.0.1:1/",
                                  headers: [HTTPHeaderField(name: "X-A", value: "b\r\nHost: evil")])
        #expect(await failureKind(client, request) == .invalidRequest)
    }

    @Test func conditionalGetAnswers304() async throws {
        let origin = try Origin()
        let client = try loopbackClient()
        let first = try await client.perform(CurlRequest(url: origin.url("/_/etag?tag=v7")))
        #expect(first.status == 200)
        let etag = try #require(first.header("etag"))
        let second = try await client.perform(CurlRequest(url: origin.url("/_/etag?tag=v7"),
                                                          headers: [HTTPHeaderField(name: "If-None-Match", value: etag)]))
        #expect(second.status == 304)
        #expect(second.body.isEmpty)
    }

    @Test func followsRedirectsAndReportsFinalURL() async throws {
        let origin = try Origin(files: ["_default/target.txt": "arrived\n"])
        let client = try loopbackClient()
        let response = try await client.perform(CurlRequest(url: origin.url("/_/redirect?to=/target.txt&code=301")))
        #expect(response.status == 200)
        #expect(response.redirectCount == 1)
        #expect(response.effectiveURL == origin.url("/target.txt"))
        #expect(String(decoding: response.body, as: UTF8.self) == "arrived\n")
        // Only the final response's headers: the 301's Location is gone.
        #expect(response.header("location") == nil)
    }

    @Test(arguments: ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/x", "dict://127.0.0.1/x"])
    func refusesRedirectsToOtherSchemes(target: String) async throws {
        let origin = try Origin()
        let client = try loopbackClient()
        let encoded = target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? target
        let kind = await failureKind(client, CurlRequest(url: origin.url("/_/redirect?to=\(encoded)")))
        #expect(kind == .badScheme)
    }

    @Test(arguments: ["file:///etc/passwd", "ftp://example.com/", "gopher://example.com/", "javascript:alert(1)"])
    func refusesOtherSchemesUpFront(url: String) async throws {
        let client = try loopbackClient()
        let kind = await failureKind(client, CurlRequest(url: url))
        #expect(kind == .badScheme || kind == .badURL)
    }

    @Test func stopsARedirectLoop() async throws {
        let origin = try Origin()
        let client = try loopbackClient()
        let kind = await failureKind(client, CurlRequest(url: origin.url("/_/loop"), maxRedirects: 5))
        #expect(kind == .tooManyRedirects)
    }

    @Test(arguments: ["/_/big?bytes=3000000", "/_/big?bytes=3000000&chunked=1", "/_/gzip-bomb?mb=64"])
    func cutsBodiesAtTheLimit(path: String) async throws {
        let origin = try Origin()
        let client = try loopbackClient()
        let kind = await failureKind(client, CurlRequest(url: origin.url(path), maxBodyBytes: 1_000_000))
        #expect(kind == .tooLarge)
    }

    @Test func acceptsABodyJustUnderTheLimit() async throws {
        let origin = try Origin()
        let client = try loopbackClient()
        let response = try await client.perform(CurlRequest(url: origin.url("/_/big?bytes=100000&chunked=1"),
                                                            maxBodyBytes: 100_000))
        #expect(response.body.count == 100_000)
    }

    @Test func decodesGzip() async throws {
        let page = String(repeating: "<p>Berita hari ini.</p>\n", count: 200)
        let origin = try Origin(files: ["_default/page.html": page])
        let client = try loopbackClient()
        let response = try await client.perform(CurlRequest(url: origin.url("/page.html")))
        #expect(response.header("content-encoding") == "gzip")
        #expect(String(decoding: response.body, as: UTF8.self) == page)
        #expect(response.downloadedBytes < page.utf8.count)
    }

    @Test func timesOutOnAServerThatNeverAnswers() async throws {
        let origin = try Origin()
        let client = try loopbackClient()
        let kind = await failureKind(client, CurlRequest(url: origin.url("/_/hang?s=30"), totalTimeoutMilliseconds: 1000))
        #expect(kind == .timeout)
    }

    @Test func abortsATricklingBody() async throws {
        let origin = try Origin()
        let client = try loopbackClient()
        let request = CurlRequest(url: origin.url("/_/trickle?bytes=100&every=1"), lowSpeedLimitBytesPerSecond: 100,
                                  lowSpeedTimeSeconds: 2)
        #expect(await failureKind(client, request) == .timeout)
    }

    @Test func reportsAResetMidBody() async throws {
        let origin = try Origin()
        let client = try loopbackClient()
        #expect(await failureKind(client, CurlRequest(url: origin.url("/_/reset"))) == .connectionLost)
    }

    @Test func refusesHugeHeaders() async throws {
        let origin = try Origin()
        let client = try loopbackClient()
        let request = CurlRequest(url: origin.url("/_/headers?count=400&size=1000"), maxHeaderBytes: 64 << 10)
        #expect(await failureKind(client, request) == .headersTooLarge)
    }

    @Test func reportsAClosedPort() async throws {
        let client = try loopbackClient()
        // Port 1 (tcpmux) is closed on any test machine; connect() is refused at once.
        #expect(await failureKind(client, CurlRequest(url: "http://127.0.0.1:1/")) == .connectFailed)
    }

    @Test func refusesLoopbackByDefault() async throws {
        let origin = try Origin()
        let client = try CurlClient()
        #expect(await failureKind(client, CurlRequest(url: origin.url("/_/echo"))) == .addressNotAllowed)
        // *.localhost names resolve to loopback inside curl; the check sees the address, not the name.
        let named = "http://sindonews.localhost:\(origin.server.port)/_/echo"
        #expect(await failureKind(client, CurlRequest(url: named)) == .addressNotAllowed)
    }

    @Test func allowsListedHostNamesAndAddressesOnly() async throws {
        let origin = try Origin()
        let port = origin.server.port
        let byName = try loopbackClient(policy: AddressPolicy(allowedPrivateHosts: ["sindonews.localhost"]))
        let response = try await byName.perform(CurlRequest(url: "http://sindonews.localhost:\(port)/_/echo"))
        #expect(response.status == 200)
        #expect(await failureKind(byName, CurlRequest(url: "http://kompas.localhost:\(port)/_/echo")) == .addressNotAllowed)
        #expect(await failureKind(byName, CurlRequest(url: origin.url("/_/echo"))) == .addressNotAllowed)

        let byAddress = try loopbackClient(policy: AddressPolicy(allowedPrivateHosts: ["127.0.0.1"]))
        #expect(try await byAddress.perform(CurlRequest(url: origin.url("/_/echo"))).status == 200)
        #expect(await failureKind(byAddress, CurlRequest(url: "http://127.0.0.2:\(port)/")) == .addressNotAllowed)

        let all = try loopbackClient(policy: .allowAll)
        #expect(try await all.perform(CurlRequest(url: origin.url("/_/echo"))).status == 200)
    }

    @Test func checksTheAddressAfterARedirect() async throws {
        let origin = try Origin()
        let client = try loopbackClient(policy: AddressPolicy(allowedPrivateHosts: ["127.0.0.1"]))
        let target = "http://127.0.0.2:\(origin.server.port)/_/echo"
        let encoded = target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? target
        let kind = await failureKind(client, CurlRequest(url: origin.url("/_/redirect?to=\(encoded)")))
        #expect(kind == .addressNotAllowed)
    }

    @Test func cancellingTheTaskAbortsTheTransfer() async throws {
        let origin = try Origin()
        let client = try loopbackClient()
        // 60 s timeout: if cancellation did not reach curl the transfer would end with .timeout instead.
        let request = CurlRequest(url: origin.url("/_/hang?s=60"), totalTimeoutMilliseconds: 60_000)
        let task = Task { await failureKind(client, request) }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        #expect(await task.value == .cancelled)
    }

    @Test func shutdownEndsTransfersInFlightAndRefusesNewOnes() async throws {
        let origin = try Origin()
        let client = try loopbackClient()
        let request = CurlRequest(url: origin.url("/_/hang?s=60"), totalTimeoutMilliseconds: 60_000)
        let inFlight = Task { await failureKind(client, request) }
        try await Task.sleep(for: .milliseconds(300))
        client.shutdown()
        client.shutdown()  // idempotent
        #expect(await inFlight.value == .shutdown)
        #expect(await failureKind(client, CurlRequest(url: origin.url("/_/echo"))) == .shutdown)
    }

    @Test func manyConcurrentRequestsAllComplete() async throws {
        let origin = try Origin(files: ["_default/item.txt": "x\n"])
        let client = try loopbackClient(maxInFlight: 8)
        let count = 300
        let statuses = await withTaskGroup(of: Int.self) { group in
            for index in 0..<count {
                group.addTask {
                    (try? await client.perform(CurlRequest(url: origin.url("/item.txt?n=\(index)"))))?.status ?? -1
                }
            }
            var all: [Int] = []
            for await status in group { all.append(status) }
            return all
        }
        #expect(statuses.count == count)
        #expect(statuses.allSatisfy { $0 == 200 })
    }
}
