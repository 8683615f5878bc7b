// The `parse-feed --json` format, our conformance interface (compared with feedparser's results):
// {"title","link","items":[{"id","title","link","published","updated","author","summary"}]} in that key order,
// dates RFC 3339 UTC with whole seconds and `Z`, null where absent. Written by hand because JSONEncoder does
// not promise key order.
public import CrawlerModel
public import struct Foundation.Data
public import struct Foundation.Date

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

    /// The same document as UTF-8 bytes.
    public static func bytes(_ feed: ParsedFeed, prettyPrinted: Bool = true) -> [UInt8] {
        withBytes(feed, prettyPrinted: prettyPrinted) { Array($0) }
    }

    /// Calls `body` with the document's UTF-8 bytes, valid only during the call (no copy into an Array).
    public static func withBytes<R>(_ feed: ParsedFeed, prettyPrinted: Bool = true,
                                    _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        // One allocation for the whole document in the common case: the field texts plus ~320 bytes of keys,
        // quotes, dates and indentation per item (a 5,000-item feed is ~5 MB; doubling would copy it ~10 times).
        var estimate = 256 + (feed.title?.utf8.count ?? 0) + (feed.link?.utf8.count ?? 0)
        for item in feed.items {
            estimate += 320 + (item.id?.utf8.count ?? 0) + (item.title?.utf8.count ?? 0) + (item.link?.utf8.count ?? 0)
                + (item.author?.utf8.count ?? 0) + (item.summary?.utf8.count ?? 0)
        }
        var writer = Writer(pretty: prettyPrinted, capacity: estimate)
        defer { writer.release() }
        write(feed, into: &writer, flushingPast: nil) { _ in }
        return try body(UnsafeBufferPointer(start: writer.base, count: writer.count))
    }

    /// Writes the document in pieces of about 64 KiB to `sink` (what `parse-feed --json` does with stdout): the
    /// whole 5 MB document of a 5,000-item feed never sits in memory (~1,300 fewer pages to fault in).
    public static func write(_ feed: ParsedFeed, prettyPrinted: Bool = true, to sink: (UnsafeBufferPointer<UInt8>) -> Void) {
        let piece = 64 << 10
        var writer = Writer(pretty: prettyPrinted, capacity: piece + (piece >> 1))
        defer { writer.release() }
        write(feed, into: &writer, flushingPast: piece, sink)
        sink(UnsafeBufferPointer(start: writer.base, count: writer.count))
    }

    /// The document into `writer`; with `flushingPast`, whatever is written is handed to `sink` and dropped each
    /// time it exceeds that many bytes (between items).
    private static func write(_ feed: ParsedFeed, into writer: inout Writer, flushingPast limit: Int?,
                              _ sink: (UnsafeBufferPointer<UInt8>) -> Void) {
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
                writer.key("published"); writer.date(item.published); writer.comma()
                writer.key("updated"); writer.date(item.updated); writer.comma()
                writer.key("author"); writer.value(item.author); writer.comma()
                writer.key("summary"); writer.value(item.summary)
                writer.close("}")
                if let limit, writer.count > limit {
                    sink(UnsafeBufferPointer(start: writer.base, count: writer.count))
                    writer.removeAll()
                }
            }
            writer.close("]")
        }
        writer.close("}")
    }

    /// Builds the document as UTF-8 bytes in one manually grown buffer (memcpy appends: Array.append(contentsOf:)
    /// cost ~70 instructions a call, and a 5,000-item document has ~100,000 appends). The field texts are valid
    /// UTF-8 Strings already: runs that need no escaping are copied whole, found eight bytes at a time; only the
    /// bytes JSON must escape are written one by one.
    private struct Writer {
        let pretty: Bool
        private(set) var base: UnsafeMutablePointer<UInt8>
        private var capacity: Int
        private(set) var count = 0
        var depth = 0
        /// Bytes that may need escaping: controls, `"`, `\\`, and 0xE2 (the lead byte of U+2028/U+2029).
        private static let candidate: [Bool] = (0..<256).map { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0xE2 }
        private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

        init(pretty: Bool, capacity: Int) {
            self.pretty = pretty
            self.capacity = max(capacity, 64)
            base = .allocate(capacity: self.capacity)
        }

        func release() { base.deallocate() }

        /// Empties the buffer, keeping its memory.
        mutating func removeAll() { count = 0 }

        private mutating func reserve(_ extra: Int) {
            guard count + extra > capacity else { return }
            var grown = capacity * 2
            while grown < count + extra { grown *= 2 }
            let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
            buffer.update(from: base, count: count)
            base.deallocate()
            base = buffer
            capacity = grown
        }

        private mutating func append(_ start: UnsafePointer<UInt8>, _ length: Int) {
            guard length > 0 else { return }
            reserve(length)
            (base + count).update(from: start, count: length)
            count += length
        }

        private mutating func append(_ byte: UInt8) {
            reserve(1)
            base[count] = byte
            count += 1
        }

        mutating func raw(_ text: StaticString) { append(text.utf8Start, text.utf8CodeUnitCount) }

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
            reserve(1 + 2 * depth)
            base[count] = 0x0A
            (base + count + 1).update(repeating: 0x20, count: 2 * depth)
            count += 1 + 2 * depth
        }

        mutating func key(_ name: StaticString) {
            raw("\"")
            raw(name)
            if pretty { raw("\": ") } else { raw("\":") }
        }

        mutating func value(_ text: String?) {
            guard let text else { raw("null"); return }
            append(0x22)
            var source = text
            source.withUTF8 { escaped($0) }
            append(0x22)
        }

        /// `DateParser.rfc3339UTC(date)` in quotes, written in place (that one builds an Array and a String per
        /// call: 10,000 of them for a 5,000-item feed). A test checks both give the same text.
        mutating func date(_ date: Date?) {
            guard let date else { raw("null"); return }
            let total = Int64(date.timeIntervalSince1970.rounded(.down))
            let days = total >= 0 ? total / 86_400 : -((-total + 86_399) / 86_400)
            let secondsOfDay = Int(total - days * 86_400)
            let (year, month, day) = DateParser.civil(fromDays: days)
            reserve(22)
            let out = base + count
            func put(_ value: Int, at position: Int, width: Int) {
                var remaining = value
                for offset in stride(from: width - 1, through: 0, by: -1) {
                    out[position + offset] = UInt8(48 + remaining % 10)
                    remaining /= 10
                }
            }
            out[0] = 0x22
            put(Int(max(0, min(9999, year))), at: 1, width: 4)
            out[5] = UInt8(ascii: "-")
            put(month, at: 6, width: 2)
            out[8] = UInt8(ascii: "-")
            put(day, at: 9, width: 2)
            out[11] = UInt8(ascii: "T")
            put(secondsOfDay / 3600, at: 12, width: 2)
            out[14] = UInt8(ascii: ":")
            put(secondsOfDay / 60 % 60, at: 15, width: 2)
            out[17] = UInt8(ascii: ":")
            put(secondsOfDay % 60, at: 18, width: 2)
            out[20] = UInt8(ascii: "Z")
            out[21] = 0x22
            count += 22
        }

        /// True when one of the eight bytes in `word` may need escaping (exact "has a byte < 0x20 or equal to
        /// 0x22, 0x5C, 0xE2" tests, Hacker's Delight style; no false negatives, candidates are re-checked).
        @inline(__always)
        private static func mayNeedEscape(_ word: UInt64) -> Bool {
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            func hasZero(_ value: UInt64) -> Bool { (value &- ones) & ~value & highs != 0 }
            let below20 = (word &- ones &* 0x20) & ~word & highs != 0
            return below20 || hasZero(word ^ (ones &* 0x22)) || hasZero(word ^ (ones &* 0x5C)) || hasZero(word ^ (ones &* 0xE2))
        }

        private mutating func escaped(_ utf8: UnsafeBufferPointer<UInt8>) {
            guard let start = utf8.baseAddress else { return }
            let count = utf8.count
            let raw = UnsafeRawPointer(start)
            let candidate = Self.candidate
            var runStart = 0
            var index = 0
            while index < count {
                if index + 8 <= count, !Self.mayNeedEscape(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                    index += 8
                    continue
                }
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
                append(start + runStart, index - runStart)
                self.raw(escape)
                if byte < 0x20, byte != 0x0A, byte != 0x0D, byte != 0x09 {
                    append(Self.hex[Int(byte >> 4)])
                    append(Self.hex[Int(byte & 0x0F)])
                }
                index += length
                runStart = index
            }
            append(start + runStart, count - runStart)
        }
    }
}

extension ParsedFeed {
    /// `FeedJSON.encode(self, prettyPrinted:)`.
    public func jsonData(prettyPrinted: Bool = true) -> Data { FeedJSON.encode(self, prettyPrinted: prettyPrinted) }
}
