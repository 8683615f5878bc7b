// The spool delivery protocol against the real state store, with a crash injected after every step: a
// delivery that stops (no cleanup, no further steps), then a "restart" (a new SpoolDelivery on the reopened
// state store) running recover(). Afterwards the invariant must hold: the article is in the spool exactly
// once, complete, or still pending with nothing in the spool; never a .txt without its .json, nothing left
// in .tmp, and no sequence number reused.
import Foundation
import Testing
import TestSupport
@testable import Spool
@testable import Store

struct Fixture {
    let root = TemporaryDirectory("delivery")
    var statePath: String { root.path + "/state" }
    var spoolPath: String { root.path + "/spool" }

    func document(key: Int64, n: Int) -> SpoolDocument {
        let article = newArticle(n)
        let sidecar = SpoolSidecar(id: article.articleID, url: article.url, canonicalURL: article.canonicalURL,
                                   feed: article.feed, site: "example.com", title: "Article \(n)", published: nil,
                                   fetchedAt: Date(timeIntervalSince1970: 1_700_000_000), author: nil, language: "id",
                                   wordCount: 3, extractorVersion: "test")
        // Big enough that a torn write would be visible.
        let body = String(repeating: "Paragraf berita nomor \(n). ", count: 2000)
        return SpoolDocument(articleKey: key, text: "Article \(n)\n\n\(body)\n", sidecar: sidecar)
    }

    /// Spool file names (without .tmp).
    func spoolFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: spoolPath).filter { $0 != ".tmp" }.sorted()
    }

    func temporaryFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: spoolPath + "/.tmp").sorted()
    }

    /// Every .txt has its .json and vice versa, and both hold exactly what was delivered.
    func checkSpoolIsConsistent(expected: [String: SpoolDocument]) throws {
        let files = try spoolFiles()
        let stems = Set(files.map { String($0.split(separator: ".")[0]) })
        for stem in stems {
            #expect(files.contains(stem + ".txt"), "orphan sidecar \(stem).json")
            #expect(files.contains(stem + ".json"), "text without sidecar \(stem).txt")
            let name = try #require(SpoolName(fileName: stem))
            let document = try #require(expected[name.articleID])
            #expect(try String(contentsOfFile: spoolPath + "/" + stem + ".txt", encoding: .utf8) == document.text)
            #expect(try String(contentsOfFile: spoolPath + "/" + stem + ".json", encoding: .utf8)
                == document.sidecar.fileContents)
        }
    }
}

@Suite struct DeliveryRecoveryTests {
    @Test(arguments: [SpoolDelivery.Step.stagedSidecar, .staged, .claimed, .publishedSidecar, .published, .synced])
    func crashAfterStepThenRecover(step: SpoolDelivery.Step) throws {
        let fixture = Fixture()
        let document: SpoolDocument
        do {
            let store = try StateStore(directory: fixture.statePath)
            guard case .enqueued(let key) = try store.enqueue(newArticle(1)) else { throw StateStoreError.unknownArticle(0) }
            document = fixture.document(key: key, n: 1)
            let delivery = try SpoolDelivery(directory: fixture.spoolPath, ledger: store)
            _ = delivery.deliver([document], stoppingAfter: step)
        }  // "crash": everything released without cleanup

        let store = try StateStore(directory: fixture.statePath)
        let delivery = try SpoolDelivery(directory: fixture.spoolPath, ledger: store)
        let report = try delivery.recover()
        #expect(try fixture.temporaryFiles().isEmpty)
        #expect(try store.articlesBeingWritten().isEmpty)
        try fixture.checkSpoolIsConsistent(expected: [document.sidecar.id: document])
        let name = try #require(SpoolName(sequence: 0, articleID: document.sidecar.id))

        if step < .claimed {
            // Never claimed: still pending, nothing in the spool, and delivered normally now.
            #expect(try store.article(key: 1)?.state == .pending)
            #expect(try fixture.spoolFiles().isEmpty)
            #expect(report.removedTemporaryFiles.count == (step == .stagedSidecar ? 1 : 2))
            #expect(delivery.deliver(document) == .written(name))
        } else {
            // Claimed: recover() finished it under the claimed name.
            #expect(report.completed == [name])
            #expect(report.renamed == (step < .published ? [name] : []))
            #expect(try store.article(key: 1)?.state == .written)
            #expect(try store.article(key: 1)?.spoolName == name.stem)
            #expect(delivery.deliver(document) == .notPending)
        }
        #expect(try fixture.spoolFiles() == [name.sidecarFileName, name.textFileName])
        try fixture.checkSpoolIsConsistent(expected: [document.sidecar.id: document])
        // The next article gets the next number: nothing reused.
        guard case .enqueued(let key2) = try store.enqueue(newArticle(2)) else { throw StateStoreError.unknownArticle(0) }
        let second = fixture.document(key: key2, n: 2)
        #expect(delivery.deliver(second) == .written(SpoolName(sequence: 1, articleID: second.sidecar.id)!))
    }

