// Golden fixtures: every folder in Fixtures/ holds source.html (plus source-2.html ... for split articles),
// expected.txt (the exact spool text) and expected.json (the URL and the metadata fields that must match).
// A case runs with the site rules from Config/sites, and also without any rule when "generic_too" is true.
import CrawlerModel
import Extract
import Foundation
import Testing

enum FixturePaths {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let fixtures = testsDirectory.appendingPathComponent("Fixtures")
    static let siteRules = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Config/sites")

    static func cases() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? []
        return names.filter { name in
            FileManager.default.fileExists(atPath: fixtures.appendingPathComponent(name).appendingPathComponent("expected.json").path)
        }.sorted()
    }
}

@Suite struct GoldenFixtures {
    @Test func thereAreFixtures() {
        #expect(FixturePaths.cases().count >= 2)
    }

    @Test(arguments: FixturePaths.cases())
    func fixture(_ name: String) throws {
        let folder = FixturePaths.fixtures.appendingPathComponent(name)
        let expectedJSON = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("expected.json"))) as? [String: Any])
        let expectedText = try String(contentsOf: folder.appendingPathComponent("expected.txt"), encoding: .utf8)
        let url = try #require(expectedJSON["url"] as? String)
        let rules = try SiteRules.load(directory: FixturePaths.siteRules.path)
        var runs: [(String, Extractor)] = [("site rules", Extractor(rules: rules))]
        if expectedJSON["generic_too"] as? Bool == true { runs.append(("generic", Extractor())) }
        for (label, extractor) in runs {
            var pages: [ExtractedArticle] = []
            var reports: [ExtractionReport] = []
            var index = 1
            while true {
                let file = folder.appendingPathComponent(index == 1 ? "source.html" : "source-\(index).html")
                guard FileManager.default.fileExists(atPath: file.path) else { break }
                let pageURL = index == 1 ? url : url + "?page=\(index)"
                let report = extractor.explain(html: [UInt8](try Data(contentsOf: file)), url: pageURL, charset: nil)
                reports.append(report)
                if case .article(let article) = report.result { pages.append(article) }
                else if let candidate = report.candidate { pages.append(candidate) }
                index += 1
            }
            let first = try #require(reports.first)
            let expectedResult = expectedJSON["result"] as? String ?? "article"
            switch first.result {
            case .article: #expect(expectedResult == "article", "\(name) [\(label)]")
            case .rejected(let reason): #expect(expectedResult == "rejected:\(reason)", "\(name) [\(label)]")
            }
            guard expectedResult == "article" else { continue }
            let article = try #require(Extractor.stitch(pages))
            #expect(article.spoolText == expectedText, "\(name) [\(label)] via \(first.method)")
            let metadata = article.metadata
            if let title = expectedJSON["title"] as? String { #expect(article.title == title, "\(name) [\(label)]") }
            if let published = expectedJSON["published"] as? String {
                #expect(metadata.published.map(DisplayDates.rfc3339) == published, "\(name) [\(label)] published")
            }
            if let modified = expectedJSON["modified"] as? String {
                #expect(metadata.modified.map(DisplayDates.rfc3339) == modified, "\(name) [\(label)] modified")
            }
            if let dateline = expectedJSON["dateline"] as? String { #expect(metadata.dateline == dateline, "\(name) [\(label)]") }
            if let author = expectedJSON["author"] as? String { #expect(metadata.author == author, "\(name) [\(label)]") }
            if let language = expectedJSON["language"] as? String { #expect(metadata.language == language, "\(name) [\(label)]") }
            if let canonical = expectedJSON["canonical_url"] as? String {
                #expect(metadata.canonicalURL == canonical, "\(name) [\(label)]")
            }
            if let next = expectedJSON["next_page"] as? String { #expect(first.nextPageURL == next, "\(name) [\(label)]") }
            if let single = expectedJSON["single_page"] as? String, label == "site rules" {
                #expect(first.singlePageURL == single, "\(name) [\(label)]")
            }
            if let paywalled = expectedJSON["paywalled"] as? Bool { #expect(metadata.paywalled == paywalled, "\(name) [\(label)]") }
            for forbidden in expectedJSON["must_not_contain"] as? [String] ?? [] {
                #expect(!article.spoolText.contains(forbidden), "\(name) [\(label)] contains \(forbidden)")
            }
        }
    }
}
