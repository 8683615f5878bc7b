import Foundation
import Glibc
import Testing
import TestSupport
@testable import Spool

/// An in-memory ledger: enough to drive SpoolDelivery without the state store (StoreTests cover the real one).
final class MemoryLedger: SpoolLedger, @unchecked Sendable {
    private let lock = NSLock()
    private var states: [Int64: String] = [:]
    private var names: [Int64: SpoolName] = [:]
    private var next = 0

    func add(_ key: Int64) { lock.withLock { states[key] = "pending" } }
    func state(_ key: Int64) -> String? { lock.withLock { states[key] } }

    func beginWriting(_ claims: [SpoolClaim]) throws -> [Int64: SpoolName] {
        lock.withLock {
            var result: [Int64: SpoolName] = [:]
            for claim in claims where states[claim.articleKey] == "pending" {
                let name = SpoolName(sequence: next, articleID: claim.articleID)!
                next += 1
                states[claim.articleKey] = "writing"
                names[claim.articleKey] = name
                result[claim.articleKey] = name
            }
            return result
        }
    }

    func finishWriting(_ articleKeys: [Int64]) throws {
        lock.withLock { for key in articleKeys where states[key] == "writing" { states[key] = "written" } }
    }

    func articlesBeingWritten() throws -> [Int64: SpoolName] {
        lock.withLock { names.filter { states[$0.key] == "writing" } }
    }

    func raiseSpoolSequence(atLeast next: Int) throws { lock.withLock { self.next = max(self.next, next) } }
}

func document(key: Int64, id: String, body: String = "Body paragraph.") -> SpoolDocument {
    let sidecar = SpoolSidecar(id: id, url: "https://example.com/\(key)", canonicalURL: "https://example.com/\(key)",
                               feed: "test", site: "example.com", title: "Title \(key)", published: nil,
                               fetchedAt: Date(timeIntervalSince1970: 1_700_000_000), author: nil, language: "id",
                               wordCount: 2, extractorVersion: "test")
    return SpoolDocument(articleKey: key, text: "Title \(key)\n\n\(body)\n", sidecar: sidecar)
}

func mode(_ path: String) -> UInt32 {
    var info = stat()
    return lstat(path, &info) == 0 ? UInt32(info.st_mode & 0o7777) : 0
}

@Suite struct SpoolWriterTests {
    /// The umask read from /proc is the one the kernel applies: a file created 0777 comes out without its bits.
    /// (The process umask itself is left alone: other tests create files meanwhile.)
    @Test func readsTheUmaskTheKernelApplies() throws {
        let root = TemporaryDirectory("umask")
        let umask = try #require(SpoolWriter.currentUmask())
        let file = open(root.path + "/probe", O_WRONLY | O_CREAT | O_EXCL, 0o777)
        #expect(file >= 0)
        close(file)
        #expect(mode(root.path + "/probe") == 0o777 & ~umask)
    }

    /// Spool files are 0640 whatever the umask: without an fchmod only when the umask takes none of those bits.
    @Test func fixesTheModeOnlyWhenTheUmaskNarrowsIt() {
        #expect(!SpoolWriter.narrowsFileMode(umask: 0o022))
        #expect(!SpoolWriter.narrowsFileMode(umask: 0o027))
        #expect(!SpoolWriter.narrowsFileMode(umask: 0o007))
        #expect(SpoolWriter.narrowsFileMode(umask: 0o077))
        #expect(SpoolWriter.narrowsFileMode(umask: 0o222))
        #expect(SpoolWriter.narrowsFileMode(umask: nil))
    }

    @Test func deliversBothFilesWithContractModes() throws {
        let root = TemporaryDirectory("spool")
        let spoolPath = root.path + "/spool/inbox"
        let ledger = MemoryLedger()
        ledger.add(1)
        let delivery = try SpoolDelivery(directory: spoolPath, ledger: ledger)
        let outcome = delivery.deliver(document(key: 1, id: "00000000000000aa"))
        let name = try #require(SpoolName(sequence: 0, articleID: "00000000000000aa"))
        #expect(outcome == .written(name))
        #expect(ledger.state(1) == "written")
        let text = try String(contentsOfFile: spoolPath + "/000_00000000000000aa.txt", encoding: .utf8)
        #expect(text == "Title 1\n\nBody paragraph.\n")
        #expect(FileManager.default.fileExists(atPath: spoolPath + "/000_00000000000000aa.json"))
        #expect(mode(spoolPath + "/000_00000000000000aa.txt") == 0o640)
        #expect(mode(spoolPath + "/000_00000000000000aa.json") == 0o640)
        #expect(mode(spoolPath + "/.tmp") == 0o700)
        #expect(mode(spoolPath) == 0o750)
        #expect(try delivery.writer.temporaryFileNames().isEmpty)
        #expect(try delivery.writer.spooledArticleCount() == 1)
        #expect(try delivery.writer.availableBytes() > 0)
        // The same article again: not pending any more, nothing written.
        #expect(delivery.deliver(document(key: 1, id: "00000000000000aa")) == .notPending)
        #expect(try delivery.writer.fileNames().sorted() == [".tmp", "000_00000000000000aa.json", "000_00000000000000aa.txt"])
    }

