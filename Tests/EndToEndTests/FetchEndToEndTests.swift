// The whole path, for real: the built `feedcrawler fetch` polls the demo sites' feeds on a loopback origin,
// fetches and extracts each article, and writes the spool. Asserts the spool contract (docs/spool.md) and the
// seed texts coming out complete and free of page chrome.
import Foundation
import Glibc
import TestSupport
import Testing

/// One article the demo sites serve, as Scripts/make-demo-sites recorded it.
struct ExpectedArticle: Decodable {
    let title: String
    let paragraphs: [String]
    let published: String
}

let sitesDirectory = packageRoot.appendingPathComponent("Tests/Fixtures/sites")

func loadExpectedArticles() throws -> [String: ExpectedArticle] {
    let data = try Data(contentsOf: sitesDirectory.appendingPathComponent("expected.json"))
    return try JSONDecoder().decode([String: ExpectedArticle].self, from: data)
}

/// A config pointing at the demo sites on `origin`, spool and state inside `directory`; `extra` adds settings.
func writeDemoConfig(in directory: TemporaryDirectory, origin: TestOrigin, extra: String = "") throws -> URL {
    try writeCrawlerConfig(in: directory, settings: extra.split(separator: "\n").map(String.init), feeds: [
        TestFeed("sindonews", "\(origin.baseURL("sindonews"))/rss.xml"),
        TestFeed("tribunnews", "\(origin.baseURL("tribunnews"))/rss.xml"),
        TestFeed("antaranews", "\(origin.baseURL("antaranews"))/atom.xml", "kind = \"atom\""),
    ])
}

/// Spool entries by kind, asserting nothing else lives in the spool directory.
struct SpoolListing {
    var texts: [String] = []
    var sidecars: [String] = []
    var strays: [String] = []

    init(_ spool: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: spool.path)) ?? []
        for name in names.sorted() {
            if name == ".tmp" { continue }
            if name.wholeMatch(of: /[0-9]{3,}_[0-9a-f]{16}\.txt/) != nil { texts.append(name) }
            else if name.wholeMatch(of: /[0-9]{3,}_[0-9a-f]{16}\.json/) != nil { sidecars.append(name) }
            else { strays.append(name) }
        }
    }

    /// `.txt` files whose `.json` is missing: the contract says this never happens.
    var textsWithoutSidecar: [String] {
        texts.filter { !sidecars.contains(String($0.dropLast(4)) + ".json") }
    }
}

