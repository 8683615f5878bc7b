// SHA-256 (FIPS 180-4) in plain Swift. Why not swift-crypto or libcrypto: the Dedup target stays free of C and
// of a multi-minute dependency build, and we only hash short inputs (URLs, article bodies of a few KB), where
// this straightforward implementation (~100-200 MB/s in a release build) is far from being the bottleneck.

/// A SHA-256 digest computer. Value type: copy it to fork a running hash.
public struct SHA256: Sendable {
    /// The 32-byte digest.
    public struct Digest: Sendable, Equatable, Hashable {
        public let bytes: [UInt8]

        /// 64 lowercase hex digits.
        public var hex: String { Hex.encode(bytes) }

        /// The first 8 bytes read as a big-endian integer (used for the 64-bit article id).
        public var prefix64: UInt64 {
            var value: UInt64 = 0
            for byte in bytes.prefix(8) { value = value << 8 | UInt64(byte) }
            return value
        }
    }

    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
    )
    /// Bytes not yet processed (always fewer than 64).
    private var buffer: [UInt8] = []
    /// Total message length so far, in bytes.
    private var length: UInt64 = 0

    public init() {
        buffer.reserveCapacity(64)
    }

    /// One-shot digest of bytes.
    public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> Digest where Bytes.Element == UInt8 {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// One-shot digest of a string's UTF-8 bytes.
    public static func hash(_ string: String) -> Digest {
        hash(string.utf8)
    }

    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        // Fast path for contiguous input: whole blocks are compressed in place, only the tail is buffered.
        let handled: Void? = bytes.withContiguousStorageIfAvailable { input in
            var offset = 0
            if !buffer.isEmpty {
                let take = min(64 - buffer.count, input.count)
                buffer.append(contentsOf: input[0..<take])
                offset = take
                if buffer.count == 64 {
                    buffer.withUnsafeBufferPointer { compress(UnsafeRawBufferPointer($0)) }
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            while input.count - offset >= 64 {
                compress(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: input[offset..<(offset + 64)])))
                offset += 64
            }
            buffer.append(contentsOf: input[offset...])
        }
        if handled != nil { return }
        for byte in bytes {
            buffer.append(byte)
            if buffer.count == 64 {
                buffer.withUnsafeBufferPointer { compress(UnsafeRawBufferPointer($0)) }
                buffer.removeAll(keepingCapacity: true)
            }
        }
    }

    public mutating func update(_ string: String) {
        update(string.utf8)
    }

    public func finalize() -> Digest {
        var copy = self
        return copy.finish()
    }

    private mutating func finish() -> Digest {
        let messageBits = totalLength &* 8
        var padding: [UInt8] = [0x80]
        let afterMarker = (buffer.count + 1) % 64
        let zeros = afterMarker <= 56 ? 56 - afterMarker : 120 - afterMarker
        padding += [UInt8](repeating: 0, count: zeros)
        for shift in stride(from: 56, through: 0, by: -8) { padding.append(UInt8(truncatingIfNeeded: messageBits >> UInt64(shift))) }
        var block = buffer
        for byte in padding {
            block.append(byte)
            if block.count == 64 {
                block.withUnsafeBufferPointer { compress(UnsafeRawBufferPointer($0)) }
                block.removeAll(keepingCapacity: true)
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for word in [state.0, state.1, state.2, state.3, state.4, state.5, state.6, state.7] {
            out += [UInt8(word >> 24), UInt8(truncatingIfNeeded: word >> 16), UInt8(truncatingIfNeeded: word >> 8),
                    UInt8(truncatingIfNeeded: word)]
        }
        return Digest(bytes: out)
    }

    /// Bytes consumed so far: full blocks compressed plus the buffered tail.
    private var totalLength: UInt64 { length &+ UInt64(buffer.count) }

    private static let k: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    /// Processes one 64-byte block. The message schedule lives in a stack allocation: no heap traffic per block.
    /// Eight rounds per loop pass with the working variables renamed instead of shifted (the round function's
    /// usual unrolling), and Ch/Maj in their three-operation forms: the body fingerprint hashes every article's
    /// whole normalised text, so this loop was a quarter of its cost.
    private mutating func compress(_ block: UnsafeRawBufferPointer) {
        precondition(block.count == 64, "SHA-256 blocks are 64 bytes")
        length &+= 64
        let newState = withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            for i in 0..<16 { w[i] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
            for i in 16..<64 {
                let s0 = w[i - 15].rotatedRight(7) ^ w[i - 15].rotatedRight(18) ^ (w[i - 15] &>> 3)
                let s1 = w[i - 2].rotatedRight(17) ^ w[i - 2].rotatedRight(19) ^ (w[i - 2] &>> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, h) = state
            SHA256.k.withUnsafeBufferPointer { k in
                var i = 0
                while i < 64 {
                    Self.round(a, b, c, &d, e, f, g, &h, k[i] &+ w[i])
                    Self.round(h, a, b, &c, d, e, f, &g, k[i + 1] &+ w[i + 1])
                    Self.round(g, h, a, &b, c, d, e, &f, k[i + 2] &+ w[i + 2])
                    Self.round(f, g, h, &a, b, c, d, &e, k[i + 3] &+ w[i + 3])
                    Self.round(e, f, g, &h, a, b, c, &d, k[i + 4] &+ w[i + 4])
                    Self.round(d, e, f, &g, h, a, b, &c, k[i + 5] &+ w[i + 5])
                    Self.round(c, d, e, &f, g, h, a, &b, k[i + 6] &+ w[i + 6])
                    Self.round(b, c, d, &e, f, g, h, &a, k[i + 7] &+ w[i + 7])
                    i += 8
                }
            }
            return (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d, state.4 &+ e, state.5 &+ f,
                    state.6 &+ g, state.7 &+ h)
        }
        state = newState
    }

    /// One round on renamed working variables: d becomes the new e, h the new a (the others move by renaming).
    @inline(__always)
    private static func round(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
                              _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ kw: UInt32) {
        let s1 = e.rotatedRight(6) ^ e.rotatedRight(11) ^ e.rotatedRight(25)
        let choice = g ^ (e & (f ^ g))
        let t1 = h &+ s1 &+ choice &+ kw
        let s0 = a.rotatedRight(2) ^ a.rotatedRight(13) ^ a.rotatedRight(22)
        let majority = (a & b) | (c & (a | b))
        d &+= t1
        h = t1 &+ s0 &+ majority
    }
}

extension UInt32 {
    @inline(__always)
    fileprivate func rotatedRight(_ count: UInt32) -> UInt32 { (self &>> count) | (self &<< (32 &- count)) }
}

/// Lowercase hex, the form every id and hash takes in the state store and the spool.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// 16 lowercase hex digits, zero-padded.
    public static func encode(_ value: UInt64) -> String {
        encode((0..<8).reversed().map { UInt8(truncatingIfNeeded: value >> UInt64($0 * 8)) })
    }
}
