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
            writer.out += "[]"
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

    private struct Writer {
        let pretty: Bool
        var out = ""
        var depth = 0

        init(pretty: Bool) { self.pretty = pretty }

        mutating func open(_ bracket: String) {
            out += bracket
            depth += 1
            newline()
        }

        mutating func close(_ bracket: String) {
            depth -= 1
            newline()
            out += bracket
        }

        mutating func comma() {
            out += ","
            newline()
        }

        mutating func newline() {
            guard pretty else { return }
            out += "\n"
            out += String(repeating: "  ", count: depth)
        }

        mutating func key(_ name: String) {
            out += "\"" + name + "\":"
            if pretty { out += " " }
        }

        mutating func value(_ text: String?) {
            guard let text else { out += "null"; return }
            out += "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "\u{2028}": out += "\\u2028"  // valid JSON, but breaks JavaScript consumers
                case "\u{2029}": out += "\\u2029"
                default:
                    if scalar.value < 0x20 {
                        let hex = String(scalar.value, radix: 16)
                        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            out += "\""
        }
    }
}

extension ParsedFeed {
    /// `FeedJSON.encode(self, prettyPrinted:)`.
    public func jsonData(prettyPrinted: Bool = true) -> Data { FeedJSON.encode(self, prettyPrinted: prettyPrinted) }
}
