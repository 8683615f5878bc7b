// The built `feedcrawler` binary: check-config's output and exit codes, config path resolution, usage
// errors, and the log line formats as a real process writes them to stderr.
import Testing
import Foundation
import TestSupport
@testable import CrawlerCore

@Suite struct ConfigCLITests {
    static let validConfig = """
        spool_dir = "./spool"
        state_dir = "./state"
        allow_private_networks = true
        default_interval = "5m"

        [[feeds]]
        name = "demo"
        url = "http://demo.localhost:8088/rss.xml"
        """

    @Test func checkConfigPrintsTheEffectiveConfigurationAndExitsZero() throws {
        let directory = TemporaryDirectory("cli-config")
        let path = try directory.write("feedcrawler.toml", Self.validConfig).path
        let result = try runFeedcrawler(["check-config", "--config", path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("default_interval = \"5m\""))
        #expect(result.stdout.contains("max_redirects = 5"))  // a default, filled in
        #expect(result.stdout.contains("name = \"demo\""))
        // The printout is itself a config that loads to the same value.
        let reprinted = try ConfigLoader.parse(text: result.stdout, file: "stdout")
        #expect(reprinted == (try ConfigLoader.load(path: path)))
    }

    @Test func checkConfigReportsThreeErrorsWithLinesAndExitsTwo() throws {
        let directory = TemporaryDirectory("cli-config")
        let path = try directory.write("broken.toml", """
            spool_dir = "./spool"
            default_interval = "ten minutes"
            max_redirects = 99

            [[feeds]]
            name = "a"
            url = "file:///etc/passwd"
            """).path
        let result = try runFeedcrawler(["check-config", "--config", path])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines.count == 3 && lines[0].hasPrefix("\(path):2: default_interval:"))
        #expect(lines.count == 3 && lines[1].hasPrefix("\(path):3: max_redirects: 99 is out of range"))
        #expect(lines.count == 3 && lines[2].hasPrefix("\(path):7: url: \"file:///etc/passwd\""))
    }

