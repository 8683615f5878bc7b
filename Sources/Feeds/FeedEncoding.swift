// Choosing how to decode a feed's bytes before libxml2 sees them. Order, as feedparser and RFC 3023 do:
// a byte-order mark, then the HTTP charset, then the XML declaration, then UTF-8. Two corrections for the wild:
// - Bytes that are valid UTF-8 (and not plain ASCII) are read as UTF-8 whatever the label says: a CMS that
//   declares ISO-8859-1 or windows-1252 but writes UTF-8 is common, and obeying the label gives mojibake
//   ("BerÃ­ta"). Text that really is Latin-1 is practically never valid UTF-8.
// - Bytes that are not valid UTF-8 and are labelled UTF-8, ISO-8859-1, windows-1252 or nothing are read as
//   windows-1252 (a superset of ISO-8859-1's printable characters), transcoded here so that no byte can make
//   iconv stop half-way.
// Other labels (iso-8859-2, koi8-r, gbk, ...) go to libxml2's iconv as declared.
import CrawlerModel
import LibXML2

enum FeedEncoding {
    struct Prepared {
        var bytes: [UInt8]
        /// The encoding to tell libxml2 (the declaration is rewritten to match); nil lets libxml2 detect it
        /// (EBCDIC only).
        var encoding: String?
    }

    /// Charset labels (Python/IANA spellings seen in feeds) that glibc's iconv, which libxml2 decodes legacy
    /// charsets with, knows under another name (`iconv -l`). Labels not listed pass through unchanged.
    static func iconvName(_ normalized: String) -> String {
        switch normalized {
        case "maciceland", "mac-iceland", "x-mac-icelandic": "MACIS"
        case "maclatin2", "mac-latin2", "x-mac-ce", "x-mac-centraleurpean", "maccentraleurope": "MAC-CENTRALEUROPE"
        case "maccyrillic", "x-mac-cyrillic": "MACCYRILLIC"
        case "macroman", "mac-roman", "x-mac-roman": "MACINTOSH"
        case "ibm039": "IBM037"
        case "csibm500", "ibm500", "ebcdic-cp-be", "ebcdic-cp-ch": "CP500"
        case "csibm037", "ebcdic-cp-us", "ebcdic-cp-ca", "ebcdic-cp-nl", "ebcdic-cp-wt": "IBM037"
        default: normalized
        }
    }

