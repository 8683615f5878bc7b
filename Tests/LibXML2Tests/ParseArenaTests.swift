// LibXML2.withParseArena: libxml2 allocates the trees of pages parsed inside it from a per-thread region that is
// released in one go. Trees must come out exactly as with malloc, the region must be empty afterwards, a full
// region must fall back to malloc without mixing up whose memory is whose, and nothing libxml2 keeps after a
// parse (its last error) may point into a released region.
import Dispatch
import LibXML2
import Synchronization
import Testing

@Suite struct ParseArenaTests {
    /// A page with what libxml2 allocates for: elements, attributes, entities, comments, text, broken markup.
    static func page(paragraphs: Int) -> [UInt8] {
        var html = "<!DOCTYPE html><html lang=\"id\"><head><title>Judul &amp; berita</title>"
        html += "<meta property=\"og:title\" content=\"Judul\"></head><body><div class=\"content\" id=\"main\">"
        for index in 0..<paragraphs {
            html += "<p class=\"p\(index)\" data-i=\"\(index)\">Paragraf \(index) &mdash; jalan <b>tol<i>baru</b> "
            html += "<a href=\"/read/\(index)\">tautan</a><!-- komentar \(index) --></p>"
        }
        html += "<table><tr><td>sel<td>lain</table></div><p>tanpa penutup</body></html>"
        return Array(html.utf8)
    }

    /// Everything the tests compare of a tree: its markup, its text and what an XPath query finds.
    static func summary(of bytes: [UInt8]) throws -> [String] {
        let document = try Document.parseHTML(bytes, url: "http://example.id/a")
        let root = try #require(document.root)
        return [root.outerMarkup, root.textContent]
            + document.select("//p[@data-i]").map { "\($0.attribute("class") ?? "-"):\($0.textContent)" }
    }

    @Test func treeBuiltInARegionIsTheTreeBuiltWithMalloc() throws {
        let bytes = Self.page(paragraphs: 200)
        let expected = try Self.summary(of: bytes)
        #expect(LibXML2.parseArenaBytesUsed == 0)
        let (inRegion, used) = try LibXML2.withParseArena { () throws -> ([String], Int) in
            (try Self.summary(of: bytes), LibXML2.parseArenaBytesUsed)
        }
        #expect(inRegion == expected)
        #expect(expected.count == 202)
        // The tree of a 30 KB page is far more than nothing, and all of it came from the region.
        #expect(used > bytes.count)
        #expect(LibXML2.parseArenaBytesUsed == 0)
    }

    @Test func regionIsReleasedOnlyWhenTheOutermostScopeEnds() throws {
        let bytes = Self.page(paragraphs: 20)
        try LibXML2.withParseArena { () throws in
            let document = try LibXML2.withParseArena { () throws -> Document in
                try Document.parseHTML(bytes)
            }
            // Parsed in the inner scope, still readable in the outer one: the blocks are the outer scope's.
            #expect(LibXML2.parseArenaBytesUsed > 0)
            #expect(document.select("//p[@data-i]").count == 20)
            // Removing nodes frees them: a no-op for region memory, the tree stays consistent.
            for node in document.select("//a") { node.remove() }
            #expect(document.select("//a").isEmpty)
            #expect(document.select("//b").count == 20)
        }
        #expect(LibXML2.parseArenaBytesUsed == 0)
        #expect(!LibXML2.parseArenaSpilled)
    }

    @Test func aFullRegionFallsBackToMalloc() throws {
        let bytes = Self.page(paragraphs: 2_000)
        let expected = try Self.summary(of: bytes)
        let (inRegion, spilled) = try LibXML2.withParseArena(byteLimit: 16 << 10) { () throws -> ([String], Bool) in
            let document = try Document.parseHTML(bytes)
            // Frees of both kinds of memory in one tree: nodes carved before the limit, others from malloc.
            for node in document.select("//i") { node.remove() }
            #expect(document.select("//i").isEmpty)
            return (try Self.summary(of: bytes), LibXML2.parseArenaSpilled)
        }
        #expect(spilled)
        #expect(inRegion == expected)
        // Outside again, plain malloc and free: parsing still works.
        #expect(try Self.summary(of: bytes) == expected)
    }

    @Test func documentParsedOutsideARegionIsFreedInsideOne() throws {
        let bytes = Self.page(paragraphs: 10)
        var document: Document? = try Document.parseHTML(bytes)
        let count = LibXML2.withParseArena { () -> Int in
            let count = document?.select("//p[@data-i]").count ?? 0
            document = nil  // xmlFreeDoc of malloc'd nodes while a region is open: they go back to malloc
            return count
        }
        #expect(count == 10)
        #expect(document == nil)
    }

    @Test func threadsParseInTheirOwnRegionsAtOnce() throws {
        let pages = (0..<8).map { Self.page(paragraphs: 10 + 7 * $0) }
        let expected = try pages.map(Self.summary)
        let results = LockedResults(count: pages.count)
        DispatchQueue.concurrentPerform(iterations: pages.count) { index in
            for _ in 0..<25 {
                let summary = LibXML2.withParseArena { try? Self.summary(of: pages[index]) }
                results.set(index, summary)
            }
        }
        #expect(results.values == expected.map(Optional.some))
    }

    @Test func anErrorRecordedInARegionDoesNotOutliveIt() throws {
        // Broken HTML makes libxml2 record errors (messages copied into its per-thread last error).
        let broken = Array("<html><body><p a=1 a=2><div></span>&bogus;<p>x</p></html>".utf8)
        try LibXML2.withParseArena { () throws in
            let document = try Document.parseHTML(broken)
            #expect(document.root != nil)
        }
        // Outside the region, a new error replaces (frees) the last one: that free must not reach a message
        // left in the released region (glibc would abort on the foreign pointer, or the heap would be corrupted).
        for _ in 0..<3 {
            #expect(throws: XMLParseError.self) {
                try Document.parseXML(Array("<a><b></a>".utf8), recover: false)
            }
        }
        let after = try Document.parseHTML(Self.page(paragraphs: 3))
        #expect(after.select("//p[@data-i]").count == 3)
    }

    /// A Document kept past its region would point into released memory: its deinit stops the process rather
    /// than let that go unnoticed. Nothing here reads the tree, so only that check can end the process: the
    /// test runs the case in a child process (an exit test) and expects it to fail.
    @Test func aDocumentThatOutlivesItsRegionStopsTheProcess() async {
        await #expect(processExitsWith: .failure) {
            let escaped = try LibXML2.withParseArena { () throws -> Document in
                try Document.parseHTML(Array("<html><body><p>x</p></body></html>".utf8))
            }
            withExtendedLifetime(escaped) {}
        }
    }
}

/// Results written from several threads.
private final class LockedResults: Sendable {
    private let storage: Mutex<[[String]?]>

    init(count: Int) { storage = Mutex(Array(repeating: nil, count: count)) }

    func set(_ index: Int, _ value: [String]?) { storage.withLock { $0[index] = value } }

    var values: [[String]?] { storage.withLock { $0 } }
}