    @Test func batchKeepsOrderAndSkipsNonPending() throws {
        let root = TemporaryDirectory("spool")
        let ledger = MemoryLedger()
        ledger.add(1)
        ledger.add(3)
        let delivery = try SpoolDelivery(directory: root.path, ledger: ledger)
        let outcomes = delivery.deliver([document(key: 1, id: "1111111111111111"), document(key: 2, id: "2222222222222222"),
                                         document(key: 3, id: "3333333333333333"), document(key: 4, id: "NOT-HEX")])
        #expect(outcomes[0] == .written(SpoolName(sequence: 0, articleID: "1111111111111111")!))
        #expect(outcomes[1] == .notPending)
        #expect(outcomes[2] == .written(SpoolName(sequence: 1, articleID: "3333333333333333")!))
        #expect(outcomes[3] == .failed(.invalidArticleID("NOT-HEX")))
        #expect(try delivery.writer.temporaryFileNames().isEmpty)
    }

    /// O_NOFOLLOW|O_EXCL: a symlink planted where a temp file will be created is refused, and its target is
    /// not touched; recover() then removes the planted link.
    @Test func plantedSymlinkInTmpIsRefused() throws {
        let root = TemporaryDirectory("spool")
        let victim = try root.write("victim.txt", "precious\n")
        let spoolPath = root.path + "/spool"
        let ledger = MemoryLedger()
        ledger.add(7)
        do {
            let delivery = try SpoolDelivery(directory: spoolPath, ledger: ledger)
            let names = SpoolDelivery.temporaryNames(key: 7, articleID: "7777777777777777")
            #expect(symlink(victim.path, spoolPath + "/.tmp/" + names.text) == 0)
            let outcome = delivery.deliver(document(key: 7, id: "7777777777777777"))
            guard case .failed(let error) = outcome else {
                Issue.record("expected failure, got \(outcome)")
                return
            }
            #expect(error.reason == "spool_path_exists")
            #expect(try String(contentsOf: victim, encoding: .utf8) == "precious\n")
            #expect(ledger.state(7) == "pending")
            // No .json of it leaked into the spool, and its staged .json was cleaned up.
            #expect(try delivery.writer.fileNames() == [".tmp"])
            #expect(try delivery.writer.temporaryFileNames() == [names.text])
        }
        let restarted = try SpoolDelivery(directory: spoolPath, ledger: ledger)
        let report = try restarted.recover()
        #expect(report.removedTemporaryFiles.count == 1)
        #expect(try String(contentsOf: victim, encoding: .utf8) == "precious\n")
        #expect(restarted.deliver(document(key: 7, id: "7777777777777777")) == .written(SpoolName(sequence: 0, articleID: "7777777777777777")!))
    }

    @Test func symlinkedTmpDirectoryIsRefused() throws {
        let root = TemporaryDirectory("spool")
        try FileManager.default.createDirectory(atPath: root.path + "/elsewhere", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root.path + "/spool", withIntermediateDirectories: true)
        #expect(symlink(root.path + "/elsewhere", root.path + "/spool/.tmp") == 0)
        #expect(throws: SpoolError.unsafePath(".tmp")) { try SpoolDelivery(directory: root.path + "/spool", ledger: MemoryLedger()) }
    }

    @Test func secondWriterOnTheSameSpoolIsRefused() throws {
        let root = TemporaryDirectory("spool")
        let first = try SpoolDelivery(directory: root.path, ledger: MemoryLedger())
        #expect(throws: SpoolError.locked(root.path)) { try SpoolDelivery(directory: root.path, ledger: MemoryLedger()) }
        _ = first
    }

    @Test func recoverRaisesSequenceAboveExistingSpoolFiles() throws {
        let root = TemporaryDirectory("spool")
        try root.write("041_aaaaaaaaaaaaaaaa.txt", "x\n")
        let ledger = MemoryLedger()
        ledger.add(1)
        let delivery = try SpoolDelivery(directory: root.path, ledger: ledger)
        #expect(try delivery.recover().highestSequenceInSpool == 41)
        #expect(delivery.deliver(document(key: 1, id: "bbbbbbbbbbbbbbbb")) == .written(SpoolName(sequence: 42, articleID: "bbbbbbbbbbbbbbbb")!))
    }
}

@Suite struct GroupCommitTests {
    /// Many threads delivering at once: every article written exactly once, names unique and dense.
    @Test func concurrentSingleDeliveriesAreAllWrittenOnce() throws {
        let root = TemporaryDirectory("spool")
        let ledger = MemoryLedger()
        let count = 48
        for key in 1...count { ledger.add(Int64(key)) }
        let delivery = try SpoolDelivery(directory: root.path, ledger: ledger)
        let outcomes = OutcomeBox(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            let key = Int64(index + 1)
            let id = String(repeating: "0", count: 14) + String(format: "%02x", index + 1)
            outcomes.set(index, delivery.deliver(document(key: key, id: id)))
        }
        var sequences: [Int] = []
        for index in 0..<count {
            guard case .written(let name) = outcomes.get(index) else {
                Issue.record("article \(index + 1): \(String(describing: outcomes.get(index)))")
                continue
            }
            sequences.append(name.sequence)
        }
        #expect(sequences.sorted() == Array(0..<count))
        #expect(try delivery.writer.spooledArticleCount() == count)
        #expect(try delivery.writer.temporaryFileNames().isEmpty)
    }

