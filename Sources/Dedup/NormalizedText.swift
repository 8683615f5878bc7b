// The fingerprint's normalisation on UTF-8 bytes (issue 8: the String version cost ~9% of a crawl's CPU).
//
// The output must stay byte-for-byte what the String version (BodyFingerprint.isBoilerplate, isDateLine,
// stripDateline, stripDeskInitials and the word split) produced, because stored fingerprints are compared with
// new ones. So every byte-level shortcut below only decides a case when the bytes it looks at (ASCII, or
// non-ASCII scalars whose properties, taken from the standard library, settle it) make Character semantics and
// byte semantics provably agree; anything else goes to the String functions, which stay the definition
// (FingerprintEquivalenceTests checks both the whole and each decision). What makes ASCII safe, and what does not:
// - An ASCII byte is a Character of its own, except CR LF (one Character) and an ASCII byte after a non-ASCII
//   prepend scalar ("\u{0600} " is one Character, and not whitespace): so a test on the last byte also checks
//   the byte before it.
// - No non-ASCII scalar is canonically equivalent to an ASCII one used here: the only singletons to ASCII are
//   U+037E (;), U+1FEF (`) and U+212A (K), and the only non-ASCII scalar that lowercases to ASCII is U+212A (k).
// - The ASCII classification tables are built from Character's own properties, not written by hand.

/// Normalised words of a body, written once into one byte buffer as `words.joined(separator: " ")`, with
/// each word's start offset: the SHA-256 input as it stands, and every shingle a contiguous byte range of it.
/// The three-word shingles' hashes (the default shingle size) are computed while the words are written: the
/// bytes are in registers then, and a second pass over them cost as much as writing them.
struct NormalizedText: ~Copyable {
    /// The words joined by single spaces (`count` bytes are initialised).
    private(set) var bytes: UnsafeMutableBufferPointer<UInt8>
    private(set) var count = 0
    /// Byte offset of each word's first byte (`wordCount` are initialised).
    private var starts: UnsafeMutableBufferPointer<Int>
    private(set) var wordCount = 0
    /// StableHash of each three-word shingle in text order (`wordCount - 2` are initialised): exactly
    /// BodyFingerprint.shingleHashes(_:shingleSize: 3) when the text has at least three words.
    private var trigrams: UnsafeMutableBufferPointer<UInt64>
    /// FNV-1a states of the shingles that end in the current word, carried from one paragraph to the next (see
    /// Words).
    private var third = StableHash.offsetBasis, second = StableHash.offsetBasis, first = StableHash.offsetBasis
    /// Classes of the scalars outside `tabled` met so far (see scalarClass), allocated at the first one.
    private var classCache: UnsafeMutablePointer<UInt32>?

    /// Byte offset of each word's first byte.
    var wordStarts: UnsafeBufferPointer<Int> { UnsafeBufferPointer(rebasing: starts[0..<wordCount]) }

