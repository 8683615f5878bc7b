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

    public static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    static func isASCII(_ bytes: [UInt8]) -> Bool { bytes.allSatisfy { $0 < 0x80 } }
}
