// Spool file names: NNN_HHHHHHHHHHHHHHHH.txt and .json. NNN is the decimal spool sequence number, at least three
// digits (zero-padded, more when it grows), increasing in write order and never reused; H is the article's
// 64-bit id as 16 lowercase hex digits. Nothing in a name comes from remote input except through the id (a hash).

/// The common stem of one article's two spool files, e.g. "007_ae2aeaaf8fd23bf0".
public struct SpoolName: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let sequence: Int
    /// 16 lowercase hex digits.
    public let articleID: String

    /// nil when the sequence is negative or the id is not 16 lowercase hex digits.
    public init?(sequence: Int, articleID: String) {
        guard sequence >= 0, SpoolName.isArticleID(articleID) else { return nil }
        self.sequence = sequence
        self.articleID = articleID
    }

    /// Parses "NNN_HHHHHHHHHHHHHHHH", optionally followed by ".txt" or ".json".
    public init?(fileName: String) {
        var stem = Substring(fileName)
        if stem.hasSuffix(".txt") { stem = stem.dropLast(4) } else if stem.hasSuffix(".json") { stem = stem.dropLast(5) }
        let parts = stem.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count >= 3, parts[0].count <= 18,
              parts[0].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let sequence = Int(parts[0]),
              String(sequence).count <= parts[0].count, SpoolName.padded(sequence) == parts[0]
        else { return nil }
        self.init(sequence: sequence, articleID: String(parts[1]))
    }

    /// "NNN_HHHHHHHHHHHHHHHH".
    public var stem: String { SpoolName.padded(sequence) + "_" + articleID }
    public var textFileName: String { stem + ".txt" }
    public var sidecarFileName: String { stem + ".json" }
    public var description: String { stem }

    public static func < (lhs: SpoolName, rhs: SpoolName) -> Bool {
        (lhs.sequence, lhs.articleID) < (rhs.sequence, rhs.articleID)
    }

    static func padded(_ sequence: Int) -> String {
        let digits = String(sequence)
        return digits.count >= 3 ? digits : String(repeating: "0", count: 3 - digits.count) + digits
    }

    static func isArticleID(_ text: String) -> Bool {
        text.utf8.count == 16 && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }
}
