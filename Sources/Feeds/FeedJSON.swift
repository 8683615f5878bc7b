// The `parse-feed --json` format, our conformance interface (compared with feedparser's results):
// {"title","link","items":[{"id","title","link","published","updated","author","summary"}]} in that key order,
// dates RFC 3339 UTC with whole seconds and `Z`, null where absent. Written by hand because JSONEncoder does
// not promise key order.
public import CrawlerModel
public import struct Foundation.Data

public enum FeedJSON {
    /// The JSON document for a parsed feed, UTF-8, ending without a newline.
    /// - Parameter prettyPrinted: two-space indentation, one key per line (what the CLI prints).
    public static func encode(_ feed: ParsedFeed, prettyPrinted: Bool = true) -> Data {
        Data(string(feed, prettyPrinted: prettyPrinted).utf8)
    }

    /// The same document as a String.
    public static func string(_ feed: ParsedFeed, prettyPrinted: Bool = true) -> String {
        var writer = Writer(pretty: prettyPrinted)
        // One allocation for the whole document in the common case: the field texts plus ~300 bytes of keys,
        // quotes and indentation per item (a 5,000-item feed is ~5 MB; growing by doubling copied it ~10 times).
        var estimate = 256 + (feed.title?.utf8.count ?? 0) + (feed.link?.utf8.count ?? 0)
        for item in feed.items {
            estimate += 320 + (item.id?.utf8.count ?? 0) + (item.title?.utf8.count ?? 0) + (item.link?.utf8.count ?? 0)
                + (item.author?.utf8.count ?? 0) + (item.summary?.utf8.count ?? 0)
        }
        writer.out.reserveCapacity(estimate)
        writer.open("{")
        writer.key("title"); writer.value(feed.title); writer.comma()
        writer.key("link"); writer.value(feed.link); writer.comma()
        writer.key("items")
        if feed.items.isEmpty {
            writer.raw("[]")
        } else {
            writer.open("[")
            for (index, item) in feed.items.enumerated() {
                if index > 0 { writer.comma() }
                writer.open("{")
                writer.key("id"); writer.value(item.id); writer.comma()
                writer.key("title"); writer.value(item.title); writer.comma()
                writer.key("link"); writer.value(item.link); writer.comma()
                writer.key("published"); writer.value(item.published.map(DateParser.rfc3339UTC)); writer.comma()
                writer.key("updated"); writer.value(item.updated.map(DateParser.rfc3339UTC)); writer.comma()
                writer.key("author"); writer.value(item.author); writer.comma()
                writer.key("summary"); writer.value(item.summary)
                writer.close("}")
            }
            writer.close("]")
        }
        writer.close("}")
        return writer.out
    }

    /// Builds the document straight into a String: the field texts are valid UTF-8 Strings already, so runs
    /// that need no escaping are appended as they are (a memcpy, no re-validation), and only the bytes JSON
    /// must escape are written one by one.
    private struct Writer {
        let pretty: Bool
        var out = ""
        var depth = 0
        /// "\n" followed by 2 * depth spaces, for the depths a feed document has (3); deeper ones are built.
        private static let indents: [String] = (0..<8).map { "\n" + String(repeating: " ", count: 2 * $0) }

        /// Bytes that may need escaping: controls, `"`, `\\`, and 0xE2 (the lead byte of U+2028/U+2029).
        private static let candidate: [Bool] = (0..<256).map { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0xE2 }

        init(pretty: Bool) { self.pretty = pretty }

        mutating func raw(_ text: String) { out += text }

        mutating func open(_ bracket: String) {
            raw(bracket)
            depth += 1
            newline()
        }

        mutating func close(_ bracket: String) {
            depth -= 1
            newline()
            raw(bracket)
        }

        mutating func comma() {
            raw(",")
            newline()
        }

        mutating func newline() {
            guard pretty else { return }
            out += depth < Self.indents.count ? Self.indents[depth] : "\n" + String(repeating: " ", count: 2 * depth)
        }

        mutating func key(_ name: String) {
            out += "\""
            out += name
            out += pretty ? "\": " : "\":"
        }

        mutating func value(_ text: String?) {
            guard let text else { raw("null"); return }
            out += "\""
            // Offsets of the bytes to escape: `"`, `\`, controls, and U+2028/U+2029 (E2 80 A8/A9: valid JSON,
            // but they break JavaScript consumers). Most strings have none and are appended whole.
            var source = text
            var escapes: [Int] = []
            let candidate = Self.candidate
            source.withUTF8 { utf8 in
                var index = 0
                let count = utf8.count
                while index < count {
                    let byte = utf8[index]
                    // One table lookup per byte; the rare candidates are then checked exactly.
                    if candidate[Int(byte)] {
                        if byte != 0xE2 || (index + 2 < count && utf8[index + 1] == 0x80 && utf8[index + 2] & 0xFE == 0xA8) {
                            escapes.append(index)
                        }
                    }
                    index += 1
                }
            }
            if escapes.isEmpty {
                out += source
                out += "\""
                return
            }
            let utf8 = source.utf8
            var runStart = utf8.startIndex
            for offset in escapes {
                let at = utf8.index(utf8.startIndex, offsetBy: offset)
                out += source[runStart..<at]
                let byte = utf8[at]
                var length = 1
                switch byte {
                case 0x22: out += "\\\""
                case 0x5C: out += "\\\\"
                case 0x0A: out += "\\n"
                case 0x0D: out += "\\r"
                case 0x09: out += "\\t"
                case 0xE2:
                    out += utf8[utf8.index(at, offsetBy: 2)] == 0xA8 ? "\\u2028" : "\\u2029"
                    length = 3
                default:
                    let hex = Array("0123456789abcdef".unicodeScalars)
                    out += "\\u00"
                    out.unicodeScalars.append(hex[Int(byte >> 4)])
                    out.unicodeScalars.append(hex[Int(byte & 0x0F)])
                }
                runStart = utf8.index(at, offsetBy: length)
            }
            out += source[runStart...]
            out += "\""
        }
    }
}

extension ParsedFeed {
    /// `FeedJSON.encode(self, prettyPrinted:)`.
    public func jsonData(prettyPrinted: Bool = true) -> Data { FeedJSON.encode(self, prettyPrinted: prettyPrinted) }
}
