// Measurement path for the extraction dev set (not a pass/fail test): with FEEDCRAWLER_DEVSET pointing at
// ../shared/data/extraction-dev and FEEDCRAWLER_DEVSET_OUT at an empty directory, every page is extracted and
// written as spool text to OUT/<id>.txt, ready for `score.py --drop-first-line`. Skipped otherwise.
import CrawlerModel
import Extract
import Foundation
import Testing

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
