// Dropping the text of <script> and <style> elements before libxml2 reads it, for callers that never read it.
//
// Why: libxml2 2.9's HTML parser reads script and style text one character at a time (htmlParseScript: a
// decode, a copy and a bounds check per byte, ~80 instructions). On news pages that text is about 45% of the
// bytes (dev set: 11.5 of 25.7 MB) and its parsing was 21% of all instructions of `extract --batch`. Handing
// libxml2 the page without that text builds the same tree minus the script/style text nodes.
//
// Safety: the scan below follows libxml2 2.9.14's own tokenizer (HTMLparser.c: htmlParseDocument,
// htmlParseContentInternal, htmlParseStartTag/EndTag, htmlParseComment/PI/DocTypeDecl, htmlParseScript) to find
// exactly where libxml2 starts and stops reading script/style text: the same start tags (attribute quoting and
// all), the same comment ends, the same end condition ("</" + the element's name, ASCII case-insensitively).
// Wherever following it would need more than byte-level rules (a NUL byte, a non-ASCII name in a PI or DOCTYPE,
// a DOCTYPE in the middle of the page, script text starting with a tag, a "</scriptX" look-alike) it stops
// removing and hands the rest of the page over unchanged, so a wrong guess can only cost speed, never change the
// tree. Only valid UTF-8 is scanned (ASCII delimiters then never sit inside a character). The removed text's
// newlines are kept, so every node keeps its line number. Tests compare the trees of both parses, node by node.
internal import Glibc

