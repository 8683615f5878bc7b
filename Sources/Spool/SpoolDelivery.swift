// Atomic, exactly-once delivery of articles into the spool, coordinated with the state store.
//
// The invariant (docs/spool.md): an article is either in the spool, complete (.json and .txt), or still
// pending in the state store; it is never written twice, even when the consumer deletes spool files after
// reading them (so we never decide anything by looking for a file the consumer may have taken).
//
// Protocol for a batch (each step durable before the next starts):
//   1. stage:   write .tmp/k<key>_<id>.json and .txt (O_EXCL|O_NOFOLLOW, 0640), fsync each and .tmp (or,
//               for a batch of several, one syncfs of the spool's filesystem).
//   2. claim:   one transaction: next sequence numbers, names recorded, state pending -> writing.
//   3. publish: rename .json into the spool, then .txt (per article, in sequence order); fsync the spool dir.
//   4. confirm: one transaction: writing -> written.
// Crash after 1: temp files without a `writing` row -> recover() deletes them; the article is still pending
// and is delivered again. Crash after 2 or during 3: `writing` row -> recover() renames whatever temp files
// remain (.json first) and confirms. Crash after 3: `writing` row, no temp files -> the renames happened ->
// recover() confirms. A `.txt` only appears after its `.json`, and only whole (rename is atomic).
//
// Threading: a final class, safe to share; deliveries are serialised by a lock so sequence order is rename
// order. All calls block on fsync: run them on a dedicated thread, not the cooperative pool. recover() must
// run once at startup, before the first deliver().
import Foundation

/// What happened to one document of a batch.
public enum SpoolDeliveryOutcome: Sendable, Equatable {
    /// Both files are in the spool under this name; the state store says `written`.
    case written(SpoolName)
    /// The state store no longer has the article as pending (written, duplicate, failed or unknown):
    /// nothing was written.
    case notPending
    /// Nothing reached the spool and the article is still pending (e.g. disk full): retry later.
    case failed(SpoolError)
    /// Claimed under this name but not finished (a rename or sync failed): recover() completes it; do not
    /// deliver it again.
    case interrupted(SpoolName, SpoolError)
}

/// What recover() found and did.
public struct SpoolRecoveryReport: Sendable, Equatable {
    /// Articles that were `writing`, now `written`, in sequence order.
    public var completed: [SpoolName] = []
    /// Of those, the ones whose files recover() renamed into the spool itself.
    public var renamed: [SpoolName] = []
    /// Temp files deleted (their articles were never claimed and are still pending).
    public var removedTemporaryFiles: [String] = []
    /// The highest sequence number found in the spool directory, if any.
    public var highestSequenceInSpool: Int?

    public init() {}
}

public final class SpoolDelivery: Sendable {
    public let writer: SpoolWriter
    private let ledger: any SpoolLedger
    private let lock = NSLock()
    private let groupCommit = GroupCommit()

    /// Steps of one delivery, for tests that simulate a crash after a given step.
    enum Step: Int, Comparable {
        case stagedSidecar, staged, claimed, publishedSidecar, published, synced, confirmed
        static func < (lhs: Step, rhs: Step) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// Most documents delivered in one batch (group commit): bounds the time a caller waits behind others.
    public static let maxBatch = GroupCommit.maxBatch

    /// From this many documents in one batch on, staging syncs the filesystem once instead of each file.
    let filesystemSyncThreshold: Int

    public convenience init(directory: String, ledger: any SpoolLedger) throws(SpoolError) {
        try self.init(directory: directory, ledger: ledger, filesystemSyncThreshold: 4)
    }

    init(directory: String, ledger: any SpoolLedger, filesystemSyncThreshold: Int) throws(SpoolError) {
        writer = try SpoolWriter(directory: directory)
        self.ledger = ledger
        self.filesystemSyncThreshold = filesystemSyncThreshold
    }

    /// Delivers one document, blocking until it is durable. Concurrent callers are grouped (group commit):
    /// while one batch is being written, documents from other threads queue up and go together in the next
    /// batch, sharing its fsyncs and transactions. One caller alone still gets a batch of one at once.
    public func deliver(_ document: SpoolDocument) -> SpoolDeliveryOutcome {
        groupCommit.submit(document) { batch in self.deliver(batch, stoppingAfter: nil) }
    }