    /// Calls `body` with the joined words (the buffer lives as long as self, so it is lent, not returned).
    func withJoined<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try body(UnsafeBufferPointer(rebasing: bytes[0..<count]))
    }

    /// Calls `body` with the three-word shingle hashes, or returns nil when the text has fewer than three words
    /// (then a shingle is the whole text: BodyFingerprint.shingleHashes).
    func withTrigramHashes<Result>(_ body: (UnsafeBufferPointer<UInt64>) throws -> Result) rethrows -> Result? {
        guard wordCount >= 3 else { return nil }
        return try body(UnsafeBufferPointer(rebasing: trigrams[0..<(wordCount - 2)]))
    }

    init(_ paragraphs: [String]) {
        // Normalisation mostly drops or keeps bytes; appendWords grows the buffers when a text needs more.
        let estimate = paragraphs.reduce(64) { $0 + $1.utf8.count + 1 }
        bytes = .allocate(capacity: estimate)
        // A word takes at least one byte and one separator: half the bytes bound the words of most texts.
        starts = .allocate(capacity: estimate / 2)
        trigrams = .allocate(capacity: estimate / 2)
        var kept = 0
        for paragraph in paragraphs {
            var text = paragraph
            text.withUTF8 { utf8 in
                guard let range = Self.keptRange(utf8, paragraph: paragraph, keptBefore: kept) else { return }
                kept += 1
                appendWords(UnsafeBufferPointer(rebasing: utf8[range]))
            }
        }
    }

    deinit {
        bytes.deallocate()
        starts.deallocate()
        trigrams.deallocate()
        classCache?.deallocate()
    }

    /// The words as Strings (BodyFingerprint.normalizedWords).
    var words: [String] {
        withJoined { joined in
            wordStarts.indices.map { word in
                let end = word + 1 < wordStarts.count ? wordStarts[word + 1] - 1 : joined.count
                return String(decoding: UnsafeBufferPointer(rebasing: joined[wordStarts[word]..<end]), as: UTF8.self)
            }
        }
    }

    // MARK: - Paragraph filters

    /// The part of a paragraph that holds words, or nil when the paragraph is boilerplate or a date line:
    /// `stripDeskInitials(stripDateline(p))` for the first two kept paragraphs, `stripDeskInitials(p)` after.
    /// Both strip only at an end, so the kept text is always one byte range of the paragraph.
    static func keptRange(_ utf8: UnsafeBufferPointer<UInt8>, paragraph: String, keptBefore: Int) -> Range<Int>? {
        if isBoilerplate(utf8) ?? BodyFingerprint.isBoilerplate(paragraph) { return nil }
        if isDateLine(utf8) ?? BodyFingerprint.isDateLine(paragraph) { return nil }
        var start = 0
        if keptBefore < 2 {
            // stripDateline returns the paragraph or a suffix of it.
            start = datelineEnd(utf8) ?? (utf8.count - BodyFingerprint.stripDateline(paragraph).utf8.count)
        }
        let text = UnsafeBufferPointer(rebasing: utf8[start...])
        // stripDeskInitials returns its input or a prefix of it.
        let end = deskInitialsEnd(text)
            ?? BodyFingerprint.stripDeskInitials(start == 0 ? paragraph : String(decoding: text, as: UTF8.self)).utf8.count
        return start..<(start + end)
    }

    /// Character properties of the ASCII bytes, taken from Character itself.
    static let asciiWhitespace: [Bool] = (0..<128).map { Character(Unicode.Scalar(UInt8($0))).isWhitespace }
    static let asciiNumber: [Bool] = (0..<128).map { Character(Unicode.Scalar(UInt8($0))).isNumber }
    static let asciiLetter: [Bool] = (0..<128).map { Character(Unicode.Scalar(UInt8($0))).isLetter }
    static let asciiUppercase: [Bool] = (0..<128).map { Character(Unicode.Scalar(UInt8($0))).isUppercase }
    static let asciiLowercaseLetter: [Bool] = (0..<128).map {
        let character = Character(Unicode.Scalar(UInt8($0)))
        return character.isLetter && character.isLowercase
    }

    @inline(__always)
    static func asciiLowered(_ byte: UInt8) -> UInt8 { byte &- 0x41 < 26 ? byte | 0x20 : byte }

    static let asciiBoilerplatePrefixes: [[UInt8]] = BodyFingerprint.boilerplatePrefixes
        .filter { $0.utf8.allSatisfy { $0 < 0x80 } }.map { Array($0.utf8) }
    /// Indices into asciiBoilerplatePrefixes by first byte, in list order.
    static let boilerplatePrefixesByFirstByte: [[Int]] = (0..<128).map { byte in
        asciiBoilerplatePrefixes.indices.filter { asciiBoilerplatePrefixes[$0].first == UInt8(byte) }
    }

    /// BodyFingerprint.isBoilerplate decided on bytes, nil when a non-ASCII scalar leaves it open.
    /// The lowered text must begin with a prefix's exact bytes (no scalar in the lowered text is canonically
    /// equivalent to a prefix letter but a different byte), followed by a grapheme boundary. A non-ASCII scalar
    /// whose lowercase starts with a non-ASCII byte cannot stand for an ASCII prefix byte; if it also neither is
    /// whitespace nor joins the Character before it, it cannot begin a match either, unless it is "©" (the only
    /// non-ASCII prefix start, left to the String version). "copyright ©" needs "copyright " to match first.
    static func isBoilerplate(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool? {
        var start = 0
        while start < utf8.count, utf8[start] < 0x80, asciiWhitespace[Int(utf8[start])] { start += 1 }
        guard start < utf8.count else { return false }
        let first = utf8[start]
        if first >= 0x80 {
            let info = scalarInfo(utf8, at: start)
            guard info.contains(.startsCharacter), !info.contains(.whitespace), !info.contains(.copyright),
                  info.contains(.lowersToNonASCII) else { return nil }
            return false
        }
        for prefixIndex in boilerplatePrefixesByFirstByte[Int(asciiLowered(first))] {
            let prefix = asciiBoilerplatePrefixes[prefixIndex]
            var matched = true
            for offset in prefix.indices.dropFirst() {
                let index = start + offset
                guard index < utf8.count else { matched = false; break }
                let byte = utf8[index]
                if byte >= 0x80 {
                    // It joins the Character before (no match) or its lowercase begins non-ASCII (no match),
                    // unless it lowercases to ASCII.
                    guard scalarInfo(utf8, at: index).contains(.lowersToNonASCII) else { return nil }
                    matched = false
                    break
                }
                if asciiLowered(byte) != prefix[offset] { matched = false; break }
            }
            guard matched else { continue }
            let after = start + prefix.count
            if after == utf8.count || utf8[after] < 0x80 || scalarInfo(utf8, at: after).contains(.startsCharacter) {
                return true
            }
            // A mark joining the prefix's last Character: rare; the String version decides.
            return nil
        }
        return false
    }

    static let zoneWords: [[UInt8]] = ["wib", "wita", "wit", "utc", "gmt"].map { Array($0.utf8) }

    /// BodyFingerprint.isDateLine, decided on bytes for paragraphs whose non-ASCII scalars are all inert (see
    /// `inertScalar`: each is a Character of its own and no number; a whitespace one splits words like a whitespace
    /// byte), words split at whitespace bytes (CR LF is two whitespace bytes or one whitespace Character: the same
    /// words); and for any paragraph without a ':' or a zone word, which it needs (a ':' Character is the byte,
    /// and only ASCII letters lowercase to the zone words' letters); nil otherwise.
    static func isDateLine(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool? {
        guard utf8.count <= 120 else { return false }
        // Most paragraphs with non-ASCII scalars lack a year or a time and are decided without reading them.
        if utf8.contains(where: { $0 >= 0x80 }), nonASCIIDateLine(utf8) == false { return false }
        var words = 0
        var hasYear = false, hasZone = false, hasTime = false
        var index = 0
        while index < utf8.count {
            let first = utf8[index]
            if first >= 0x80 {
                guard let scalar = inertScalar(utf8, at: index) else { return nil }
                if scalar.whitespace {
                    index += scalar.length
                    continue
                }
            } else if asciiWhitespace[Int(first)] {
                index += 1
                continue
            }
            // A word, up to the next whitespace byte or whitespace scalar.
            let start = index
            var digits = 0
            var firstDigits: (UInt8, UInt8) = (0, 0)
            var colon = false
            while index < utf8.count {
                let byte = utf8[index]
                if byte >= 0x80 {
                    // Neither a digit nor ':' (inert scalars are no numbers, and a Character of their own).
                    guard let scalar = inertScalar(utf8, at: index) else { return nil }
                    if scalar.whitespace { break }
                    index += scalar.length
                    continue
                }
                if asciiWhitespace[Int(byte)] { break }
                if asciiNumber[Int(byte)] {
                    if digits == 0 { firstDigits.0 = byte } else if digits == 1 { firstDigits.1 = byte }
                    digits += 1
                }
                if byte == 0x3A { colon = true }
                index += 1
            }
            words += 1
            if digits == 4 && (firstDigits == (0x31, 0x39) || firstDigits == (0x32, 0x30)) { hasYear = true }
            if colon && digits >= 3 { hasTime = true }
            // A word with a non-ASCII scalar never lowercases to a zone word (its non-ASCII bytes compare unequal).
            let length = index - start
            if length == 3 || length == 4, !hasZone {
                hasZone = zoneWords.contains { zone in
                    zone.count == length && zone.indices.allSatisfy { asciiLowered(utf8[start + $0]) == zone[$0] }
                }
            }
        }
        guard words <= 10 else { return false }
        return hasYear && (hasZone || hasTime)
    }

    /// The non-ASCII scalar at `index` when it is inert for isDateLine: a Character of its own between ASCII bytes
    /// (it starts a Character after a space, and an ASCII letter after it starts another: no mark, no prepend such
    /// as U+0600), so Characters next to it are what the bytes say; and no number, so digit Characters are the
    /// ASCII digit bytes. Its byte length, and whether it is whitespace; nil otherwise. Asked only of short
    /// paragraphs that nonASCIIDateLine left open, so the Strings built here are few.
    static func inertScalar(_ utf8: UnsafeBufferPointer<UInt8>, at index: Int) -> (length: Int, whitespace: Bool)? {
        let (value, length) = decode(utf8, at: index)
        let scalar = Unicode.Scalar(value)!
        var text = " "
        text.unicodeScalars.append(scalar)
        text.append("a")
        let character = Character(scalar)
        guard text.count == 3, !character.isNumber else { return nil }
        return (length, character.isWhitespace)
    }

    /// isDateLine for a paragraph with a non-ASCII byte: false when it lacks what a date line needs, else
    /// undecided. The year's digits start with the Characters "1" "9" or "2" "0", which are those bytes; the zone
    /// or time needs a ':' byte or a zone word's letters as a whole word (not "twitter", "with").
    static func nonASCIIDateLine(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool? {
        let yearDigits = utf8.contains(0x31) && utf8.contains(0x39) || utf8.contains(0x32) && utf8.contains(0x30)
        guard yearDigits else { return false }
        if !utf8.contains(0x3A) && !zoneWords.contains(where: { containsWord(utf8, $0) }) { return false }
        return nil
    }

    /// True when `word` (lowercase ASCII) occurs ASCII-lowercased in `bytes` without an ASCII non-whitespace
    /// byte right before or after it (such a byte would belong to the same whitespace-separated word).
    static func containsWord(_ bytes: UnsafeBufferPointer<UInt8>, _ word: [UInt8]) -> Bool {
        guard bytes.count >= word.count else { return false }
        func joins(_ index: Int) -> Bool {
            index >= 0 && index < bytes.count && bytes[index] < 0x80 && !asciiWhitespace[Int(bytes[index])]
        }
        outer: for start in 0...(bytes.count - word.count) {
            for offset in word.indices where asciiLowered(bytes[start + offset]) != word[offset] { continue outer }
            if !joins(start - 1) && !joins(start + word.count) { return true }
        }
        return false
    }

    /// True when `bytes`, ASCII-lowercased, contain `needle` (lowercase ASCII).
    static func containsLowered(_ bytes: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard bytes.count >= needle.count else { return false }
        outer: for start in 0...(bytes.count - needle.count) {
            for offset in needle.indices where asciiLowered(bytes[start + offset]) != needle[offset] { continue outer }
            return true
        }
        return false
    }

    /// BodyFingerprint.firstDash on bytes: offsets of the first " -- ", " - ", " – " or " — " in the first 256.
    /// Every dash starts with a space followed by "-" (0x2D) or the lead byte 0xE2 of "–" and "—", so eight bytes at
    /// a time without either byte are skipped; candidates are checked in order of their start, as there.
    static func firstDash(_ utf8: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        let head = min(utf8.count, 256)
        guard head >= 3, let bytes = utf8.baseAddress else { return nil }
        // The byte after the space: a dash needs it and one more byte within the head, or more.
        var position = 1
        while position + 2 <= head {
            if position + 8 <= head {
                let eight = UnsafeRawPointer(bytes + position).loadUnaligned(as: UInt64.self)
                if !Self.contains(eight, 0x2D) && !Self.contains(eight, 0xE2) {
                    position += 8
                    continue
                }
            }
            let start = position - 1
            if bytes[start] == 0x20 {
                switch bytes[position] {
                case 0x2D:
                    if start + 4 <= head, bytes[start + 2] == 0x2D, bytes[start + 3] == 0x20 { return start..<(start + 4) }
                    if bytes[start + 2] == 0x20 { return start..<(start + 3) }
                case 0xE2:
                    if start + 5 <= head, bytes[start + 2] == 0x80, bytes[start + 3] == 0x93 || bytes[start + 3] == 0x94,
                       bytes[start + 4] == 0x20 {
                        return start..<(start + 5)
                    }
                default:
                    break
                }
            }
            position += 1
        }
        return nil
    }

    /// True when one of the eight bytes of `word` equals `byte` (the exact "has a zero byte" test on word ^ byte).
    @inline(__always)
    static func contains(_ word: UInt64, _ byte: UInt8) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let difference = word ^ (ones &* UInt64(byte))
        return (difference &- ones) & ~difference & (ones << 7) != 0
    }

    /// Where BodyFingerprint.stripDateline's result starts (0: unchanged), when the text before the dash is
    /// ASCII without CR (so Characters are bytes); nil otherwise.
    static func datelineEnd(_ utf8: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let dash = firstDash(utf8) else { return 0 }
        for index in 0..<dash.lowerBound where utf8[index] >= 0x80 || utf8[index] == 0x0D { return nil }
        guard dash.lowerBound <= 60 else { return 0 }
        var words = 0
        var index = 0
        while index < dash.lowerBound {
            while index < dash.lowerBound, asciiWhitespace[Int(utf8[index])] { index += 1 }
            guard index < dash.lowerBound else { break }
            words += 1
            // The word's first letter or "(" must be "(" or uppercase.
            var first: UInt8?
            while index < dash.lowerBound, !asciiWhitespace[Int(utf8[index])] {
                let byte = utf8[index]
                if first == nil, asciiLetter[Int(byte)] || byte == 0x28 { first = byte }
                index += 1
            }
            guard let first, first == 0x28 || asciiUppercase[Int(first)] else { return 0 }
        }
        guard words > 0, words <= 5 else { return 0 }
        return dash.upperBound
    }

    /// Where BodyFingerprint.stripDeskInitials's result ends (`text.count`: unchanged), when the bytes it
    /// depends on (the end, the last "(" and what lies between) are ASCII with ASCII neighbours, or the text ends
    /// in a non-ASCII scalar that is a non-whitespace Character of its own; nil otherwise.
    static func deskInitialsEnd(_ text: UnsafeBufferPointer<UInt8>) -> Int? {
        // Trailing whitespace: each dropped byte must be a Character of its own (or half of CR LF).
        var end = text.count
        while end > 0 {
            let byte = text[end - 1]
            if byte >= 0x80 {
                // A last scalar that starts its own Character (after an ASCII byte, which cannot prepend) and
                // is not whitespace ends the trimming as a Character other than ")": unchanged.
                var lead = end - 1
                while lead > 0, text[lead] & 0xC0 == 0x80 { lead -= 1 }
                let info = scalarInfo(text, at: lead)
                guard lead == 0 || text[lead - 1] < 0x80, info.contains(.startsCharacter), !info.contains(.whitespace)
                else { return nil }
                return text.count
            }
            if !asciiWhitespace[Int(byte)] { break }
            if end >= 2, text[end - 2] >= 0x80 { return nil }
            end -= 1
        }
        guard end > 0, text[end - 1] == 0x29 else { return text.count }
        if end >= 2, text[end - 2] >= 0x80 { return nil }
        var open = end - 2
        while open >= 0, text[open] != 0x28 { open -= 1 }
        guard open >= 0 else { return text.count }
        if open >= 1, text[open - 1] >= 0x80 { return nil }
        let inner = UnsafeBufferPointer(rebasing: text[(open + 1)..<(end - 1)])
        for byte in inner where byte >= 0x80 || byte == 0x0D { return nil }
        var parts = 1
        var partLength = 0
        var initials = true
        for byte in inner {
            if byte == 0x2F {
                if !(1...5).contains(partLength) { initials = false }
                parts += 1
                partLength = 0
            } else {
                partLength += 1
                if !asciiLowercaseLetter[Int(byte)] { initials = false }
            }
        }
        if !(1...5).contains(partLength) || parts > 4 { initials = false }
        let credit = inner.count <= 60 && creditMarks.contains { containsLowered(inner, $0) }
            && !inner.contains { asciiNumber[Int($0)] }
        return initials || credit ? open : text.count
    }
    static let creditMarks: [[UInt8]] = [".com", ".co.id", ".id/", "antara"].map { Array($0.utf8) }

    // MARK: - Words

    /// Appends the words of one kept text: runs of letters, digits and combining marks, lowercased (the
    /// scalar rules of BodyFingerprint.normalizedWords, which define them), and hashes its shingles.
    private mutating func appendWords(_ text: UnsafeBufferPointer<UInt8>) {
        // Every input byte yields at most two output bytes (ASCII: itself plus the space before a word; a
        // two-byte scalar's lowercase takes at most three bytes, plus the space). The lowercase path still
        // reserves for itself, in case a mapping ever grows more. A word takes at least two input bytes (one
        // and a separator) or ends the text.
        reserve(2 * text.count)
        reserveWords((text.count + 1) / 2)
        guard let input = text.baseAddress else { return }
        // The loop's state lives in locals (registers), written back once at the end.
        var words = Words(starts: starts.baseAddress!, trigrams: trigrams.baseAddress!, count: wordCount,
                          third: third, second: second, first: first)
        var out = bytes.baseAddress!
        var written = count
        var inWord = false
        var index = 0
        let end = text.count
        Self.wordByte.withUnsafeBufferPointer { wordByte in
            while index < end {
                let mapped = wordByte[Int(input[index])]
                if mapped == Self.separatorByte {
                    if inWord {
                        words.end()
                        inWord = false
                    }
                    index &+= 1
                    continue
                }
                if mapped != Self.nonASCIIByte {
                    if !inWord {
                        words.start(&written, out)
                        inWord = true
                    }
                    (index, written) = Self.appendASCIIRun(input, end: end, from: index, first: mapped, wordByte: wordByte,
                                                           into: out, at: written, hashing: &words)
                    continue
                }
                let (value, length) = Self.decode(text, at: index)
                let kind = scalarClass(value)
                if kind == .separator {
                    if inWord {
                        words.end()
                        inWord = false
                    }
                    index += length
                    continue
                }
                // The scalar's bytes as they are, or its lowercase mapping's; no closure here, so that the loop's
                // state stays in registers.
                let mapping = kind == .lowercase ? Unicode.Scalar(value)!.properties.lowercaseMapping : ""
                let sourceCount = kind == .keep ? length : mapping.utf8.count
                if sourceCount > 0 {
                    if written + sourceCount + 1 > bytes.count {
                        count = written
                        grow(written + sourceCount + 1 + 2 * (text.count - index))
                        out = bytes.baseAddress!
                    }
                    if !inWord {
                        words.start(&written, out)
                        inWord = true
                    }
                    if kind == .keep {
                        for byte in UnsafeBufferPointer(rebasing: text[index..<(index + length)]) {
                            out[written] = byte
                            written &+= 1
                            words.hash(byte)
                        }
                    } else {
                        for byte in mapping.utf8 {
                            out[written] = byte
                            written &+= 1
                            words.hash(byte)
                        }
                    }
                }
                index += length
            }
        }
        if inWord { words.end() }
        count = written
        wordCount = words.count
        (third, second, first) = (words.third, words.second, words.first)
    }

    /// Writes the run of ASCII word bytes that starts at `index` with the byte mapped to `first` (the bulk of most
    /// texts) and hashes it; returns where the run ended (at a separator or a non-ASCII byte, which the caller
    /// reads again, or at `end`) and the new write offset. Its loop state is its own few locals, so none of
    /// appendWords' state is kept in registers across it: ~18 instructions a byte (the separate write and hash
    /// passes took ~35).
    @inline(__always)
    private static func appendASCIIRun(_ input: UnsafePointer<UInt8>, end: Int, from index: Int, first: UInt8,
                                       wordByte: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>,
                                       at written: Int, hashing words: inout Words) -> (index: Int, written: Int) {
        var index = index, written = written, mapped = first
        var third = words.third, second = words.second, current = words.first
        repeat {
            out[written] = mapped
            written &+= 1
            let value = UInt64(mapped)
            third = (third ^ value) &* StableHash.prime
            second = (second ^ value) &* StableHash.prime
            current = (current ^ value) &* StableHash.prime
            index &+= 1
            guard index < end else { break }
            mapped = wordByte[Int(input[index])]
            // separatorByte (0) and nonASCIIByte (0xFF) end the run: one unsigned comparison for both.
        } while mapped &+ 1 > 1
        (words.third, words.second, words.first) = (third, second, current)
        return (index, written)
    }

    /// Word starts and three-word shingle hashes as a text is written (appendWords' registers).
    private struct Words {
        let starts: UnsafeMutablePointer<Int>
        let trigrams: UnsafeMutablePointer<UInt64>
        var count: Int
        /// FNV-1a states of the shingles that end in the current word: begun two words ago, one word ago, and
        /// with the current word.
        var third: UInt64, second: UInt64, first: UInt64

        /// A word begins at `written`: the space before it (after the first word) joins the shingles begun one
        /// and two words ago; a new shingle begins with it.
        @inline(__always)
        mutating func start(_ written: inout Int, _ out: UnsafeMutablePointer<UInt8>) {
            if count > 0 {
                out[written] = 0x20
                written &+= 1
            }
            starts[count] = written
            count &+= 1
            third = (third ^ 0x20) &* StableHash.prime
            second = (second ^ 0x20) &* StableHash.prime
            first = StableHash.offsetBasis
        }

        /// One byte of the current word, into the three shingles it belongs to.
        @inline(__always)
        mutating func hash(_ byte: UInt8) {
            let value = UInt64(byte)
            third = (third ^ value) &* StableHash.prime
            second = (second ^ value) &* StableHash.prime
            first = (first ^ value) &* StableHash.prime
        }

        /// The current word ended: the shingle begun two words ago is complete (from the third word on).
        @inline(__always)
        mutating func end() {
            if count >= 3 { trigrams[count &- 3] = StableHash.finalize(third) }
            third = second
            second = first
        }
    }

    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if count + extra > bytes.count { grow(count + extra) }
    }

    private mutating func grow(_ needed: Int) {
        let larger = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(needed, bytes.count * 2))
        _ = larger.initialize(from: bytes[0..<count])
        bytes.deallocate()
        bytes = larger
    }

    @inline(__always)
    private mutating func reserveWords(_ extra: Int) {
        guard wordCount + extra > starts.count else { return }
        let capacity = max(wordCount + extra, starts.count * 2)
        let largerStarts = UnsafeMutableBufferPointer<Int>.allocate(capacity: capacity)
        _ = largerStarts.initialize(from: starts[0..<wordCount])
        starts.deallocate()
        starts = largerStarts
        let largerTrigrams = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: capacity)
        _ = largerTrigrams.initialize(from: trigrams[0..<max(0, wordCount - 2)])
        trigrams.deallocate()
        trigrams = largerTrigrams
    }

    /// Byte -> its lowercase if it is an ASCII byte of a word (letters, digits), `separatorByte` if it is an
    /// ASCII byte between words, `nonASCIIByte` for the bytes of non-ASCII scalars (decoded and classified).
    static let wordByte: [UInt8] = (0..<256).map { byte -> UInt8 in
        switch byte {
        case 0x61...0x7A, 0x30...0x39: UInt8(byte)
        case 0x41...0x5A: UInt8(byte + 0x20)
        case 0x80...: nonASCIIByte
        default: separatorByte
        }
    }
    static let separatorByte: UInt8 = 0
    static let nonASCIIByte: UInt8 = 0xFF

    /// What a non-ASCII scalar does to a word (BodyFingerprint.normalizedWords' rule).
    enum ScalarClass: UInt8 {
        /// Neither letter, digit nor mark: ends the word.
        case separator
        /// Part of a word as it is: a combining mark, or a letter/digit that is its own lowercase.
        case keep
        /// A letter or digit whose lowercase mapping differs: append the mapping.
        case lowercase
    }

    /// The rule's definition asks whether the lowercase mapping differs from the scalar; for letters and digits
    /// that is exactly the Changes_When_Lowercased property (checked for every scalar by
    /// NormalisationTests.changesWhenLowercasedIsTheMappingTest), a bit look-up instead of building two Strings:
    /// CJK, Thai or Devanagari text classifies every scalar here.
    static func classify(_ scalar: Unicode.Scalar) -> ScalarClass {
        let properties = scalar.properties
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark:
            return .keep
        default:
            guard properties.isAlphabetic || properties.numericType != nil else { return .separator }
            return properties.changesWhenLowercased ? .lowercase : .keep
        }
    }

    /// What the paragraph filters need to know about a non-ASCII scalar.
    struct ScalarInfo: OptionSet {
        let rawValue: UInt8
        /// Its lowercase mapping begins with a non-ASCII byte (so it cannot stand for an ASCII letter).
        static let lowersToNonASCII = ScalarInfo(rawValue: 1)
        /// It starts a new Character after a space: not a mark or joiner (which extend any Character but a
        /// control), so the Character before it ends where it begins.
        static let startsCharacter = ScalarInfo(rawValue: 2)
        /// A Character it begins is whitespace (Character.isWhitespace looks at the first scalar).
        static let whitespace = ScalarInfo(rawValue: 4)
        /// "©", which begins a boilerplate prefix.
        static let copyright = ScalarInfo(rawValue: 8)
    }

    static func info(_ scalar: Unicode.Scalar) -> ScalarInfo {
        var info: ScalarInfo = []
        if let first = scalar.properties.lowercaseMapping.utf8.first, first >= 0x80 { info.insert(.lowersToNonASCII) }
        var pair = " "
        pair.unicodeScalars.append(scalar)
        if pair.count == 2 { info.insert(.startsCharacter) }
        if Character(scalar).isWhitespace { info.insert(.whitespace) }
        if scalar == "©" { info.insert(.copyright) }
        return info
    }

    /// Classes and infos of U+0080...U+07FF (Latin, Greek, Cyrillic, Hebrew, Arabic: every two-byte scalar)
    /// and U+2000...U+206F (curly quotes, dashes, zero-width spaces: common in Indonesian news), computed once
    /// from the same properties, because three property look-ups per scalar cost more than the rest of a word.
    static let tabled: [(ScalarClass, ScalarInfo)] = (Array(0x80..<0x800) + Array(0x2000..<0x2070)).map { value in
        let scalar = Unicode.Scalar(UInt32(value))!
        return (classify(scalar), info(scalar))
    }

    /// Index into `tabled`, nil for a scalar outside its ranges.
    @inline(__always)
    static func tableIndex(_ value: UInt32) -> Int? {
        if value < 0x800 { return Int(value) - 0x80 }
        if value &- 0x2000 < 0x70 { return Int(value) - 0x2000 + 0x780 }
        return nil
    }

    /// The class of a non-ASCII scalar: from `tabled`, else from this text's cache of the scalars classified so far.
    @inline(__always)
    private mutating func scalarClass(_ value: UInt32) -> ScalarClass {
        if let index = Self.tableIndex(value) { return Self.tabled[index].0 }
        return cachedClass(value)
    }

    /// A cache direct-mapped by the low bits: a CJK article repeats two of three of its characters within 512
    /// slots, and classifying one from its properties takes ~1,500 instructions. Out of line, so that the word
    /// loop's state stays in registers.
    @inline(never)
    private mutating func cachedClass(_ value: UInt32) -> ScalarClass {
        let cache: UnsafeMutablePointer<UInt32>
        if let existing = classCache {
            cache = existing
        } else {
            cache = .allocate(capacity: Self.classCacheSlots)
            cache.initialize(repeating: 0, count: Self.classCacheSlots)
            classCache = cache
        }
        // An entry is value << 2 | class; 0 is empty (cached values are at least U+0800).
        let slot = Int(value) & (Self.classCacheSlots - 1)
        if cache[slot] >> 2 == value { return ScalarClass(rawValue: UInt8(cache[slot] & 3))! }
        let kind = Self.classify(Unicode.Scalar(value)!)
        cache[slot] = value << 2 | UInt32(kind.rawValue)
        return kind
    }

    static let classCacheSlots = 512

    /// ScalarInfo of the non-ASCII scalar starting at `index`.
    static func scalarInfo(_ utf8: UnsafeBufferPointer<UInt8>, at index: Int) -> ScalarInfo {
        let (value, _) = decode(utf8, at: index)
        if let tableIndex = tableIndex(value) { return tabled[tableIndex].1 }
        return info(Unicode.Scalar(value)!)
    }

    /// The scalar starting at `index` of valid UTF-8 (a Swift String's storage: the lead byte gives the
    /// length) and its length in bytes.
    @inline(__always)
    static func decode(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> (value: UInt32, length: Int) {
        let byte = text[index]
        if byte < 0x80 { return (UInt32(byte), 1) }
        if byte < 0xE0 { return (UInt32(byte & 0x1F) << 6 | UInt32(text[index + 1] & 0x3F), 2) }
        if byte < 0xF0 {
            return (UInt32(byte & 0x0F) << 12 | UInt32(text[index + 1] & 0x3F) << 6 | UInt32(text[index + 2] & 0x3F), 3)
        }
        return (UInt32(byte & 0x07) << 18 | UInt32(text[index + 1] & 0x3F) << 12 | UInt32(text[index + 2] & 0x3F) << 6
                    | UInt32(text[index + 3] & 0x3F), 4)
    }
}
