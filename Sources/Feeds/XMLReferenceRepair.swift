// Rewrites named character references to numeric ones before libxml2 parses a feed.
//
// Why: libxml2 (2.9, Debian 12) stops emitting named entity references — even &amp; and &lt; — once it has
// seen any well-formedness error in recovery mode (xmlParseReference returns early when !wellFormed). Feeds
// with one `&nbsp;`, one bare `&` or one unclosed <br> are common, and after that point every escaped-HTML
// summary would lose its `&lt;p&gt;` and every "Tom &amp; Jerry" its ampersand. Numeric references are
// parsed on a path without that check, so: `&amp;` -> `&#38;`, the HTML names (`&nbsp;`, `&mdash;`, which
// XML does not define) -> their code points, a bare `&` or an unknown name -> `&#38;` (shown literally, as a
// browser would). Names declared in the document's own DTD are left alone: libxml2 keeps them unexpanded
// (no XXE, no billion laughs) and the readers drop them.
// CDATA sections, comments, processing instructions and the DOCTYPE are copied untouched.
enum XMLReferenceRepair {
    static func repair(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(UInt8(ascii: "&")) else { return bytes }
        return bytes.withUnsafeBufferPointer { input in
            var out: [UInt8] = []
            out.reserveCapacity(input.count + input.count / 16)
            var declared = Set<String>()
            var index = 0
            let count = input.count
            while index < count {
                let byte = input[index]
                if byte == UInt8(ascii: "<"), index + 1 < count,
                   input[index + 1] == UInt8(ascii: "!") || input[index + 1] == UInt8(ascii: "?") {
                    let end = skipMarkupDeclaration(input, from: index, declared: &declared)
                    out.append(contentsOf: input[index..<end])
                    index = end
                    continue
                }
                guard byte == UInt8(ascii: "&") else {
                    // Copy the run up to the next byte of interest in one go.
                    var end = index + 1
                    while end < count, input[end] != UInt8(ascii: "&"), input[end] != UInt8(ascii: "<") { end += 1 }
                    out.append(contentsOf: input[index..<end])
                    index = end
                    continue
                }
                index = rewriteReference(input, at: index, declared: declared, into: &out)
            }
            return out
        }
    }

    /// Copies or rewrites the reference starting at the `&` at `start`; returns the index after it.
    private static func rewriteReference(_ input: UnsafeBufferPointer<UInt8>, at start: Int, declared: Set<String>,
                                         into out: inout [UInt8]) -> Int {
        var index = start + 1
        let count = input.count
        if index < count, input[index] == UInt8(ascii: "#") {
            // Numeric reference: keep when well-formed, else escape the ampersand.
            var cursor = index + 1
            let hex = cursor < count && (input[cursor] | 0x20) == UInt8(ascii: "x")
            if hex { cursor += 1 }
            let digitsStart = cursor
            while cursor < count, isDigit(input[cursor]) || (hex && isHexLetter(input[cursor])) { cursor += 1 }
            if cursor > digitsStart, cursor < count, input[cursor] == UInt8(ascii: ";") {
                // "&#X41;" (uppercase X) is not XML; browsers accept it, so write it the XML way.
                out.append(contentsOf: Array("&#".utf8))
                if hex { out.append(UInt8(ascii: "x")) }
                out.append(contentsOf: input[digitsStart...cursor])
                return cursor + 1
            }
            out.append(contentsOf: Array("&#38;".utf8))
            return start + 1
        }
        let nameStart = index
        while index < count, index - nameStart <= 32, isNameByte(input[index]) { index += 1 }
        guard index > nameStart, index < count, input[index] == UInt8(ascii: ";") else {
            out.append(contentsOf: Array("&#38;".utf8))
            return start + 1
        }
        let name = String(decoding: UnsafeBufferPointer(rebasing: input[nameStart..<index]), as: UTF8.self)
        let code: UInt32?
        switch name {
        case "amp": code = 38
        case "lt": code = 60
        case "gt": code = 62
        case "quot": code = 34
        case "apos": code = 39
        default:
            if declared.contains(name) {
                out.append(contentsOf: input[start...index])
                return index + 1
            }
            code = HTMLEntities.table[name]
        }
        if let code {
            out.append(contentsOf: Array("&#\(code);".utf8))
        } else {
            // Unknown name: the text stays readable as written.
            out.append(contentsOf: Array("&#38;".utf8))
            out.append(contentsOf: input[nameStart...index])
        }
        return index + 1
    }

