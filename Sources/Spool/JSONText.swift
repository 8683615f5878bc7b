// A minimal JSON writer that keeps keys in the order given: the spool contract fixes the sidecar's key order
// (Foundation's JSONEncoder does not preserve order). Output is UTF-8, no insignificant whitespace except one
// space after ":" and ",", and a final newline.

/// A JSON value for the sidecar.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        lhs.serialized == rhs.serialized
    }

    /// String or null.
    static func optional(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }

    /// Written into one byte buffer: Substring appends to a String cost ~130 instructions per byte of a
    /// 600-byte sidecar, a few per byte this way.
    public var serialized: String {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    func write(to out: inout [UInt8]) {
        switch self {
        case .null: out += "null".utf8
        case .bool(let value): out += (value ? "true" : "false").utf8
        case .int(let value): out += String(value).utf8
        case .string(let value): JSONValue.writeString(value, to: &out)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out += ", ".utf8 }
                value.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out += ", ".utf8 }
                JSONValue.writeString(key, to: &out)
                out += ": ".utf8
                value.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// RFC 8259 string: quote, backslash and control characters escaped; U+2028/2029 escaped too so the
    /// output is also a valid JavaScript literal. Runs of bytes that need nothing are copied whole.
    static func writeString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                var escaped: StaticString?
                var length = 1
                var controlByte: UInt8?
                switch byte {
                case 0x22: escaped = "\\\""
                case 0x5C: escaped = "\\\\"
                case 0x0A: escaped = "\\n"
                case 0x0D: escaped = "\\r"
                case 0x09: escaped = "\\t"
                case 0x08: escaped = "\\b"
                case 0x0C: escaped = "\\f"
                case 0..<0x20: controlByte = byte
                case 0xE2:  // U+2028 and U+2029 are E2 80 A8 and E2 80 A9
                    if index + 2 < bytes.count, bytes[index + 1] == 0x80, bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9 {
                        escaped = bytes[index + 2] == 0xA8 ? "\\u2028" : "\\u2029"
                        length = 3
                    }
                default: break
                }
                guard escaped != nil || controlByte != nil else {
                    index += 1
                    continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                if let escaped {
                    escaped.withUTF8Buffer { out.append(contentsOf: $0) }
                } else if let controlByte {
                    let hex = Array("0123456789abcdef".utf8)
                    out += "\\u00".utf8
                    out.append(hex[Int(controlByte >> 4)])
                    out.append(hex[Int(controlByte & 0xF)])
                }
                index += length
                runStart = index
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
        }
        out.append(UInt8(ascii: "\""))
    }
}
