// SHA-256 for the article id and the exact body fingerprint, computed by libcrypto (LibCrypto.SHA256Digest):
// its assembly is several times cheaper per block than the hand-written Swift SHA-256 this replaced, which was
// 30% of the body fingerprint's cost. The values are SHA-256's, so stored ids and hashes stay comparable.
import LibCrypto

enum SHA256 {
    /// The digest of `bytes`.
    static func hash(_ bytes: UnsafeRawBufferPointer) -> SHA256Digest {
        do {
            return try SHA256Digest.of(bytes)
        } catch {
            // Not reachable from any input: libcrypto fails only without memory or without its SHA-256
            // implementation (a broken OpenSSL install), and then no id or fingerprint can be computed at all.
            fatalError("SHA-256 unavailable: \(error)")
        }
    }

    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> SHA256Digest {
        hash(UnsafeRawBufferPointer(bytes))
    }

    /// The digest of a string's UTF-8 bytes.
    static func hash(_ string: String) -> SHA256Digest {
        var string = string
        return string.withUTF8 { hash($0) }
    }
}

extension SHA256Digest {
    /// 64 lowercase hex digits.
    var hex: String {
        String(unsafeUninitializedCapacity: 64) { out in
            for (wordIndex, word) in [bytes.0, bytes.1, bytes.2, bytes.3].enumerated() {
                for nibble in 0..<16 {
                    out[16 * wordIndex + nibble] = Hex.digit(UInt8(truncatingIfNeeded: word >> UInt64(60 - 4 * nibble)) & 0x0F)
                }
            }
            return 64
        }
    }

    /// The first 8 bytes read as a big-endian integer (used for the 64-bit article id).
    var prefix64: UInt64 { bytes.0 }
}

/// Lowercase hex, the form every id and hash takes in the state store and the spool.
public enum Hex {
    @inline(__always)
    static func digit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }

    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digit(byte >> 4))
            out.append(digit(byte & 0x0f))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// 16 lowercase hex digits, zero-padded.
    public static func encode(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { out in
            for nibble in 0..<16 { out[nibble] = digit(UInt8(truncatingIfNeeded: value >> UInt64(60 - 4 * nibble)) & 0x0F) }
            return 16
        }
    }
}
