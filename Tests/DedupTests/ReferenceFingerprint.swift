// A frozen copy of the body fingerprint as of commit b685adb (BodyFingerprint.swift, MinHash.swift's signature
// and SHA256.swift), renamed, so FingerprintEquivalenceTests can prove that a faster implementation produces
// exactly the values stored fingerprints already hold. Do not edit (except to rename); it is the yardstick.
import Dedup

struct ReferenceFingerprint: Sendable, Equatable {
    /// SHA-256 of the normalised text, 64 lowercase hex digits.
    let exact: String
    /// SimHash-64 of the normalised text's word shingles.
    let simHash: UInt64
    /// MinHash of the normalised text's word shingles: what stage 4 (near-duplicate) compares.
    let minHash: ReferenceMinHash
    /// Words after normalisation (0 means: nothing to compare; callers should not dedup on it).
    let wordCount: Int

    /// Computes every fingerprint with one normalisation pass.
    init(paragraphs: [String], shingleSize: Int = ReferenceFingerprint.defaultShingleSize) {
        let words = Self.normalizedWords(paragraphs)
        exact = Self.exactHash(words)
        let shingles = Self.shingleHashes(words: words, shingleSize: shingleSize)
        simHash = Self.simHash(shingles: shingles)
        minHash = ReferenceMinHash(shingles: shingles)
        wordCount = words.count
    }

    /// Words per shingle: 3 keeps word order significant without making one typo change many shingles.
    static let defaultShingleSize = 3

    static func exact(_ paragraphs: [String]) -> String {
        exactHash(normalizedWords(paragraphs))
    }

    static func simHash(_ paragraphs: [String], shingleSize: Int = defaultShingleSize) -> UInt64 {
        simHash(words: normalizedWords(paragraphs), shingleSize: shingleSize)
    }

    /// Bits that differ between two SimHashes (0...64).
    static func hammingDistance(_ a: UInt64, _ b: UInt64) -> Int {
        (a ^ b).nonzeroBitCount
    }

    // MARK: - Normalisation

    /// Paragraphs minus boilerplate, datelines and desk initials, lowercased, split into words of letters
    /// and digits (everything else is a separator).
    static func normalizedWords(_ paragraphs: [String]) -> [String] {
        var kept: [String] = []
        for paragraph in paragraphs {
            var text = paragraph
            if isBoilerplate(text) || isDateLine(text) { continue }
            // The dateline opens the first reporting paragraph; bylines, captions and chrome lines before it
            // vary between copies, so count kept paragraphs, not positions in the page.
            if kept.count < 2 { text = stripDateline(text) }
            text = stripDeskInitials(text)
            kept.append(text)
        }
        // Scalar by scalar with an ASCII fast path: Character.isLetter on every character cost ~75% of the
        // fingerprint's time. Letters, digits and combining marks (decomposed accents) make words, lowercased.
        var words: [String] = []
        var current: [UInt8] = []
        current.reserveCapacity(32)
        func flush() {
            if !current.isEmpty {
                words.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            }
        }
        for text in kept {
            for scalar in text.unicodeScalars {
                let value = scalar.value
                if value < 0x80 {
                    switch value {
                    case 0x61...0x7A, 0x30...0x39: current.append(UInt8(value))
                    case 0x41...0x5A: current.append(UInt8(value + 0x20))
                    default: flush()
                    }
                    continue
                }
                let properties = scalar.properties
                switch properties.generalCategory {
                case .nonspacingMark, .spacingMark, .enclosingMark:
                    current.append(contentsOf: String(scalar).utf8)
                default:
                    if properties.isAlphabetic || properties.numericType != nil {
                        current.append(contentsOf: properties.lowercaseMapping.utf8)
                    } else {
                        flush()
                    }
                }
            }
            flush()
        }
        return words
    }

    /// Lines that credit or recirculate rather than report, compared lowercased at the paragraph start.
    static let boilerplatePrefixes: [String] = [
        "artikel ini telah tayang di", "artikel ini telah tayang", "baca juga", "baca selengkapnya", "lihat juga",
        "simak juga", "simak video", "tonton juga", "saksikan video", "pewarta:", "pewarta :", "editor:", "editor :",
        "penulis:", "penulis :", "reporter:", "reporter :", "kontributor:", "sumber:", "sumber :", "copyright ©",
        "copyright (c)", "© copyright", "laporan wartawan", "laporan reporter", "pilihan editor", "advertisement",
        "scroll to continue with content", "ikuti berita", "dapatkan berita", "klik untuk baca",
        // Added for issue 5 (seen on tribunnews, kompas, antaranews, detik, sindonews copies):
        "baca berita", "dapatkan update", "simak breaking news", "laporan koresponden", "penyunting:",
        "penyunting :", "fotografer:", "oleh:", "oleh :", "video editor:", "(cnn indonesia", "ikuti kami",
        "follow us", "lihat berita", "berita terkait", "artikel terkait", "halaman selanjutnya", "tonton video",
        "copyright ",
    ]

