// Turns a chosen subtree into paragraphs: block elements and <br> end a paragraph, inline markup joins.
import CrawlerModel

extension MiniDOM {
    /// The subtree's paragraphs in document order, each normalised to one spool line (NFC, collapsed spaces).
    func paragraphs(of top: Int32) -> [String] {
        var result: [String] = []
        var current = ""
        func flush() {
            if current.isEmpty { return }
            let line = spoolLine(current)
            if !line.isEmpty { result.append(line) }
            current = ""
        }
        // Explicit stack of (node, leaving) so the exit of a block element also ends its paragraph.
        var stack: [(Int32, Bool)] = [(top, false)]
        while let (node, leaving) = stack.popLast() {
            let record = nodes[Int(node)]
            if record.tag == .text {
                current += texts[Int(record.payload)].text
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
    var out = String.UnicodeScalarView()
    var pending = false
    for scalar in raw.unicodeScalars {
        let value = scalar.value
        if value < 0x80 {
            if value == 0x20 || (value >= 0x09 && value <= 0x0D) { pending = !out.isEmpty; continue }
            if value < 0x20 || value == 0x7F { continue }
        } else if value < 0x300 {
            if value == 0x85 || value == 0xA0 { pending = !out.isEmpty; continue }
            if value < 0xA0 || value == 0xAD { continue }
        } else if value >= 0x2000 && value <= 0x206F {
            if value <= 0x200A || value == 0x2028 || value == 0x2029 || value == 0x202F || value == 0x205F {
                pending = !out.isEmpty; continue
            }
            if (value >= 0x200B && value <= 0x200D) || value == 0x2060 { continue }
        } else if value == 0x3000 {
            pending = !out.isEmpty; continue
        } else if value == 0xFEFF {
            continue
        } else if !(value >= 0x4E00 && value <= 0x9FFF) {
            return SpoolTextFormat.line(raw)
        }
        if pending { out.append(" "); pending = false }
        out.append(scalar)
    }
    return String(out)
}
