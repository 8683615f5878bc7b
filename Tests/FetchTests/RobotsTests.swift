@testable import Fetch
import Testing
import TestSupport

@Suite struct RobotsRulesTests {
    let file = """
        # comments and odd spacing are fine
        User-agent: *
        Disallow: /private/
        Allow: /private/open
        Disallow: /*.pdf$
        Crawl-delay: 2

        User-agent: FeedCrawler
        User-agent: otherbot
        Disallow: /search
        Allow: /search/about

        Sitemap: https://example.com/sitemap.xml
        """

    @Test func ourGroupReplacesTheGenericOne() {
        let rules = RobotsRules(parsing: Array(file.utf8), productToken: "feedcrawler")
        #expect(!rules.isAllowed(pathAndQuery: "/search?q=banjir"))
        #expect(rules.isAllowed(pathAndQuery: "/search/about"))
        #expect(rules.isAllowed(pathAndQuery: "/private/x"))  // only the * group says so
        #expect(rules.crawlDelaySeconds == nil)
        #expect(rules.sitemaps == ["https://example.com/sitemap.xml"])
    }

    @Test func otherAgentsGetTheGenericGroup() {
        let rules = RobotsRules(parsing: Array(file.utf8), productToken: "somebot")
        #expect(!rules.isAllowed(pathAndQuery: "/private/x"))
        #expect(rules.isAllowed(pathAndQuery: "/private/open/1"))  // longer Allow wins
        #expect(!rules.isAllowed(pathAndQuery: "/files/a.pdf"))
        #expect(rules.isAllowed(pathAndQuery: "/files/a.pdf?x=1"))  // $ anchors the end
        #expect(rules.isAllowed(pathAndQuery: "/berita/1"))
        #expect(rules.isAllowed(pathAndQuery: "/robots.txt"))
        #expect(rules.crawlDelaySeconds == 2)
    }

    @Test func wildcardsAndEdgeCases() {
        #expect(RobotsRules.matches(pattern: Array("/a*b*c".utf8), path: Array("/axxbyyc/z".utf8)))
        #expect(!RobotsRules.matches(pattern: Array("/a*b*c$".utf8), path: Array("/axxbyyc/z".utf8)))
        #expect(RobotsRules.matches(pattern: Array("*".utf8), path: Array("/".utf8)))
        #expect(!RobotsRules.matches(pattern: Array("/abc".utf8), path: Array("/ab".utf8)))
        #expect(RobotsRules(parsing: Array("User-agent: *\nDisallow:\n".utf8), productToken: "x").isAllowed(pathAndQuery: "/a"))
        #expect(!RobotsRules.disallowAll.isAllowed(pathAndQuery: "/a"))
        // A pathological pattern stays fast (no exponential backtracking).
        let pattern = Array(String(repeating: "*a", count: 200).utf8) + Array("b".utf8)
        #expect(!RobotsRules.matches(pattern: pattern, path: Array(String(repeating: "a", count: 5000).utf8)))
    }

    @Test func verdictFollowsRFC9309() {
        func verdict(_ outcome: FetchOutcome) -> String {
            switch Fetcher.robotsVerdict(from: outcome, productToken: "feedcrawler") {
            case .rules(let rules): return rules == .allowAll ? "allow-all" : "rules"
            case .unreachable(let outcome): return "unreachable \(outcome.reason)"
            }
        }
        #expect(verdict(.permanent(.http(404))) == "allow-all")
        #expect(verdict(.permanent(.gone)) == "allow-all")
        #expect(verdict(.transient(.http(503))) == "unreachable http_503")
        #expect(verdict(.transient(.timeout)) == "unreachable timeout")
        #expect(verdict(.permanent(.addressNotAllowed)) == "unreachable address_not_allowed")
    }
}

@Suite(.timeLimit(.minutes(deadlineScale))) struct RobotsFetchTests {
    @Test func articlesObeyRobotsFeedsDoNot() async throws {
        let site = try Site(files: [
            "kompas.localhost/robots.txt": "User-agent: *\nDisallow: /private/\n",
            "kompas.localhost/private/a.html": "<p>secret</p>\n",
            "kompas.localhost/public/a.html": "<p>open</p>\n",
            "detik.localhost/a.html": "<p>no robots file here</p>\n",
        ])
        let fetcher = try loopbackFetcher {
            $0.allowedPrivateHosts = ["kompas.localhost", "detik.localhost"]
            $0.respectRobotsTxt = true
        }
        let blocked = await fetcher.fetch(FetchRequest(url: site.named("kompas", "/private/a.html"), purpose: .article))
        #expect(blocked == .permanent(.robotsDisallowed))
        #expect(blocked.reason == "robots_disallowed")
        #expect(await fetcher.fetch(FetchRequest(url: site.named("kompas", "/public/a.html"), purpose: .article)).response != nil)
        // Feeds are the operator's explicit choice: fetched regardless.
        #expect(await fetcher.fetch(FetchRequest(url: site.named("kompas", "/private/a.html"), purpose: .feed)).response != nil)
        // No robots.txt (404): everything allowed.
        #expect(await fetcher.fetch(FetchRequest(url: site.named("detik", "/a.html"), purpose: .article)).response != nil)
        #expect(await fetcher.isAllowedByRobots(site.named("kompas", "/private/b.html")) == false)
        #expect(await fetcher.isAllowedByRobots(site.named("detik", "/private/b.html")))
    }

    @Test func perRequestOverrideAndCrawlDelay() async throws {
        let site = try Site(files: [
            "kompas.localhost/robots.txt": "User-agent: *\nDisallow: /private/\nCrawl-delay: 0.2\n",
            "kompas.localhost/private/a.html": "<p>secret</p>\n",
        ])
        let fetcher = try loopbackFetcher { $0.allowedPrivateHosts = ["kompas.localhost"] }
        let url = site.named("kompas", "/private/a.html")
        // Off in the settings, on for this feed's articles:
        #expect(await fetcher.fetch(FetchRequest(url: url, purpose: .article, respectRobotsTxt: true))
            == .permanent(.robotsDisallowed))
        #expect(await fetcher.fetch(FetchRequest(url: url, purpose: .article)).response != nil)
        #expect(await fetcher.robotsRules(for: url)?.crawlDelaySeconds == 0.2)
    }

    @Test func anUnreachableHostReportsItsOwnFailure() async throws {
        let fetcher = try Fetcher(settings: FetchSettings(respectRobotsTxt: true))
        // Loopback is not allowed: robots.txt cannot be read, and the article gets the same reason.
        let outcome = await fetcher.fetch(FetchRequest(url: "http://127.0.0.1:1/a.html", purpose: .article))
        #expect(outcome == .permanent(.addressNotAllowed))
    }
}
