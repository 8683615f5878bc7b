// Backpressure (issue 6): with spool_max_files reached, article writing pauses while polling goes on and new
// URLs stay pending; once the consumer takes files away, the rest are written, none lost, none twice.
import Foundation
import TestSupport
import Testing

@Suite(.serialized)
struct BackpressureEndToEndTests {
    @Test func aFullSpoolPausesWritingUntilTheConsumerDrainsIt() throws {
        let sites = try generatedLoadSites("backpressure-sites", sites: 1, articles: 10)
        let origin = try TestOrigin(root: sites.url)
        let work = TemporaryDirectory("e2e-backpressure")
        let config = try writeCrawlerConfig(in: work, settings: ["spool_max_files = 4", "max_concurrent_transfers = 1"],
                                            feeds: [TestFeed("site0", "\(origin.baseURL("site0"))/feed.xml")])
        let spool = work.file("spool")

        // The spool fills to its limit; the other articles wait, pending.
        let first = try runFeedcrawler(["fetch", "--config", config.path])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("Spool backpressure"), "\(first.stderr)")
        let filled = SpoolListing(spool).texts
        #expect(filled.count >= 4 && filled.count < 10, "\(filled)")
        #expect(first.stdout.contains("deferred="), "\(first.stdout)")

        // Still full: a second pass writes nothing.
        _ = try runFeedcrawler(["fetch", "--config", config.path])
        #expect(SpoolListing(spool).texts == filled)

        // The consumer takes everything; the backlog is written on the next passes, each article once.
        var taken = Set<String>()
        for _ in 0..<5 {
            for name in SpoolListing(spool).texts {
                taken.insert(String(name.split(separator: "_")[1]))
                try FileManager.default.removeItem(at: spool.appendingPathComponent(name))
                try FileManager.default.removeItem(at: spool.appendingPathComponent(String(name.dropLast(4)) + ".json"))
            }
            if taken.count == 10 { break }
            _ = try runFeedcrawler(["fetch", "--config", config.path])
        }
        #expect(taken.count == 10, "articles delivered: \(taken.count)")
    }
}
