// The golden fixtures: Tests/FeedsTests/Fixtures/<case>/ holds one input (feed.xml, feed.json or page.html),
// an optional case.json with parse parameters, and expected.json: the `parse-feed --json` output, or
// {"error": reason, "discovered": [urls]} for inputs that are not a feed (discovered: the feeds an HTML page
// links to, or the child sitemaps of a sitemap index). Regenerate with
// Scripts/update-feed-goldens (sets UPDATE_FEED_GOLDENS=1) and review the diff by eye before committing.
import CrawlerModel
import Feeds
import Foundation
import Testing
import TestSupport

let fixturesDirectory = packageRoot.appendingPathComponent("Tests/FeedsTests/Fixtures")

/// Every case folder, sorted, so the test list is stable.
func goldenCaseNames() -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: fixturesDirectory.path)) ?? []
    return names.filter { !$0.hasPrefix(".") }.sorted()
}

/// Parameters a case may set in case.json; defaults suit a feed at https://example.com/feed.
struct GoldenCaseOptions: Decodable {
    var url: String?
    var kind: String?
    var charset: String?
    var linkPattern: String?
    var notBefore: String?
    /// Seconds east of UTC for zone-less dates (default 0).
    var zonelessOffset: Int?
}

func goldenOutput(forCase name: String) throws -> String {
    let folder = fixturesDirectory.appendingPathComponent(name)
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
    guard let input = files.first(where: { $0.hasPrefix("feed.") || $0.hasPrefix("page.") }) else {
        throw GoldenError.noInput(name)
    }
    var options = GoldenCaseOptions()
    if files.contains("case.json") {
        options = try JSONDecoder().decode(GoldenCaseOptions.self,
                                           from: Data(contentsOf: folder.appendingPathComponent("case.json")))
    }
    let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(input)))
    let kind = options.kind.flatMap(FeedKind.init(rawValue:)) ?? .auto
    let parseOptions = FeedParseOptions(linkPattern: options.linkPattern,
                                        notBefore: options.notBefore.flatMap(DateParser.date),
                                        zonelessDateOffsetSeconds: options.zonelessOffset ?? 0)
    do {
        let feed = try FeedParser.parse(bytes, url: options.url ?? "https://example.com/feed", kind: kind,
                                        contentTypeCharset: options.charset, options: parseOptions)
        return FeedJSON.string(feed) + "\n"
    } catch {
        let discovered = (error.discoveredFeeds.map(\.url) + error.sitemaps.map(\.url))
            .map { "    \"\($0)\"" }.joined(separator: ",\n")
        return "{\n  \"error\": \"\(error.reason.rawValue)\",\n  \"discovered\": ["
            + (discovered.isEmpty ? "]" : "\n\(discovered)\n  ]") + "\n}\n"
    }
}

enum GoldenError: Error { case noInput(String) }

@Suite("Golden feed fixtures")
struct GoldenFixtureTests {
    @Test("there are golden fixtures")
    func fixturesExist() {
        #expect(goldenCaseNames().count >= 20)
    }

    @Test("fixture parses to expected.json", arguments: goldenCaseNames())
    func golden(_ name: String) throws {
        let actual = try goldenOutput(forCase: name)
        let expectedURL = fixturesDirectory.appendingPathComponent(name).appendingPathComponent("expected.json")
        if ProcessInfo.processInfo.environment["UPDATE_FEED_GOLDENS"] == "1" {
            try actual.write(to: expectedURL, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        #expect(actual == expected, "case \(name): output differs from expected.json")
    }
}
