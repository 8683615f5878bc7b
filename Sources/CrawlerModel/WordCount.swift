// Counting words across scripts. Space-separated scripts count space-separated tokens; scripts written without
// spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Myanmar) count one word per character, the usual
// convention for them. Without this a full Japanese article counts as a handful of "words" and is rejected as
// too short.
public enum WordCount {
    public static func count(_ text: String) -> Int {
        // On the UTF-8 bytes (a crawl counts every paragraph; iterating Unicode scalars cost ~2% of its
        // instructions): ASCII decided per byte, other characters decoded and decided as countByScalars does.
        var copy = text
        return copy.withUTF8 { bytes in
            var count = 0
            var inWord = false
            var index = 0
            let base = UnsafeRawPointer(bytes.baseAddress)
            while index < bytes.count {
                // Eight ASCII bytes at a time (most of a Latin-script article): a byte is part of a word when it
                // is above 0x20, which adding 0x5F carries into its high bit; a word starts where such a byte
                // follows one that is not. Any byte >= 0x80 in the eight goes to the per-byte loop below.
                if let base, index + 8 <= bytes.count {
                    let eight = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                    let highs: UInt64 = 0x8080_8080_8080_8080
                    if eight & highs == 0 {
                        let inWordBytes = (eight &+ 0x5F5F_5F5F_5F5F_5F5F) & highs
                        let previous = (inWordBytes << 8) | (inWord ? 0x80 : 0)
                        // The marked bytes summed by a multiply into the top byte: the baseline x86-64 target has
                        // no popcnt instruction (nonzeroBitCount is a dozen instructions there).
                        count += Int((((inWordBytes & ~previous) >> 7) &* 0x0101_0101_0101_0101) >> 56)
                        inWord = inWordBytes >> 63 != 0
                        index += 8
                        continue
                    }
                }
                let byte = bytes[index]
                if byte < 0x80 {
                    // ASCII fast path: any whitespace or control ends a word.
                    if byte <= 0x20 { inWord = false } else if !inWord { inWord = true; count += 1 }
                    index += 1
                    continue
                }
                let (value, length) = UTF8Scalar.decode(bytes, at: index)
                index += length
                if isUnspacedScriptCharacter(value) {
                    count += 1
                    inWord = false
                } else if Unicode.Scalar(value)?.properties.isWhitespace == true {
                    inWord = false
                } else if !inWord {
                    inWord = true
                    count += 1
                }
            }
            return count
        }
    }

    /// The same count over Unicode scalars: the definition `count` must agree with (tests compare the two).
    static func countByScalars(_ text: String) -> Int {
        var count = 0
        var inWord = false
        for scalar in text.unicodeScalars {
            if scalar.value < 0x80 {
                if scalar.value <= 0x20 { inWord = false } else if !inWord { inWord = true; count += 1 }
            } else if isUnspacedScriptCharacter(scalar.value) {
                count += 1
                inWord = false
            } else if scalar.properties.isWhitespace {
                inWord = false
            } else if !inWord {
                inWord = true
                count += 1
            }
        }
        return count
    }

    static func isUnspacedScriptCharacter(_ value: UInt32) -> Bool {
        switch value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0xF900...0xFAFF:  // CJK ideographs
            return true
        case 0x3040...0x309F, 0x30A0...0x30FF, 0x31F0...0x31FF, 0xFF66...0xFF9D:  // Hiragana, Katakana
            return true
        case 0x0E01...0x0E3A, 0x0E40...0x0E4E:  // Thai letters and vowels
            return true
        case 0x0E81...0x0EDF, 0x1780...0x17DD, 0x1000...0x104F:  // Lao, Khmer, Myanmar
            return true
        default:
            return false
        }
    }
}

/// Decoding one scalar of UTF-8 by hand, for byte-level scans of text that is valid UTF-8 (a Swift String's bytes).
public enum UTF8Scalar {
    /// The scalar starting at `index` and its length in bytes. A byte that starts no sequence (ASCII, or a stray
    /// continuation byte) is returned as itself, length 1; missing continuation bytes at the end read as 0.
    @inlinable
    public static func decode<Bytes: RandomAccessCollection>(_ bytes: Bytes, at index: Int) -> (value: UInt32, length: Int)
        where Bytes.Element == UInt8, Bytes.Index == Int {
        let lead = bytes[index]
        func next(_ offset: Int) -> UInt32 { index + offset < bytes.endIndex ? UInt32(bytes[index + offset] & 0x3F) : 0 }
        if lead >= 0xF0 { return ((UInt32(lead & 0x07) << 18) | (next(1) << 12) | (next(2) << 6) | next(3), 4) }
        if lead >= 0xE0 { return ((UInt32(lead & 0x0F) << 12) | (next(1) << 6) | next(2), 3) }
        if lead >= 0xC0 { return ((UInt32(lead & 0x1F) << 6) | next(1), 2) }
        return (UInt32(lead), 1)
    }
}
