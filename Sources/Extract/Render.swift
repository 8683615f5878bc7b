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

/// SpoolTextFormat.line with a fast path: when no character can change under NFC (see `isNFCStable`), whitespace
/// is collapsed and invisible characters dropped here, straight into the new string's storage, without Unicode
/// property lookups; anything else goes through SpoolTextFormat.line. Same output either way.
func spoolLine(_ raw: String) -> String {
    var text = raw
    return text.withUTF8 { spoolLine(bytes: $0) }
}

/// `spoolLine` on UTF-8 bytes.
func spoolLine(bytes input: UnsafeBufferPointer<UInt8>) -> String {
    let count = input.count
    guard count > 0 else { return "" }
    var needsFullPath = false
    // The output is never longer than the input: a run of whitespace becomes at most one space.
    let result = String(unsafeUninitializedCapacity: count) { out -> Int in
        var written = 0
        var pending = false
        var index = 0
        let source = UnsafeRawPointer(input.baseAddress!), target = UnsafeMutableRawPointer(out.baseAddress!)
        while index < count {
            // Eight bytes that come out as they are, in one step (most of a paragraph): printable ASCII and
            // single spaces, not ending in a space (it may start a run, or end the line), and not starting with
            // one where the line starts. Only when no whitespace is pending: the byte before was not one.
            if !pending && index + 8 <= count {
                let raw = source.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                let eight = UInt64(littleEndian: raw)
                let high: UInt64 = 0x8080_8080_8080_8080, low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
                // No byte >= 0x80, none is DEL (0x7F + 1 sets bit 7), none below 0x20 ((b | 0x80) - 0x20 keeps bit 7).
                if eight & high == 0 && (eight &+ 0x0101_0101_0101_0101) & high == 0
                    && ~((eight | high) &- 0x2020_2020_2020_2020) & high == 0 {
                    let spaces = ~((eight ^ 0x2020_2020_2020_2020) &+ low) & high
                    // Bit 7 of the first byte is bit 7 of the word, of the last byte bit 63 (read little-endian).
                    if spaces & (spaces << 8) == 0 && spaces >> 63 == 0 && (written > 0 || spaces & 0x80 == 0) {
                        target.storeBytes(of: raw, toByteOffset: written, as: UInt64.self)
                        written += 8
                        index += 8
                        continue
                    }
                }
            }
            let lead = input[index]
            if lead < 0x80 {
                // ASCII: printable kept, whitespace collapsed, other controls dropped.
                if lead > 0x20 && lead != 0x7F {
                    if pending { out[written] = 0x20; written += 1; pending = false }
                    out[written] = lead
                    written += 1
                    index += 1
                    // The rest of a run of printable ASCII (a word) in a tight loop: the common case.
                    while index < count {
                        let byte = input[index]
                        guard byte > 0x20 && byte < 0x7F else { break }
                        out[written] = byte
                        written += 1
                        index += 1
                    }
                    continue
                } else if lead == 0x20 || (lead >= 0x09 && lead <= 0x0D) {
                    pending = written > 0
                }
                index += 1
                continue
            }
            var length = 1
            var value = UInt32(lead)
            if lead >= 0xF0 {
                length = 4
                value = index + 3 < count ? (UInt32(lead & 0x07) << 18) | (UInt32(input[index + 1] & 0x3F) << 12)
                    | (UInt32(input[index + 2] & 0x3F) << 6) | UInt32(input[index + 3] & 0x3F) : 0xFFFD
            } else if lead >= 0xE0 {
                length = 3
                value = index + 2 < count ? (UInt32(lead & 0x0F) << 12) | (UInt32(input[index + 1] & 0x3F) << 6)
                    | UInt32(input[index + 2] & 0x3F) : 0xFFFD
            } else if lead >= 0xC0 {
                length = 2
                value = index + 1 < count ? (UInt32(lead & 0x1F) << 6) | UInt32(input[index + 1] & 0x3F) : 0xFFFD
            }
            var isSpace = false
            var drop = false
            if value < 0x300 {
                if value == 0x85 || value == 0xA0 { isSpace = true }
                else if value < 0xA0 || value == 0xAD { drop = true }
            } else if value >= 0x2000 && value <= 0x206F {
                if value <= 0x200A || value == 0x2028 || value == 0x2029 || value == 0x202F || value == 0x205F { isSpace = true }
                else if (value >= 0x200B && value <= 0x200D) || value == 0x2060 { drop = true }
            } else if value == 0x3000 {
                isSpace = true
            } else if value == 0xFEFF {
                drop = true
            } else if !isNFCStable(value) {
                needsFullPath = true
                return 0
            }
            if isSpace {
                pending = written > 0
            } else if !drop {
                if pending { out[written] = 0x20; written += 1; pending = false }
                let end = min(index + length, count)
                var position = index
                while position < end { out[written] = input[position]; written += 1; position += 1 }
            }
            index += length
        }
        return written
    }
    if needsFullPath { return SpoolTextFormat.line(String(decoding: input, as: UTF8.self)) }
    return result
}

/// Scalars (above U+02FF) that NFC leaves alone wherever they stand: starters (canonical combining class 0) that
/// are NFC_Quick_Check=Yes and never the second half of a canonical composition. Greek and Cyrillic letters
/// (without their combining marks and Greek's three singletons), kana (without the combining voiced marks),
/// CJK symbols and ideographs, Hangul syllables (the conjoining jamo that could follow are not here), fullwidth
/// forms, emoji. A combining mark anywhere sends the whole line to the full path. Checked scalar by scalar
/// against SpoolTextFormat.line in the unit tests.
@inline(__always)
func isNFCStable(_ value: UInt32) -> Bool {
    switch value {
    case 0x0370 ... 0x03FF: return value != 0x0374 && value != 0x037E && value != 0x0387
    case 0x0400 ... 0x0482, 0x048A ... 0x04FF: return true
    case 0x3001 ... 0x3029, 0x3030 ... 0x303F: return true
    case 0x3041 ... 0x3096, 0x309B ... 0x30FF: return true
    case 0x3400 ... 0x4DBF, 0x4E00 ... 0x9FFF: return true
    case 0xAC00 ... 0xD7A3: return true
    case 0xFF01 ... 0xFFEF: return true
    case 0x1F000 ... 0x1FAFF: return true
    default: return false
    }
}
