// The article's stable id: the first 8 bytes of SHA-256 over the canonical URL's UTF-8 bytes, written as 16
// lowercase hex digits. Same canonical URL, same id, on any machine and in any release (no seeded hashing,
// no platform-dependent URL parsing: see URLCanonicalizer). It names spool files: NNN_<id>.txt.

public struct ArticleID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let value: UInt64

    public init(value: UInt64) {
        self.value = value
    }

    /// The id of an already canonical URL (pass URLCanonicalizer's output; this does not canonicalise).
    public init(canonicalURL: String) {
        value = SHA256.hash(canonicalURL).prefix64
    }

    /// Parses exactly 16 lowercase hex digits; nil otherwise.
    public init?(hex: String) {
        let bytes = Array(hex.utf8)
        guard bytes.count == 16 else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            switch byte {
            case 0x30...0x39: value = value << 4 | UInt64(byte - 0x30)
            case 0x61...0x66: value = value << 4 | UInt64(byte - 0x61 + 10)
            default: return nil
            }
        }
        self.value = value
    }

    /// 16 lowercase hex digits.
    public var hex: String { Hex.encode(value) }
    public var description: String { hex }

    public static func < (lhs: ArticleID, rhs: ArticleID) -> Bool { lhs.value < rhs.value }
}