    /// The `encoding="..."` of an XML declaration written in EBCDIC (any of the Latin code pages: letters,
    /// digits and the declaration's punctuation share their bytes in cp037, cp500, cp875 ...). nil if none.
    static func ebcdicDeclaredEncoding(_ bytes: [UInt8]) -> String? {
        func ascii(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 0x81...0x89: return byte - 0x81 + UInt8(ascii: "a")
            case 0x91...0x99: return byte - 0x91 + UInt8(ascii: "j")
            case 0xA2...0xA9: return byte - 0xA2 + UInt8(ascii: "s")
            case 0xC1...0xC9: return byte - 0xC1 + UInt8(ascii: "A")
            case 0xD1...0xD9: return byte - 0xD1 + UInt8(ascii: "J")
            case 0xE2...0xE9: return byte - 0xE2 + UInt8(ascii: "S")
            case 0xF0...0xF9: return byte - 0xF0 + UInt8(ascii: "0")
            case 0x40: return UInt8(ascii: " ")
            case 0x60: return UInt8(ascii: "-")
            case 0x6D: return UInt8(ascii: "_")
            case 0x4B: return UInt8(ascii: ".")
            case 0x7F: return UInt8(ascii: "\"")
            case 0x7D: return UInt8(ascii: "'")
            case 0x7E: return UInt8(ascii: "=")
            case 0x6F: return UInt8(ascii: "?")
            case 0x6E: return UInt8(ascii: ">")
            case 0x4C: return UInt8(ascii: "<")
            default: return nil
            }
        }
        var text: [UInt8] = []
        for byte in bytes.prefix(200) {
            guard let character = ascii(byte) else { break }
            text.append(character)
            if character == UInt8(ascii: ">") { break }
        }
        guard let declaration = xmlDeclaration(text), let encoding = declaration.encoding else { return nil }
        return CharsetSniffer.normalize(encoding)
    }

    static func prepareXML(_ bytes: [UInt8], from start: Int, httpCharset: String?, wasWide: Bool = false) throws(FeedParseError) -> Prepared {
        var body = start == 0 ? bytes : Array(bytes[start...])
        let declaration = xmlDeclaration(body)
        if wasWide {
            // Already transcoded from UTF-16/32 to UTF-8: whatever the labels say, the bytes are UTF-8 now.
            if declaration?.encoding != nil { body = replacingDeclaration(body, declaration, encoding: "UTF-8") }
            return Prepared(bytes: body, encoding: "UTF-8")
        }
        let label = httpCharset.flatMap { nonEmpty($0.trimmingFeedWhitespace) } ?? declaration?.encoding
        let normalized = label.flatMap(CharsetSniffer.normalize).map(iconvName)
        if label != nil && normalized == nil {
            throw FeedParseError(.badEncoding, "unusable charset label \"\(label!.prefix(40))\"")
        }
        // A UTF-16/32 label on bytes that were not UTF-16/32 (those were transcoded before) is wrong.
        let labelIsWide = normalized.map { $0.hasPrefix("UTF-16") || $0.lowercased().hasPrefix("utf-32") || $0.lowercased().hasPrefix("ucs") } ?? false
        if FeedEncoding.isValidUTF8(body) {
            // Valid UTF-8; a label saying otherwise is wrong (or harmless, for ASCII-only bytes).
        } else if normalized == nil || normalized == "UTF-8" || normalized == "windows-1252" || labelIsWide {
            body = Windows1252.toUTF8(body)
        } else {
            // A legacy charset libxml2 decodes through iconv; make sure the label it sees is the one we chose.
            if declaration?.encoding?.lowercased() != normalized {
                body = replacingDeclaration(body, declaration, encoding: normalized!)
            }
            return Prepared(bytes: body, encoding: normalized)
        }
        if let declared = declaration?.encoding, CharsetSniffer.normalize(declared) != "UTF-8" {
            body = replacingDeclaration(body, declaration, encoding: "UTF-8")
        }
        return Prepared(bytes: body, encoding: "UTF-8")
    }

    /// Strict UTF-8 validation (no overlongs, no surrogates, nothing above U+10FFFF), with a tight loop over
    /// ASCII runs: every feed passes through here once, and most feed bytes are ASCII.
    static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            var index = 0
            let count = buffer.count
            let raw = UnsafeRawPointer(buffer.baseAddress)
            while index < count {
                // Eight ASCII bytes at a time: most feeds are mostly ASCII markup.
                if let raw, index + 8 <= count, raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    index += 8
                    continue
                }
                let lead = buffer[index]
                if lead < 0x80 { index += 1; continue }
                func continuation(_ offset: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
                    index + offset < count && buffer[index + offset] >= low && buffer[index + offset] <= high
                }
                switch lead {
                case 0xC2...0xDF:
                    guard continuation(1) else { return false }
                    index += 2
                case 0xE0:
                    guard continuation(1, 0xA0), continuation(2) else { return false }
                    index += 3
                case 0xE1...0xEC, 0xEE, 0xEF:
                    guard continuation(1), continuation(2) else { return false }
                    index += 3
                case 0xED:
                    guard continuation(1, 0x80, 0x9F), continuation(2) else { return false }
                    index += 3
                case 0xF0:
                    guard continuation(1, 0x90), continuation(2), continuation(3) else { return false }
                    index += 4
                case 0xF1...0xF3:
                    guard continuation(1), continuation(2), continuation(3) else { return false }
                    index += 4
                case 0xF4:
                    guard continuation(1, 0x80, 0x8F), continuation(2), continuation(3) else { return false }
                    index += 4
                default:
                    return false
                }
            }
            return true
        }
    }

    /// UTF-16 and UTF-32 input (with a byte-order mark, or recognised from how `<` is encoded as XML 1.0
    /// appendix F describes) transcoded to UTF-8, so that everything after this sees one encoding.
    /// Returns nil for input that is not UTF-16/32.
    static func transcodeWide(_ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count >= 4 else { return nil }
        let head = (bytes[0], bytes[1], bytes[2], bytes[3])
        enum Wide { case utf16(bigEndian: Bool, skip: Int), utf32(bigEndian: Bool, skip: Int) }
        let wide: Wide
        switch head {
        case (0x00, 0x00, 0xFE, 0xFF): wide = .utf32(bigEndian: true, skip: 4)
        case (0xFF, 0xFE, 0x00, 0x00): wide = .utf32(bigEndian: false, skip: 4)
        case (0x00, 0x00, 0x00, 0x3C): wide = .utf32(bigEndian: true, skip: 0)
        case (0x3C, 0x00, 0x00, 0x00): wide = .utf32(bigEndian: false, skip: 0)
        case (0xFE, 0xFF, _, _): wide = .utf16(bigEndian: true, skip: 2)
        case (0xFF, 0xFE, _, _): wide = .utf16(bigEndian: false, skip: 2)
        case (0x00, 0x3C, 0x00, _), (0x00, 0x7B, 0x00, _): wide = .utf16(bigEndian: true, skip: 0)
        case (0x3C, 0x00, _, 0x00), (0x7B, 0x00, _, 0x00): wide = .utf16(bigEndian: false, skip: 0)
        default: return nil
        }
        let text: String
        switch wide {
        case .utf16(let bigEndian, let skip):
            var units: [UInt16] = []
            units.reserveCapacity((bytes.count - skip) / 2)
            var index = skip
            while index + 1 < bytes.count {
                units.append(bigEndian ? UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
                                       : UInt16(bytes[index + 1]) << 8 | UInt16(bytes[index]))
                index += 2
            }
            text = String(decoding: units, as: UTF16.self)
        case .utf32(let bigEndian, let skip):
            var units: [UInt32] = []
            units.reserveCapacity((bytes.count - skip) / 4)
            var index = skip
            while index + 3 < bytes.count {
                let b = (UInt32(bytes[index]), UInt32(bytes[index + 1]), UInt32(bytes[index + 2]), UInt32(bytes[index + 3]))
                units.append(bigEndian ? b.0 << 24 | b.1 << 16 | b.2 << 8 | b.3 : b.3 << 24 | b.2 << 16 | b.1 << 8 | b.0)
                index += 4
            }
            text = String(decoding: units, as: UTF32.self)
        }
        return Array(text.utf8)
    }

    /// The bytes and charset to hand libxml2's HTML parser: the HTTP charset, else what the page says (BOM,
    /// <meta>), with the same two corrections as for XML (valid UTF-8 wins over a legacy label; windows-1252 is
    /// transcoded here, because iconv stops at its five undefined bytes and libxml2 then prints to stderr).
    static func prepareHTML(_ bytes: [UInt8], httpCharset: String?) -> (bytes: [UInt8], encoding: String) {
        var label = httpCharset.flatMap(CharsetSniffer.normalize) ?? CharsetSniffer.sniffHTML(bytes)
        let hasUTF16BOM = bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF])
        if label.hasPrefix("UTF-16") {
            if hasUTF16BOM { return (bytes, label) }
            label = "UTF-8"  // a UTF-16 label on 8-bit bytes: browsers read such pages as UTF-8 too
        }
        let isUTF8 = FeedEncoding.isValidUTF8(bytes)
        if isUTF8 && (label == "UTF-8" || bytes.contains(where: { $0 >= 0x80 })) { return (bytes, "UTF-8") }
        if label == "windows-1252" || label == "UTF-8" { return (isUTF8 ? bytes : Windows1252.toUTF8(bytes), "UTF-8") }
        return (bytes, label)
    }

    struct Declaration {
        /// Byte range of `<?xml ... ?>` in the body.
        var range: Range<Int>
        var encoding: String?
    }

    /// Reads `<?xml version="1.0" encoding="..."?>` at the very start of the body.
    static func xmlDeclaration(_ body: [UInt8]) -> Declaration? {
        guard body.starts(with: Array("<?xml".utf8)), body.count > 6,
              body[5] == 0x20 || body[5] == 0x09 || body[5] == 0x0A || body[5] == 0x0D else { return nil }
        let limit = min(body.count, 512)
        guard let end = FeedParser.find(Array("?>".utf8), in: Array(body[..<limit]), from: 5) else { return nil }
        let inside = String(decoding: body[5..<end], as: UTF8.self)
        var encoding: String?
        if let key = inside.firstRange(of: "encoding") {
            let rest = inside[key.upperBound...].drop(while: { $0 == " " || $0 == "=" || $0 == "\t" })
            if let quote = rest.first, quote == "\"" || quote == "'" {
                let value = rest.dropFirst().prefix(while: { $0 != quote })
                encoding = String(value).trimmingFeedWhitespace
            }
        }
        return Declaration(range: 0..<(end + 2), encoding: encoding)
    }

    private static func replacingDeclaration(_ body: [UInt8], _ declaration: Declaration?, encoding: String) -> [UInt8] {
        guard let declaration else { return body }
        // Keep the declaration's line count so libxml2's line numbers still match the source.
        let newlines = body[declaration.range].filter { $0 == 0x0A }.count
        let replacement = Array("<?xml version=\"1.0\" encoding=\"\(encoding)\"?>".utf8) + Array(repeating: 0x0A, count: newlines)
        var result = replacement
        result.append(contentsOf: body[declaration.range.upperBound...])
        return result
    }
}

