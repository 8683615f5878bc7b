// What the spool needs from the state store, as a protocol so Spool stays free of GRDB. StateStore (target
// Store) conforms. Every method is one transaction: when it returns, the change survives a crash of the
// process. beginWriting and raiseSpoolSequence also survive a power loss (fsynced before they return): files are
// renamed into the spool only after them. finishWriting need not: a lost confirmation leaves the article
// `writing`, which recover() completes.

/// An article to be claimed for the spool.
public struct SpoolClaim: Sendable, Hashable {
    /// The state store's key for the article.
    public var articleKey: Int64
    /// 16 lowercase hex digits: goes into the spool name.
    public var articleID: String

    public init(articleKey: Int64, articleID: String) {
        self.articleKey = articleKey
        self.articleID = articleID
    }
}

public protocol SpoolLedger: Sendable {
    /// In one transaction, for each claim in order whose article is still `pending`: take the next spool
    /// sequence number, record the name, set the state to `writing`. Claims whose article is not pending
    /// (already written, a duplicate, failed for good, unknown) are left out of the result. Numbers taken are
    /// never handed out again, even if the caller never uses them.
    func beginWriting(_ claims: [SpoolClaim]) throws -> [Int64: SpoolName]

    /// Sets `writing` articles to `written` (others are left alone).
    func finishWriting(_ articleKeys: [Int64]) throws

    /// Every article in state `writing`, with its spool name.
    func articlesBeingWritten() throws -> [Int64: SpoolName]

    /// Makes sure the next sequence number handed out is at least `next` (after a state store was lost or
    /// restored from an old backup, numbers already in the spool are not reused).
    func raiseSpoolSequence(atLeast next: Int) throws
}
