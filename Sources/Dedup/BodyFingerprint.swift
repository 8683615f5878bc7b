// Stages 3 and 4 of dedup: fingerprints of an article body that ignore what a republisher changes (datelines,
// bylines, syndication footers, desk initials, case, punctuation, whitespace) and keep what it does not (the
// reporting itself).
//
// - `exact`: SHA-256 of the normalised word sequence, for "same text, different wrapper".
// - `minHash`: MinHash over word shingles, for "same text, a paragraph dropped or a word fixed" (stage 4; see
//   MinHash.swift for why MinHash and the measured threshold).
// - `simHash`: SimHash-64 over word shingles; kept for comparison in the benchmark (and stored), not used to
//   decide.
// Both are stable across machines: no seeded hashing.

public struct BodyFingerprint: Sendable, Equatable {
    /// SHA-256 of the normalised text, 64 lowercase hex digits.
    public let exact: String
    /// SimHash-64 of the normalised text's word shingles.
    public let simHash: UInt64
    /// MinHash of the normalised text's word shingles: what stage 4 (near-duplicate) compares.
    public let minHash: MinHashSignature
    /// Words after normalisation (0 means: nothing to compare; callers should not dedup on it).
    public let wordCount: Int

    /// Computes every fingerprint with one normalisation pass over the paragraphs' UTF-8 bytes (NormalizedText):
    /// the joined words are hashed in place and each shingle is a byte range of them, no String per word.
    /// Three-word shingles (the default) are hashed while NormalizedText writes the words.
    public init(paragraphs: [String], shingleSize: Int = BodyFingerprint.defaultShingleSize) {
        let text = NormalizedText(paragraphs)
        exact = text.withJoined { SHA256.hash($0).hex }
        (simHash, minHash) = Self.withShingleHashes(text, shingleSize: shingleSize) { shingles in
            (Self.simHash(shingles: shingles), MinHashSignature(shingles: shingles))
        }
        wordCount = text.wordCount
    }

    /// Words per shingle: 3 keeps word order significant without making one typo change many shingles.
    public static let defaultShingleSize = 3

    public static func exact(_ paragraphs: [String]) -> String {
        let text = NormalizedText(paragraphs)
        return text.withJoined { SHA256.hash($0).hex }
    }

    public static func simHash(_ paragraphs: [String], shingleSize: Int = defaultShingleSize) -> UInt64 {
        withShingleHashes(NormalizedText(paragraphs), shingleSize: shingleSize) { simHash(shingles: $0) }
    }

    /// Bits that differ between two SimHashes (0...64).
    public static func hammingDistance(_ a: UInt64, _ b: UInt64) -> Int {
        (a ^ b).nonzeroBitCount
    }

    // MARK: - Normalisation