    @Test func checkConfigReportsSyntaxErrorsWithTheirLine() throws {
        let directory = TemporaryDirectory("cli-config")
        let path = try directory.write("syntax.toml", "spool_dir = \"./spool\"\n[[feeds]\nname = \"a\"\n").path
        let result = try runFeedcrawler(["check-config", "--config", path])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("\(path):2: TOML syntax error"))
    }

    @Test func missingConfigFileIsAConfigError() throws {
        let result = try runFeedcrawler(["check-config", "--config", "/nonexistent/feedcrawler.toml"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("/nonexistent/feedcrawler.toml: cannot open config file"))
    }

    @Test func configPathComesFromTheEnvironmentWhenNoOptionIsGiven() throws {
        let directory = TemporaryDirectory("cli-config")
        let path = try directory.write("from-env.toml", Self.validConfig).path
        let result = try runFeedcrawler(["check-config"], environment: ["FEEDCRAWLER_CONFIG": path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("from \(path)"))
        // --config wins over the environment.
        let missing = try runFeedcrawler(["check-config", "--config", "/nonexistent/x.toml"],
                                         environment: ["FEEDCRAWLER_CONFIG": path])
        #expect(missing.status == 2)
    }

    @Test(arguments: ["Config/feedcrawler.toml", "Config/demo.toml"])
    func shippedConfigsAreValid(relativePath: String) throws {
        // The production config points at installed paths; check it against this checkout's rule files and
        // temporary directories instead (the rest of the file is checked as shipped).
        let directory = TemporaryDirectory("cli-shipped")
        let text = try String(contentsOf: packageRoot.appendingPathComponent(relativePath), encoding: .utf8)
            .replacingOccurrences(of: "\"/etc/feedcrawler/sites\"",
                                  with: "\"\(packageRoot.appendingPathComponent("Config/sites").path)\"")
            .replacingOccurrences(of: "\"/var/spool/feedcrawler\"", with: "\"\(directory.path)/spool\"")
            .replacingOccurrences(of: "\"/var/lib/feedcrawler\"", with: "\"\(directory.path)/state\"")
        let path = try directory.write("shipped.toml", text).path
        let result = try runFeedcrawler(["check-config", "--config", path], currentDirectory: directory.url)
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func checkConfigChecksDirectoriesAndSiteRules() throws {
        let directory = TemporaryDirectory("cli-env")
        try directory.write("rules/broken.json", "{ not json")
        try directory.write("a-file", "")
        let path = try directory.write("env.toml", """
            spool_dir = "\(directory.path)/a-file"
            state_dir = "\(directory.path)/missing/state"
            site_rules_dir = "\(directory.path)/rules"
            metrics_file = "\(directory.path)/no-such-dir/feedcrawler.prom"
            [[feeds]]
            name = "a"
            url = "http://example.com/rss"
            """).path
        let result = try runFeedcrawler(["check-config", "--config", path])
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines.count == 4 && lines[0].hasPrefix("\(path):1: spool_dir:") && lines[0].hasSuffix("is not a directory"))
        #expect(lines.count == 4 && lines[1].hasPrefix("\(path):2: state_dir:"))
        #expect(lines.count == 4 && lines[2].hasPrefix("\(path):3: site_rules_dir:") && lines[2].contains("broken.json"))
        #expect(lines.count == 4 && lines[3].hasPrefix("\(path):4: metrics_file: directory"))
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try runFeedcrawler(["no-such-command"]).status == 2)
        #expect(try runFeedcrawler(["check-config", "--no-such-option"]).status == 2)
        #expect(try runFeedcrawler(["check-config", "--log-level", "loud"]).status == 2)
        #expect(try runFeedcrawler(["check-config", "--log-format", "xml"]).status == 2)
        #expect(try runFeedcrawler(["parse-feed", "ftp://example.com/feed"]).status == 2)
    }

    @Test func fetchOfAnUnknownFeedIsAUsageError() throws {
        let directory = TemporaryDirectory("cli-config")
        let path = try directory.write("feedcrawler.toml", Self.validConfig).path
        let result = try runFeedcrawler(["fetch", "--config", path, "--feed", "nope"], currentDirectory: directory.url)
        #expect(result.status == 2)
        #expect(result.stderr.contains("no feed named nope"))
    }

    @Test(arguments: ["fetch", "run", "check-config", "extract", "parse-feed", "import-opml", "status"])
    func everySubcommandHasHelp(subcommand: String) throws {
        let result = try runFeedcrawler([subcommand, "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE: feedcrawler \(subcommand)"))
        #expect(result.stdout.contains("--config"))
    }

    // MARK: Stage subcommands are wired (their behaviour is tested in FeedsTests and ExtractTests)

    @Test func parseFeedPrintsJSONWithAbsoluteLinks() throws {
        let directory = TemporaryDirectory("cli-parse")
        let path = try directory.write("feed.xml", """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0"><channel><title>Demo &amp; Co</title><link>/</link>
            <item><title>First</title><link>/read/1</link><guid>g1</guid>
            <pubDate>Sat, 30 Jul 2022 08:06:00 +0700</pubDate></item>
            </channel></rss>
            """).path
        let result = try runFeedcrawler(["parse-feed", path, "--url", "http://demo.example/rss.xml", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["title"] as? String == "Demo & Co")
        let items = try #require(object["items"] as? [[String: Any]])
        #expect(items.count == 1)
        #expect(items.first?["link"] as? String == "http://demo.example/read/1")
        #expect(items.first?["published"] as? String == "2022-07-30T01:06:00Z")

        let notAFeed = try directory.write("plain.txt", "hello")
        #expect(try runFeedcrawler(["parse-feed", notAFeed.path, "--json"]).status == 1)
        #expect(try runFeedcrawler(["parse-feed", directory.file("missing.xml").path]).status == 1)
    }

    @Test func extractPrintsSpoolTextAndJSON() throws {
        let page = packageRoot.appendingPathComponent(
            "Tests/Fixtures/sites/sindonews.localhost/read/845123/42/menlu-as-rusia-berbicara-via-telepon-1659143160")
        guard FileManager.default.fileExists(atPath: page.path) else { return }  // fixture owned by the demo sites
        let text = try runFeedcrawler(["extract", page.path, "--url", "https://www.sindonews.com/read/845123/42/x"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("Menlu AS-Rusia Berbicara Via Telepon"))
        #expect(text.stdout.hasSuffix("\n"))
        let json = try runFeedcrawler(["extract", page.path, "--json", "--url", "https://www.sindonews.com/read/845123/42/x"])
        #expect(json.status == 0)
        let object = try #require(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["text"] as? String == text.stdout)
        #expect((object["id"] as? String)?.count == 16)
        #expect(object["extractor_version"] as? String != nil)
    }

    // MARK: Log lines from the real process

    @Test func textLogLinesCarryATimestampOutsideSystemd() throws {
        let directory = TemporaryDirectory("cli-log")
        let path = try directory.write("feedcrawler.toml", Self.validConfig).path
        let result = try runFeedcrawler(["check-config", "--config", path, "--log-level", "debug"])
        #expect(result.status == 0)
        let line = try #require(result.stderr.split(separator: "\n").first.map(String.init))
        // 2026-11-23T05:50:01.123Z debug Configuration loaded. config=... enabled=1 feeds=1
        #expect(line.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z debug Configuration loaded\. config=\S+ enabled=1 feeds=1/) != nil, "\(line)")
    }

    @Test func journalStreamGivesPriorityPrefixesWithoutTimestamps() throws {
        let directory = TemporaryDirectory("cli-log")
        let path = try directory.write("feedcrawler.toml", Self.validConfig).path
        let stderrFile = directory.file("stderr.log")
        let (status, stderr) = try runWithStderrFile(
            ["check-config", "--config", path, "--log-level", "debug"], stderrFile: stderrFile,
            journalStreamMatchesStderr: true)
        #expect(status == 0)
        #expect(stderr.hasPrefix("<7>debug Configuration loaded. config="), "\(stderr)")

        // Config problems are not log events, but under systemd they carry the error priority too.
        let broken = try directory.write("broken.toml", "max_redirects = 99\n").path
        let (brokenStatus, brokenStderr) = try runWithStderrFile(
            ["check-config", "--config", broken], stderrFile: directory.file("broken.log"), journalStreamMatchesStderr: true)
        #expect(brokenStatus == 2)
        let brokenLines = brokenStderr.split(separator: "\n")
        #expect(!brokenLines.isEmpty && brokenLines.allSatisfy { $0.hasPrefix("<3>\(broken):") }, "\(brokenStderr)")

        // A JOURNAL_STREAM that names some other stream (stderr was redirected) is ignored.
        let (_, redirected) = try runWithStderrFile(
            ["check-config", "--config", path, "--log-level", "debug"], stderrFile: directory.file("other.log"),
            journalStreamMatchesStderr: false)
        #expect(!redirected.hasPrefix("<"), "\(redirected)")
    }

    @Test func jsonLogLines() throws {
        let directory = TemporaryDirectory("cli-log")
        let path = try directory.write("feedcrawler.toml", Self.validConfig).path
        let result = try runFeedcrawler(["check-config", "--config", path, "--log-level", "debug", "--log-format", "json"])
        #expect(result.status == 0)
        let line = try #require(result.stderr.split(separator: "\n").first)
        let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "debug")
        #expect(object["msg"] as? String == "Configuration loaded.")
        #expect(object["feeds"] as? String == "1")
    }

    /// Runs the binary with stderr going to a file, optionally with JOURNAL_STREAM naming that file's
    /// device and inode (what systemd does for the stream it connects).
    private func runWithStderrFile(_ arguments: [String], stderrFile: URL,
                                   journalStreamMatchesStderr: Bool) throws -> (Int32, String) {
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: stderrFile)
        defer { try? handle.close() }
        var status = stat()
        guard fstat(handle.fileDescriptor, &status) == 0 else { throw CocoaError(.fileReadUnknown) }
        let process = Process()
        process.executableURL = try feedcrawlerBinary()
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["JOURNAL_STREAM"] = journalStreamMatchesStderr
            ? "\(status.st_dev):\(status.st_ino)" : "\(status.st_dev):\(status.st_ino + 1)"
        process.environment = environment
        process.standardError = handle
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, try String(contentsOf: stderrFile, encoding: .utf8))
    }
}