/// Checks on a parsed feed that catch publishers' mistakes which would otherwise become bogus articles.
enum FeedHealth {
    /// Every item linking to a home page (tribunnews has served such feeds) or all to one page: the real
    /// article URLs are taken from the guids when every guid is a distinct article URL; otherwise the feed
    /// is reported broken.
    static func checkLinks(_ feed: inout ParsedFeed) throws(FeedParseError) {
        let links = feed.items.compactMap(\.link)
        // One item linking to a home page is a plausible announcement; the quirk is a pattern across items.
        guard links.count >= 2, links.count == feed.items.count else { return }
        let allHome = links.allSatisfy(isHomepage)
        let allSame = links.count >= 3 && Set(links).count == 1
        guard allHome || allSame else { return }
        let ids = feed.items.compactMap(\.id).filter { URLResolver.isHTTP($0) && !isHomepage($0) }
        if ids.count == feed.items.count, Set(ids).count == ids.count {
            for index in feed.items.indices { feed.items[index].link = feed.items[index].id }
            return
        }
        let what = allHome ? "a home page (\(links[0]))" : "the same page (\(links[0]))"
        throw FeedParseError(.linksPointToHomepage, "all \(links.count) item links point to \(what)")
    }

    static func isHomepage(_ url: String) -> Bool {
        guard URLResolver.isHTTP(url), URLResolver.query(of: url) == nil else { return false }
        switch URLResolver.path(of: url).lowercased() {
        case "/", "/index.html", "/index.htm", "/index.php", "/home": return true
        default: return false
        }
    }
}
