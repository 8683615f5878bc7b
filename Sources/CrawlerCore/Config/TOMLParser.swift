// A TOML reader for what config files use: comments, key/value pairs with bare, quoted and dotted keys,
// `[table]` and `[[array of tables]]` headers, basic and literal strings (single- and multi-line), integers
// (decimal, 0x, 0o, 0b), floats, booleans, arrays (multi-line, trailing comma) and inline tables. Dates and
// times are refused with a clear message instead of being misread: no config key takes one.
//
// Why our own: TOMLKit (toml++) kept its document model of the whole file alive for the daemon's life (the
// 10,000-feed soak: 87.5 -> ~78 MB RSS without it) and reported lines only for syntax errors. This reader
// works on the file's UTF-8 bytes in one pass and builds small tables, each key with its line, that are
// dropped once the `Config` value is built (check-config, 10,000 feeds: 0.1 s user CPU). It stops at the
// first syntax error, reported with its line.

/// A syntax error: the 1-based line and a one-line reason.
struct TOMLSyntaxError: Error, Equatable, CustomStringConvertible {
    let line: Int
    let reason: String

    var description: String { "line \(line): \(reason)" }
}

enum TOMLParser {
    /// Arrays and inline tables nested deeper than this are refused (the parser recurses into them).
    static let maxNestingDepth = 32