    /// Delivers a batch; one outcome per document, in order. Files appear in the spool in the batch's order.
    public func deliver(_ documents: [SpoolDocument]) -> [SpoolDeliveryOutcome] {
        deliver(documents, stoppingAfter: nil)
    }

    /// The delivery protocol; `stoppingAfter` returns early without any cleanup, as a crash would.
    func deliver(_ documents: [SpoolDocument], stoppingAfter stop: Step?) -> [SpoolDeliveryOutcome] {
        lock.lock()
        defer { lock.unlock() }
        var outcomes = [SpoolDeliveryOutcome?](repeating: nil, count: documents.count)

        // 1. Stage. Batches of several articles skip the per-file fsync and sync the filesystem once instead
        // (syncfs covers the files and .tmp's entries); small ones fsync each file, then .tmp.
        let syncPerFile = documents.count < filesystemSyncThreshold || !SpoolWriter.canSyncFileSystem
        var staged: [Int] = []
        for (index, document) in documents.enumerated() {
            let id = document.sidecar.id
            guard SpoolName.isArticleID(id) else {
                outcomes[index] = .failed(.invalidArticleID(id))
                continue
            }
            let names = Self.temporaryNames(key: document.articleKey, articleID: id)
            do throws(SpoolError) {
                try writer.writeTemporaryFile(named: names.sidecar, contents: document.sidecar.fileContents,
                                              sync: syncPerFile)
                if stop == .stagedSidecar { return Self.crashed(outcomes) }
                do {
                    try writer.writeTemporaryFile(named: names.text, contents: document.text, sync: syncPerFile)
                } catch {
                    try? writer.removeTemporaryFile(named: names.sidecar)
                    throw error
                }
                staged.append(index)
            } catch {
                outcomes[index] = .failed(error)
            }
        }
        if !staged.isEmpty {
            do {
                if syncPerFile { try writer.syncTemporaryDirectory() } else { try writer.syncFileSystem() }
            } catch {
                discardStaged(staged, of: documents)
                for index in staged { outcomes[index] = .failed(error) }
                staged = []
            }
        }
        if stop == .staged { return Self.crashed(outcomes) }
        guard !staged.isEmpty else { return outcomes.map { $0! } }

        return finishDelivery(documents, staged: staged, outcomes: &outcomes, stoppingAfter: stop)
    }

    /// Step 1 for one document, on any thread and concurrently with other documents and deliveries: writes its
    /// two temp files without syncing them. deliverStaged() then syncs a whole batch at once and finishes the
    /// protocol; discardStaged() removes them when the document is not to be delivered. Until it is claimed,
    /// a staged document is nothing but garbage to recover(), which removes it at the next start.
    public func stage(_ document: SpoolDocument) throws(SpoolError) {
        guard SpoolName.isArticleID(document.sidecar.id) else { throw .invalidArticleID(document.sidecar.id) }
        let names = Self.temporaryNames(key: document.articleKey, articleID: document.sidecar.id)
        try writer.writeTemporaryFile(named: names.sidecar, contents: document.sidecar.fileContents, sync: false)
        do {
            try writer.writeTemporaryFile(named: names.text, contents: document.text, sync: false)
        } catch {
            try? writer.removeTemporaryFile(named: names.sidecar)
            throw error
        }
    }

    /// Removes a staged document's temp files (it turned out not to be delivered, e.g. a duplicate).
    public func discardStaged(_ document: SpoolDocument) {
        discardStaged([0], of: [document])
    }

    /// Steps 2-4 for documents staged with stage(): one sync for the batch (syncfs, or each file and .tmp where
    /// syncfs is missing), then claim, publish and confirm as deliver() does. One outcome per document, in order.
    public func deliverStaged(_ documents: [SpoolDocument]) -> [SpoolDeliveryOutcome] {
        lock.lock()
        defer { lock.unlock() }
        var outcomes = [SpoolDeliveryOutcome?](repeating: nil, count: documents.count)
        guard !documents.isEmpty else { return [] }
        do throws(SpoolError) {
            if SpoolWriter.canSyncFileSystem {
                try writer.syncFileSystem()
            } else {
                for document in documents {
                    let names = Self.temporaryNames(key: document.articleKey, articleID: document.sidecar.id)
                    try writer.syncTemporaryFile(named: names.sidecar)
                    try writer.syncTemporaryFile(named: names.text)
                }
                try writer.syncTemporaryDirectory()
            }
        } catch {
            discardStaged(Array(documents.indices), of: documents)
            return documents.map { _ in .failed(error) }
        }
        return finishDelivery(documents, staged: Array(documents.indices), outcomes: &outcomes, stoppingAfter: nil)
    }

