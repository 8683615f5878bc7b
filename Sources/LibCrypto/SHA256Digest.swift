// SHA-256 by OpenSSL's libcrypto (already loaded by libcurl): its assembly uses SHA-NI or AVX2 where the CPU has
// them. The body fingerprint hashes every article's whole normalised text, where the former hand-written Swift
// SHA-256 (~3,600 instructions per 64-byte block) was 30% of the fingerprint's cost; libcrypto takes ~1,800 per
// block on its AVX2 path and a fraction of that with SHA-NI.
import CLibCrypto

/// A failed libcrypto call: which call, and why in words. libcrypto fails here only when it cannot allocate or
/// its default provider (the SHA-256 implementation) is missing from the OpenSSL configuration.
public struct LibCryptoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The libcrypto function that failed.
    public let call: String
    public let reason: String

    public var description: String { "libcrypto \(call): \(reason)" }
}

/// A SHA-256 digest (FIPS 180-4): 32 bytes.
public struct SHA256Digest: Sendable, Hashable {
    /// The 32 digest bytes as four 64-bit words, each word its 8 bytes read big-endian: `bytes.0 >> 56` is the
    /// first byte. (A tuple, not an array: no allocation per digest.)
    public let bytes: (UInt64, UInt64, UInt64, UInt64)

    /// Byte `index` (0..<32) of the digest.
    public subscript(index: Int) -> UInt8 {
        precondition((0..<32).contains(index), "a SHA-256 digest has 32 bytes")
        let word = switch index >> 3 {
        case 0: bytes.0
        case 1: bytes.1
        case 2: bytes.2
        default: bytes.3
        }
        return UInt8(truncatingIfNeeded: word >> UInt64(56 - 8 * (index & 7)))
    }

    public static func == (lhs: SHA256Digest, rhs: SHA256Digest) -> Bool {
        lhs.bytes.0 == rhs.bytes.0 && lhs.bytes.1 == rhs.bytes.1 && lhs.bytes.2 == rhs.bytes.2 && lhs.bytes.3 == rhs.bytes.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(bytes.0)
        hasher.combine(bytes.1)
        hasher.combine(bytes.2)
        hasher.combine(bytes.3)
    }

    /// The digest of `data`.
    public static func of(_ data: UnsafeRawBufferPointer) throws(LibCryptoError) -> SHA256Digest {
        guard let algorithm = MessageDigestAlgorithm.sha256.pointer else {
            throw LibCryptoError(call: "EVP_MD_fetch", reason: "no SHA256 implementation (OpenSSL default provider missing)")
        }
        var out: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var length: UInt32 = 0
        let status = withUnsafeMutableBytes(of: &out) { out in
            EVP_Digest(data.baseAddress, data.count, out.baseAddress!.assumingMemoryBound(to: UInt8.self), &length,
                       algorithm, nil)
        }
        guard status == 1, length == 32 else {
            throw LibCryptoError(call: "EVP_Digest", reason: "failed (status \(status), \(length) bytes)")
        }
        return SHA256Digest(bytes: (UInt64(bigEndian: out.0), UInt64(bigEndian: out.1), UInt64(bigEndian: out.2),
                                    UInt64(bigEndian: out.3)))
    }
}

/// An algorithm fetched once per process: fetching by name searches the provider's tables, ~2,500 instructions a
/// call, more than hashing a URL. libcrypto's fetched algorithms are immutable and safe to share across threads.
private final class MessageDigestAlgorithm: @unchecked Sendable {
    static let sha256 = MessageDigestAlgorithm(name: "SHA256")

    /// nil when libcrypto has no implementation (then every use reports it).
    let pointer: OpaquePointer?

    private init(name: String) {
        pointer = EVP_MD_fetch(nil, name, nil)
    }

    deinit { EVP_MD_free(pointer) }
}
