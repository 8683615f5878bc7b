// Measurement path for the extraction dev set (not a pass/fail test): with FEEDCRAWLER_DEVSET pointing at
// ../shared/data/extraction-dev and FEEDCRAWLER_DEVSET_OUT at an empty directory, every page is extracted and
// written as spool text to OUT/<id>.txt, ready for `score.py --drop-first-line`. Skipped otherwise.
import CrawlerModel
import Extract
import Foundation
import Testing
import LibXML2
#if canImport(Glibc)
import Glibc
#endif

@Suite struct DevSetMeasurement {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["FEEDCRAWLER_DEVSET"] != nil))
    func extractDevSet() throws {
        let environment = ProcessInfo.processInfo.environment
        let dataset = try #require(environment["FEEDCRAWLER_DEVSET"])
        let output = environment["FEEDCRAWLER_DEVSET_OUT"] ?? NSTemporaryDirectory() + "devset-out"
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let metaData = try Data(contentsOf: URL(fileURLWithPath: dataset + "/meta.json"))
        let meta = try #require(try JSONSerialization.jsonObject(with: metaData) as? [String: Any])
        let docs = try #require(meta["docs"] as? [String: [String: Any]])
        let extractor = Extractor()
        var explainLog = ""
        let start = Date()
        for id in docs.keys.sorted() {
            let url = docs[id]?["url"] as? String ?? "http://example.com/"
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(dataset)/html/\(id).html")))
            let report = extractor.explain(html: bytes, url: url, charset: nil)
            let text = report.candidate?.spoolText ?? "\n"
            try text.write(toFile: "\(output)/\(id).txt", atomically: true, encoding: .utf8)
            explainLog += "== \(id): \(report.method) result=\(report.result.label)\n"
            for step in report.steps {
                explainLog += "   \(step.action) \(step.node) [\(step.textLength)] \(step.reason)\n"
            }
        }
        try explainLog.write(toFile: "\(output)/_explain.log", atomically: true, encoding: .utf8)
        print("extracted \(docs.count) pages in \(Date().timeIntervalSince(start)) s into \(output)")
    }
}

extension ExtractionResult {
    var label: String {
        switch self {
        case .article: return "article"
        case .rejected(let reason): return "rejected(\(reason))"
        }
    }
}

/// Throughput on the dev set in pages per CPU-second: bare libxml2 parsing vs the whole extraction (parse
/// included). Enabled by FEEDCRAWLER_DEVSET_BENCH=1 (and FEEDCRAWLER_DEVSET); meaningful in a release build.
@Suite struct DevSetThroughput {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["FEEDCRAWLER_DEVSET_BENCH"] != nil))
    func throughput() throws {
        let dataset = try #require(ProcessInfo.processInfo.environment["FEEDCRAWLER_DEVSET"])
        let names = try FileManager.default.contentsOfDirectory(atPath: dataset + "/html").filter { $0.hasSuffix(".html") }.sorted()
        let pages = try names.map { try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(dataset)/html/\($0)"))) }
        let megabytes = Double(pages.reduce(0) { $0 + $1.count }) / 1e6
        let rounds = Int(ProcessInfo.processInfo.environment["FEEDCRAWLER_DEVSET_ROUNDS"] ?? "3") ?? 3
        let extractor = Extractor()
        func cpuSeconds() -> Double {
            var spec = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
            return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
        }
        var parsed = 0
        let parseStart = cpuSeconds()
        for _ in 0..<rounds {
            for page in pages { if (try? Document.parseHTML(page, url: "http://example.com/")) != nil { parsed += 1 } }
        }
        let parseCPU = cpuSeconds() - parseStart
        var extracted = 0
        let extractStart = cpuSeconds()
        for _ in 0..<rounds {
            for page in pages {
                if case .article = extractor.extract(html: page, url: "http://example.com/", charset: nil) { extracted += 1 }
            }
        }
        let extractCPU = cpuSeconds() - extractStart
        let n = Double(pages.count * rounds)
        print(String(format: "parse only: %.0f pages/CPU-s, %.2f MB/CPU-s", n / parseCPU, megabytes * Double(rounds) / parseCPU))
        print(String(format: "extract:    %.0f pages/CPU-s, %.2f MB/CPU-s (%d articles)", n / extractCPU,
                     megabytes * Double(rounds) / extractCPU, extracted))
        #expect(parsed == pages.count * rounds)
    }
}

/// Debugging aid: FEEDCRAWLER_EXTRACT_FILES="a.html:b.html" prints each file's spool text, sidecar fields and the
/// explain steps (the URL comes from FEEDCRAWLER_EXTRACT_URL, default https://example.com/).
@Suite struct ExtractFilesByHand {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["FEEDCRAWLER_EXTRACT_FILES"] != nil))
    func extractFiles() throws {
        let environment = ProcessInfo.processInfo.environment
        let files = (environment["FEEDCRAWLER_EXTRACT_FILES"] ?? "").split(separator: ":").map(String.init)
        let url = environment["FEEDCRAWLER_EXTRACT_URL"] ?? "https://example.com/"
        let rules = try environment["FEEDCRAWLER_SITE_RULES"].map { try SiteRules.load(directory: $0) } ?? .empty
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
            let report = Extractor(rules: rules).explain(html: bytes, url: url)
            print("==== \(file)\nmethod: \(report.method)\nresult: \(report.result.label)")
            if let article = report.candidate {
                let m = article.metadata
                print("published=\(m.published.map(DisplayDates.rfc3339) ?? "nil") modified=\(m.modified.map(DisplayDates.rfc3339) ?? "nil") author=\(m.author ?? "nil") dateline=\(m.dateline ?? "nil") lang=\(m.language ?? "nil") canonical=\(m.canonicalURL ?? "nil") tags=\(m.tags)")
                print(article.spoolText)
            }
            for step in report.steps { print("   \(step.action) \(step.node) [\(step.textLength)] \(step.reason)") }
        }
    }
}