    /// Steps 2-4 (claim, publish, confirm) for the staged and synced documents at `staged`; the caller holds
    /// `lock`. Fills in every outcome not decided yet.
    private func finishDelivery(_ documents: [SpoolDocument], staged: [Int], outcomes: inout [SpoolDeliveryOutcome?],
                                stoppingAfter stop: Step?) -> [SpoolDeliveryOutcome] {
        // 2. Claim.
        let claims = staged.map { SpoolClaim(articleKey: documents[$0].articleKey, articleID: documents[$0].sidecar.id) }
        let names: [Int64: SpoolName]
        do {
            names = try ledger.beginWriting(claims)
        } catch {
            // The transaction most likely rolled back, but ask: temp files of a `writing` article must stay
            // for recover(); the others are garbage.
            let failure = SpoolError.ledger(String(describing: error))
            // If even that fails, keep the temp files: recover() decides with a working state store.
            let writing = try? ledger.articlesBeingWritten()
            for index in staged {
                if let name = writing?[documents[index].articleKey] {
                    outcomes[index] = .interrupted(name, failure)
                } else {
                    if writing != nil { discardStaged([index], of: documents) }
                    outcomes[index] = .failed(failure)
                }
            }
            return outcomes.map { $0! }
        }
        var claimed: [(index: Int, name: SpoolName)] = []
        for index in staged {
            if let name = names[documents[index].articleKey] {
                claimed.append((index, name))
            } else {
                discardStaged([index], of: documents)
                outcomes[index] = .notPending
            }
        }
        claimed.sort { $0.name < $1.name }
        if stop == .claimed { return Self.crashed(outcomes) }

        // 3. Publish: .json first, so a consumer that sees the .txt always finds its sidecar.
        var published: [(index: Int, name: SpoolName)] = []
        for (index, name) in claimed {
            let temporary = Self.temporaryNames(key: documents[index].articleKey, articleID: name.articleID)
            do throws(SpoolError) {
                try writer.publish(temporaryFile: temporary.sidecar, as: name.sidecarFileName)
                if stop == .publishedSidecar { return Self.crashed(outcomes) }
                try writer.publish(temporaryFile: temporary.text, as: name.textFileName)
                published.append((index, name))
            } catch {
                outcomes[index] = .interrupted(name, error)
            }
        }
        if stop == .published { return Self.crashed(outcomes) }
        if !published.isEmpty {
            do {
                try writer.syncDirectory()
            } catch {
                // The renames may not be durable: leave the articles `writing`; recover() settles them.
                for (index, name) in published { outcomes[index] = .interrupted(name, error) }
                return outcomes.map { $0! }
            }
        }
        if stop == .synced { return Self.crashed(outcomes) }

        // 4. Confirm. If this fails the files are still in the spool, complete; recover() confirms later.
        try? ledger.finishWriting(published.map { documents[$0.index].articleKey })
        for (index, name) in published { outcomes[index] = .written(name) }
        return outcomes.map { $0! }
    }