enum RawTextStripper {
    /// The page with script and style text removed (newlines kept), except scripts whose start tag mentions
    /// `ld+json` (JSON-LD metadata); nil when there was nothing to remove. `bytes` must be valid UTF-8, decoded
    /// by libxml2 as UTF-8 with HTML_PARSE_RECOVER.
    static func strip(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return nil }
        // libxml2 treats a NUL byte as the end of input in some places and as a space in others.
        guard memchr(base, 0, bytes.count) == nil else { return nil }
        var scan = Scanner(base: base, count: bytes.count)
        return scan.run()
    }

    /// What to do with the text after a script/style start tag.
    private enum RawText { case script, style }

    private struct Scanner {
        let b: UnsafePointer<UInt8>
        let n: Int
        /// Removed ranges (start, end), in order.
        var removals: [(Int, Int)] = []

        init(base: UnsafePointer<UInt8>, count: Int) {
            b = base
            n = count
        }

        // MARK: byte classes (libxml2's macros)

        /// libxml2 reads a NUL at the end of its buffer.
        @inline(__always) func at(_ i: Int) -> UInt8 { i < n ? b[i] : 0 }
        /// IS_BLANK_CH: space, tab, line feed, carriage return (not form feed).
        @inline(__always) static func isBlank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D }
        @inline(__always) static func isLetter(_ c: UInt8) -> Bool { c | 0x20 >= 0x61 && c | 0x20 <= 0x7A }
        @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        /// htmlParseHTMLName's name characters: ASCII letters, digits, ':', '-', '_', '.'.
        @inline(__always) static func isHTMLNameChar(_ c: UInt8) -> Bool {
            isLetter(c) || isDigit(c) || c == 0x3A || c == 0x2D || c == 0x5F || c == 0x2E
        }

        @inline(__always) func skipBlanks(_ i: Int) -> Int {
            var i = i
            while i < n && Self.isBlank(b[i]) { i += 1 }
            return i
        }

        /// The index of the next `byte` at or after `i` and before `limit` (default: the end), else `limit`.
        @inline(__always) func find(_ byte: UInt8, from i: Int, before limit: Int? = nil) -> Int {
            let limit = limit ?? n
            guard i < limit, let hit = memchr(b + i, Int32(byte), limit - i) else { return limit }
            return b.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }

        /// True when the bytes at `i` are `upper` (uppercase ASCII letters) in any case (libxml2's UPP).
        func matchesUppercased(_ i: Int, _ upper: StaticString) -> Bool {
            let count = upper.utf8CodeUnitCount
            guard i + count <= n else { return false }
            let word = upper.utf8Start
            for k in 0..<count where b[i + k] & 0xDF != word[k] { return false }
            return true
        }

        /// True when the bytes at `i` are `lower` (lowercase ASCII letters) in any case (xmlStrncasecmp).
        func matchesLowercased(_ i: Int, _ lower: StaticString) -> Bool {
            let count = lower.utf8CodeUnitCount
            guard i + count <= n else { return false }
            let word = lower.utf8Start
            for k in 0..<count where b[i + k] | 0x20 != word[k] { return false }
            return true
        }

        // MARK: libxml2's token rules

        /// htmlParseHTMLName: the end of a tag or attribute name at `i` (at most 100 characters), nil if none.
        @inline(__always) func htmlName(_ i: Int) -> Int? {
            let first = at(i)
            guard Self.isLetter(first) || first == 0x5F || first == 0x3A || first == 0x2E else { return nil }
            var j = i, length = 0
            while length < 100 && j < n && Self.isHTMLNameChar(b[j]) { j += 1; length += 1 }
            return j
        }

        enum XMLName { case none, end(Int), complex }

        /// htmlParseName's ASCII path (PI targets, DOCTYPE names). `.complex`: its Unicode path would decide.
        func xmlName(_ i: Int) -> XMLName {
            guard i < n else { return .none }
            let first = b[i]
            guard Self.isLetter(first) || first == 0x5F || first == 0x3A else { return first >= 0x80 ? .complex : .none }
            var j = i + 1
            while j < n && (Self.isHTMLNameChar(b[j])) { j += 1 }
            if j == n { return .none }
            return b[j] < 0x80 ? .end(j) : .complex
        }

        /// htmlParseComment at "<!--": just past "-->" or "--!>" (the dashes after the opening), or the end.
        func commentEnd(_ i: Int) -> Int {
            var j = i + 4
            while true {
                let dash = find(0x2D, from: j)
                guard dash + 1 < n else { return n }
                if b[dash + 1] == 0x2D {
                    let third = at(dash + 2)
                    if third == 0x3E { return dash + 3 }
                    if third == 0x21 && at(dash + 3) == 0x3E { return dash + 4 }
                }
                j = dash + 1
            }
        }

        /// htmlParsePI at "<?": its end, nil when libxml2's Unicode name rules would decide.
        func processingInstructionEnd(_ i: Int) -> Int? {
            switch xmlName(i + 2) {
            case .complex: return nil
            case .none: return i + 2  // "PI is not started correctly": only "<?" is consumed
            case .end(let nameEnd):
                if b[nameEnd] == 0x3E { return nameEnd + 1 }
                let close = find(0x3E, from: nameEnd)
                return close < n ? close + 1 : n
            }
        }

        /// htmlParseSystemLiteral / htmlParsePubidLiteral at `i`: past the closing quote (or the end); `i` when
        /// no quote opens there.
        func literalEnd(_ i: Int) -> Int {
            let quote = at(i)
            guard quote == 0x22 || quote == 0x27 else { return i }
            let close = find(quote, from: i + 1)
            return close < n ? close + 1 : n
        }

        /// htmlParseDocTypeDecl at "<!DOCTYPE": its end, nil when libxml2's Unicode name rules would decide.
        func doctypeEnd(_ i: Int) -> Int? {
            var j = skipBlanks(i + 9)
            switch xmlName(j) {
            case .complex: return nil
            case .none: break
            case .end(let nameEnd): j = nameEnd
            }
            j = skipBlanks(j)
            if matchesUppercased(j, "SYSTEM") {
                j = literalEnd(skipBlanks(j + 6))
            } else if matchesUppercased(j, "PUBLIC") {
                j = skipBlanks(literalEnd(skipBlanks(j + 6)))
                j = literalEnd(j)
            }
            j = skipBlanks(j)
            if at(j) != 0x3E { j = find(0x3E, from: j) }
            return j < n ? j + 1 : n
        }

        func isDoctype(_ i: Int) -> Bool { at(i + 1) == 0x21 && matchesUppercased(i + 2, "DOCTYPE") }

        /// htmlParseEndTag at "</": its end.
        func endTagEnd(_ i: Int) -> Int {
            guard let nameEnd = htmlName(i + 2) else { return i + 2 }  // only "</" is consumed
            var j = skipBlanks(nameEnd)
            if at(j) != 0x3E { j = find(0x3E, from: j) }
            return j < n ? j + 1 : n
        }

        /// htmlParseStartTag + htmlParseElementInternal at "<" + ASCII letter: where the name ends, where the tag
        /// ends, and whether the element stays open (ended by ">", not by "/>" or the end of input).
        func startTag(_ i: Int) -> (nameEnd: Int, end: Int, opens: Bool) {
            let nameEnd = htmlName(i + 1) ?? (i + 1)
            var j = skipBlanks(nameEnd)
            while j < n && b[j] != 0x3E && !(b[j] == 0x2F && at(j + 1) == 0x3E) {
                if let attributeEnd = htmlName(j) {
                    j = skipBlanks(attributeEnd)
                    if at(j) == 0x3D {  // '=': htmlParseAttValue
                        j = skipBlanks(j + 1)
                        let quote = at(j)
                        if quote == 0x22 || quote == 0x27 {
                            let close = find(quote, from: j + 1)
                            j = close < n ? close + 1 : n
                        } else {
                            while j < n && b[j] != 0x3E && !Self.isBlank(b[j]) { j += 1 }
                        }
                    }
                } else {
                    // Bogus attribute: dumped up to the next blank, '>' or "/>".
                    while j < n && !Self.isBlank(b[j]) && b[j] != 0x3E && !(b[j] == 0x2F && at(j + 1) == 0x3E) { j += 1 }
                }
                j = skipBlanks(j)
            }
            if j >= n { return (nameEnd, n, false) }
            if b[j] == 0x3E { return (nameEnd, j + 1, true) }
            return (nameEnd, j + 2, false)
        }

        /// Script or style when the element name `start..<end` is one (ASCII case-insensitively).
        func rawText(_ start: Int, _ end: Int) -> RawText? {
            switch end - start {
            case 6: return matchesLowercased(start, "script") ? .script : nil
            case 5: return matchesLowercased(start, "style") ? .style : nil
            default: return nil
            }
        }

        /// True when `start..<end` contains "ld+json", ASCII case-insensitively.
        func mentionsJSONLD(_ start: Int, _ end: Int) -> Bool {
            var i = start
            while i + 7 <= end {
                let plus = find(0x2B, from: i + 2, before: end)  // the '+' of "ld+json"
                guard plus + 5 <= end else { return false }
                if matchesLowercased(plus - 2, "ld") && matchesLowercased(plus + 1, "json") { return true }
                i = plus - 1
            }
            return false
        }

        /// htmlParseDocument's prolog loop: comments and PIs, with blanks between. Nil: give up.
        func prologMisc(_ i: Int) -> Int? {
            var j = i
            while at(j) == 0x3C && ((at(j + 1) == 0x21 && at(j + 2) == 0x2D && at(j + 3) == 0x2D) || at(j + 1) == 0x3F) {
                if at(j + 1) == 0x21 { j = commentEnd(j) }
                if at(j) == 0x3C && at(j + 1) == 0x3F {
                    guard let end = processingInstructionEnd(j) else { return nil }
                    j = end
                }
                j = skipBlanks(j)
            }
            return j
        }

        // MARK: the scan

        mutating func run() -> [UInt8]? {
            // The UTF-8 handler skips one byte-order mark.
            var p = n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF ? 3 : 0
            guard let afterMisc = prologMisc(skipBlanks(p)) else { return nil }
            p = afterMisc
            if at(p) == 0x3C && isDoctype(p) {
                guard let end = doctypeEnd(p) else { return nil }
                p = end
            }
            guard let afterProlog = prologMisc(skipBlanks(p)) else { return nil }
            p = afterProlog
            content: while true {
                p = find(0x3C, from: p)
                guard p < n else { break }
                let next = at(p + 1)
                if next == 0x2F {
                    p = endTagEnd(p)
                } else if Self.isLetter(next) {
                    let tag = startTag(p)
                    let nameStart = p + 1
                    p = tag.end
                    guard tag.opens, let kind = rawText(nameStart, tag.nameEnd) else { continue }
                    // htmlParseScript stops at the first "</" followed by the element's name in any case.
                    var close = p
                    while true {
                        close = find(0x3C, from: close)
                        guard close < n else { break }
                        if at(close + 1) == 0x2F && (kind == .script ? matchesLowercased(close + 2, "script")
                                                                       : matchesLowercased(close + 2, "style")) { break }
                        close += 1
                    }
                    // "</scripts>" ends the text but not the element (libxml2 then reads raw text again).
                    if close < n && Self.isHTMLNameChar(at(close + 2 + (kind == .script ? 6 : 5))) { break content }
                    // htmlParseContentInternal looks for an end tag and for a start tag (which may close a script
                    // or style) before it reads raw text. The element's own end tag right away (an empty script)
                    // is fine; any other tag there is left to libxml2.
                    if at(p) == 0x3C && close != p {
                        let after = at(p + 1)
                        if after == 0x2F || Self.isLetter(after) || after == 0x5F || after == 0x3A { break content }
                    }
                    if close > p && !(kind == .script && mentionsJSONLD(nameStart, tag.end)) {
                        removals.append((p, close))
                    }
                    p = close
                } else if next == 0x21 {
                    if at(p + 2) == 0x2D && at(p + 3) == 0x2D {
                        p = commentEnd(p)
                    } else if isDoctype(p) {
                        break content  // a DOCTYPE inside the content changes how the next token is read
                    } else {
                        p += 1  // '<' is text
                    }
                } else if next == 0x3F {
                    guard let end = processingInstructionEnd(p) else { break content }
                    p = end
                } else {
                    p += 1  // '<' is text
                }
            }
            return removals.isEmpty ? nil : rebuilt()
        }

        /// The input without the removed ranges, each replaced by its newlines.
        func rebuilt() -> [UInt8] {
            [UInt8](unsafeUninitializedCapacity: n) { out, initialized in
                var written = 0, copied = 0
                let target = out.baseAddress!
                for (start, end) in removals {
                    (target + written).initialize(from: b + copied, count: start - copied)
                    written += start - copied
                    var line = find(0x0A, from: start, before: end)
                    while line < end {
                        target[written] = 0x0A
                        written += 1
                        line = find(0x0A, from: line + 1, before: end)
                    }
                    copied = end
                }
                (target + written).initialize(from: b + copied, count: n - copied)
                written += n - copied
                initialized = written
            }
        }
    }
}