    /// Paragraphs minus boilerplate, datelines and desk initials, lowercased, split into words of letters
    /// and digits (everything else is a separator). Letters, digits and combining marks (decomposed accents)
    /// make words; ASCII letters are lowercased directly, other letters by their Unicode lowercase mapping.
    /// Computed on UTF-8 bytes by NormalizedText; the String functions below define the paragraph rules.
    public static func normalizedWords(_ paragraphs: [String]) -> [String] {
        NormalizedText(paragraphs).words
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

    /// One stable hash per word shingle, in text order (repeats included): shared by SimHash and MinHash.
    /// A shingle's hash is StableHash over its words joined by single spaces: one byte range of the joined text.
    /// (NormalizedText computes the same for three-word shingles while it writes the words, which
    /// `withShingleHashes` lends; this is the definition, for any size.)
    static func withShingleHashes<Result>(_ text: borrowing NormalizedText, shingleSize: Int,
                                          _ body: (UnsafeBufferPointer<UInt64>) -> Result) -> Result {
        if shingleSize == 3, let result = text.withTrigramHashes(body) { return result }
        return shingleHashes(text, shingleSize: shingleSize).withUnsafeBufferPointer(body)
    }

    static func shingleHashes(_ text: borrowing NormalizedText, shingleSize: Int) -> [UInt64] {
        let wordCount = text.wordCount
        guard wordCount > 0 else { return [] }
        let size = max(1, min(shingleSize, wordCount))
        var hashes: [UInt64] = []
        hashes.reserveCapacity(wordCount - size + 1)
        return text.withJoined { bytes in
            shingleHashes(bytes, wordStarts: text.wordStarts, size: size, into: &hashes)
            return hashes
        }
    }

    private static func shingleHashes(_ bytes: UnsafeBufferPointer<UInt8>, wordStarts: UnsafeBufferPointer<Int>, size: Int,
                                      into hashes: inout [UInt64]) {
        let wordCount = wordStarts.count
        /// Byte range of the shingle of `size` words from word `first`.
        func range(first: Int, size: Int) -> Range<Int> {
            let last = first + size - 1
            return wordStarts[first]..<(last + 1 < wordCount ? wordStarts[last + 1] - 1 : bytes.count)
        }
        for first in 0...(wordCount - size) {
            var hash = StableHash()
            for index in range(first: first, size: size) { hash.combine(bytes[index]) }
            hashes.append(hash.finalized)
        }
    }

    /// One stable hash per word shingle of given words (MinHashSignature(words:)).
    static func shingleHashes(words: [String], shingleSize: Int) -> [UInt64] {
        guard !words.isEmpty else { return [] }
        let size = max(1, min(shingleSize, words.count))
        return (0...(words.count - size)).map { start in
            var hash = StableHash()
            for offset in 0..<size {
                if offset > 0 { hash.combine(0x20) }
                hash.combine(words[start + offset])
            }
            return hash.finalized
        }
    }

    /// Bit i is set when more shingle hashes have bit i set than clear (ties clear; 0 for no shingles).
    /// Counted eight bits at a time: each byte of a hash spreads into one counter byte per bit (`bitSpread`),
    /// eight additions per shingle instead of 64; the byte counters are emptied before they can overflow.
    static func simHash(shingles: UnsafeBufferPointer<UInt64>) -> UInt64 {
        guard !shingles.isEmpty else { return 0 }
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 64) { ones in
            ones.initialize(repeating: 0)
            bitSpread.withUnsafeBufferPointer { spread in
                var lanes = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
                var pending = 0
                func drain() {
                    // Byte k of lane j counts bit 8 j + k.
                    func add(_ lane: UInt64, _ j: Int) {
                        for k in 0..<8 { ones[8 * j + k] += Int((lane >> UInt64(8 * k)) & 0xFF) }
                    }
                    add(lanes.0, 0); add(lanes.1, 1); add(lanes.2, 2); add(lanes.3, 3)
                    add(lanes.4, 4); add(lanes.5, 5); add(lanes.6, 6); add(lanes.7, 7)
                    lanes = (0, 0, 0, 0, 0, 0, 0, 0)
                    pending = 0
                }
                for value in shingles {
                    lanes.0 &+= spread[Int(value & 0xFF)]
                    lanes.1 &+= spread[Int((value >> 8) & 0xFF)]
                    lanes.2 &+= spread[Int((value >> 16) & 0xFF)]
                    lanes.3 &+= spread[Int((value >> 24) & 0xFF)]
                    lanes.4 &+= spread[Int((value >> 32) & 0xFF)]
                    lanes.5 &+= spread[Int((value >> 40) & 0xFF)]
                    lanes.6 &+= spread[Int((value >> 48) & 0xFF)]
                    lanes.7 &+= spread[Int(value >> 56)]
                    pending += 1
                    if pending == 255 { drain() }
                }
                drain()
            }
            var result: UInt64 = 0
            // Weight of bit i = ones - zeros = 2 * ones - n: set when positive.
            for bit in 0..<64 where 2 * ones[bit] > shingles.count { result |= 1 << UInt64(bit) }
            return result
        }
    }

    /// Byte b -> a UInt64 whose byte k is bit k of b (each byte a counter that takes one more count).
    static let bitSpread: [UInt64] = (0..<UInt64(256)).map { byte in
        var spread: UInt64 = 0
        for bit in 0..<UInt64(8) { spread |= ((byte >> bit) & 1) << (8 * bit) }
        return spread
    }
}

/// FNV-1a 64 with a SplitMix64 finaliser: cheap, stable across runs and machines, with good bit spread
/// (SimHash needs every bit of every shingle hash to be a fair coin).
struct StableHash {
    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3
    private var state: UInt64 = StableHash.offsetBasis

    mutating func combine(_ byte: UInt8) {
        state ^= UInt64(byte)
        state &*= Self.prime
    }

    mutating func combine(_ text: String) {
        for byte in text.utf8 { combine(byte) }
    }

    var finalized: UInt64 { Self.finalize(state) }

    /// The SplitMix64 finaliser applied to an FNV-1a state.
    @inline(__always)
    static func finalize(_ state: UInt64) -> UInt64 {
        var z = state &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
