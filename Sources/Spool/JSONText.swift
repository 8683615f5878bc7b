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

    public var serialized: String {
        var out = ""
        write(to: &out)
        return out
    }

    func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .string(let value): JSONValue.writeString(value, to: &out)
        case .array(let values):
            out += "["
            for (index, value) in values.enumerated() {
                if index > 0 { out += ", " }
                value.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out += ", " }
                JSONValue.writeString(key, to: &out)
                out += ": "
                value.write(to: &out)
            }
            out += "}"
        }
    }

    /// RFC 8259 string: quote, backslash and control characters escaped; U+2028/2029 escaped too so the
    /// output is also a valid JavaScript literal. Runs of bytes that need nothing are copied whole (one scalar
    /// at a time, this was 4.5% of a crawl's instructions).
    static func writeString(_ text: String, to out: inout String) {
        out += "\""
        let utf8 = text.utf8
        var runStart = utf8.startIndex
        var index = runStart
        while index != utf8.endIndex {
            let byte = utf8[index]
            var escaped: String?
            var length = 1
            switch byte {
            case 0x22: escaped = "\\\""
            case 0x5C: escaped = "\\\\"
            case 0x0A: escaped = "\\n"
            case 0x0D: escaped = "\\r"
            case 0x09: escaped = "\\t"
            case 0x08: escaped = "\\b"
            case 0x0C: escaped = "\\f"
            case 0..<0x20:
                let hex = Array("0123456789abcdef")
                escaped = "\\u00" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0xF)])
            case 0xE2:  // U+2028 and U+2029 are E2 80 A8 and E2 80 A9
                let second = utf8.index(after: index)
                if second != utf8.endIndex, utf8[second] == 0x80 {
                    let third = utf8.index(after: second)
                    if third != utf8.endIndex, utf8[third] == 0xA8 || utf8[third] == 0xA9 {
                        escaped = utf8[third] == 0xA8 ? "\\u2028" : "\\u2029"
                        length = 3
                    }
                }
            default: break
            }
            if let escaped {
                out += text[runStart..<index]
                out += escaped
                index = utf8.index(index, offsetBy: length)
                runStart = index
            } else {
                index = utf8.index(after: index)
            }
        }
        out += text[runStart..<index]
        out += "\""
    }
}