    /// Listing reads each name inside readdir's buffer: copying the fixed-size d_name field out of an entry
    /// read past the buffer's end on a directory this large (AddressSanitizer under Scripts/test-sanitizers).
    @Test func listsLargeDirectoriesExactly() throws {
        let root = TemporaryDirectory("spool")
        let writer = try SpoolWriter(directory: root.path)
        var expected = Set<String>()
        for index in 0..<3_000 {
            let name = "k\(index)_" + String(repeating: "x", count: index % 97) + ".txt"
            try writer.writeTemporaryFile(named: name, contents: "x", sync: false)
            expected.insert(name)
        }
        #expect(Set(try writer.temporaryFileNames()) == expected)
    }

    /// The async path (as the crawler's commit thread uses it): tasks park while one BatchingThread writes their
    /// documents in batches; every document is written exactly once, under its own sequence number, and the
    /// thread leaves nothing behind.
    @Test func concurrentAsyncDeliveriesAreAllWrittenOnce() async throws {
        let root = TemporaryDirectory("spool")
        let ledger = MemoryLedger()
        let count = 150
        for key in 1...count { ledger.add(Int64(key)) }
        let delivery = try SpoolDelivery(directory: root.path, ledger: ledger)
        let batcher = BatchingThread<SpoolDocument, SpoolDeliveryOutcome>(name: "test.spool", maxBatch: SpoolDelivery.maxBatch)
        let outcomes = await withTaskGroup(of: (Int, SpoolDeliveryOutcome).self) { group in
            for index in 0..<count {
                group.addTask {
                    let id = String(repeating: "0", count: 13) + String(format: "%03x", index + 1)
                    return (index, await batcher.submit(document(key: Int64(index + 1), id: id)) { delivery.deliver($0) })
                }
            }
            var collected: [Int: SpoolDeliveryOutcome] = [:]
            for await (index, outcome) in group { collected[index] = outcome }
            return collected
        }
        var sequences: [Int] = []
        for index in 0..<count {
            guard case .written(let name) = outcomes[index] else {
                Issue.record("article \(index + 1): \(String(describing: outcomes[index]))")
                continue
            }
            sequences.append(name.sequence)
        }
        #expect(sequences.sorted() == Array(0..<count))
        #expect(try delivery.writer.spooledArticleCount() == count)
        #expect(try delivery.writer.temporaryFileNames().isEmpty)
    }
}

final class OutcomeBox: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [SpoolDeliveryOutcome?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: SpoolDeliveryOutcome) { lock.withLock { values[index] = value } }
    func get(_ index: Int) -> SpoolDeliveryOutcome? { lock.withLock { values[index] } }
}

@Suite struct StagedDeliveryTests {
    /// The crawler's path: temp files written on worker threads, then one batch synced, claimed and published;
    /// a discarded document leaves nothing behind, and an undelivered one is garbage to recover().
    @Test func stagedDocumentsAreDeliveredDiscardedOrRecovered() throws {
        let root = TemporaryDirectory("spool")
        let ledger = MemoryLedger()
        for key in 1...4 { ledger.add(Int64(key)) }
        let documents = (1...4).map { document(key: Int64($0), id: String(format: "%016x", $0)) }
        do {  // the first process: its SpoolDelivery (and the spool's lock) ends with this scope
            let delivery = try SpoolDelivery(directory: root.path, ledger: ledger)
            DispatchQueue.concurrentPerform(iterations: documents.count) { index in
                #expect(throws: Never.self) { try delivery.stage(documents[index]) }
            }
            #expect(try delivery.writer.temporaryFileNames().count == 8)
            #expect(try delivery.writer.spooledArticleCount() == 0)  // nothing visible before the claim
            delivery.discardStaged(documents[1])
            let outcomes = delivery.deliverStaged([documents[0], documents[2]])
            #expect(outcomes == [.written(SpoolName(sequence: 0, articleID: documents[0].sidecar.id)!),
                                 .written(SpoolName(sequence: 1, articleID: documents[2].sidecar.id)!)])
            #expect(try delivery.writer.spooledArticleCount() == 2)
            // Document 4 was staged and never delivered (a crash before its batch): the next start removes it.
            #expect(try delivery.writer.temporaryFileNames().count == 2)
        }
        let restarted = try SpoolDelivery(directory: root.path, ledger: ledger)
        #expect(try restarted.recover().removedTemporaryFiles.count == 2)
        #expect(try restarted.writer.temporaryFileNames().isEmpty)
        #expect(restarted.deliverStaged([]) == [])
        // Staging the same article twice is refused (exclusive create), not silently overwritten.
        try restarted.stage(documents[3])
        #expect(throws: SpoolError.self) { try restarted.stage(documents[3]) }
    }
}
