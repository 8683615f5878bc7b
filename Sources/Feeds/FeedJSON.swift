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
        Data(bytes(feed, prettyPrinted: prettyPrinted))
    }

    /// The same document as a String.
    public static func string(_ feed: ParsedFeed, prettyPrinted: Bool = true) -> String {
        String(decoding: bytes(feed, prettyPrinted: prettyPrinted), as: UTF8.self)
    }

    /// The same document as UTF-8 bytes (what `parse-feed --json` writes: no String round trip).
    public static func bytes(_ feed: ParsedFeed, prettyPrinted: Bool = true) -> [UInt8] {
        var writer = Writer(pretty: prettyPrinted)
        // One allocation for the whole document in the common case: the field texts plus ~320 bytes of keys,
        // quotes, dates and indentation per item (a 5,000-item feed is ~5 MB; doubling would copy it ~10 times).
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

    /// Builds the document as UTF-8 bytes. The field texts are valid UTF-8 Strings already: runs that need no
    /// escaping are copied whole, only the bytes JSON must escape are written one by one. (Appending to a String
    /// instead cost ~300 instructions per append in String's bookkeeping: 11% of parse-feed on 5,000 items.)
    private struct Writer {
        let pretty: Bool
        var out: [UInt8] = []
        var depth = 0
        /// Bytes that may need escaping: controls, `"`, `\\`, and 0xE2 (the lead byte of U+2028/U+2029).
        private static let candidate: [Bool] = (0..<256).map { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0xE2 }
        private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

        init(pretty: Bool) { self.pretty = pretty }

        mutating func raw(_ text: StaticString) {
            out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }

        mutating func open(_ bracket: StaticString) {
            raw(bracket)
            depth += 1
            newline()
        }

        mutating func close(_ bracket: StaticString) {
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
            out.append(0x0A)
            for _ in 0..<depth { raw("  ") }
        }

        mutating func key(_ name: StaticString) {
            raw("\"")
            raw(name)
            if pretty { raw("\": ") } else { raw("\":") }
        }

        mutating func value(_ text: String?) {
            guard let text else { raw("null"); return }
            out.append(0x22)
            var source = text
            let candidate = Self.candidate
            source.withUTF8 { utf8 in
                var runStart = 0
                var index = 0
                let count = utf8.count
                while index < count {
                    let byte = utf8[index]
                    // One table lookup per byte; the rare candidates are then checked exactly.
                    guard candidate[Int(byte)] else { index += 1; continue }
                    var length = 1
                    let escape: StaticString
                    switch byte {
                    case 0x22: escape = "\\\""
                    case 0x5C: escape = "\\\\"
                    case 0x0A: escape = "\\n"
                    case 0x0D: escape = "\\r"
                    case 0x09: escape = "\\t"
                    case 0xE2:
                        // U+2028/U+2029: valid JSON, but they break JavaScript consumers; written escaped.
                        guard index + 2 < count, utf8[index + 1] == 0x80, utf8[index + 2] & 0xFE == 0xA8 else {
                            index += 1
                            continue
                        }
                        escape = utf8[index + 2] == 0xA8 ? "\\u2028" : "\\u2029"
                        length = 3
                    default:
                        escape = "\\u00"
                    }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                    raw(escape)
                    if byte < 0x20, byte != 0x0A, byte != 0x0D, byte != 0x09 {
                        out.append(Self.hex[Int(byte >> 4)])
                        out.append(Self.hex[Int(byte & 0x0F)])
                    }
                    index += length
                    runStart = index
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<count]))
            }
            out.append(0x22)
        }
    }
}

extension ParsedFeed {
    /// `FeedJSON.encode(self, prettyPrinted:)`.
    public func jsonData(prettyPrinted: Bool = true) -> Data { FeedJSON.encode(self, prettyPrinted: prettyPrinted) }
}
