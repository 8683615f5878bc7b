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
        let sites = TemporaryDirectory("load-sites")
        let siteCount = 10, perSite = 50
        let generated = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), [
            "python3", packageRoot.appendingPathComponent("Scripts/make-load-sites").path, sites.path,
            "--sites", "\(siteCount)", "--articles", "\(perSite)"])
        try #require(generated.status == 0, "\(generated.stderr)")
        let origin = try TestOrigin(root: sites.url)
        let work = TemporaryDirectory("e2e-crash")
        var config = """
            spool_dir = "\(work.path)/spool"
            state_dir = "\(work.path)/state"
            allow_private_networks = true
            per_host_delay = "0ms"

            """
        for index in 0..<siteCount {
            config += "[[feeds]]\nname = \"site\(index)\"\nurl = \"\(origin.baseURL("site\(index)"))/feed.xml\"\ninterval = \"1h\"\n\n"
        }
        let configURL = try work.write("feedcrawler.toml", config)
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
        for round in 0..<rounds {
            let daemon = try startDaemon()
            Thread.sleep(forTimeInterval: Double.random(in: 0.05...1.2, using: &generator))
            kill(daemon.processIdentifier, SIGKILL)
            daemon.waitUntilExit()

            let listing = SpoolListing(spool)
            progressSeen.insert(listing.texts.count)
            #expect(listing.strays.isEmpty, "round \(round): strays \(listing.strays)")
            #expect(listing.textsWithoutSidecar.isEmpty, "round \(round): .txt without .json")
            for name in listing.texts {
                let text = try String(contentsOf: spool.appendingPathComponent(name), encoding: .utf8)
                #expect(text.hasSuffix("\n") && text.contains("\n\n"), "round \(round): partial \(name)")
            }
        }
        // Kills landed at many different points of the crawl, not all before or after it.
        #expect(progressSeen.filter { $0 > 0 && $0 < siteCount * perSite }.count >= 3, "\(progressSeen.sorted())")

        // A last run finishes the crawl.
        let daemon = try startDaemon()
        let deadline = Date().addingTimeInterval(180)
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
