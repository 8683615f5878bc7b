// A Config's printed form stays short however many feeds it holds: ServiceLifecycle keeps `"\(service)"` of
// the daemon as its service name for the process's life, and the daemon holds the Config.
import Testing
import Logging
@testable import CrawlerCore

@Suite struct ConfigDescriptionTests {
    func config(feeds count: Int) -> Config {
        Config(spoolDir: "/s", stateDir: "/t",
               feeds: (0..<count).map { FeedConfig(name: "feed\($0)", url: "http://example.com/feed.xml?f=\($0)") })
    }

    @Test func describesTheCountAndTheFirstNames() {
        #expect(String(reflecting: config(feeds: 2)) == #"Config(spool_dir: "/s", state_dir: "/t", 2 feeds: [feed0, feed1])"#)
        #expect(String(describing: config(feeds: 7))
                == #"Config(spool_dir: "/s", state_dir: "/t", 7 feeds: [feed0, feed1, feed2, feed3, feed4, ...])"#)
    }

    @Test func theDaemonsServiceNameDoesNotGrowWithTheFeeds() {
        let daemon = CrawlerDaemon(configPath: "/c.toml", config: config(feeds: 10_000), logger: Logger(label: "test"),
                                   environment: [:], reload: { _ in .failure(.init(lines: [])) })
        // What ServiceGroupConfiguration.ServiceConfiguration(service:) computes and keeps.
        let serviceName = "\(daemon)"
        #expect(serviceName.utf8.count < 2_000, "\(serviceName.prefix(300))")
    }
}

/// FeedConfig keeps its rarely set values in a box: the daemon holds three copies of every feed's FeedConfig.
@Suite struct FeedConfigStorageTests {
    @Test func staysSmall() {
        #expect(MemoryLayout<FeedConfig>.stride <= 48)
    }

    @Test func boxedValuesReadWriteAndCompareLikeFields() {
        var feed = FeedConfig(name: "a", url: "http://a/")
        #expect(feed.intervalSeconds == nil && feed.linkPattern == nil && feed.maxAgeSeconds == nil
                && feed.respectRobotsTxt == nil)
        feed.intervalSeconds = 300
        feed.linkPattern = "/read/"
        feed.maxAgeSeconds = 86_400
        feed.respectRobotsTxt = false
        #expect(feed == FeedConfig(name: "a", url: "http://a/", intervalSeconds: 300, linkPattern: "/read/",
                                   maxAgeSeconds: 86_400, respectRobotsTxt: false))
        let copy = feed
        feed.maxAgeSeconds = 60
        #expect(copy.maxAgeSeconds == 86_400, "a copy keeps its own values")
        #expect(feed != copy)
        // Unset again: equal to a feed that never set anything.
        feed.intervalSeconds = nil
        feed.linkPattern = nil
        feed.maxAgeSeconds = nil
        feed.respectRobotsTxt = nil
        #expect(feed == FeedConfig(name: "a", url: "http://a/"))
    }
}
