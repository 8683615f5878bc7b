// Byte-level helpers for the per-line tests. Swift's String.hasPrefix, split(whereSeparator:) and count walk
// grapheme clusters and Unicode properties; the phrases tested here are ASCII, so the line tests run on
// lowercased UTF-8 bytes instead (the dev set's lines cost 34,000 instructions each through String.hasPrefix).

/// The first `limit` bytes of `text` (extended to the end of the character cut), ASCII letters lowercased; other
/// bytes as they are. The byte form of `asciiLowercasedPrefix`.
func asciiLowercasedPrefixBytes(_ text: String, _ limit: Int) -> [UInt8] {
    var text = text
    return text.withUTF8 { source in
        var end = min(limit, source.count)
        while end < source.count && source[end] & 0xC0 == 0x80 { end += 1 }
        return [UInt8](unsafeUninitializedCapacity: end) { buffer, initialized in
            for index in 0..<end {
                let byte = source[index]
                buffer[index] = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
            }
            initialized = end
        }
    }
}

extension Array where Element == UInt8 {
    @inline(__always)
    func hasBytePrefix(_ prefix: [UInt8]) -> Bool {
        guard prefix.count <= count else { return false }
        return withUnsafeBufferPointer { bytes in
            prefix.withUnsafeBufferPointer { needle in
                for index in 0..<needle.count where bytes[index] != needle[index] { return false }
                return true
            }
        }
    }

    func containsBytes(_ needle: [UInt8]) -> Bool {
        withUnsafeBufferPointer { h in needle.withUnsafeBufferPointer { n in byteSearch(h, n) } }
    }

    func hasByteSuffix(_ suffix: [UInt8]) -> Bool {
        guard suffix.count <= count else { return false }
        let offset = count - suffix.count
        for index in 0..<suffix.count where self[offset + index] != suffix[index] { return false }
        return true
    }
}

/// A list of ASCII prefixes tested in list order (so the first match is the one the list names first), looked
/// up by the line's first byte so only the few candidates that can match are compared.
struct PrefixList: Sendable {
    let words: [String]
    private let needles: [[UInt8]]
    /// First byte -> indices into `words`, ascending.
    private let byFirstByte: [[Int]]

    init(_ words: [String]) {
        self.words = words
        needles = words.map { Array($0.utf8) }
        var buckets = [[Int]](repeating: [], count: 256)
        for (index, needle) in needles.enumerated() { buckets[Int(needle.first ?? 0)].append(index) }
        byFirstByte = buckets
    }

    /// The first word (in list order) that `line` starts with.
    func firstMatch(_ line: [UInt8]) -> String? {
        guard let first = line.first else { return nil }
        for index in byFirstByte[Int(first)] where line.hasBytePrefix(needles[index]) { return words[index] }
        return nil
    }

    func matches(_ line: [UInt8]) -> Bool { firstMatch(line) != nil }
}

/// `text.count` (grapheme clusters) without the grapheme walk when every scalar is certainly a cluster of its own
/// (ASCII without CR, Latin-1 and Latin Extended letters, general punctuation, CJK ideographs); otherwise the
/// standard count.
func characterCount(_ text: String) -> Int {
    var text = text
    let fast: Int? = text.withUTF8 { bytes in
        var count = 0
        var index = 0
        let end = bytes.count
        guard let base = bytes.baseAddress else { return 0 }
        while index < end {
            // Eight ASCII bytes without a CR are eight characters: one step for the whole word (the byte loop
            // cost 4,000 instructions a line).
            if index + 8 <= end {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0 {
                    // Every byte of `word ^ CR...` nonzero <=> no CR (bytes below 0x80, so no carry between them).
                    let noCR = ((word ^ 0x0D0D_0D0D_0D0D_0D0D) &+ 0x7F7F_7F7F_7F7F_7F7F) & 0x8080_8080_8080_8080
                    guard noCR == 0x8080_8080_8080_8080 else { return nil }
                    count += 8
                    index += 8
                    continue
                }
            }
            let lead = bytes[index]
            if lead < 0x80 {
                if lead == 0x0D { return nil }
                index += 1
            } else if lead < 0xCC {
                index += 2  // U+0080 ..< U+0300
            } else if lead == 0xE2 {
                // U+2000 ..< U+2070 except the joiners U+200C, U+200D: E2 80 xx, E2 81 (80 ..< B0)
                guard index + 2 < end else { return nil }
                let second = bytes[index + 1], third = bytes[index + 2]
                guard (second == 0x80 && third != 0x8C && third != 0x8D) || (second == 0x81 && third < 0xB0) else { return nil }
                index += 3
            } else if lead >= 0xE4 && lead <= 0xE9 {
                // U+4E00 ..< U+A000: E4 B8 80 ... E9 BF BF
                guard lead != 0xE4 || (index + 1 < end && bytes[index + 1] >= 0xB8) else { return nil }
                index += 3
            } else {
                return nil
            }
            count += 1
        }
        return count
    }
    return fast ?? text.count
}

/// Whether `needle` occurs in `haystack` (an empty needle always does): a first-byte scan, for the short
/// needles the extractor looks for.
func byteSearch(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
    guard needle.count > 0 else { return true }
    guard haystack.count >= needle.count else { return false }
    let first = needle[0]
    var i = 0
    while i <= haystack.count - needle.count {
        if haystack[i] == first {
            var j = 1
            while j < needle.count && haystack[i + j] == needle[j] { j += 1 }
            if j == needle.count { return true }
        }
        i += 1
    }
    return false
}
