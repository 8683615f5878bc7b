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

    /// Builds the document as UTF-8 bytes; strings are escaped byte by byte (the text is valid UTF-8 already).
    private struct Writer {
        let pretty: Bool
        var bytes: [UInt8] = []
        var depth = 0

        init(pretty: Bool) {
            self.pretty = pretty
            bytes.reserveCapacity(4096)
        }

        var out: String { String(decoding: bytes, as: UTF8.self) }

        mutating func raw(_ text: StaticString) {
            bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
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
            bytes.append(0x0A)
            bytes.append(contentsOf: repeatElement(0x20, count: 2 * depth))
        }

        mutating func key(_ name: StaticString) {
            raw("\"")
            raw(name)
            raw(pretty ? "\": " : "\":")
        }

        mutating func value(_ text: String?) {
            guard let text else { raw("null"); return }
            bytes.append(0x22)
            // Most strings need no escaping: copy them whole.
            var source = text
            let copied: Bool = source.withUTF8 { utf8 in
                for byte in utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0xE2 { return false }
                bytes.append(contentsOf: utf8)
                return true
            }
            if copied {
                bytes.append(0x22)
                return
            }
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            var previous2: UInt8 = 0, previous1: UInt8 = 0
            for byte in text.utf8 {
                switch byte {
                case 0x22: raw("\\\"")
                case 0x5C: raw("\\\\")
                case 0x0A: raw("\\n")
                case 0x0D: raw("\\r")
                case 0x09: raw("\\t")
                case 0x00..<0x20:
                    raw("\\u00")
                    bytes.append(hex[Int(byte >> 4)])
                    bytes.append(hex[Int(byte & 0x0F)])
                case 0xA8...0xA9 where previous2 == 0xE2 && previous1 == 0x80:
                    // U+2028/U+2029: valid JSON, but they break JavaScript consumers; written escaped.
                    bytes.removeLast(2)
                    raw(byte == 0xA8 ? "\\u2028" : "\\u2029")
                default:
                    bytes.append(byte)
                }
                previous2 = previous1
                previous1 = byte
            }
            bytes.append(0x22)
        }
    }
}

extension ParsedFeed {
    /// `FeedJSON.encode(self, prettyPrinted:)`.
    public func jsonData(prettyPrinted: Bool = true) -> Data { FeedJSON.encode(self, prettyPrinted: prettyPrinted) }
}