    /// Brings spool and state store back in line after a crash: finishes every delivery that was claimed,
    /// removes temp files of deliveries that were not, and keeps the sequence above any name in the spool.
    /// Run once at startup, before any deliver(); afterwards no `writing` article and no temp file remain.
    public func recover() throws(SpoolError) -> SpoolRecoveryReport {
        lock.lock()
        defer { lock.unlock() }
        var report = SpoolRecoveryReport()
        let writing: [Int64: SpoolName]
        do { writing = try ledger.articlesBeingWritten() } catch { throw .ledger(String(describing: error)) }

        for (key, name) in writing.sorted(by: { $0.value < $1.value }) {
            let temporary = Self.temporaryNames(key: key, articleID: name.articleID)
            let hasSidecar = writer.temporaryFileExists(named: temporary.sidecar)
            let hasText = writer.temporaryFileExists(named: temporary.text)
            if hasText {
                // Sidecar first (if it was not renamed yet), then the text.
                if hasSidecar { try writer.publish(temporaryFile: temporary.sidecar, as: name.sidecarFileName) }
                try writer.publish(temporaryFile: temporary.text, as: name.textFileName)
                report.renamed.append(name)
            } else if hasSidecar {
                // Cannot happen through deliver() (the .json is renamed first); if someone removed the staged
                // .txt, publishing the .json alone would leave an orphan sidecar. The article's text was
                // either published already or is lost; never publish half.
                try writer.removeTemporaryFile(named: temporary.sidecar)
            }
            report.completed.append(name)
        }
        if !report.renamed.isEmpty { try writer.syncDirectory() }
        if !writing.isEmpty {
            do { try ledger.finishWriting(Array(writing.keys)) } catch { throw .ledger(String(describing: error)) }
        }

        // Everything else in .tmp belongs to an article that was never claimed: it is still pending.
        let keep = Set(writing.map { Self.temporaryNames(key: $0.key, articleID: $0.value.articleID) }.flatMap {
            [$0.sidecar, $0.text]
        })
        for name in try writer.temporaryFileNames() where !keep.contains(name) {
            try writer.removeTemporaryFile(named: name)
            report.removedTemporaryFiles.append(name)
        }
        report.removedTemporaryFiles.sort()
        if !report.removedTemporaryFiles.isEmpty { try writer.syncTemporaryDirectory() }

        // Sequence floor: never reuse a number still visible in the spool.
        let highest = try writer.fileNames().compactMap { SpoolName(fileName: $0)?.sequence }.max()
        report.highestSequenceInSpool = highest
        if let highest {
            do { try ledger.raiseSpoolSequence(atLeast: highest + 1) } catch { throw .ledger(String(describing: error)) }
        }
        return report
    }

    // MARK: - Helpers

    /// Temp names carry the state store key (unique per article) and the id (for people reading `.tmp`).
    static func temporaryNames(key: Int64, articleID: String) -> (sidecar: String, text: String) {
        let stem = "k\(key)_\(articleID)"
        return (stem + ".json", stem + ".txt")
    }

    private func discardStaged(_ indices: [Int], of documents: [SpoolDocument]) {
        for index in indices {
            let names = Self.temporaryNames(key: documents[index].articleKey, articleID: documents[index].sidecar.id)
            try? writer.removeTemporaryFile(named: names.sidecar)
            try? writer.removeTemporaryFile(named: names.text)
        }
    }

    /// Outcomes after a simulated crash: whatever was decided, the rest reported as interrupted-unknown.
    private static func crashed(_ outcomes: [SpoolDeliveryOutcome?]) -> [SpoolDeliveryOutcome] {
        outcomes.map { $0 ?? .failed(.system(call: "simulated-crash", path: "", errno: 0)) }
    }
}

/// Leader-based group commit: the first caller to find no batch in progress becomes the leader, takes every
/// queued document, delivers them as one batch and hands each waiter its outcome; callers that arrive
/// meanwhile queue and wait, and one of them leads the next batch.
/// @unchecked Sendable: all mutable state is guarded by `condition`.
final class GroupCommit: @unchecked Sendable {
    private final class Ticket {
        var outcome: SpoolDeliveryOutcome?
    }

    /// Most documents in one batch: bounds the time a caller waits behind others (each costs two file fsyncs).
    static let maxBatch = 64

    private let condition = NSCondition()
    private var queue: [(SpoolDocument, Ticket)] = []
    private var leading = false

    func submit(_ document: SpoolDocument,
                deliver: ([SpoolDocument]) -> [SpoolDeliveryOutcome]) -> SpoolDeliveryOutcome {
        let ticket = Ticket()
        condition.lock()
        defer { condition.unlock() }
        queue.append((document, ticket))
        while ticket.outcome == nil {
            if leading {
                condition.wait()
                continue
            }
            leading = true
            let batch = Array(queue.prefix(GroupCommit.maxBatch))
            queue.removeFirst(batch.count)
            condition.unlock()
            let outcomes = deliver(batch.map(\.0))
            condition.lock()
            for (index, entry) in batch.enumerated() { entry.1.outcome = outcomes[index] }
            leading = false
            condition.broadcast()
        }
        return ticket.outcome!
    }
}
