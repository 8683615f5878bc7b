// A pass does not wait for its slowest feed before fetching articles (issue 8): the articles of the feeds that
// answered are fetched and written while another feed's poll still hangs.
import Foundation
import TestSupport
import Testing

struct PassOverlapEndToEndTests {
    @Test func articlesAreWrittenWhileAnotherFeedStillHangs() throws {
        let sites = try generatedLoadSites("overlap-sites", sites: 1, articles: 5)
        let origin = try TestOrigin(root: sites.url)
        let work = TemporaryDirectory("e2e-overlap")
        // The hanging feed is given up after `timeout`; the other feed's articles must not wait for that.
        let timeoutSeconds = 4 * deadlineScale
        let config = try writeCrawlerConfig(in: work, settings: ["connect_timeout = \"2s\"", "timeout = \"\(timeoutSeconds)s\""], feeds: [
            TestFeed("hanging", "\(origin.baseURL("site0"))/_/hang?s=600"),
            TestFeed("site0", "\(origin.baseURL("site0"))/feed.xml"),
        ])
        let run = try runFeedcrawler(["fetch", "--config", config.path])
        #expect(run.status == 1, "one feed failed: \(run.stdout)\n\(run.stderr)")  // exit 1: a feed failed
        #expect(SpoolListing(work.file("spool")).texts.count == 5, "\(run.stderr)")
        // In the log, every article was written before the hanging feed's poll gave up.
        let lines = run.stderr.split(separator: "\n")
        let lastWritten = try #require(lines.lastIndex { $0.contains("Article written.") })
        let hangFailure = try #require(lines.firstIndex { $0.contains("feed=hanging") && !$0.contains("Article") })
        #expect(lastWritten < hangFailure, "\(run.stderr)")
    }
}