@Suite(.serialized)
struct FetchEndToEndTests {
    @Test func fetchWritesEveryDemoArticleCleanAndCompleteThenNothingTheSecondTime() throws {
        let origin = try TestOrigin(root: sitesDirectory)
        let work = TemporaryDirectory("e2e")
        let config = try writeDemoConfig(in: work, origin: origin)
        let expected = try loadExpectedArticles()

        let first = try runFeedcrawler(["fetch", "--config", config.path])
        #expect(first.status == 0, "fetch failed: \(first.stdout)\n\(first.stderr)")
        #expect(first.stdout.contains("sindonews"))
        #expect(first.stdout.contains("total"))

        let spool = work.file("spool")
        let listing = SpoolListing(spool)
        #expect(listing.strays.isEmpty, "unexpected files: \(listing.strays)")
        #expect(listing.texts.count == expected.count, "spool: \(listing.texts)")
        #expect(listing.textsWithoutSidecar.isEmpty)
        #expect(listing.sidecars.count == listing.texts.count)

        // Sequence numbers are distinct and the ids are the sidecar's id.
        let sequences = listing.texts.compactMap { Int($0.prefix(while: \.isNumber)) }
        #expect(Set(sequences).count == sequences.count)

        var seenPaths = Set<String>()
        for name in listing.texts {
            let text = try String(contentsOf: spool.appendingPathComponent(name), encoding: .utf8)
            let sidecarURL = spool.appendingPathComponent(String(name.dropLast(4)) + ".json")
            let sidecar = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: sidecarURL)) as? [String: Any])
            for key in ["id", "url", "canonical_url", "feed", "site", "title", "published", "fetched_at", "author",
                        "language", "word_count", "extractor_version"] {
                #expect(sidecar.keys.contains(key), "\(name): sidecar lacks \(key)")
            }
            let id = try #require(sidecar["id"] as? String)
            #expect(name.hasSuffix("_\(id).txt"))
            let canonical = try #require(sidecar["canonical_url"] as? String)
            let path = try #require(URL(string: canonical)).host.map { host in
                host + (URL(string: canonical)?.path ?? "")
            } ?? ""
            let article = try #require(expected[path], "\(name): no expected article for \(canonical)")
            seenPaths.insert(path)

            // Format: title, blank line, paragraphs separated by exactly one blank line, final newline.
            #expect(text.hasSuffix("\n") && !text.hasSuffix("\n\n"))
            #expect(!text.contains("\n\n\n"))
            #expect(!text.contains("\r"))
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines.first == article.title)
            #expect(lines.count > 2 && lines[1].isEmpty)
            let body = lines.dropFirst(2).filter { !$0.isEmpty }

            // Every reporting paragraph, in order (captions and the date line may be missing from the body).
            var cursor = body.startIndex
            for paragraph in article.paragraphs {
                let found = body[cursor...].firstIndex(of: paragraph)
                #expect(found != nil, "\(name): missing or out of order: \(paragraph.prefix(60))")
                if let found { cursor = body.index(after: found) }
            }
            // Nothing after the last reporting paragraph but nothing at all: no chrome tail, no desk initials.
            #expect(body.last == article.paragraphs.last, "\(name): ends with \(body.last ?? "")")
            for chrome in ["Lihat Juga", "tulis komentar anda", "Dapatkan berita terkini", "Berita Terkait",
                           "Baca Juga", "Baca juga", "ADVERTISEMENT", "(ian)", "Pewarta:", "Editor:", "Facebook"] {
                #expect(!text.contains(chrome), "\(name) contains chrome: \(chrome)")
            }
            #expect(sidecar["title"] as? String == article.title)
            #expect(sidecar["word_count"] as? Int == body.joined(separator: " ").split(separator: " ").count)
            let published = try #require(sidecar["published"] as? String)
            #expect(sameInstant(published, article.published), "\(name): published \(published)")
        }
        #expect(seenPaths.count == expected.count)

        // A second pass right after the first writes nothing.
        let second = try runFeedcrawler(["fetch", "--config", config.path])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(SpoolListing(spool).texts == listing.texts)
    }

    @Test func killedFetchNeverLeavesAPartialOrOrphanFileAndLosesNothing() throws {
        // 60 articles on 3 generated sites: a pass long enough that random kills land inside its writing phase.
        let sites = try generatedLoadSites("kill-sites", sites: 3, articles: 20)
        let origin = try TestOrigin(root: sites.url)
        let expectedCount = 60
        func writeConfig(in directory: TemporaryDirectory) throws -> URL {
            try writeCrawlerConfig(in: directory, feeds: (0..<3).map {
                TestFeed("site\($0)", "\(origin.baseURL("site\($0)"))/feed.xml")
            })
        }
        let work = TemporaryDirectory("e2e-kill")
        let config = try writeConfig(in: work)
        let spool = work.file("spool")
        let binary = try feedcrawlerBinary()

        // How long an uninterrupted pass takes here, and when its writes happen (spool deliveries are batched,
        // so they can all land in a short burst near the end), so the kills land all over the pass and often
        // inside the burst.
        let probe = TemporaryDirectory("e2e-probe")
        let probeConfig = try writeConfig(in: probe)
        let probeProcess = Process()
        probeProcess.executableURL = binary
        probeProcess.arguments = ["fetch", "--config", probeConfig.path]
        probeProcess.standardOutput = FileHandle.nullDevice
        probeProcess.standardError = FileHandle.nullDevice
        let started = Date()
        try probeProcess.run()
        var firstWrite: Double?
        var lastWrite: Double?
        while probeProcess.isRunning {
            let written = SpoolListing(probe.file("spool")).texts.count
            let now = Date().timeIntervalSince(started)
            if written > 0, firstWrite == nil { firstWrite = now }
            if written < expectedCount { lastWrite = now }
            Thread.sleep(forTimeInterval: 0.002)
        }
        let passSeconds = max(0.05, Date().timeIntervalSince(started))
        let burst = (firstWrite ?? 0) * 0.9...max((lastWrite ?? passSeconds) * 1.1, (firstWrite ?? 0) * 0.9 + 0.01)

        // Kill at random moments, restart each time; after every kill the spool must be consistent.
        var generator = SystemRandomNumberGenerator()
        var killedMidPass = 0  // rounds that left some, but not all, articles written
        let rounds = ProcessInfo.processInfo.environment["FEEDCRAWLER_KILL_ROUNDS"].flatMap(Int.init) ?? 40
        for round in 0..<rounds {
            // Every few rounds start from scratch so early phases (first writes) are hit again and again.
            if round % 8 == 0 {
                try? FileManager.default.removeItem(at: spool)
                try? FileManager.default.removeItem(at: work.file("state"))
            }
            let process = Process()
            process.executableURL = binary
            process.arguments = ["fetch", "--config", config.path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let delay = round % 2 == 0 ? Double.random(in: 0...(passSeconds * 1.2), using: &generator)
                : Double.random(in: burst, using: &generator)
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()

            let listing = SpoolListing(spool)
            if !listing.texts.isEmpty && listing.texts.count < expectedCount { killedMidPass += 1 }
            #expect(listing.strays.isEmpty, "round \(round): strays \(listing.strays)")
            #expect(listing.textsWithoutSidecar.isEmpty, "round \(round): .txt without .json")
            for name in listing.texts {
                let text = try String(contentsOf: spool.appendingPathComponent(name), encoding: .utf8)
                #expect(text.hasSuffix("\n") && text.contains("\n\n"), "round \(round): partial \(name)")
            }
            for name in listing.sidecars {
                let data = try Data(contentsOf: spool.appendingPathComponent(name))
                #expect((try? JSONSerialization.jsonObject(with: data)) != nil, "round \(round): partial \(name)")
            }
        }

        // The kills must really have interrupted deliveries, or this test proves nothing.
        #expect(killedMidPass >= 2, "only \(killedMidPass) of \(rounds) kills landed between the first and last write")

        // Finish: every article exactly once, no orphan sidecar left behind.
        let final = try runFeedcrawler(["fetch", "--config", config.path])
        #expect(final.status == 0, "\(final.stderr)")
        let listing = SpoolListing(spool)
        #expect(listing.texts.count == expectedCount, "\(listing.texts)")
        #expect(listing.sidecars.count == expectedCount, "\(listing.sidecars)")
        let ids = listing.texts.map { $0.split(separator: "_")[1] }
        #expect(Set(ids).count == ids.count, "an article was written twice: \(listing.texts)")
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: spool.appendingPathComponent(".tmp").path)) ?? []
        #expect(leftovers.isEmpty, "temp files left: \(leftovers)")
    }

    /// Spool files are 0640 (group-readable for the consumer) even under a umask that takes group bits: the
    /// writer skips its fchmod only when the umask leaves 0640 whole, and this is the run where it must not.
    /// The umask is set in a shell that then becomes feedcrawler, so no other test's process sees it.
    @Test func spoolFilesAreGroupReadableUnderARestrictiveUmask() throws {
        let origin = try TestOrigin(root: sitesDirectory)
        let work = TemporaryDirectory("e2e-umask")
        let config = try writeDemoConfig(in: work, origin: origin)
        let run = try runProcess(URL(fileURLWithPath: "/bin/sh"),
                                 ["-c", "umask 077 && exec \"$0\" \"$@\"", try feedcrawlerBinary().path,
                                  "fetch", "--config", config.path])
        #expect(run.status == 0, "fetch failed: \(run.stdout)\n\(run.stderr)")

        let spool = work.file("spool")
        let listing = SpoolListing(spool)
        #expect(!listing.texts.isEmpty)
        for name in listing.texts + listing.sidecars {
            let attributes = try FileManager.default.attributesOfItem(atPath: spool.appendingPathComponent(name).path)
            #expect((attributes[.posixPermissions] as? Int) == 0o640, "\(name): \(attributes[.posixPermissions] ?? "?")")
        }
    }
}

/// True when two RFC 3339 timestamps name the same instant.
func sameInstant(_ a: String, _ b: String) -> Bool {
    let formatter = ISO8601DateFormatter()
    guard let x = formatter.date(from: a), let y = formatter.date(from: b) else { return false }
    return x == y
}
