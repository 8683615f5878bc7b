// Turning feed text fields into one line of plain text: tags stripped, character references decoded,
// whitespace collapsed. Feeds put HTML in titles and descriptions escaped (`&lt;b&gt;`), in CDATA, or as raw
// child elements; after libxml2 has undone the XML layer, all three arrive here as markup in a String.
// Hand-written over UTF-8 bytes: one pass, no regex, no second libxml2 parse per field.
import CrawlerModel
import Foundation
import LibXML2

enum PlainText {
    /// Markup -> plain text. Tags are dropped (block-level ones leave a space so words do not merge),
    /// <script>/<style> contents and comments dropped, entities decoded, whitespace collapsed, NFC.
    static func fromHTML(_ html: String) -> String {
        var source = html
        return source.withUTF8(fromHTML(utf8:))
    }

    /// `fromHTML` over valid UTF-8 bytes (the streamed RSS path has bytes, not Strings).
    static func fromHTML(utf8 bytes: UnsafeBufferPointer<UInt8>) -> String {
        // Fast path: nothing to strip or decode.
        if !bytes.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") }) { return finish(bytes) }
        return strip(bytes).withUnsafeBufferPointer(finish)
    }

    /// Text that is plain already (Atom `type="text"`, JSON Feed `content_text`): only whitespace collapsed.
    static func fromText(_ text: String) -> String {
        var source = text
        return source.withUTF8(finish)
    }

    /// `fromText` over valid UTF-8 bytes.
    static func fromText(utf8 bytes: UnsafeBufferPointer<UInt8>) -> String { finish(bytes) }

    /// C1/double-encoding repairs when the bytes need them (rare: only text with U+0080-U+00FF), then collapse.
    private static func finish(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard mayNeedC1Repair(bytes) else { return collapse(bytes) }
        return mappingC1Controls(Array(bytes)).withUnsafeBufferPointer(collapse)
    }