    /// Parses `text` into its root table, or throws the first syntax error.
    static func parse(_ text: String) throws(TOMLSyntaxError) -> TOMLTable {
        var text = text
        let result: Result<TOMLTable, TOMLSyntaxError> = text.withUTF8 { bytes in
            var parser = Parser(bytes: bytes)
            do throws(TOMLSyntaxError) {
                return .success(try parser.document())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

private struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    var line = 1
    /// Reused for string contents, so a string costs one allocation (its own storage).
    var scratch: [UInt8] = []

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    // MARK: Document structure

    mutating func document() throws(TOMLSyntaxError) -> TOMLTable {
        let root = TOMLTable(line: nil, origin: .root)
        var current = root
        // A UTF-8 byte order mark, as some editors write, is not content.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        while true {
            skipSpaces()
            guard let byte = peek() else { break }
            switch byte {
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                try newline()
                continue
            case UInt8(ascii: "#"):
                try comment()
            case UInt8(ascii: "["):
                current = try header(root: root)
            default:
                try keyValue(into: current)
            }
            try endOfLine()
        }
        return root
    }

    /// After a header or key/value pair: spaces, an optional comment, then a line end or the end of the file.
    mutating func endOfLine() throws(TOMLSyntaxError) {
        skipSpaces()
        if peek() == UInt8(ascii: "#") { try comment() }
        guard let byte = peek() else { return }
        guard byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") else {
            throw error("expected the end of the line, found \(describeHere())")
        }
        try newline()
    }

    /// `[a.b]` or `[[a.b]]`; returns the table the following keys go into.
    mutating func header(root: TOMLTable) throws(TOMLSyntaxError) -> TOMLTable {
        let headerLine = line
        position += 1
        let isArray = peek() == UInt8(ascii: "[")
        if isArray { position += 1 }
        let path = try key()
        skipSpaces()
        let closing = isArray ? "]]" : "]"
        guard consume(UInt8(ascii: "]")), !isArray || consume(UInt8(ascii: "]")) else {
            throw error("expected '\(closing)' to close the \(isArray ? "array-of-tables header [[" : "table header [")\(Self.dotted(path))\(closing), found \(describeHere())")
        }
        let shown = isArray ? "[[\(Self.dotted(path))]]" : "[\(Self.dotted(path))]"

        // Walk to the parent, creating the tables on the way.
        var table = root
        for (depth, part) in path.dropLast().enumerated() {
            if let position = table.position(of: part) {
                let entry = table.entries[position]
                switch entry.value {
                case .table(let child) where child.origin != .inline:
                    table = child
                case .array(let elements) where entry.isArrayOfTables:
                    guard case .table(let last) = elements.last else { throw error("\(shown): invalid array of tables") }
                    table = last
                default:
                    let what = entry.value.table?.origin == .inline ? "an inline table" : entry.value.typeDescription
                    throw error("\(shown): \(Self.dotted(path.prefix(depth + 1))) is already \(what) (line \(entry.line))")
                }
            } else {
                let child = TOMLTable(line: headerLine, origin: .implicit)
                table.append(.init(key: part, value: .table(child), line: headerLine))
                table = child
            }
        }

        let name = path[path.count - 1]
        if isArray {
            let element = TOMLTable(line: headerLine, origin: .header)
            if let position = table.position(of: name) {
                // No copy of the entry may be alive during the append: it would share the array's storage
                // and make the append copy every element (quadratic over thousands of [[feeds]]).
                guard table.entries[position].isArrayOfTables else {
                    let entry = table.entries[position]
                    throw error("\(shown): \(Self.dotted(path)) is already \(entry.value.typeDescription) (line \(entry.line)), not an array of tables")
                }
                table.appendToArrayOfTables(at: position, element)
            } else {
                table.append(.init(key: name, value: .array([.table(element)]), line: headerLine, isArrayOfTables: true))
            }
            return element
        }
        if let position = table.position(of: name) {
            let entry = table.entries[position]
            guard case .table(let existing) = entry.value, !entry.isArrayOfTables else {
                throw error("\(shown): \(Self.dotted(path)) is already \(entry.isArrayOfTables ? "an array of tables" : entry.value.typeDescription) (line \(entry.line))")
            }
            switch existing.origin {
            case .implicit:
                existing.define(line: headerLine)
                return existing
            case .header, .root:
                throw error("\(shown): table defined twice (first on line \(existing.line ?? entry.line))")
            case .dotted:
                throw error("\(shown): table already defined by dotted keys (line \(entry.line))")
            case .inline:
                throw error("\(shown): table already defined as an inline table (line \(entry.line))")
            }
        }
        let child = TOMLTable(line: headerLine, origin: .header)
        table.append(.init(key: name, value: .table(child), line: headerLine))
        return child
    }

    /// `key = value` (the key may be dotted) into `table`.
    mutating func keyValue(into table: TOMLTable) throws(TOMLSyntaxError) {
        let keyLine = line
        let path = try key()
        skipSpaces()
        guard consume(UInt8(ascii: "=")) else {
            throw error("expected '=' after the key \(configQuoted(Self.dotted(path))), found \(describeHere())")
        }
        skipSpaces()
        let value = try self.value(depth: 0)

        var target = table
        for (depth, part) in path.dropLast().enumerated() {
            if let position = target.position(of: part) {
                let entry = target.entries[position]
                guard case .table(let child) = entry.value, child.origin == .dotted else {
                    let what = entry.value.table == nil ? entry.value.typeDescription : "a table defined on line \(entry.line)"
                    throw TOMLSyntaxError(line: keyLine, reason: "\(Self.dotted(path)): \(Self.dotted(path.prefix(depth + 1))) is already \(what); dotted keys cannot add to it")
                }
                target = child
            } else {
                let child = TOMLTable(line: keyLine, origin: .dotted)
                target.append(.init(key: part, value: .table(child), line: keyLine))
                target = child
            }
        }
        let name = path[path.count - 1]
        if let firstLine = target.line(of: name) {
            throw TOMLSyntaxError(line: keyLine, reason: "duplicate key \(configQuoted(Self.dotted(path))) (first set on line \(firstLine))")
        }
        target.append(.init(key: name, value: value, line: keyLine))
    }

    /// A bare, quoted or dotted key: its parts.
    mutating func key() throws(TOMLSyntaxError) -> [String] {
        var parts: [String] = []
        while true {
            skipSpaces()
            guard let byte = peek() else { throw error("expected a key, found the end of the file") }
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                if startsWith(byte, count: 3) { throw error("a key cannot be a multi-line string") }
                position += 1
                parts.append(byte == UInt8(ascii: "\"") ? try basicString() : try literalString())
            } else {
                let start = position
                while let next = peek(), Self.isBareKeyByte(next) { position += 1 }
                guard position > start else { throw error("expected a key, found \(describeHere())") }
                parts.append(String(decoding: bytes[start..<position], as: UTF8.self))
            }
            skipSpaces()
            guard consume(UInt8(ascii: ".")) else { return parts }
        }
    }

    // MARK: Values

    mutating func value(depth: Int) throws(TOMLSyntaxError) -> TOMLValue {
        guard let byte = peek() else { throw error("expected a value, found the end of the file") }
        switch byte {
        case UInt8(ascii: "\""):
            if startsWith(byte, count: 3) {
                position += 3
                return .string(try multiLineString(quote: byte))
            }
            position += 1
            return .string(try basicString())
        case UInt8(ascii: "'"):
            if startsWith(byte, count: 3) {
                position += 3
                return .string(try multiLineString(quote: byte))
            }
            position += 1
            return .string(try literalString())
        case UInt8(ascii: "["):
            return try array(depth: depth + 1)
        case UInt8(ascii: "{"):
            return try inlineTable(depth: depth + 1)
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
            throw error("expected a value after '=', found the end of the line")
        default:
            return try bareValue()
        }
    }

    /// Booleans and numbers: everything up to the next delimiter, then classified.
    mutating func bareValue() throws(TOMLSyntaxError) -> TOMLValue {
        let start = position
        while let byte = peek(), Self.isBareValueByte(byte) { position += 1 }
        guard position > start else { throw error("expected a value, found \(describeHere())") }
        let token = bytes[start..<position]
        if token.elementsEqual("true".utf8) { return .boolean(true) }
        if token.elementsEqual("false".utf8) { return .boolean(false) }
        let text = String(decoding: token, as: UTF8.self)
        if Self.looksLikeDateOrTime(token) {
            throw error("\(text): dates and times are not supported in a feedcrawler config (write them as strings)")
        }
        if let value = TOMLNumber.parse(token) { return value }
        let first = token[token.startIndex]
        if (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) || first == UInt8(ascii: "+")
            || first == UInt8(ascii: "-") || first == UInt8(ascii: ".") {
            throw error("\(text) is not a valid TOML number, or is outside the 64-bit range")
        }
        throw error("expected a value, found \(text) (strings need quotes)")
    }

    mutating func array(depth: Int) throws(TOMLSyntaxError) -> TOMLValue {
        guard depth <= TOMLParser.maxNestingDepth else {
            throw error("arrays and inline tables nested more than \(TOMLParser.maxNestingDepth) deep")
        }
        let openLine = line
        position += 1
        var elements: [TOMLValue] = []
        while true {
            try skipSpacesNewlinesAndComments()
            guard let byte = peek() else { throw TOMLSyntaxError(line: openLine, reason: "array not closed with ']'") }
            if byte == UInt8(ascii: "]") { position += 1; break }
            elements.append(try value(depth: depth))
            try skipSpacesNewlinesAndComments()
            if consume(UInt8(ascii: ",")) { continue }
            if consume(UInt8(ascii: "]")) { break }
            if peek() == nil { throw TOMLSyntaxError(line: openLine, reason: "array not closed with ']'") }
            throw error("expected ',' or ']' in the array, found \(describeHere())")
        }
        return .array(elements)
    }

    /// `{ a = 1, b.c = "x" }`: on one line, no trailing comma (TOML 1.0).
    mutating func inlineTable(depth: Int) throws(TOMLSyntaxError) -> TOMLValue {
        guard depth <= TOMLParser.maxNestingDepth else {
            throw error("arrays and inline tables nested more than \(TOMLParser.maxNestingDepth) deep")
        }
        let table = TOMLTable(line: line, origin: .dotted)
        position += 1
        skipSpaces()
        if !consume(UInt8(ascii: "}")) {
            while true {
                try inlineTableMustContinue()
                try keyValue(into: table)
                skipSpaces()
                if consume(UInt8(ascii: "}")) { break }
                guard consume(UInt8(ascii: ",")) else {
                    try inlineTableMustContinue()
                    throw error("expected ',' or '}' in the inline table, found \(describeHere())")
                }
                skipSpaces()
                if peek() == UInt8(ascii: "}") { throw error("an inline table cannot end with a comma") }
            }
        }
        table.seal()
        return .table(table)
    }

    func inlineTableMustContinue() throws(TOMLSyntaxError) {
        switch peek() {
        case nil: throw error("inline table not closed with '}'")
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "#"):
            throw error("an inline table must be on one line (use a [table] for more)")
        default: return
        }
    }

    // MARK: Strings

    /// After the opening `"`: up to the closing `"` on the same line, escapes decoded.
    mutating func basicString() throws(TOMLSyntaxError) -> String {
        scratch.removeAll(keepingCapacity: true)
        while true {
            guard let byte = peek() else { throw error("string not closed with '\"'") }
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: scratch, as: UTF8.self)
            case UInt8(ascii: "\\"):
                position += 1
                try escape()
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw error("string not closed with '\"' on its line (use \"\"\" for a multi-line string)")
            default:
                try checkNotControl(byte, in: "a string")
                scratch.append(byte)
                position += 1
            }
        }
    }