    static func isBoilerplate(_ paragraph: String) -> Bool {
        // The longest prefix is 33 characters: lowercasing 64 is enough (and the whole paragraph is not).
        let lower = paragraph.drop(while: { $0.isWhitespace }).prefix(64).lowercased()
        return boilerplatePrefixes.contains { lower.hasPrefix($0) }
    }

    /// A paragraph that is only a date stamp ("Sabtu, 30 Juli 2022 - 08:06 WIB"): short, with a four-digit
    /// year and an Indonesian zone or a clock time.
    static func isDateLine(_ paragraph: String) -> Bool {
        // Ten words of a date stamp fit in 120 bytes; longer paragraphs are text.
        guard paragraph.utf8.count <= 120 else { return false }
        let words = paragraph.split(whereSeparator: { $0.isWhitespace })
        guard words.count <= 10 else { return false }
        let hasYear = words.contains { word in
            let digits = word.filter(\.isNumber)
            return digits.count == 4 && (digits.hasPrefix("19") || digits.hasPrefix("20"))
        }
        let hasZoneOrTime = words.contains { ["wib", "wita", "wit", "utc", "gmt"].contains($0.lowercased()) }
            || words.contains { $0.contains(":") && $0.filter(\.isNumber).count >= 3 }
        return hasYear && hasZoneOrTime
    }

    /// Removes a leading dateline: "TRIBUNNEWS.COM, WASHINGTON - ", "JAKARTA, KOMPAS.com - ",
    /// "Jakarta (ANTARA) - ", "Jakarta, CNN Indonesia -- ", "Liputan6.com, Jakarta - ", "WASHINGTON - ".
    /// The text before the dash must look like a place/brand: at most five words, each capitalised.
    static func stripDateline(_ paragraph: String) -> String {
        guard let range = firstDash(in: paragraph) else { return paragraph }
        let prefix = paragraph[..<range.lowerBound]
        guard prefix.count <= 60 else { return paragraph }
        let words = prefix.split(whereSeparator: { $0.isWhitespace })
        guard !words.isEmpty, words.count <= 5 else { return paragraph }
        let placeLike = words.allSatisfy { word in
            guard let first = word.first(where: { $0.isLetter || $0 == "(" }) else { return false }
            return first == "(" || first.isUppercase
        }
        guard placeLike else { return paragraph }
        return String(paragraph[range.upperBound...])
    }

    /// The first " - ", " -- ", " – " or " — " within a dateline's reach of the start. Searched as UTF-8 bytes in
    /// the first 256 (a 60-character prefix plus the dash fits): a String search ran over whole paragraphs and
    /// cost 2% of a crawl's CPU.
    static func firstDash(in paragraph: String) -> Range<String.Index>? {
        let dashes: [[UInt8]] = [Array(" -- ".utf8), Array(" - ".utf8), Array(" – ".utf8), Array(" — ".utf8)]
        let utf8 = paragraph.utf8
        let head = Array(utf8.prefix(256))
        for start in head.indices where head[start] == 0x20 {
            for dash in dashes where start + dash.count <= head.count && head[start..<start + dash.count].elementsEqual(dash) {
                let lower = utf8.index(utf8.startIndex, offsetBy: start)
                return lower..<utf8.index(lower, offsetBy: dash.count)
            }
        }
        return nil
    }

    /// Removes desk initials and credit tags at the end: "(ian)", "(tim/tim)", "(nds/krs)", "(ant)",
    /// "(Tribunnews.com/Fahdi)", "(Kompas.com)". Keeps content in parentheses: "(RI)", "(30/7/2022)".
    static func stripDeskInitials(_ paragraph: String) -> String {
        var text = Substring(paragraph)
        while text.last?.isWhitespace == true { text = text.dropLast() }
        guard text.last == ")", let open = text.lastIndex(of: "(") else { return paragraph }
        let inner = text[text.index(after: open)..<text.index(before: text.endIndex)]
        let parts = inner.split(separator: "/", omittingEmptySubsequences: false)
        let initials = !parts.isEmpty && parts.count <= 4 && parts.allSatisfy { part in
            (1...5).contains(part.count) && part.allSatisfy { $0.isLetter && $0.isLowercase }
        }
        let lowerInner = inner.lowercased()
        let credit = inner.count <= 60 && [".com", ".co.id", ".id/", "antara"].contains { lowerInner.contains($0) }
            && !inner.contains { $0.isNumber }
        return initials || credit ? String(text[..<open]) : paragraph
    }

