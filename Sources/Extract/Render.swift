// Turns a chosen subtree into paragraphs: block elements and <br> end a paragraph, inline markup joins.
import CrawlerModel

extension MiniDOM {
    /// The subtree's paragraphs in document order, each normalised to one spool line (NFC, collapsed spaces).
    func paragraphs(of top: Int32) -> [String] {
        var result: [String] = []
        var current: [UInt8] = []
        current.reserveCapacity(1024)
        func flush() {
            if current.isEmpty { return }
            let line = current.withUnsafeBufferPointer { spoolLine(bytes: $0) }
            if !line.isEmpty { result.append(line) }
            current.removeAll(keepingCapacity: true)
        }
        // Explicit stack of (node, leaving) so the exit of a block element also ends its paragraph.
        var stack: [(Int32, Bool)] = [(top, false)]
        while let (node, leaving) = stack.popLast() {
            let record = nodes[Int(node)]
            if record.tag == .text {
                let info = texts[Int(record.payload)]
                current.append(contentsOf: textBytes[Int(info.start) ..< Int(info.start + info.byteCount)])
                continue
            }
            let breaks = record.tag.breaksParagraph
            if leaving {
                if breaks { flush() }
                continue
            }
            if record.tag == .br || record.tag == .hr { flush(); continue }
            if breaks { flush() }
            stack.append((node, true))
            // Children pushed in reverse so they pop in document order.
            var child = record.last
            while child >= 0 {
                stack.append((child, false))
                child = nodes[Int(child)].prev
            }
        }
        flush()
        return result
    }
}

/// SpoolTextFormat.line with a fast path: when no character can change under NFC (Latin, general punctuation,
/// CJK ideographs), whitespace is collapsed and invisible characters dropped here without Unicode property
/// lookups; anything else goes through SpoolTextFormat.line. Same output either way.
func spoolLine(_ raw: String) -> String {
    var text = raw
    return text.withUTF8 { spoolLine(bytes: $0) }
}

/// `spoolLine` on UTF-8 bytes.
func spoolLine(bytes input: UnsafeBufferPointer<UInt8>) -> String {
    var needsFullPath = false
    let result: [UInt8] = { (bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] in
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var pending = false
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            var length = 1
            var value = UInt32(lead)
            if lead >= 0xF0 {
                length = 4
                value = index + 3 < count ? (UInt32(lead & 0x07) << 18) | (UInt32(bytes[index + 1] & 0x3F) << 12)
                    | (UInt32(bytes[index + 2] & 0x3F) << 6) | UInt32(bytes[index + 3] & 0x3F) : 0xFFFD
            } else if lead >= 0xE0 {
                length = 3
                value = index + 2 < count ? (UInt32(lead & 0x0F) << 12) | (UInt32(bytes[index + 1] & 0x3F) << 6)
                    | UInt32(bytes[index + 2] & 0x3F) : 0xFFFD
            } else if lead >= 0xC0 {
                length = 2
                value = index + 1 < count ? (UInt32(lead & 0x1F) << 6) | UInt32(bytes[index + 1] & 0x3F) : 0xFFFD
            }
            var isSpace = false
            var drop = false
            if value < 0x80 {
                if value == 0x20 || (value >= 0x09 && value <= 0x0D) { isSpace = true }
                else if value < 0x20 || value == 0x7F { drop = true }
            } else if value < 0x300 {
                if value == 0x85 || value == 0xA0 { isSpace = true }
                else if value < 0xA0 || value == 0xAD { drop = true }
            } else if value >= 0x2000 && value <= 0x206F {
                if value <= 0x200A || value == 0x2028 || value == 0x2029 || value == 0x202F || value == 0x205F { isSpace = true }
                else if (value >= 0x200B && value <= 0x200D) || value == 0x2060 { drop = true }
            } else if value == 0x3000 {
                isSpace = true
            } else if value == 0xFEFF {
                drop = true
            } else if !(value >= 0x4E00 && value <= 0x9FFF) {
                needsFullPath = true
                return []
            }
            if isSpace {
                pending = !out.isEmpty
            } else if !drop {
                if pending { out.append(0x20); pending = false }
                let end = min(index + length, count)
                for position in index..<end { out.append(bytes[position]) }
            }
            index += length
        }
        return out
    }(input)
    if needsFullPath { return SpoolTextFormat.line(String(decoding: input, as: UTF8.self)) }
    return String(decoding: result, as: UTF8.self)
}
