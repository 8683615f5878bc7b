// Issue 5 end to end: one article, one spool file, across URL variants, syndicated copies on other hosts and a
// restart. The fixture (Tests/Fixtures/dedup-sites, see its generate.py) has an outlet listing each of its three
// articles under several URL variants, a network site republishing all three (dateline swapped, footer added,
// title edited, paragraphs dropped) next to its own independent report of the same event as article 1, and a
// second round served after a restart with one more variant, one more copy on a third host and one new article.
import Foundation
import TestSupport
import Testing

@Suite(.serialized)
struct DedupEndToEndTests {
    let fixture = packageRoot.appendingPathComponent("Tests/Fixtures/dedup-sites")

    struct Expected: Decodable {
        let round1: [String: String]
        let round2_new: [String: String]
    }

    func writeConfig(_ work: TemporaryDirectory, origin: TestOrigin, withWarta: Bool) throws -> URL {
        var text = """
        spool_dir = "\(work.path)/spool"
        state_dir = "\(work.path)/state"
        allow_private_networks = true
        per_host_delay = "0ms"

        [[feeds]]
        name = "kabar"
        url = "\(origin.baseURL("kabar"))/rss.xml"

        [[feeds]]
        name = "kabar-populer"
        url = "\(origin.baseURL("kabar"))/populer.xml"

        [[feeds]]
        name = "jaringan"
        url = "\(origin.baseURL("jaringan"))/rss.xml"

        """
        if withWarta {
            text += """

            [[feeds]]
            name = "warta"
            url = "\(origin.baseURL("warta"))/rss.xml"

            """
        }
        return try work.write("feedcrawler.toml", text)
    }

    /// Copies every file of `source` into `target`, replacing files that exist (the origin reads per request).
    func overlay(_ source: URL, onto target: URL) throws {
        let manager = FileManager.default
        guard let walker = manager.enumerator(at: source, includingPropertiesForKeys: [.isRegularFileKey]) else { return }
        for case let file as URL in walker where (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            let relative = String(file.standardizedFileURL.path.dropFirst(source.standardizedFileURL.path.count))
            let destination = target.appendingPathComponent(relative)
            try manager.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            if manager.fileExists(atPath: destination.path) { try manager.removeItem(at: destination) }
            try manager.copyItem(at: file, to: destination)
        }
    }

    /// Asserts the spool holds exactly one text per group (found by a phrase of its body) and nothing else.
    func expectOneFilePerArticle(_ spool: URL, _ groups: [String: String], round: Int) throws {
        let listing = SpoolListing(spool)
        #expect(listing.strays.isEmpty && listing.textsWithoutSidecar.isEmpty, "round \(round): \(listing.strays)")
        #expect(listing.texts.count == groups.count, "round \(round): \(listing.texts)")
        let texts = try listing.texts.map { try String(contentsOf: spool.appendingPathComponent($0), encoding: .utf8) }
        for (group, phrase) in groups.sorted(by: { $0.key < $1.key }) {
            let holders = texts.filter { $0.contains(phrase) }
            #expect(holders.count == 1, "round \(round): \(group) is in \(holders.count) spool files")
        }
    }

    @Test func eachArticleOnceAcrossVariantsCopiesAndARestart() throws {
        let work = TemporaryDirectory("dedup-e2e")
        let root = work.file("sites")
        try overlay(fixture.appendingPathComponent("round1"), onto: root)
        let origin = try TestOrigin(root: root)
        let expected = try JSONDecoder().decode(Expected.self,
                                                from: Data(contentsOf: fixture.appendingPathComponent("expected.json")))
        let spool = work.file("spool")

        // Round 1: 3 originals + 6 URL variants + 3 syndicated copies + 1 independent same-event report.
        let config = try writeConfig(work, origin: origin, withWarta: false)
        let first = try runFeedcrawler(["fetch", "--config", config.path])
        #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)")
        try expectOneFilePerArticle(spool, expected.round1, round: 1)

        // Round 2, a new process on the same state: a new variant of article 2, a copy of article 3 on a third
        // host (only the stored fingerprints can tell), one new article.
        try overlay(fixture.appendingPathComponent("round2"), onto: root)
        let config2 = try writeConfig(work, origin: origin, withWarta: true)
        let second = try runFeedcrawler(["fetch", "--config", config2.path])
        #expect(second.status == 0, "\(second.stdout)\n\(second.stderr)")
        try expectOneFilePerArticle(spool, expected.round1.merging(expected.round2_new) { $1 }, round: 2)

        // The warta copy was caught by stage 4, and the log names the spool file it duplicates.
        let nearLines = second.stderr.split(separator: "\n").filter { $0.contains("stage=near") && $0.contains("warta") }
        #expect(nearLines.count == 1, "\(second.stderr)")
        if let line = nearLines.first, let match = line.firstMatch(of: /of=([0-9]{3,}_[0-9a-f]{16})/) {
            let name = String(match.1) + ".txt"
            #expect(SpoolListing(spool).texts.contains(name), "\(line)")
            let text = try String(contentsOf: spool.appendingPathComponent(name), encoding: .utf8)
            #expect(text.contains(expected.round1["cabai"] ?? "?"))
        } else {
            Issue.record("no of=<spool name> in: \(nearLines)")
        }

        // A third run with nothing new writes nothing.
        let third = try runFeedcrawler(["fetch", "--config", config2.path])
        #expect(third.status == 0)
        #expect(SpoolListing(spool).texts.count == expected.round1.count + expected.round2_new.count)
    }
}