    // MARK: - Hashes

    static func exactHash(_ words: [String]) -> String {
        ReferenceSHA256.hash(words.joined(separator: " ")).hex
    }

    static func simHash(words: [String], shingleSize: Int) -> UInt64 {
        simHash(shingles: shingleHashes(words: words, shingleSize: shingleSize))
    }

    /// One stable hash per word shingle, in text order (repeats included): shared by SimHash and MinHash.
    static func shingleHashes(words: [String], shingleSize: Int) -> [UInt64] {
        guard !words.isEmpty else { return [] }
        let size = max(1, min(shingleSize, words.count))
        return (0...(words.count - size)).map { start in
            var hash = ReferenceStableHash()
            for offset in 0..<size {
                if offset > 0 { hash.combine(0x20) }
                hash.combine(words[start + offset])
            }
            return hash.finalized
        }
    }

    static func simHash(shingles: [UInt64]) -> UInt64 {
        guard !shingles.isEmpty else { return 0 }
        var weights = [Int](repeating: 0, count: 64)
        for value in shingles {
            for bit in 0..<64 {
                weights[bit] += (value >> UInt64(bit)) & 1 == 1 ? 1 : -1
            }
        }
        var result: UInt64 = 0
        for bit in 0..<64 where weights[bit] > 0 { result |= 1 << UInt64(bit) }
        return result
    }
}

/// FNV-1a 64 with a SplitMix64 finaliser: cheap, stable across runs and machines, with good bit spread
/// (SimHash needs every bit of every shingle hash to be a fair coin).
struct ReferenceStableHash {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func combine(_ byte: UInt8) {
        state ^= UInt64(byte)
        state &*= 0x0000_0100_0000_01b3
    }

    mutating func combine(_ text: String) {
        for byte in text.utf8 { combine(byte) }
    }