    /// The consumer takes the files right after they appear, before the delivery is confirmed; a crash then
    /// must not make recover() write the article again.
    @Test func consumerDeletingFilesBeforeConfirmationDoesNotCauseARewrite() throws {
        let fixture = Fixture()
        let document: SpoolDocument
        do {
            let store = try StateStore(directory: fixture.statePath)
            _ = try store.enqueue(newArticle(1))
            document = fixture.document(key: 1, n: 1)
            let delivery = try SpoolDelivery(directory: fixture.spoolPath, ledger: store)
            _ = delivery.deliver([document], stoppingAfter: .synced)
        }
        for file in try fixture.spoolFiles() { try FileManager.default.removeItem(atPath: fixture.spoolPath + "/" + file) }
        let store = try StateStore(directory: fixture.statePath)
        let delivery = try SpoolDelivery(directory: fixture.spoolPath, ledger: store)
        _ = try delivery.recover()
        #expect(try fixture.spoolFiles().isEmpty)
        #expect(try store.article(key: 1)?.state == .written)
        #expect(try store.pendingArticles(limit: 10).isEmpty)
        #expect(delivery.deliver(document) == .notPending)
    }

    /// A crash in the middle of writing a temp file (a torn, unsynced file in .tmp) is just garbage.
    @Test func tornTemporaryFileIsRemoved() throws {
        let fixture = Fixture()
        let store = try StateStore(directory: fixture.statePath)
        _ = try store.enqueue(newArticle(1))
        let document = fixture.document(key: 1, n: 1)
        let names = SpoolDelivery.temporaryNames(key: 1, articleID: document.sidecar.id)
        do {
            let delivery = try SpoolDelivery(directory: fixture.spoolPath, ledger: store)
            try delivery.writer.writeTemporaryFile(named: names.sidecar, contents: document.sidecar.fileContents)
            try delivery.writer.writeTemporaryFile(named: names.text, contents: String(document.text.prefix(100)))
        }
        let delivery = try SpoolDelivery(directory: fixture.spoolPath, ledger: store)
        #expect(try delivery.recover().removedTemporaryFiles == [names.sidecar, names.text].sorted())
        #expect(delivery.deliver(document) == .written(SpoolName(sequence: 0, articleID: document.sidecar.id)!))
        try fixture.checkSpoolIsConsistent(expected: [document.sidecar.id: document])
    }

    /// Many articles with a crash at a different step for each batch, over several restarts: in the end every
    /// article is in the spool exactly once and numbers are strictly increasing.
    @Test func repeatedCrashesAcrossABacklog() throws {
        let fixture = Fixture()
        var documents: [String: SpoolDocument] = [:]
        do {
            let store = try StateStore(directory: fixture.statePath)
            for n in 1...24 {
                guard case .enqueued(let key) = try store.enqueue(newArticle(n)) else { continue }
                let document = fixture.document(key: key, n: n)
                documents[document.sidecar.id] = document
            }
        }
        let steps: [SpoolDelivery.Step?] = [.stagedSidecar, .claimed, nil, .publishedSidecar, .staged, .published, .synced, nil]
        var round = 0
        while true {
            let store = try StateStore(directory: fixture.statePath)
            let delivery = try SpoolDelivery(directory: fixture.spoolPath, ledger: store)
            _ = try delivery.recover()
            let pending = try store.pendingArticles(limit: 4)
            if pending.isEmpty { break }
            let batch = pending.map { documents[$0.articleID]! }
            _ = delivery.deliver(batch, stoppingAfter: steps[round % steps.count])
            round += 1
            #expect(round < 100)
            if round >= 100 { break }
        }
        let files = try fixture.spoolFiles()
        #expect(files.count == 48)
        let names = files.filter { $0.hasSuffix(".txt") }.compactMap { SpoolName(fileName: $0) }
        #expect(Set(names.map(\.articleID)) == Set(documents.keys))
        #expect(Set(names.map(\.sequence)).count == names.count)
        try fixture.checkSpoolIsConsistent(expected: documents)
        let store = try StateStore(directory: fixture.statePath)
        #expect(try store.articleCounts()[.written] == 24)
    }
}

extension SpoolDelivery.Step: CustomTestStringConvertible {
    public var testDescription: String { String(describing: self) }
}