    /// After the opening `'`: up to the closing `'` on the same line, no escapes.
    mutating func literalString() throws(TOMLSyntaxError) -> String {
        let start = position
        while true {
            guard let byte = peek() else { throw error("string not closed with \"'\"") }
            if byte == UInt8(ascii: "'") {
                position += 1
                return String(decoding: bytes[start..<position - 1], as: UTF8.self)
            }
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                throw error("string not closed with \"'\" on its line (use ''' for a multi-line string)")
            }
            try checkNotControl(byte, in: "a string")
            position += 1
        }
    }

    /// After the opening `"""` or `'''`. A line end right after the opening is dropped; line ends inside are
    /// kept as "\n"; in `"""` strings a backslash at the end of a line joins it with the next non-blank text.
    mutating func multiLineString(quote: UInt8) throws(TOMLSyntaxError) -> String {
        let openLine = line
        let isBasic = quote == UInt8(ascii: "\"")
        scratch.removeAll(keepingCapacity: true)
        if peek() == UInt8(ascii: "\n") || peek() == UInt8(ascii: "\r") { try newline() }
        while true {
            guard let byte = peek() else {
                throw TOMLSyntaxError(line: openLine, reason: "multi-line string not closed with \(isBasic ? "\"\"\"" : "'''")")
            }
            switch byte {
            case quote:
                // Up to two quotes are content; three close the string, and a run of four or five is one or
                // two quotes of content followed by the closing three.
                var run = 0
                while peek() == quote { run += 1; position += 1 }
                if run < 3 {
                    scratch.append(contentsOf: repeatElement(quote, count: run))
                    continue
                }
                guard run <= 5 else { throw error("too many quotes at the end of a multi-line string") }
                scratch.append(contentsOf: repeatElement(quote, count: run - 3))
                return String(decoding: scratch, as: UTF8.self)
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                try newline()
                scratch.append(UInt8(ascii: "\n"))
            case UInt8(ascii: "\\") where isBasic:
                position += 1
                if try lineEndingBackslash() { continue }
                try escape()
            default:
                try checkNotControl(byte, in: "a string")
                scratch.append(byte)
                position += 1
            }
        }
    }

    /// After a backslash in a `"""` string: if only spaces follow up to the line end, skips them and every
    /// following blank and line end, and returns true.
    mutating func lineEndingBackslash() throws(TOMLSyntaxError) -> Bool {
        var probe = position
        while probe < bytes.count, bytes[probe] == UInt8(ascii: " ") || bytes[probe] == UInt8(ascii: "\t") { probe += 1 }
        guard probe < bytes.count, bytes[probe] == UInt8(ascii: "\n") || bytes[probe] == UInt8(ascii: "\r") else {
            return false
        }
        position = probe
        while let byte = peek() {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                position += 1
            } else if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                try newline()
            } else {
                break
            }
        }
        return true
    }

    /// After a backslash: one escape sequence into `scratch`.
    mutating func escape() throws(TOMLSyntaxError) {
        guard let byte = peek() else { throw error("string not closed with '\"'") }
        position += 1
        switch byte {
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "\""): scratch.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): scratch.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let digits = byte == UInt8(ascii: "u") ? 4 : 8
            guard position + digits <= bytes.count,
                  let code = UInt32(String(decoding: bytes[position..<position + digits], as: UTF8.self), radix: 16),
                  bytes[position..<position + digits].allSatisfy(Self.isHexDigit) else {
                throw error("\\\(Character(Unicode.Scalar(byte))) must be followed by \(digits) hex digits")
            }
            guard let scalar = Unicode.Scalar(code) else {
                throw error("\\\(Character(Unicode.Scalar(byte)))\(String(decoding: bytes[position..<position + digits], as: UTF8.self)) is not a Unicode scalar value")
            }
            position += digits
            scratch.append(contentsOf: scalar.utf8)
        default:
            position -= 1
            throw error("invalid escape sequence \\\(describeHere(quoted: false)) (valid: \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX)")
        }
    }

    // MARK: Lexical helpers

    func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    func startsWith(_ byte: UInt8, count: Int) -> Bool {
        guard position + count <= bytes.count else { return false }
        return (position..<position + count).allSatisfy { bytes[$0] == byte }
    }

    mutating func consume(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        position += 1
        return true
    }

    mutating func skipSpaces() {
        while let byte = peek(), byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { position += 1 }
    }

    /// At "\n" or "\r\n": steps over it and counts the line. A lone "\r" is an error.
    mutating func newline() throws(TOMLSyntaxError) {
        if consume(UInt8(ascii: "\r")), peek() != UInt8(ascii: "\n") {
            position -= 1
            throw error("a carriage return must be followed by a line feed")
        }
        position += 1
        line += 1
    }

    /// At `#`: up to (not including) the line end.
    mutating func comment() throws(TOMLSyntaxError) {
        while let byte = peek(), byte != UInt8(ascii: "\n"), byte != UInt8(ascii: "\r") {
            try checkNotControl(byte, in: "a comment")
            position += 1
        }
    }

    mutating func skipSpacesNewlinesAndComments() throws(TOMLSyntaxError) {
        while true {
            skipSpaces()
            switch peek() {
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"): try newline()
            case UInt8(ascii: "#"): try comment()
            default: return
            }
        }
    }

    /// TOML allows tab but no other control character in strings and comments.
    func checkNotControl(_ byte: UInt8, in place: String) throws(TOMLSyntaxError) {
        if (byte < 0x20 && byte != 0x09) || byte == 0x7F {
            let hint = place == "a string" ? " (write it as an escape in a \"...\" string)" : ""
            throw error("control character U+\(Self.hex4(byte)) in \(place)\(hint)")
        }
    }

    func error(_ reason: String) -> TOMLSyntaxError {
        TOMLSyntaxError(line: line, reason: reason)
    }

    /// What is at the current position, for messages: `'x'`, `U+00E9 'é'`, "the end of the line".
    func describeHere(quoted: Bool = true) -> String {
        guard let byte = peek() else { return "the end of the file" }
        if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { return "the end of the line" }
        if byte < 0x20 || byte == 0x7F { return "control character U+\(Self.hex4(byte))" }
        // The text is valid UTF-8, so the lead byte gives the character's length.
        let length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4
        let character = String(decoding: bytes[position..<min(bytes.count, position + length)], as: UTF8.self)
        return quoted ? "'\(character)'" : character
    }

    static func hex4(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }

    static func dotted(_ path: some Collection<String>) -> String {
        path.map { part in
            !part.isEmpty && part.utf8.allSatisfy(isBareKeyByte) ? part : configQuoted(part)
        }.joined(separator: ".")
    }

    static func isBareKeyByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    /// Letters, digits and `_ + - . :` (the last for times, so they are refused whole rather than misread).
    static func isBareValueByte(_ byte: UInt8) -> Bool {
        isBareKeyByte(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
    }

    /// `1979-05-27...` or `07:32...`.
    static func looksLikeDateOrTime(_ token: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        let bytes = Array(token.prefix(5))
        func digit(_ index: Int) -> Bool { index < bytes.count && bytes[index] >= 0x30 && bytes[index] <= 0x39 }
        if bytes.count == 5, digit(0), digit(1), digit(2), digit(3), bytes[4] == UInt8(ascii: "-") { return true }
        if bytes.count >= 3, digit(0), digit(1), bytes[2] == UInt8(ascii: ":") { return true }
        return false
    }
}

