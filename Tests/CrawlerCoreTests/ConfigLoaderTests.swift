// The config loader: effective values from a valid file, every problem with its line from a broken one,
// and the printer's output loading back to the same value.
import Testing
import Foundation
@testable import CrawlerCore
import CrawlerModel

@Suite struct ConfigLoaderTests {
    @Test func validFileGivesEffectiveValues() throws {
        let text = """
        # comment
        spool_dir = "./spool"
        state_dir = "./state"
        user_agent = "test-agent/1.0"
        allow_private_networks = false
        allowed_private_hosts = ["127.0.0.1", "Sindonews.localhost", "10.0.0.0/8", "fd00::/8"]
        default_interval = "15m"
        min_interval = "90s"
        max_interval = "1d"
        connect_timeout = "5s"
        timeout = "2m"
        max_redirects = 3
        max_feed_bytes = "2MB"
        max_page_bytes = 1_048_576
        per_host_concurrency = 4
        per_host_delay = "250ms"
        max_concurrent_transfers = 8
        max_items_per_poll = 50
        dedup_window = "2w"
        site_rules_dir = "/etc/feedcrawler/sites"

        [[feeds]]
        name = "detik"
        url = "https://rss.detik.com/index.php/detikcom"
        interval = "5m"

        [[feeds]]
        name = "tribunnews"
        url = "https://www.tribunnews.com/sitemap-news.xml"
        kind = "sitemap"
        max_age = "2d"
        enabled = false

        [[feeds]]
        name = "kompas-index"
        url = "https://indeks.kompas.com/"
        kind = "html"
        link_pattern = '^https://[a-z]+\\.kompas\\.com/read/\\d{4}/'
        """
        let config = try ConfigLoader.parse(text: text, file: "test.toml")
        #expect(config.spoolDir == "./spool")
        #expect(config.stateDir == "./state")
        #expect(config.userAgent == "test-agent/1.0")
        #expect(config.allowPrivateNetworks == false)
        #expect(config.allowedPrivateHosts == ["127.0.0.1", "sindonews.localhost", "10.0.0.0/8", "fd00::/8"])
        #expect(config.defaultIntervalSeconds == 900)
        #expect(config.minIntervalSeconds == 90)
        #expect(config.maxIntervalSeconds == 86_400)
        #expect(config.connectTimeoutSeconds == 5)
        #expect(config.totalTimeoutSeconds == 120)
        #expect(config.maxRedirects == 3)
        #expect(config.maxFeedBytes == 2_000_000)
        #expect(config.maxPageBytes == 1_048_576)
        #expect(config.perHostConcurrency == 4)
        #expect(config.perHostDelayMilliseconds == 250)
        #expect(config.maxConcurrentTransfers == 8)
        #expect(config.maxItemsPerPoll == 50)
        #expect(config.dedupWindowDays == 14)
        #expect(config.siteRulesDir == "/etc/feedcrawler/sites")
        #expect(config.feeds == [
            FeedConfig(name: "detik", url: "https://rss.detik.com/index.php/detikcom", intervalSeconds: 300),
            FeedConfig(name: "tribunnews", url: "https://www.tribunnews.com/sitemap-news.xml", kind: .sitemap,
                       maxAgeSeconds: 172_800, enabled: false),
            FeedConfig(name: "kompas-index", url: "https://indeks.kompas.com/", kind: .html,
                       linkPattern: #"^https://[a-z]+\.kompas\.com/read/\d{4}/"#),
        ])
    }

    @Test func minimalFileTakesDefaults() throws {
        let config = try ConfigLoader.parse(text: """
            [[feeds]]
            name = "a"
            url = "http://example.com/rss"
            """, file: "min.toml")
        var expected = Config()
        expected.feeds = [FeedConfig(name: "a", url: "http://example.com/rss")]
        #expect(config == expected)
        #expect(config.spoolDir == "/var/spool/feedcrawler")
        #expect(config.defaultIntervalSeconds == 600)
        #expect(config.allowPrivateNetworks == false)
    }

    @Test func threeDistinctErrorsAreAllReportedWithLines() throws {
        let text = """
        spool_dir = "/var/spool/feedcrawler"
        default_interval = "10 minutes"
        max_redirects = "five"

        [[feeds]]
        name = "detik"
        url = "ftp://rss.detik.com/"
        """
        let errors = #expect(throws: ConfigErrors.self) {
            try ConfigLoader.parse(text: text, file: "bad.toml")
        }
        let lines = errors?.problems.map(\.description) ?? []
        #expect(lines.count == 3)
        #expect(lines.count == 3 && lines[0].hasPrefix("bad.toml:2: default_interval:"))
        #expect(lines.count == 3 && lines[1].hasPrefix("bad.toml:3: max_redirects: expected an integer"))
        #expect(lines.count == 3 && lines[2].hasPrefix("bad.toml:7: url: \"ftp://rss.detik.com/\""))
    }

    @Test func everyKindOfProblemCarriesItsLine() throws {
        let text = """
        spool_dirr = "/tmp/x"
        user_agent = 42
        min_interval = "2h"
        max_interval = "1h"
        timeout = 30
        per_host_delay = "fast"
        max_feed_bytes = "ten megabytes"
        dedup_window = "36h"

        [[feeds]]
        url = "https://a.example/rss"

        [[feeds]]
        name = "a"
        url = "https://a.example/rss"
        kind = "podcast"

        [[feeds]]
        name = "a"
        url = "https://b.example/rss"
        colour = "red"

        [[feeds]]
        name = "no url"
        """
        let errors = #expect(throws: ConfigErrors.self) {
            try ConfigLoader.parse(text: text, file: "f.toml")
        }
        let problems = errors?.problems ?? []
        func problem(at line: Int, containing fragment: String) -> Bool {
            problems.contains { $0.line == line && $0.message.contains(fragment) }
        }
        #expect(problem(at: 1, containing: "unknown key \"spool_dirr\" (did you mean \"spool_dir\"?)"))
        #expect(problem(at: 2, containing: "user_agent: expected a string, got an integer"))
        #expect(problem(at: 3, containing: "min_interval (2h) is greater than max_interval (1h)"))
        #expect(problem(at: 5, containing: "timeout: 30 has no unit"))
        #expect(problem(at: 6, containing: "per_host_delay: \"fast\" is not a duration"))
        #expect(problem(at: 7, containing: "max_feed_bytes: \"ten megabytes\" is not a size"))
        #expect(problem(at: 8, containing: "dedup_window: \"36h\" must be a whole number of days"))
        #expect(problem(at: 10, containing: "without a name"))
        #expect(problem(at: 16, containing: "kind: \"podcast\" is not one of auto, rss, atom, jsonfeed, sitemap, html"))
        #expect(problem(at: 19, containing: "duplicate feed name \"a\" (first used on line 14)"))
        #expect(problem(at: 21, containing: "unknown key \"colour\""))
        #expect(problem(at: 24, containing: "may only contain"))
        #expect(problem(at: 23, containing: "without a url"))
        // Sorted by line.
        let lineNumbers = problems.compactMap(\.line)
        #expect(lineNumbers == lineNumbers.sorted())
    }

    @Test func syntaxErrorNamesItsLine() throws {
        let text = """
        spool_dir = "/tmp/spool"

        [[feeds]]
        name = "a
        url = "https://a.example/rss"
        """
        let errors = #expect(throws: ConfigErrors.self) {
            try ConfigLoader.parse(text: text, file: "syntax.toml")
        }
        #expect(errors?.problems.count == 1)
        #expect(errors?.problems.first?.line == 4)
        #expect(errors?.problems.first?.description.hasPrefix("syntax.toml:4: TOML syntax error") == true)
    }

    @Test func duplicateKeyIsASyntaxErrorWithLine() throws {
        let errors = #expect(throws: ConfigErrors.self) {
            try ConfigLoader.parse(text: "spool_dir = \"a\"\nspool_dir = \"b\"\n", file: "dup.toml")
        }
        #expect(errors?.problems.first?.line == 2)
    }

    @Test func missingFeedsIsReported() throws {
        let errors = #expect(throws: ConfigErrors.self) {
            try ConfigLoader.parse(text: "spool_dir = \"/tmp/s\"\n", file: "nofeeds.toml")
        }
        #expect(errors?.problems.map(\.message) == ["no feeds configured: add at least one [[feeds]] table with name and url"])
    }

    @Test func urlRules() {
        #expect(ConfigLoader.feedURLProblem("https://example.com/rss") == nil)
        #expect(ConfigLoader.feedURLProblem("http://sindonews.localhost:8088/rss.xml") == nil)
        #expect(ConfigLoader.feedURLProblem("http://[::1]:8080/feed") == nil)
        #expect(ConfigLoader.feedURLProblem("file:///etc/passwd") != nil)
        #expect(ConfigLoader.feedURLProblem("gopher://x/") != nil)
        #expect(ConfigLoader.feedURLProblem("example.com/rss") != nil)
        #expect(ConfigLoader.feedURLProblem("https:///rss") != nil)
        #expect(ConfigLoader.feedURLProblem("https://user:pw@example.com/") != nil)
        #expect(ConfigLoader.feedURLProblem("https://exa mple.com/") != nil)
    }

    @Test func allowedPrivateHostsAreHostsAddressesOrRanges() throws {
        let errors = #expect(throws: ConfigErrors.self) {
            try ConfigLoader.parse(text: """
                allowed_private_hosts = ["127.0.0.1", "http://127.0.0.1/", "10.0.0.0/x", "a b"]
                [[feeds]]
                name = "a"
                url = "http://example.com/rss"
                """, file: "hosts.toml")
        }
        #expect(errors?.problems.count == 3)
        #expect(errors?.problems.allSatisfy { $0.line == 1 } == true)
    }

    @Test func spoolAndStateMustDiffer() throws {
        let errors = #expect(throws: ConfigErrors.self) {
            try ConfigLoader.parse(text: """
                spool_dir = "./data"
                state_dir = "data/"
                [[feeds]]
                name = "a"
                url = "http://example.com/rss"
                """, file: "same.toml")
        }
        #expect(errors?.problems.first?.line == 2)
    }

    @Test func multiLineValuesKeepLineNumbersRight() throws {
        let text = #"""
        allowed_private_hosts = [
            "127.0.0.1",
            "localhost",
        ]
        user_agent = """
        multi
        line"""
        max_redirects = -1
        """#
        let errors = #expect(throws: ConfigErrors.self) {
            try ConfigLoader.parse(text: text, file: "m.toml")
        }
        let problems = errors?.problems ?? []
        #expect(problems.contains { $0.line == 5 && $0.message.hasPrefix("user_agent: must be printable ASCII") })
        #expect(problems.contains { $0.line == 8 && $0.message.hasPrefix("max_redirects: -1 is out of range") })
    }

    @Test func printedConfigLoadsBackToTheSameValue() throws {
        var config = Config(spoolDir: "./spool \"quoted\"", stateDir: "./state", allowPrivateNetworks: true,
                            allowedPrivateHosts: ["127.0.0.1"], defaultIntervalSeconds: 5_400,
                            perHostDelayMilliseconds: 1_500, siteRulesDir: "rules")
        config.feeds = [
            FeedConfig(name: "a", url: "http://a.localhost:8088/rss.xml", intervalSeconds: 120, kind: .rss),
            FeedConfig(name: "b", url: "https://b.example/sitemap.xml", kind: .sitemap, maxAgeSeconds: 86_400,
                       enabled: false),
            FeedConfig(name: "c", url: "https://c.example/", kind: .html, linkPattern: #"/read/\d+"#),
        ]
        let text = ConfigPrinter.render(config, sourcePath: "x.toml")
        let reloaded = try ConfigLoader.parse(text: text, file: "printed.toml")
        #expect(reloaded == config)
        #expect(text.contains("default_interval = \"90m\""))
        #expect(text.contains("per_host_delay = \"1500ms\""))
    }

    @Test func loadReadsFilesAndReportsUnreadableOnes() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("config-load-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("feedcrawler.toml").path
        try "[[feeds]]\nname = \"a\"\nurl = \"http://example.com/\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try ConfigLoader.load(path: path).feeds.map(\.name) == ["a"])

        let missing = directory.appendingPathComponent("missing.toml").path
        let errors = #expect(throws: ConfigErrors.self) { try ConfigLoader.load(path: missing) }
        #expect(errors?.description == "\(missing): cannot open config file: No such file or directory")

        let binary = directory.appendingPathComponent("binary.toml").path
        _ = FileManager.default.createFile(atPath: binary, contents: Data([0x66, 0xFF, 0xFE]))
        let binaryErrors = #expect(throws: ConfigErrors.self) { try ConfigLoader.load(path: binary) }
        #expect(binaryErrors?.problems.first?.message == "config file is not valid UTF-8")
    }

    @Test func pathResolutionOrder() {
        #expect(ConfigLoader.resolvePath(option: "/a.toml", environment: ["FEEDCRAWLER_CONFIG": "/b.toml"]) == "/a.toml")
        #expect(ConfigLoader.resolvePath(option: nil, environment: ["FEEDCRAWLER_CONFIG": "/b.toml"]) == "/b.toml")
        #expect(ConfigLoader.resolvePath(option: nil, environment: ["FEEDCRAWLER_CONFIG": ""]) == "/etc/feedcrawler/feedcrawler.toml")
        #expect(ConfigLoader.resolvePath(option: nil, environment: [:]) == "/etc/feedcrawler/feedcrawler.toml")
    }

    @Test func problemsInTablesOfAnyShapeCarryTheKeysLine() throws {
        let errors = #expect(throws: ConfigErrors.self) {
            try ConfigLoader.parse(text: """
                max_redirects = 1 # comment with = sign
                [[feeds]]
                name = "x"
                url = "http://example.com/"
                [[feeds]]

                "quoted key" = 2
                url = "http://example.com/2"
                [server]
                port = 3
                """, file: "shapes.toml")
        }
        let problems = errors?.problems.map { "\($0.line ?? 0): \($0.message)" } ?? []
        #expect(problems == [
            "5: [[feeds]] entry without a name",
            "7: unknown key \"quoted key\"",
            "9: unknown key \"server\"",
        ])
    }

    /// The shipped config documents every key the loader accepts, each under a comment, so a new key cannot
    /// be added without its documentation.
    @Test func shippedConfigDocumentsEveryKey() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let lines = try String(contentsOf: root.appendingPathComponent("Config/feedcrawler.toml"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for key in ConfigLoader.topLevelKeyNames where key != "feeds" {
            let index = lines.firstIndex { $0.hasPrefix("\(key) =") || $0.hasPrefix("# \(key) =") }
            #expect(index != nil, "Config/feedcrawler.toml does not set or show \(key)")
            if let index { #expect(index > 0 && lines[index - 1].hasPrefix("#"), "\(key) has no comment above it") }
        }
        for key in ConfigLoader.feedKeyNames {
            #expect(lines.contains { $0.hasPrefix("#   \(key) ") }, "the [[feeds]] key list does not document \(key)")
        }
    }
}