    /// One pass deciding whether `mappingC1Controls` could change anything: a C1 control (C2 80-9F), or
    /// U+0080-U+00FF characters with nothing above U+00FF (the double-encoding shape). Text with "»" or "é"
    /// beside curly quotes or dashes (common) then skips the copy and the two repair passes.
    private static func mayNeedC1Repair(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var latin1 = false, aboveLatin1 = false
        var index = 0
        let count = bytes.count
        let raw = UnsafeRawPointer(bytes.baseAddress)
        while index < count {
            // Eight ASCII bytes at a time (most feed text is ASCII).
            if let raw, index + 8 <= count, raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                index += 8
                continue
            }
            let byte = bytes[index]
            if byte == 0xC2 || byte == 0xC3 {
                if byte == 0xC2, index + 1 < count, bytes[index + 1] >= 0x80, bytes[index + 1] <= 0x9F { return true }
                latin1 = true
            } else if byte >= 0xC4 {
                aboveLatin1 = true
            }
            index += 1
        }
        return latin1 && !aboveLatin1
    }

    static func collapse(_ bytes: [UInt8]) -> String { bytes.withUnsafeBufferPointer(collapse) }

    /// `SpoolTextFormat.line` over UTF-8 bytes, ~10x faster on the mostly-ASCII text feeds carry (it matters:
    /// a 5,000-item feed has 10,000+ fields): every run of Unicode whitespace becomes one space, ends trimmed,
    /// zero-width spaces, BOMs and controls dropped. Written straight into the String's storage.
    /// Soft hyphens and ZWNJ/ZWJ stay: they are part of the text as written (ZWJ joins emoji sequences, ZWNJ
    /// shapes Persian and Indic words), and feedparser keeps them too.
    /// Text with combining marks (the only text that can change under NFC) is normalised to NFC first and then
    /// collapsed the same way.
    static func collapse(_ bytes: UnsafeBufferPointer<UInt8>) -> String { collapse(bytes, normalized: false) }

    private static func collapse(_ bytes: UnsafeBufferPointer<UInt8>, normalized: Bool) -> String {
        var needsNFC = false
        let result = String(unsafeUninitializedCapacity: max(1, bytes.count)) { out in
            var written = 0
            var pendingSpace = false
            var index = 0
            let count = bytes.count
            while index < count {
                let byte = bytes[index]
                if byte > 0x20 && byte < 0x7F {
                    // A run of printable ASCII (a word, usually): one bounds check and a copy for the whole run
                    // instead of the per-byte checks below (~2x fewer instructions on news text).
                    // A single space between two printable bytes stays as it is, so a whole sentence is one run.
                    var end = index + 1
                    while end < count {
                        let next = bytes[end]
                        if next > 0x20 && next < 0x7F { end += 1; continue }
                        if next == 0x20, end + 1 < count, bytes[end + 1] > 0x20, bytes[end + 1] < 0x7F { end += 2; continue }
                        break
                    }
                    let length = end - index
                    guard written + length + (pendingSpace ? 1 : 0) <= out.count else { break }
                    if pendingSpace { out[written] = 0x20; written += 1; pendingSpace = false }
                    UnsafeMutableRawPointer(out.baseAddress! + written)
                        .copyMemory(from: bytes.baseAddress! + index, byteCount: length)
                    written += length
                    index = end
                    continue
                }
                if byte < 0x80 {
                    index += 1
                    if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) { pendingSpace = written > 0; continue }
                    if byte < 0x20 || byte == 0x7F { continue }
                    // A pending space stands for at least one dropped whitespace byte, so the output never
                    // outgrows the input; the guard keeps memory safe should that reasoning ever break.
                    guard written + (pendingSpace ? 2 : 1) <= out.count else { break }
                    if pendingSpace { out[written] = 0x20; written += 1; pendingSpace = false }
                    out[written] = byte
                    written += 1
                    continue
                }
                // Decode one multi-byte scalar (the input came from a String: valid UTF-8).
                let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                guard index + length <= count else { break }
                var value = UInt32(byte) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
                for offset in 1..<length { value = value << 6 | UInt32(bytes[index + offset] & 0x3F) }
                switch value {
                case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
                    pendingSpace = written > 0
                case 0x80..<0xA0, 0x200B, 0x2060, 0xFEFF:
                    break  // C1 controls, zero-width space, word joiner, BOM
                case 0x0300...0x036F, 0x1100...0x11FF, 0x1AB0...0x1AFF, 0x1DC0...0x1DFF, 0x20D0...0x20FF,
                     0xFE20...0xFE2F, 0x0900...0x0DFF:
                    // Combining marks, Hangul jamo, Indic scripts: NFC may change the text; the careful path
                    // (once: the normalised text is copied like any other).
                    if !normalized {
                        needsNFC = true
                        return 0
                    }
                    fallthrough
                default:
                    guard written + length + (pendingSpace ? 1 : 0) <= out.count else { break }
                    if pendingSpace { out[written] = 0x20; written += 1; pendingSpace = false }
                    for offset in 0..<length { out[written + offset] = bytes[index + offset] }
                    written += length
                }
                index += length
            }
            return written
        }
        guard needsNFC else { return result }
        var composed = String(decoding: bytes, as: UTF8.self).precomposedStringWithCanonicalMapping
        return composed.withUTF8 { collapse($0, normalized: true) }
    }

    /// U+0080-U+009F are control characters nobody means to write; in feeds they come from `&#147;` or from
    /// windows-1252 bytes read as ISO-8859-1, and stand for the windows-1252 characters (curly quotes, dashes,
    /// euro). feedparser maps them the same way.
    private static func mappingC1Controls(_ bytes: [UInt8]) -> [UInt8] {
        if let repaired = undoingDoubleEncoding(bytes) { return repaired }
        guard bytes.withUnsafeBufferPointer(containsC1) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0xC2, index + 1 < bytes.count, bytes[index + 1] >= 0x80, bytes[index + 1] <= 0x9F,
               let scalar = Windows1252.scalar(for: bytes[index + 1]) {
                appendUTF8(scalar, to: &out)
                index += 2
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }

    /// UTF-8 text that was read as ISO-8859-1 and encoded again ("BerÃ\u{AD}ta", "â\u{80}¦" from `&#226;&#128;&#166;`):
    /// when every non-ASCII character is below U+0100 and those code points, taken as bytes, are valid UTF-8
    /// with at least one multi-byte sequence, the text is that UTF-8. Genuine Latin-1 text practically never
    /// passes (it would need "Ã" followed by a byte 0x80-0xBF, and so on). feedparser repairs the same way.
    private static func undoingDoubleEncoding(_ bytes: [UInt8]) -> [UInt8]? {
        // Cheap rejection first: most text is ASCII, or has characters above U+00FF.
        var sawLatin1 = false
        for byte in bytes where byte >= 0x80 {
            if byte == 0xC2 || byte == 0xC3 { sawLatin1 = true } else if byte >= 0xC4 { return nil }
        }
        guard sawLatin1 else { return nil }
        var latin1: [UInt8] = []
        var index = 0
        var sawHigh = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 {
                latin1.append(byte)
                index += 1
            } else if (byte == 0xC2 || byte == 0xC3), index + 1 < bytes.count {
                if latin1.isEmpty && !sawHigh { latin1.reserveCapacity(bytes.count) }
                latin1.append((byte & 0x03) << 6 | (bytes[index + 1] & 0x3F))
                sawHigh = true
                index += 2
            } else {
                return nil  // a character above U+00FF: not double-encoded
            }
        }
        guard sawHigh, FeedEncoding.isValidUTF8(latin1) else { return nil }
        return latin1
    }

    private static func containsC1(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == 0xC2, bytes[index + 1] >= 0x80, bytes[index + 1] <= 0x9F { return true }
            index += 1
        }
        return false
    }

    /// Decodes character references only (no tag stripping), e.g. for URLs written with `&amp;`.
    static func decodeEntities(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "&")) else { return text }
        var source = text
        let decoded: [UInt8] = source.withUTF8 { bytes in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var index = 0
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "&"), let (scalar, length) = entity(in: bytes, at: index) {
                    appendUTF8(scalar, to: &out)
                    index += length
                } else {
                    out.append(bytes[index])
                    index += 1
                }
            }
            return out
        }
        return String(decoding: decoded, as: UTF8.self)
    }

    /// Output never outgrows the input: every reference is at least as long as its UTF-8 (`&lt;` 4 -> 1,
    /// `&#x1F600;` 9 -> 4), and a block tag (3+ bytes) leaves one space. So the buffer is allocated once, at the
    /// input's size, and written without bounds growth.
    private static func strip(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: bytes.count) { buffer, initialized in
            var out = OutputCursor(buffer)
            stripInto(&out, bytes)
            initialized = out.count
        }
    }

    /// A write position in a preallocated buffer.
    struct OutputCursor {
        let buffer: UnsafeMutableBufferPointer<UInt8>
        var count = 0
        init(_ buffer: UnsafeMutableBufferPointer<UInt8>) { self.buffer = buffer }
        mutating func append(_ byte: UInt8) {
            // The size argument above says this never fires; if it were wrong, text is cut, memory is not.
            guard count < buffer.count else { return }
            buffer[count] = byte
            count += 1
        }
        /// A run of bytes in one copy; cut at the buffer's end like `append(_:)` (which never happens, see above).
        mutating func append(run bytes: UnsafeBufferPointer<UInt8>) {
            let length = min(bytes.count, buffer.count - count)
            guard length > 0 else { return }
            UnsafeMutableRawPointer(buffer.baseAddress! + count).copyMemory(from: bytes.baseAddress!, byteCount: length)
            count += length
        }
        mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>.SubSequence) {
            for byte in bytes { append(byte) }
        }
        mutating func append(_ scalar: Unicode.Scalar) {
            UTF8.encode(scalar) { append($0) }
        }
    }

    /// True when one of the eight bytes may be "<" or "&" (exact zero-byte test: no false negatives).
    @inline(__always)
    private static func mayContainMarkup(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let lessThan = word ^ (ones &* 0x3C), ampersand = word ^ (ones &* 0x26)
        return ((lessThan &- ones) & ~lessThan | (ampersand &- ones) & ~ampersand) & highs != 0
    }

    private static func stripInto(_ out: inout OutputCursor, _ bytes: UnsafeBufferPointer<UInt8>) {
        var index = 0
        let count = bytes.count
        var noTagEndAhead = false
        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "&") {
                if let (scalar, length) = entity(in: bytes, at: index) {
                    out.append(scalar)
                    index += length
                } else {
                    out.append(byte)
                    index += 1
                }
                continue
            }
            guard byte == UInt8(ascii: "<"), index + 1 < count else {
                // Text up to the next markup character, copied as one run; found eight bytes at a time.
                var end = index + 1
                let raw = UnsafeRawPointer(bytes.baseAddress!)
                while end + 8 <= count, !mayContainMarkup(raw.loadUnaligned(fromByteOffset: end, as: UInt64.self)) { end += 8 }
                while end < count, bytes[end] != UInt8(ascii: "<"), bytes[end] != UInt8(ascii: "&") { end += 1 }
                out.append(run: UnsafeBufferPointer(rebasing: bytes[index..<end]))
                index = end
                continue
            }
            let next = bytes[index + 1]
            if next == UInt8(ascii: "!") {
                // Comment, or a doctype/CDATA marker left in escaped HTML.
                if hasPrefix(bytes, at: index, "<!--") {
                    index = find(bytes, "-->", from: index + 4).map { $0 + 3 } ?? count
                } else if hasPrefix(bytes, at: index, "<![CDATA[") {
                    // Escaped HTML sometimes still carries a CDATA wrapper: keep its text.
                    let end = find(bytes, "]]>", from: index + 9) ?? count
                    out.append(contentsOf: bytes[(index + 9)..<end])
                    index = min(count, end + 3)
                } else if index + 2 < count, isASCIILetter(bytes[index + 2]) {
                    // <!DOCTYPE ...> and other declarations.
                    index = firstIndex(of: UInt8(ascii: ">"), in: bytes, from: index).map { $0 + 1 } ?? count
                } else {
                    // "<!'" or "<!" alone: text, not markup (an HTML parser reads it the same way).
                    out.append(byte)
                    index += 1
                }
                continue
            }
            let closing = next == UInt8(ascii: "/")
            let nameStart = closing ? index + 2 : index + 1
            guard nameStart < count, isASCIILetter(bytes[nameStart]) || next == UInt8(ascii: "?") else {
                // "a < b", "<3": a literal less-than sign.
                out.append(byte)
                index += 1
                continue
            }
            guard !noTagEndAhead, let tagEnd = tagEnd(bytes, from: nameStart) else {
                // No closing ">" anywhere: "a<b" was text after all. Remembered, so a hostile run of "<a<a<a"
                // costs one scan, not one per "<".
                noTagEndAhead = true
                out.append(byte)
                index += 1
                continue
            }
            var nameEnd = nameStart
            while nameEnd < tagEnd, isASCIILetter(bytes[nameEnd]) || isASCIIDigit(bytes[nameEnd]) { nameEnd += 1 }
            let name = UnsafeBufferPointer(rebasing: bytes[nameStart..<nameEnd])
            index = tagEnd + 1
            if !closing, equalsLowercased(name, "script") || equalsLowercased(name, "style") {
                // Skip the element's content up to its end tag.
                let endTag: StaticString = equalsLowercased(name, "script") ? "</script" : "</style"
                let close = findIgnoringCase(bytes, endTag, from: index) ?? count
                index = firstIndex(of: UInt8(ascii: ">"), in: bytes, from: close).map { $0 + 1 } ?? count
                continue
            }
            // A prefixed name (<dc:title>, <svg:text>) is an XML island in the HTML: its parts are separate.
            let prefixed = nameEnd < tagEnd && bytes[nameEnd] == UInt8(ascii: ":")
            if prefixed || isBlock(name) { out.append(UInt8(ascii: " ")) }
        }
    }

    /// The index of the `>` closing a tag, skipping quoted attribute values. A quote that never closes
    /// (`<a href=http://x/">`, a missing opening quote) does not swallow the rest of the text: the first `>`
    /// after the tag start ends the tag then.
    private static func tagEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        var quote: UInt8 = 0
        var firstClose: Int?
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ">"), firstClose == nil { firstClose = index }
            if quote != 0 {
                if byte == quote { quote = 0 }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                return index
            }
            index += 1
        }
        return firstClose
    }

    /// Tags after which text on either side belongs to different words/lines.
    private static func isBlock(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        let blocks: [StaticString] = ["p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
                      "table", "blockquote", "hr", "img", "figure", "figcaption", "section", "article", "header",
                      "footer", "dd", "dt", "dl", "pre", "iframe", "video", "audio", "source", "center",
                      // MathML tokens and SVG text: separate symbols/labels, not parts of one word ("a + b").
                      "math", "mi", "mo", "mn", "ms", "mtext", "mrow", "svg", "text", "title", "desc", "metadata"]
        for block in blocks where equalsLowercased(name, block) { return true }
        return false
    }

    /// Decodes `&name;`, `&#123;`, `&#x1F600;` at `start`; returns the scalar and the bytes consumed.
    /// The five XML names are also accepted without `;` (as browsers do), other names need it.
    static func entity(in bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> (Unicode.Scalar, Int)? {
        var index = start + 1
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "#") {
            index += 1
            var hex = false
            if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "x") { hex = true; index += 1 }
            var value: UInt32 = 0
            let digitsStart = index
            while index < bytes.count, index - digitsStart < 8 {
                let byte = bytes[index]
                if isASCIIDigit(byte) { value = value * (hex ? 16 : 10) + UInt32(byte - 48) }
                else if hex, (byte | 0x20) >= 97, (byte | 0x20) <= 102 { value = value * 16 + UInt32((byte | 0x20) - 87) }
                else { break }
                index += 1
            }
            guard index > digitsStart else { return nil }
            if index < bytes.count, bytes[index] == UInt8(ascii: ";") { index += 1 }
            return (numericScalar(value), index - start)
        }
        let nameStart = index
        while index < bytes.count, index - nameStart < 10, isASCIILetter(bytes[index]) || isASCIIDigit(bytes[index]) {
            index += 1
        }
        guard index > nameStart else { return nil }
        let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[nameStart..<index]), as: UTF8.self)
        let terminated = index < bytes.count && bytes[index] == UInt8(ascii: ";")
        if terminated, let value = HTMLEntities.table[name], let scalar = Unicode.Scalar(value) {
            return (scalar, index + 1 - start)
        }
        if !terminated {
            switch name {
            case "amp": return ("&", index - start)
            case "lt": return ("<", index - start)
            case "gt": return (">", index - start)
            case "quot": return ("\"", index - start)
            case "nbsp": return ("\u{A0}", index - start)
            default: return nil
            }
        }
        return nil
    }

    /// HTML5's rules for numeric references: 0x80-0x9F mean windows-1252 (what the author typed), invalid
    /// values become U+FFFD.
    private static func numericScalar(_ value: UInt32) -> Unicode.Scalar {
        if value >= 0x80 && value <= 0x9F, let mapped = Windows1252.scalar(for: UInt8(value)) { return mapped }
        if value == 0 { return "\u{FFFD}" }
        return Unicode.Scalar(value) ?? "\u{FFFD}"
    }

    static func appendUTF8(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
        UTF8.encode(scalar) { out.append($0) }
    }

    // MARK: Byte helpers

    static func isASCIILetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 97 && (byte | 0x20) <= 122 }
    static func isASCIIDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    private static func equalsLowercased(_ word: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
        guard word.count == text.utf8CodeUnitCount else { return false }
        for offset in 0..<word.count where (word[offset] | 0x20) != text.utf8Start[offset] { return false }
        return true
    }

    private static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, _ text: StaticString) -> Bool {
        let length = text.utf8CodeUnitCount
        guard index + length <= bytes.count else { return false }
        for offset in 0..<length where bytes[index + offset] != text.utf8Start[offset] { return false }
        return true
    }

    private static func find(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString, from start: Int) -> Int? {
        var index = start
        while index < bytes.count {
            if bytes[index] == text.utf8Start[0], hasPrefix(bytes, at: index, text) { return index }
            index += 1
        }
        return nil
    }

    private static func findIgnoringCase(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString, from start: Int) -> Int? {
        let length = text.utf8CodeUnitCount
        var index = start
        while index + length <= bytes.count {
            var matched = true
            for offset in 0..<length {
                let byte = bytes[index + offset]
                let lowered = byte >= 65 && byte <= 90 ? byte + 32 : byte
                if lowered != text.utf8Start[offset] { matched = false; break }
            }
            if matched { return index }
            index += 1
        }
        return nil
    }

    private static func firstIndex(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        while index < bytes.count {
            if bytes[index] == byte { return index }
            index += 1
        }
        return nil
    }
}

/// windows-1252, the charset of most mislabelled Western pages: bytes 0x80-0x9F are typographic characters
/// there (curly quotes, dashes, euro), controls in ISO-8859-1.
enum Windows1252 {
    private static let high: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]

    /// The character of one byte; 0x81, 0x8D, 0x8F, 0x90, 0x9D are undefined and read as their C1 control
    /// code points (as browsers do), so no byte is ever lost.
    static func scalar(for byte: UInt8) -> Unicode.Scalar? {
        if byte >= 0x80 && byte <= 0x9F {
            let value = high[Int(byte - 0x80)]
            return Unicode.Scalar(value == 0 ? UInt32(byte) : value)
        }
        return Unicode.Scalar(UInt32(byte))
    }

    /// Transcodes windows-1252 bytes to UTF-8 bytes.
    static func toUTF8(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        for byte in bytes {
            if byte < 0x80 { out.append(byte) } else if let scalar = scalar(for: byte) { PlainText.appendUTF8(scalar, to: &out) }
        }
        return out
    }
}