/// TOML integers and floats, validated strictly: underscores only between digits, no leading zeros, no
/// sign on 0x/0o/0b, a digit on both sides of the decimal point.
enum TOMLNumber {
    static func parse(_ token: Slice<UnsafeBufferPointer<UInt8>>) -> TOMLValue? {
        let text = Array(token)
        var body = text[...]
        var sign: UInt8?
        if let first = body.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            sign = first
            body = body.dropFirst()
        }
        if body.elementsEqual("inf".utf8) { return .float(sign == UInt8(ascii: "-") ? -.infinity : .infinity) }
        if body.elementsEqual("nan".utf8) { return .float(.nan) }

        if sign == nil, body.count > 2, body.first == UInt8(ascii: "0") {
            let radix: Int? = switch body[body.startIndex + 1] {
            case UInt8(ascii: "x"): 16
            case UInt8(ascii: "o"): 8
            case UInt8(ascii: "b"): 2
            default: nil
            }
            if let radix {
                guard let digits = digitsWithUnderscores(body.dropFirst(2), radix: radix),
                      let value = Int(digits, radix: radix) else { return nil }
                return .integer(value)
            }
        }

        // Decimal: integer part, optional fraction, optional exponent.
        let exponentStart = body.firstIndex { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        let mantissa = body[..<(exponentStart ?? body.endIndex)]
        let pointIndex = mantissa.firstIndex(of: UInt8(ascii: "."))
        let integerPart = mantissa[..<(pointIndex ?? mantissa.endIndex)]
        guard let integerDigits = digitsWithUnderscores(integerPart, radix: 10) else { return nil }
        if integerDigits.count > 1 && integerDigits.hasPrefix("0") { return nil }  // leading zero
        let signText = sign == UInt8(ascii: "-") ? "-" : ""

        if pointIndex == nil && exponentStart == nil {
            guard let value = Int(signText + integerDigits) else { return nil }  // out of 64-bit range
            return .integer(value)
        }
        var decimal = signText + integerDigits
        if let pointIndex {
            guard let fraction = digitsWithUnderscores(mantissa[(pointIndex + 1)...], radix: 10) else { return nil }
            decimal += "." + fraction
        }
        if let exponentStart {
            var exponent = body[(exponentStart + 1)...]
            var exponentSign = ""
            if let first = exponent.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
                exponentSign = first == UInt8(ascii: "-") ? "-" : ""
                exponent = exponent.dropFirst()
            }
            guard let exponentDigits = digitsWithUnderscores(exponent, radix: 10) else { return nil }
            decimal += "e" + exponentSign + exponentDigits
        }
        guard let value = Double(decimal), value.isFinite else { return nil }
        return .float(value)
    }

    /// The digits without underscores when `text` is one or more digits of `radix` with single underscores
    /// between digits; else nil.
    static func digitsWithUnderscores(_ text: ArraySlice<UInt8>, radix: Int) -> String? {
        guard let first = text.first, let last = text.last, first != UInt8(ascii: "_"), last != UInt8(ascii: "_") else {
            return nil
        }
        var digits: [UInt8] = []
        var previousWasUnderscore = false
        for byte in text {
            if byte == UInt8(ascii: "_") {
                if previousWasUnderscore { return nil }
                previousWasUnderscore = true
                continue
            }
            previousWasUnderscore = false
            let value: Int
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = Int(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = Int(byte - UInt8(ascii: "A")) + 10
            default: return nil
            }
            guard value < radix else { return nil }
            digits.append(byte)
        }
        return String(decoding: digits, as: UTF8.self)
    }
}