    /// Skips `<!-- -->`, `<![CDATA[ ]]>`, `<? ?>` and `<!DOCTYPE ... [ ... ]>`; returns the index after it.
    /// Entity names declared in an internal subset are collected.
    private static func skipMarkupDeclaration(_ input: UnsafeBufferPointer<UInt8>, from start: Int,
                                              declared: inout Set<String>) -> Int {
        if startsWith(input, at: start, "<!--") { return find(input, "-->", from: start + 4).map { $0 + 3 } ?? input.count }
        if startsWith(input, at: start, "<![CDATA[") { return find(input, "]]>", from: start + 9).map { $0 + 3 } ?? input.count }
        if startsWith(input, at: start, "<?") { return find(input, "?>", from: start + 2).map { $0 + 2 } ?? input.count }
        if startsWith(input, at: start, "<!DOCTYPE") || startsWith(input, at: start, "<!doctype") {
            var index = start + 9
            var quote: UInt8 = 0
            var inSubset = false
            while index < input.count {
                let byte = input[index]
                if quote != 0 {
                    if byte == quote { quote = 0 }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                } else if byte == UInt8(ascii: "[") {
                    inSubset = true
                } else if byte == UInt8(ascii: "]") {
                    inSubset = false
                } else if inSubset, byte == UInt8(ascii: "<"), startsWith(input, at: index, "<!ENTITY") {
                    var cursor = index + 8
                    while cursor < input.count, input[cursor] == 0x20 || input[cursor] == 0x09 || input[cursor] == 0x0A
                            || input[cursor] == 0x0D { cursor += 1 }
                    let nameStart = cursor
                    while cursor < input.count, isNameByte(input[cursor]) { cursor += 1 }
                    if cursor > nameStart {
                        declared.insert(String(decoding: UnsafeBufferPointer(rebasing: input[nameStart..<cursor]), as: UTF8.self))
                    }
                } else if !inSubset, byte == UInt8(ascii: ">") {
                    return index + 1
                }
                index += 1
            }
            return input.count
        }
        // Some other <! declaration: up to its ">".
        var index = start + 2
        while index < input.count, input[index] != UInt8(ascii: ">") { index += 1 }
        return min(input.count, index + 1)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
    private static func isHexLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 97 && (byte | 0x20) <= 102 }
    private static func isNameByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || ((byte | 0x20) >= 97 && (byte | 0x20) <= 122) || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":") || byte >= 0x80
    }

    private static func startsWith(_ input: UnsafeBufferPointer<UInt8>, at index: Int, _ text: StaticString) -> Bool {
        let length = text.utf8CodeUnitCount
        guard index + length <= input.count else { return false }
        for offset in 0..<length where input[index + offset] != text.utf8Start[offset] { return false }
        return true
    }

    private static func find(_ input: UnsafeBufferPointer<UInt8>, _ text: StaticString, from start: Int) -> Int? {
        var index = start
        let first = text.utf8Start[0]
        while index < input.count {
            if input[index] == first, startsWith(input, at: index, text) { return index }
            index += 1
        }
        return nil
    }
}

/// Second chance for feeds that are not well-formed XML because a text element carries raw, unescaped HTML
/// (`<description>Text<br>more</description>`): libxml2's recovery then nests the rest of the feed inside the
/// `<br>` and items vanish. Wrapping the contents of the text elements feeds use for HTML in CDATA turns the
/// markup back into text, which the readers strip anyway. Used only after a strict parse failed.
enum XMLMarkupWrapping {
    /// Local names whose content is text (possibly HTML) in every feed format we read.
    private static let textElements: [String] = ["description", "encoded", "summary", "content", "title", "subtitle"]

    static func wrap(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 1024)
        var index = 0
        let count = bytes.count
        while index < count {
            guard bytes[index] == UInt8(ascii: "<"), index + 1 < count, isNameStart(bytes[index + 1]) else {
                out.append(bytes[index])
                index += 1
                continue
            }
            // An open tag: read its qualified name.
            var nameEnd = index + 1
            while nameEnd < count, isNameByte(bytes[nameEnd]) { nameEnd += 1 }
            let qualifiedName = Array(bytes[(index + 1)..<nameEnd])
            let localName = qualifiedName.split(separator: UInt8(ascii: ":")).last.map { String(decoding: $0, as: UTF8.self) } ?? ""
            guard textElements.contains(localName),
                  let tagClose = bytes[nameEnd...].firstIndex(of: UInt8(ascii: ">")),
                  bytes[tagClose - 1] != UInt8(ascii: "/") else {
                out.append(bytes[index])
                index += 1
                continue
            }
            let contentStart = tagClose + 1
            let closeTag = [UInt8(ascii: "<"), UInt8(ascii: "/")] + qualifiedName + [UInt8(ascii: ">")]
            guard let contentEnd = FeedParser.find(closeTag, in: bytes, from: contentStart) else {
                out.append(bytes[index])
                index += 1
                continue
            }
            let content = bytes[contentStart..<contentEnd]
            let hasMarkup = content.contains(UInt8(ascii: "<"))
            let cdataOpen = Array("<![CDATA[".utf8), cdataClose = Array("]]>".utf8)
            let alreadyCDATA = FeedParser.find(cdataOpen, in: Array(content), from: 0) != nil
                || FeedParser.find(cdataClose, in: Array(content), from: 0) != nil
            out.append(contentsOf: bytes[index...tagClose])
            if hasMarkup && !alreadyCDATA {
                out.append(contentsOf: cdataOpen)
                out.append(contentsOf: content)
                out.append(contentsOf: cdataClose)
            } else {
                out.append(contentsOf: content)
            }
            out.append(contentsOf: closeTag)
            index = contentEnd + closeTag.count
        }
        return out
    }

    private static func isNameStart(_ byte: UInt8) -> Bool { (byte | 0x20) >= 97 && (byte | 0x20) <= 122 }
    private static func isNameByte(_ byte: UInt8) -> Bool {
        isNameStart(byte) || (byte >= 48 && byte <= 57) || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }
}
