// Where each key of a TOML file sits, so validation problems can say `file:line:`. TOMLKit (toml++) reports
// lines for syntax errors only, not for the values it returns, so this is a light second pass over the
// text. It runs only after TOMLKit accepted the file, so it can assume valid TOML and only has to follow
// table headers, array-of-tables indices, and values that span lines (multi-line strings and arrays).

/// Line numbers of keys and table headers, addressed by path: `spool_dir`, `feeds[2]` (the third
/// `[[feeds]]` header), `feeds[2].url`, `server` (a `[server]` header), `server.port`.
struct TOMLLineIndex {
    private var lines: [String: Int] = [:]

    init(text: String) {
        var arrayCounts: [String: Int] = [:]
        var currentTable = ""
        /// Set while inside a multi-line string; holds its closing delimiter.
        var openString: String?
        /// Open `[`/`{` brackets of a value that continues on the next lines.
        var bracketDepth = 0

        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = offset + 1
            var line = Substring(rawLine)
            if let delimiter = openString {
                guard let close = line.firstRange(of: delimiter) else { continue }
                openString = nil
                line = line[close.upperBound...]
                Self.scanValue(line, openString: &openString, depth: &bracketDepth)
                continue
            }
            if bracketDepth > 0 {
                Self.scanValue(line, openString: &openString, depth: &bracketDepth)
                continue
            }
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }

            if trimmed.hasPrefix("[[") {
                let name = Self.headerName(trimmed.dropFirst(2), closing: "]]")
                let index = arrayCounts[name, default: 0]
                arrayCounts[name] = index + 1
                currentTable = "\(name)[\(index)]"
                record(currentTable, lineNumber)
                record(name, lineNumber)  // the array itself sits where its first element starts
            } else if trimmed.hasPrefix("[") {
                let name = Self.headerName(trimmed.dropFirst(), closing: "]")
                // `[feeds.extra]` after `[[feeds]]` belongs to the latest feeds element.
                let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
                if parts.count == 2, let count = arrayCounts[parts[0]] {
                    currentTable = "\(parts[0])[\(count - 1)].\(parts[1])"
                } else {
                    currentTable = name
                }
                record(currentTable, lineNumber)
            } else if let (key, valueStart) = Self.keyAndValue(trimmed) {
                record(currentTable.isEmpty ? key : "\(currentTable).\(key)", lineNumber)
                Self.scanValue(valueStart, openString: &openString, depth: &bracketDepth)
            }
        }
    }

    private mutating func record(_ path: String, _ line: Int) {
        // The first occurrence wins: TOMLKit already rejected real duplicates.
        if lines[path] == nil { lines[path] = line }
    }

    /// The line of `path`, else of its nearest recorded parent (`feeds[2].url` -> `feeds[2]`), else nil.
    func line(of path: String) -> Int? {
        var candidate = Substring(path)
        while true {
            if let line = lines[String(candidate)] { return line }
            guard let cut = candidate.lastIndex(where: { $0 == "." || $0 == "[" }) else { return nil }
            candidate = candidate[..<cut]
        }
    }

    /// `feeds` from `feeds]] # comment`, with quotes and spaces around dotted parts removed.
    private static func headerName(_ text: Substring, closing: String) -> String {
        let inside = text.firstRange(of: closing).map { text[..<$0.lowerBound] } ?? text
        return inside.split(separator: ".").map { unquote($0.configTrimmed()) }.joined(separator: ".")
    }

    /// For `key = value`, `"quoted key" = value` or `a.b = value`: the key path and the text after `=`.
    private static func keyAndValue(_ line: Substring) -> (String, Substring)? {
        var inQuote: Character?
        var index = line.startIndex
        while index < line.endIndex {
            let char = line[index]
            if let quote = inQuote {
                if char == quote { inQuote = nil }
            } else if char == "\"" || char == "'" {
                inQuote = char
            } else if char == "=" {
                let key = line[..<index].split(separator: ".").map { unquote($0.configTrimmed()) }
                    .joined(separator: ".")
                return (key, line[line.index(after: index)...])
            }
            index = line.index(after: index)
        }
        return nil
    }

    private static func unquote(_ text: String) -> String {
        if text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first {
            return String(text.dropFirst().dropLast())
        }
        return text
    }

    /// Follows a value to see whether it leaves a multi-line string or a bracket open at the end of the line.
    private static func scanValue(_ text: Substring, openString: inout String?, depth: inout Int) {
        var index = text.startIndex
        while index < text.endIndex {
            let rest = text[index...]
            if rest.hasPrefix("\"\"\"") || rest.hasPrefix("'''") {
                let delimiter = String(rest.prefix(3))
                let afterOpen = text.index(index, offsetBy: 3)
                guard let close = text[afterOpen...].firstRange(of: delimiter) else {
                    openString = delimiter
                    return
                }
                index = close.upperBound
                continue
            }
            let char = text[index]
            switch char {
            case "#":
                return  // a comment runs to the end of the line
            case "\"", "'":
                // A one-line string: skip to its closing quote (basic strings may escape it).
                var cursor = text.index(after: index)
                while cursor < text.endIndex, text[cursor] != char {
                    if char == "\"", text[cursor] == "\\" { cursor = text.index(after: cursor) }
                    if cursor < text.endIndex { cursor = text.index(after: cursor) }
                }
                index = cursor < text.endIndex ? text.index(after: cursor) : cursor
                continue
            case "[", "{":
                depth += 1
            case "]", "}":
                depth = max(0, depth - 1)
            default:
                break
            }
            index = text.index(after: index)
        }
    }
}