    var finalized: UInt64 {
        var z = state &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

struct ReferenceMinHash: Sendable, Equatable {
    /// Hash functions per signature. 64 gives a Jaccard estimate with standard deviation <= 0.0625.
    static let permutations = 64

    /// One 32-bit minimum per hash function (`permutations` values); empty for an empty text.
    let values: [UInt32]
    /// Distinct shingles the text has (the set size MinHash samples from).
    let shingleCount: Int

    /// - Parameters:
    ///   - words: normalised words (ReferenceFingerprint.normalizedWords).
    ///   - shingleSize: words per shingle (texts shorter than that are one shingle).
    init(words: [String], shingleSize: Int = ReferenceFingerprint.defaultShingleSize) {
        self.init(shingles: ReferenceFingerprint.shingleHashes(words: words, shingleSize: shingleSize))
    }

    /// From shingle hashes (ReferenceFingerprint.shingleHashes; repeats are ignored).
    init(shingles hashes: [UInt64]) {
        guard !hashes.isEmpty else {
            values = []
            shingleCount = 0
            return
        }
        let shingles = Set(hashes)
        var minima = [UInt32](repeating: .max, count: Self.permutations)
        for shingle in shingles {
            for index in 0..<Self.permutations {
                // A multiply-add family over the (already well-mixed) shingle hash; the high 32 bits are the
                // well-distributed ones of a product mod 2^64.
                let permuted = UInt32(truncatingIfNeeded: (shingle &* Self.multipliers[index] &+ Self.addends[index]) >> 32)
                if permuted < minima[index] { minima[index] = permuted }
            }
        }
        values = minima
        shingleCount = shingles.count
    }

    /// A signature from its values (e.g. generated ones in the benchmark); `values` should hold
    /// `permutations` values.
    init(values: [UInt32], shingleCount: Int) {
        self.values = values
        self.shingleCount = shingleCount
    }

    /// The stored form: the low 8 bits of each value (b-bit minwise hashing, b = 8; 64 bytes). Enough to
    /// estimate the overlap; see `estimatedJaccard(_:_:)`.
    var compact: [UInt8] { values.map { UInt8(truncatingIfNeeded: $0) } }

    /// Jaccard similarity estimated from two compact signatures: the fraction of equal bytes, corrected for
    /// the 1/256 chance that two different minima share their low byte. 0 when either is empty or they differ
    /// in length.
    static func estimatedJaccard(_ a: [UInt8], _ b: [UInt8]) -> Double {
        guard !a.isEmpty, a.count == b.count else { return 0 }
        var equal = 0
        for index in a.indices where a[index] == b[index] { equal += 1 }
        let chance = 1.0 / 256
        return max(0, (Double(equal) / Double(a.count) - chance) / (1 - chance))
    }

    /// Containment of the smaller text in the larger, |A ∩ B| / min(|A|, |B|), from a Jaccard estimate and
    /// the two set sizes (|A ∩ B| = J (|A| + |B|) / (1 + J)). A copy that lost paragraphs keeps containment
    /// near 1 where its Jaccard drops.
    static func estimatedContainment(jaccard: Double, shingles a: Int, _ b: Int) -> Double {
        guard a > 0, b > 0 else { return 0 }
        let intersection = jaccard * Double(a + b) / (1 + jaccard)
        return min(1, intersection / Double(min(a, b)))
    }

    /// LSH band keys: band i hashes values [i*rows, (i+1)*rows). Two texts with Jaccard J share at least one
    /// key with probability 1 - (1 - J^rows)^bands. Each key is `band << 28 | 28 hash bits`, so it fits a
    /// 4-byte SQLite integer for up to 8 bands; unrelated keys collide with probability 2^-28 per band.
    func bandKeys(bands: Int, rows: Int) -> [Int64] {
        guard !values.isEmpty, bands > 0, rows > 0, bands * rows <= values.count else { return [] }
        return (0..<bands).map { band in
            var hash = ReferenceStableHash()
            for value in values[(band * rows)..<((band + 1) * rows)] {
                for shift in stride(from: 0, to: 32, by: 8) { hash.combine(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
            }
            return Int64(band) << 28 | Int64(hash.finalized & 0x0FFF_FFFF)
        }
    }

    /// Fixed odd multipliers and addends (SplitMix64 outputs of 1...64 and 101...164): part of the stored
    /// format, never change them.
    static let multipliers: [UInt64] = (1...UInt64(permutations)).map { splitMix($0) | 1 }
    static let addends: [UInt64] = (101...UInt64(100 + permutations)).map { splitMix($0) }

    static func splitMix(_ seed: UInt64) -> UInt64 {
        var z = seed &* 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}


struct ReferenceSHA256: Sendable {
    /// The 32-byte digest.
    struct Digest: Sendable, Equatable, Hashable {
        let bytes: [UInt8]

        /// 64 lowercase hex digits.
        var hex: String { Hex.encode(bytes) }

        /// The first 8 bytes read as a big-endian integer (used for the 64-bit article id).
        var prefix64: UInt64 {
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

    init() {
        buffer.reserveCapacity(64)
    }

    /// One-shot digest of bytes.
    static func hash<Bytes: Sequence>(_ bytes: Bytes) -> Digest where Bytes.Element == UInt8 {
        var hasher = ReferenceSHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// One-shot digest of a string's UTF-8 bytes.
    static func hash(_ string: String) -> Digest {
        hash(string.utf8)
    }

    mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
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

    mutating func update(_ string: String) {
        update(string.utf8)
    }

    func finalize() -> Digest {
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
    private mutating func compress(_ block: UnsafeRawBufferPointer) {
        precondition(block.count == 64, "SHA-256 blocks are 64 bytes")
        length &+= 64
        let newState = withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            for i in 0..<16 {
                w[i] = UInt32(block[4 * i]) << 24 | UInt32(block[4 * i + 1]) << 16 | UInt32(block[4 * i + 2]) << 8
                    | UInt32(block[4 * i + 3])
            }
            for i in 16..<64 {
                let s0 = w[i - 15].referenceRotatedRight(7) ^ w[i - 15].referenceRotatedRight(18) ^ (w[i - 15] >> 3)
                let s1 = w[i - 2].referenceRotatedRight(17) ^ w[i - 2].referenceRotatedRight(19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, h) = state
            ReferenceSHA256.k.withUnsafeBufferPointer { k in
                for i in 0..<64 {
                    let s1 = e.referenceRotatedRight(6) ^ e.referenceRotatedRight(11) ^ e.referenceRotatedRight(25)
                    let choice = (e & f) ^ (~e & g)
                    let t1 = h &+ s1 &+ choice &+ k[i] &+ w[i]
                    let s0 = a.referenceRotatedRight(2) ^ a.referenceRotatedRight(13) ^ a.referenceRotatedRight(22)
                    let majority = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = s0 &+ majority
                    h = g; g = f; f = e; e = d &+ t1
                    d = c; c = b; b = a; a = t1 &+ t2
                }
            }
            return (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d, state.4 &+ e, state.5 &+ f,
                    state.6 &+ g, state.7 &+ h)
        }
        state = newState
    }
}

extension UInt32 {
    @inline(__always)
    fileprivate func referenceRotatedRight(_ count: UInt32) -> UInt32 { (self >> count) | (self << (32 - count)) }
}

