// The Fetcher against the real loopback origin (Scripts/origin.py): one origin process per test.
@testable import Fetch
import Foundation
import Testing
import TestSupport

struct Site {
    let root = TemporaryDirectory("fetch-origin")
    let server: TestOrigin

    init(files: [String: String] = [:]) throws {
        for (path, contents) in files { try root.write(path, contents) }
        server = try TestOrigin(root: root.url)
    }

    func url(_ path: String) -> String { server.url(path) }
    func named(_ site: String, _ path: String) -> String { server.baseURL(site) + path }
}

func loopbackFetcher(_ adjust: (inout FetchSettings) -> Void = { _ in }) throws -> Fetcher {
    var settings = FetchSettings(userAgent: "feedcrawler-test/1", requestTimeoutSeconds: 20,
                                 allowedPrivateHosts: ["127.0.0.1"])
    adjust(&settings)
    return try Fetcher(settings: settings)
}

func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text }

@Suite(.timeLimit(.minutes(2 * deadlineScale))) struct FetcherTests {
    @Test func freshResponseCarriesEverythingTheScheduleNeeds() async throws {
        let site = try Site()
        let fetcher = try loopbackFetcher()
        let outcome = await fetcher.fetch(FetchRequest(url: site.url("/_/etag?tag=v1&max_age=300")))
        let response = try #require(outcome.response, "\(outcome)")
        #expect(outcome.reason == "ok")
        #expect(response.status == 200)
        #expect(response.contentType == "application/rss+xml")
        #expect(response.charset == "utf-8")
        #expect(response.etag == "\"v1\"")
        #expect(response.lastModified == "Tue, 03 Jun 2025 10:00:00 GMT")
        #expect(response.cacheMaxAgeSeconds == 300)
        #expect(String(decoding: response.body, as: UTF8.self).contains("<rss"))
        #expect(response.bytes == response.body.count)
        #expect(response.finalURL == site.url("/_/etag?tag=v1&max_age=300"))
    }

    @Test func linksWithSpacesAndNonASCIIAreEscaped() async throws {
        let site = try Site(files: ["_default/berita/kabar baik.html": "<p>ok</p>\n"])
        let fetcher = try loopbackFetcher()
        let raw = " " + site.url("/berita/kabar baik.html#komentar") + "\n"
        let response = try #require(await fetcher.fetch(FetchRequest(url: raw, purpose: .article)).response)
        #expect(response.requestedURL == raw)
        #expect(response.finalURL == site.url("/berita/kabar%20baik.html"))
    }

    @Test func conditionalGetGivesNotModified() async throws {
        let site = try Site(files: ["_default/feed.xml": "<rss version=\"2.0\"><channel/></rss>\n"])
        let fetcher = try loopbackFetcher()
        let first = try #require(await fetcher.fetch(FetchRequest(url: site.url("/feed.xml"))).response)
        let byETag = await fetcher.fetch(FetchRequest(url: site.url("/feed.xml"), etag: first.etag))
        #expect(byETag == .notModified)
        let byDate = await fetcher.fetch(FetchRequest(url: site.url("/feed.xml"), lastModified: first.lastModified))
        #expect(byDate == .notModified)
        let stale = await fetcher.fetch(FetchRequest(url: site.url("/feed.xml"), etag: "\"other\""))
        #expect(stale.response != nil)
    }

    @Test func sendsUserAgentAcceptAndLanguage() async throws {
        let site = try Site()
        let fetcher = try loopbackFetcher { $0.acceptLanguage = "id,en;q=0.8" }
        let response = try #require(await fetcher.fetch(FetchRequest(url: site.url("/_/echo"), purpose: .article)).response)
        let echoed = String(decoding: response.body, as: UTF8.self).lowercased()
        #expect(echoed.contains("user-agent: feedcrawler-test/1"))
        #expect(echoed.contains("accept: text/html"))
        #expect(echoed.contains("accept-language: id,en;q=0.8"))
    }

    @Test func followsRedirectsToTheFinalURL() async throws {
        let site = try Site(files: ["sindonews.localhost/berita/1.html": "<html><body><p>Isi</p></body></html>\n"])
        let fetcher = try loopbackFetcher { $0.allowedPrivateHosts = ["127.0.0.1", "sindonews.localhost"] }
        let target = site.named("sindonews", "/berita/1.html")
        let outcome = await fetcher.fetch(FetchRequest(url: site.url("/_/redirect?code=301&to=\(encoded(target))"),
                                                       purpose: .article))
        let response = try #require(outcome.response, "\(outcome)")
        #expect(response.finalURL == target)
        #expect(response.redirectCount == 1)
        #expect(response.contentType == "text/html")
    }

    @Test func reportsRedirectChainsAndPermanentMoves() async throws {
        let site = try Site(files: ["_default/new.xml": "<rss version=\"2.0\"><channel/></rss>\n"])
        let fetcher = try loopbackFetcher()
        func chain(_ codes: [Int]) -> String {
            // /_/redirect?code=A&to=/_/redirect?code=B&to=...&to=/new.xml, innermost last.
            var target = "/new.xml"
            for code in codes.reversed() { target = "/_/redirect?code=\(code)&to=\(encoded(target))" }
            return site.url(target)
        }
        let permanent = try #require(await fetcher.fetch(FetchRequest(url: chain([301, 308]))).response)
        #expect(permanent.redirects.map(\.status) == [301, 308])
        #expect(permanent.redirects.first?.url == chain([301, 308]))
        #expect(permanent.permanentRedirectURL == site.url("/new.xml"))
        #expect(permanent.finalURL == site.url("/new.xml"))

        let thenTemporary = try #require(await fetcher.fetch(FetchRequest(url: chain([301, 302]))).response)
        #expect(thenTemporary.permanentRedirectURL == chain([302]))  // moved permanently to the 302's URL
        #expect(thenTemporary.finalURL == site.url("/new.xml"))

        for code in [302, 307] {
            let temporary = try #require(await fetcher.fetch(FetchRequest(url: chain([code]))).response)
            #expect(temporary.redirects.map(\.status) == [code])
            #expect(temporary.permanentRedirectURL == nil)
        }
        let direct = try #require(await fetcher.fetch(FetchRequest(url: site.url("/new.xml"))).response)
        #expect(direct.redirects.isEmpty)
        #expect(direct.permanentRedirectURL == nil)
    }

    @Test(arguments: ["file:///etc/passwd", "ftp://127.0.0.1/feed.xml", "gopher://127.0.0.1/1"])
    func refusesRedirectsOutOfHTTP(target: String) async throws {
        let site = try Site()
        let fetcher = try loopbackFetcher()
        let outcome = await fetcher.fetch(FetchRequest(url: site.url("/_/redirect?to=\(encoded(target))")))
        #expect(outcome == .permanent(.badScheme))
    }

    @Test func refusesBadURLsBeforeTheNetwork() async throws {
        let fetcher = try loopbackFetcher()
        #expect(await fetcher.fetch(FetchRequest(url: "ftp://example.com/feed")) == .permanent(.badScheme))
        #expect(await fetcher.fetch(FetchRequest(url: "file:///etc/passwd")) == .permanent(.badScheme))
        #expect(await fetcher.fetch(FetchRequest(url: "http://")).reason == "bad_url")
    }

    @Test func stopsRedirectLoops() async throws {
        let site = try Site()
        let fetcher = try loopbackFetcher()
        let outcome = await fetcher.fetch(FetchRequest(url: site.url("/_/loop")))
        #expect(outcome == .permanent(.tooManyRedirects))
        #expect(outcome.reason == "too_many_redirects")
    }

    @Test(arguments: ["/_/big?bytes=5000000", "/_/big?bytes=5000000&chunked=1", "/_/gzip-bomb?mb=256"])
    func cutsOversizedBodies(path: String) async throws {
        let site = try Site()
        let fetcher = try loopbackFetcher()
        let outcome = await fetcher.fetch(FetchRequest(url: site.url(path), purpose: .article, maxBytes: 1 << 20))
        #expect(outcome == .permanent(.tooLarge))
    }

    @Test func timesOutOnAHangingServer() async throws {
        let site = try Site()
        let fetcher = try loopbackFetcher { $0.requestTimeoutSeconds = 1 }
        #expect(await fetcher.fetch(FetchRequest(url: site.url("/_/hang?s=20"))) == .transient(.timeout))
    }

    @Test func aTricklingServerTimesOut() async throws {
        let site = try Site()
        let fetcher = try loopbackFetcher {
            $0.lowSpeedLimitBytesPerSecond = 100
            $0.lowSpeedTimeSeconds = 2
        }
        #expect(await fetcher.fetch(FetchRequest(url: site.url("/_/trickle?bytes=50&every=1"))) == .transient(.timeout))
    }

    @Test func hugeHeadersArePermanent() async throws {
        let site = try Site()
        let fetcher = try loopbackFetcher { $0.maxHeaderBytes = 64 << 10 }
        let outcome = await fetcher.fetch(FetchRequest(url: site.url("/_/headers?count=200&size=1000")))
        #expect(outcome == .permanent(.headersTooLarge))
        #expect(outcome.reason == "headers_too_large")
    }

    @Test func connectionResetIsTransient() async throws {
        let site = try Site()
        let fetcher = try loopbackFetcher()
        #expect(await fetcher.fetch(FetchRequest(url: site.url("/_/reset"))) == .transient(.connectionLost))
    }

    @Test func emptyBodyIsAFailure() async throws {
        let site = try Site()
        let fetcher = try loopbackFetcher()
        let outcome = await fetcher.fetch(FetchRequest(url: site.url("/_/empty")))
        #expect(outcome == .transient(.emptyBody))
        #expect(outcome.reason == "empty_body")
    }

    @Test func loopbackIsRefusedUnlessAllowed() async throws {
        let site = try Site(files: ["kompas.localhost/feed.xml": "<rss/>\n"])
        let strict = try Fetcher(settings: FetchSettings())
        #expect(await strict.fetch(FetchRequest(url: site.url("/_/echo"))) == .permanent(.addressNotAllowed))
        #expect(await strict.fetch(FetchRequest(url: site.named("kompas", "/feed.xml"))) == .permanent(.addressNotAllowed))

        let byName = try Fetcher(settings: FetchSettings(allowedPrivateHosts: ["kompas.localhost"]))
        #expect(await byName.fetch(FetchRequest(url: site.named("kompas", "/feed.xml"))).response != nil)
        #expect(await byName.fetch(FetchRequest(url: site.url("/_/echo"))) == .permanent(.addressNotAllowed))

        let open = try Fetcher(settings: FetchSettings(allowPrivateNetworks: true))
        #expect(await open.fetch(FetchRequest(url: site.url("/_/echo"))).response != nil)

        // An allowed origin redirecting to another loopback address (127.0.0.2) is refused at connect time.
        let onlyOrigin = try loopbackFetcher()
        let elsewhere = "http://127.0.0.2:\(site.server.port)/_/echo"
        let outcome = await onlyOrigin.fetch(FetchRequest(url: site.url("/_/redirect?to=\(encoded(elsewhere))")))
        #expect(outcome == .permanent(.addressNotAllowed))
        #expect(outcome.reason == "address_not_allowed")
    }

    @Test func statusesAreClassified() async throws {
        let site = try Site()
        let fetcher = try loopbackFetcher()
        #expect(await fetcher.fetch(FetchRequest(url: site.url("/_/status/410"))) == .permanent(.gone))
        #expect(await fetcher.fetch(FetchRequest(url: site.url("/_/status/404"))) == .permanent(.http(404)))
        #expect(await fetcher.fetch(FetchRequest(url: site.url("/_/status/403"))) == .permanent(.http(403)))
        #expect(await fetcher.fetch(FetchRequest(url: site.url("/_/status/500"))) == .transient(.http(500)))
        #expect(await fetcher.fetch(FetchRequest(url: site.url("/_/status/503"))) == .transient(.http(503)))
    }

    @Test func rateLimitingIsParsedAndRemembered() async throws {
        let site = try Site(files: ["kompas.localhost/feed.xml": "<rss/>\n"])
        let fetcher = try loopbackFetcher { $0.allowedPrivateHosts = ["127.0.0.1", "kompas.localhost"] }
        let limited = await fetcher.fetch(FetchRequest(url: site.url("/_/status/429?retry_after=120")))
        #expect(limited == .rateLimited(retryAfterSeconds: 120))
        #expect(limited.reason == "rate_limited retry_after=120s")
        // The same host is now inside its window: answered without asking it (this URL would give 200)...
        let again = await fetcher.fetch(FetchRequest(url: site.url("/_/echo")))
        guard case .rateLimited(let left?) = again else {
            Issue.record("expected rateLimited, got \(again)")
            return
        }
        #expect(left > 100 && left <= 120)
        // ...while another host is not held up.
        #expect(await fetcher.fetch(FetchRequest(url: site.named("kompas", "/feed.xml"))).response != nil)
    }

    @Test func a429WithoutRetryAfterStillPausesTheHost() async throws {
        let site = try Site()
        let fetcher = try loopbackFetcher { $0.defaultRateLimitPauseSeconds = 30 }
        #expect(await fetcher.fetch(FetchRequest(url: site.url("/_/status/429"))) == .rateLimited(retryAfterSeconds: nil))
        guard case .rateLimited(let left?) = await fetcher.fetch(FetchRequest(url: site.url("/_/echo"))) else {
            Issue.record("the host was not paused")
            return
        }
        #expect(left > 0 && left <= 30)
    }

    @Test func serviceUnavailableWithAnHTTPDate() async throws {
        let site = try Site()
        let fetcher = try loopbackFetcher()
        let date = Date().addingTimeInterval(600)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let value = encoded(formatter.string(from: date))
        let outcome = await fetcher.fetch(FetchRequest(url: site.url("/_/status/503?retry_after=\(value)")))
        guard case .rateLimited(let seconds?) = outcome else {
            Issue.record("expected rateLimited, got \(outcome)")
            return
        }
        #expect(seconds > 500 && seconds <= 601)
    }

    @Test func manyConcurrentFetchesOverSeveralHostsAllComplete() async throws {
        let hosts = ["detik", "kompas", "tribunnews", "sindonews", "antaranews"]
        var files: [String: String] = [:]
        for host in hosts { files["\(host).localhost/a.html"] = "<html><body>\(host)</body></html>\n" }
        let site = try Site(files: files)
        let fetcher = try loopbackFetcher {
            $0.allowedPrivateHosts = hosts.map { "\($0).localhost" }
            $0.perHostConcurrency = 2
            $0.maxConcurrentTransfers = 8
        }
        let count = 250
        let outcomes = await withTaskGroup(of: FetchOutcome.self) { group in
            for index in 0..<count {
                let url = site.named(hosts[index % hosts.count], "/a.html?n=\(index)")
                group.addTask { await fetcher.fetch(FetchRequest(url: url, purpose: .article)) }
            }
            var all: [FetchOutcome] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        #expect(outcomes.count == count)
        #expect(outcomes.allSatisfy { $0.response?.status == 200 }, "\(outcomes.filter { $0.response == nil }.prefix(3))")
    }
}
