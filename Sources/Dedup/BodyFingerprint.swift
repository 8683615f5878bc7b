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

    /// Computes every fingerprint with one normalisation pass.
    public init(paragraphs: [String], shingleSize: Int = BodyFingerprint.defaultShingleSize) {
        let words = Self.normalizedWords(paragraphs)
        exact = Self.exactHash(words)
        let shingles = Self.shingleHashes(words: words, shingleSize: shingleSize)
        simHash = Self.simHash(shingles: shingles)
        minHash = MinHashSignature(shingles: shingles)
        wordCount = words.count
    }

    /// Words per shingle: 3 keeps word order significant without making one typo change many shingles.
    public static let defaultShingleSize = 3

    public static func exact(_ paragraphs: [String]) -> String {
        exactHash(normalizedWords(paragraphs))
    }

    public static func simHash(_ paragraphs: [String], shingleSize: Int = defaultShingleSize) -> UInt64 {
        simHash(words: normalizedWords(paragraphs), shingleSize: shingleSize)
    }

    /// Bits that differ between two SimHashes (0...64).
    public static func hammingDistance(_ a: UInt64, _ b: UInt64) -> Int {
        (a ^ b).nonzeroBitCount
    }

    // MARK: - Normalisation

    /// Paragraphs minus boilerplate, datelines and desk initials, lowercased, split into words of letters
    /// and digits (everything else is a separator).
    public static func normalizedWords(_ paragraphs: [String]) -> [String] {
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
        SHA256.hash(words.joined(separator: " ")).hex
    }

    static func simHash(words: [String], shingleSize: Int) -> UInt64 {
        simHash(shingles: shingleHashes(words: words, shingleSize: shingleSize))
    }

    /// One stable hash per word shingle, in text order (repeats included): shared by SimHash and MinHash.
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
struct StableHash {
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
