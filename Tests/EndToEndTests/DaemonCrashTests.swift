// Crash safety of the daemon (issue 6): SIGKILL at random moments while it crawls 500 articles on 10 loopback
// sites, restarting it each time. After every kill the spool is consistent; at the end every article is in the
// spool exactly once, with its sidecar, and nothing is left in .tmp.
import Foundation
import Glibc
import TestSupport
import Testing

@Suite(.serialized)
struct DaemonCrashTests {
    @Test func sigkillFiftyTimesWhileCrawlingFiveHundredArticlesLosesAndDuplicatesNothing() throws {
        let siteCount = 10, perSite = 50
        let sites = try generatedLoadSites("load-sites", sites: siteCount, articles: perSite)
        let origin = try TestOrigin(root: sites.url)
        let work = TemporaryDirectory("e2e-crash")
        let configURL = try writeCrawlerConfig(in: work, feeds: (0..<siteCount).map {
            TestFeed("site\($0)", "\(origin.baseURL("site\($0)"))/feed.xml", "interval = \"1h\"")
        })
        let spool = work.file("spool")
        let binary = try feedcrawlerBinary()

        func startDaemon() throws -> Process {
            let process = Process()
            process.executableURL = binary
            process.arguments = ["run", "--config", configURL.path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }

        var generator = SystemRandomNumberGenerator()
        let rounds = ProcessInfo.processInfo.environment["FEEDCRAWLER_DAEMON_KILL_ROUNDS"].flatMap(Int.init) ?? 50
        var progressSeen = Set<Int>()
        // Kills land uniformly in 0.05 s..`window`; on a slow or loaded machine, where a short window would only
        // ever kill the daemon before its first write, the window widens whenever two rounds make no progress.
        var window = 1.2
        var lastCount = 0
        var roundsWithoutProgress = 0
        for round in 0..<rounds {
            let daemon = try startDaemon()
            Thread.sleep(forTimeInterval: Double.random(in: 0.05...window, using: &generator))
            kill(daemon.processIdentifier, SIGKILL)
            daemon.waitUntilExit()

            let listing = SpoolListing(spool)
            progressSeen.insert(listing.texts.count)
            if listing.texts.count == lastCount {
                roundsWithoutProgress += 1
                if roundsWithoutProgress >= 2 { window = min(window * 1.5, 30); roundsWithoutProgress = 0 }
            } else {
                roundsWithoutProgress = 0
            }
            lastCount = listing.texts.count
            #expect(listing.strays.isEmpty, "round \(round): strays \(listing.strays)")
            #expect(listing.textsWithoutSidecar.isEmpty, "round \(round): .txt without .json")
            for name in listing.texts {
                let text = try String(contentsOf: spool.appendingPathComponent(name), encoding: .utf8)
                #expect(text.hasSuffix("\n") && text.contains("\n\n"), "round \(round): partial \(name)")
            }
            // A finished crawl cannot be interrupted any more: start a fresh one so every kill lands in a crawl.
            if listing.texts.count == siteCount * perSite && round < rounds - 1 {
                try? FileManager.default.removeItem(at: spool)
                try? FileManager.default.removeItem(at: work.file("state"))
                lastCount = 0
                window = 1.2
            }
        }
        // Kills landed at many different points of the crawl, not all before or after it.
        #expect(progressSeen.filter { $0 > 0 && $0 < siteCount * perSite }.count >= 3, "\(progressSeen.sorted())")

        // A last run finishes the crawl.
        let daemon = try startDaemon()
        let deadline = Date().addingTimeInterval(180 * Double(deadlineScale))
        while Date() < deadline, SpoolListing(spool).texts.count < siteCount * perSite, daemon.isRunning {
            Thread.sleep(forTimeInterval: 0.25)
        }
        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()
        #expect(daemon.terminationStatus == 0)

        let listing = SpoolListing(spool)
        #expect(listing.texts.count == siteCount * perSite)
        #expect(listing.sidecars.count == siteCount * perSite)
        #expect(listing.strays.isEmpty && listing.textsWithoutSidecar.isEmpty)
        let ids = listing.texts.map { $0.split(separator: "_")[1] }
        #expect(Set(ids).count == ids.count, "an article was written twice")
        let sequences = listing.texts.compactMap { Int($0.prefix(while: \.isNumber)) }
        #expect(Set(sequences).count == sequences.count, "a sequence number was reused")
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: spool.appendingPathComponent(".tmp").path)) ?? []
        #expect(leftovers.filter { !$0.hasPrefix(".") }.isEmpty, "temp files left: \(leftovers)")
    }
}
