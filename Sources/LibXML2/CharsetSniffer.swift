// Choosing the charset to decode an HTML page with, before libxml2 sees it.
// Order (as browsers and the WHATWG encoding sniffing algorithm do, simplified): a byte-order mark, then the
// caller's (HTTP) charset, then a <meta charset> / http-equiv in the first 2 KiB, then UTF-8 when the bytes are
// valid UTF-8, else windows-1252. libxml2 left alone would assume ISO-8859-1 for pages that declare nothing,
// which turns every UTF-8 page without a declaration into mojibake.
public enum CharsetSniffer {
    /// Bytes of the page examined for a <meta> declaration. Browsers use 1024; real pages sometimes put
    /// it later behind long <script> blocks, so we look a little further.
    static let prescanBytes = 2048

    public static func sniffHTML(_ bytes: [UInt8]) -> String {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return "UTF-8" }
        if bytes.starts(with: [0xFF, 0xFE]) { return "UTF-16LE" }
        if bytes.starts(with: [0xFE, 0xFF]) { return "UTF-16BE" }
        if let declared = metaCharset(bytes.prefix(prescanBytes)).flatMap(normalize) {
            // A page declaring a legacy charset whose bytes are nonetheless valid UTF-8 (and not plain ASCII)
            // was saved as UTF-8 by a CMS that kept an old template: decoding it as declared gives mojibake.
            if declared != "UTF-8" && isValidUTF8(bytes) && !isASCII(bytes) { return "UTF-8" }
            return declared
        }
        return isValidUTF8(bytes) ? "UTF-8" : "windows-1252"
    }

    /// Maps a declared label to the name libxml2/iconv should use; nil for labels we refuse.
    public static func normalize(_ label: String) -> String? {
        let lowered = label.lowercased().filter { !$0.isWhitespace && $0 != "\"" && $0 != "'" }
        switch lowered {
        case "": return nil
        case "utf-8", "utf8", "unicode-1-1-utf-8": return "UTF-8"
        // WHATWG: these labels all mean windows-1252 in practice (it is a superset of Latin-1's printables).
        case "iso-8859-1", "latin1", "latin-1", "iso8859-1", "iso_8859-1", "us-ascii", "ascii", "windows-1252",
             "cp1252", "x-cp1252": return "windows-1252"
        case "utf-16", "utf-16le": return "UTF-16LE"
        case "utf-16be": return "UTF-16BE"
        default:
            // Anything else iconv knows (iso-8859-x, windows-125x, koi8-r, shift_jis, gbk, ...). Reject labels
            // that are not plausible charset names so they never reach iconv unfiltered.
            guard lowered.count <= 40, lowered.allSatisfy({ $0.isLetter || $0.isNumber || "-_.:".contains($0) }) else {
                return nil
            }
            return lowered
        }
    }

    /// Finds `charset=` inside a <meta ...> tag in the given prefix, ASCII-case-insensitively.
    static func metaCharset(_ prefix: ArraySlice<UInt8>) -> String? {
        let lowered = prefix.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        let meta = Array("<meta".utf8), charset = Array("charset=".utf8)
        var index = 0
        while let metaAt = find(meta, in: lowered, from: index) {
            let tagStart = metaAt + meta.count
            let tagEnd = lowered[tagStart...].firstIndex(of: UInt8(ascii: ">")) ?? lowered.count
            if let at = find(charset, in: lowered, from: tagStart), at < tagEnd {
                let quotesAndSpace: Set<UInt8> = [0x22, 0x27, 0x20]
                let stops: Set<UInt8> = [0x22, 0x27, 0x3B, 0x20, 0x2F, 0x3E]
                let value = lowered[(at + charset.count)..<tagEnd]
                    .drop(while: { quotesAndSpace.contains($0) })
                    .prefix(while: { !stops.contains($0) })
                if !value.isEmpty { return String(decoding: value, as: UTF8.self) }
            }
            index = tagEnd
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard needle.count <= haystack.count, start <= haystack.count - needle.count else { return nil }
        var position = start
        while position <= haystack.count - needle.count {
            if haystack[position] == needle[0] && haystack[position..<(position + needle.count)].elementsEqual(needle) {
                return position
            }
            position += 1
        }
        return nil
    }

    /// True when the bytes are well-formed UTF-8 (Unicode table 3-7: no overlong forms, no surrogates, nothing
    /// above U+10FFFF, no truncated sequence), as Swift's `UTF8` decoder judges them. ASCII runs are checked eight
    /// bytes at a time: the per-scalar decoder cost ~16 instructions a byte, as much as a tenth of an extraction.
    public static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return true }
            return isValidUTF8(UnsafeRawPointer(base), count: buffer.count)
        }
    }

    static func isValidUTF8(_ raw: UnsafeRawPointer, count: Int) -> Bool {
        let bytes = raw.assumingMemoryBound(to: UInt8.self)
        var i = 0
        while i < count {
            // Skip ASCII a word at a time.
            while i + 16 <= count {
                let first = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let second = raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
                if (first | second) & 0x8080_8080_8080_8080 != 0 { break }
                i += 16
            }
            guard i < count else { return true }
            let lead = bytes[i]
            if lead < 0x80 { i += 1; continue }
            // The allowed range of the second byte depends on the lead byte; later bytes are 0x80...0xBF.
            let length: Int, low: UInt8, high: UInt8
            switch lead {
            case 0xC2...0xDF: length = 2; low = 0x80; high = 0xBF
            case 0xE0: length = 3; low = 0xA0; high = 0xBF
            case 0xE1...0xEC, 0xEE...0xEF: length = 3; low = 0x80; high = 0xBF
            case 0xED: length = 3; low = 0x80; high = 0x9F
            case 0xF0: length = 4; low = 0x90; high = 0xBF
            case 0xF1...0xF3: length = 4; low = 0x80; high = 0xBF
            case 0xF4: length = 4; low = 0x80; high = 0x8F
            default: return false
            }
            guard i + length <= count else { return false }
            let second = bytes[i + 1]
            guard second >= low && second <= high else { return false }
            if length > 2 && bytes[i + 2] & 0xC0 != 0x80 { return false }
            if length > 3 && bytes[i + 3] & 0xC0 != 0x80 { return false }
            i += length
        }
        return true
    }

    static func isASCII(_ bytes: [UInt8]) -> Bool { bytes.allSatisfy { $0 < 0x80 } }
}
