// Links in feeds and pages are often not valid URLs as written: spaces, non-ASCII letters, quotes. Browsers
// escape them before sending; so do we, or curl refuses them ("Bad path") or sends raw bytes servers reject.
import Foundation

enum URLEscaping {
    /// Trims surrounding whitespace, drops the fragment (never sent), and percent-encodes every byte after the
    /// authority that may not appear raw in a URL: controls, space, non-ASCII, and " < > \ ^ ` { | }.
    /// Existing %XX escapes are kept as they are. The host is left alone (curl converts IDN hosts itself).
    /// False when both end bytes are ASCII other than a space or control from tab to carriage return: then
    /// Foundation's trimming (through CFString, ~35,000 instructions per URL) would change nothing. Any other
    /// end byte, ASCII whitespace or the start or end of a multi-byte character, is left to Foundation.
    static func needsTrimming(_ raw: String) -> Bool {
        guard let first = raw.utf8.first, let last = raw.utf8.last else { return false }
        func mayBeWhitespace(_ byte: UInt8) -> Bool { byte >= 0x80 || byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
        return mayBeWhitespace(first) || mayBeWhitespace(last)
    }

    static func escapeForRequest(_ raw: String) -> String {
        let trimmed = needsTrimming(raw) ? raw.trimmingCharacters(in: .whitespacesAndNewlines) : raw
        let bytes = Array(trimmed.utf8)
        // The authority ends at the first "/", "?" or "#" after "scheme://".
        guard let schemeEnd = firstIndex(of: Array("://".utf8), in: bytes),
              bytes[..<schemeEnd].allSatisfy({ isSchemeByte($0) }) else { return trimmed }
        let authorityStart = schemeEnd + 3
        let pathStart = bytes[authorityStart...].firstIndex { $0 == 0x2F || $0 == 0x3F || $0 == 0x23 } ?? bytes.count
        var output = Array(bytes[..<pathStart])
        output.reserveCapacity(bytes.count + 16)
        var changed = false
        for byte in bytes[pathStart...] {
            if byte == 0x23 {  // "#": the fragment stays on the client
                changed = true
                break
            }
            if needsEscaping(byte) {
                output.append(0x25)
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
                changed = true
            } else {
                output.append(byte)
            }
        }
        return changed ? String(decoding: output, as: UTF8.self) : trimmed
    }

    private static func isSchemeByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
            || byte == 0x2B || byte == 0x2D || byte == 0x2E
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func needsEscaping(_ byte: UInt8) -> Bool {
        if byte <= 0x20 || byte >= 0x7F { return true }
        switch byte {
        case 0x22, 0x3C, 0x3E, 0x5C, 0x5E, 0x60, 0x7B, 0x7C, 0x7D: return true  // " < > \ ^ ` { | }
        default: return false
        }
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }
}
