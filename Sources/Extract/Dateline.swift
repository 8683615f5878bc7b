// Datelines that open a wire or news story: "TRIBUNNEWS.COM, WASHINGTON - ", "WASHINGTON - ",
// "Jakarta (ANTARA) - ", "JAKARTA, KOMPAS.com - ", "Jakarta, CNN Indonesia -- ", "Liputan6.com, Jakarta - ",
// "REPUBLIKA.CO.ID, JAKARTA -- ", "Jakarta - " (detik), "LONDON (Reuters) - ".

public enum Dateline {
    /// The dateline at the start of `paragraph` without its trailing spaces ("TRIBUNNEWS.COM, WASHINGTON -"), or nil.
    public static func detect(_ paragraph: String) -> String? {
        // Datelines are ASCII nearly always: when the first 90 bytes are, they are the first 90 scalars and the
        // search below runs on them directly (the scalar array, String rebuilds and Character tests cost 48,000
        // instructions a page). Same answer either way.
        var text = paragraph
        if let ascii = text.withUTF8({ bytes -> String?? in
            let scanned = min(bytes.count, 90)
            for index in 0 ..< scanned where bytes[index] >= 0x80 { return .none }
            return .some(detectASCII(UnsafeBufferPointer(rebasing: bytes[0 ..< scanned])))
        }) {
            return ascii
        }
        // Find the first dash separator within the first 70 characters.
        let scalars = Array(paragraph.unicodeScalars.prefix(90))
        var dashEnd = -1
        var prefixEnd = -1
        var index = 0
        while index < scalars.count && index < 70 {
            let scalar = scalars[index]
            if scalar == "-" || scalar == "–" || scalar == "—" {
                // Must be " - ", " -- ", " – " or " —": a spaced dash, not a hyphen inside a word.
                guard index > 0, scalars[index - 1] == " " else { index += 1; continue }
                var end = index + 1
                while end < scalars.count && (scalars[end] == "-" || scalars[end] == "–" || scalars[end] == "—") { end += 1 }
                guard end < scalars.count, scalars[end] == " " else { index += 1; continue }
                prefixEnd = index - 1
                dashEnd = end
                break
            }
            if scalar == "." && index + 1 < scalars.count && scalars[index + 1] == " " {
                // A sentence ended before any dash: no dateline.
                return nil
            }
            index += 1
        }
        guard dashEnd > 0, prefixEnd > 1 else { return nil }
        var head = String(String.UnicodeScalarView(scalars[0..<prefixEnd]))
        let dashes = String(String.UnicodeScalarView(scalars[(prefixEnd + 1)..<dashEnd]))
        head = head.trimmingCharacters(in: " ")
        guard isPlausible(head) else { return nil }
        return head + " " + dashes
    }

    /// `detect` on the first 90 bytes of a paragraph, all ASCII (so no en or em dash can occur).
    private static func detectASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var dashEnd = -1
        var prefixEnd = -1
        var index = 0
        while index < bytes.count && index < 70 {
            let byte = bytes[index]
            if byte == 0x2D {
                guard index > 0, bytes[index - 1] == 0x20 else { index += 1; continue }
                var end = index + 1
                while end < bytes.count && bytes[end] == 0x2D { end += 1 }
                guard end < bytes.count, bytes[end] == 0x20 else { index += 1; continue }
                prefixEnd = index - 1
                dashEnd = end
                break
            }
            if byte == 0x2E && index + 1 < bytes.count && bytes[index + 1] == 0x20 { return nil }
            index += 1
        }
        guard dashEnd > 0, prefixEnd > 1 else { return nil }
        // The head without its leading and trailing spaces (trimmingCharacters(in: " ")).
        var start = 0, end = prefixEnd
        while start < end && bytes[start] == 0x20 { start += 1 }
        while end > start && bytes[end - 1] == 0x20 { end -= 1 }
        let head = UnsafeBufferPointer(rebasing: bytes[start ..< end])
        guard isPlausibleASCII(head) else { return nil }
        return String(decoding: head, as: UTF8.self) + " "
            + String(decoding: UnsafeBufferPointer(rebasing: bytes[(prefixEnd + 1) ..< dashEnd]), as: UTF8.self)
    }

    /// `isPlausible` for an ASCII head: a Character is a byte (no CR LF pair can occur: a CR is refused), a
    /// letter is A-Z or a-z, a number 0-9.
    static func isPlausibleASCII(_ head: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !head.contains(0x0D) else { return isPlausible(String(decoding: head, as: UTF8.self)) }
        func isUpper(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        func lower(_ byte: UInt8) -> UInt8 { isUpper(byte) ? byte + 0x20 : byte }
        guard head.count >= 3, head.count <= 60, isUpper(head[0]) || isDigit(head[0]) else { return false }
        // Words: runs between spaces.
        var words: [Range<Int>] = []
        var index = 0
        while index < head.count {
            if head[index] == 0x20 { index += 1; continue }
            let start = index
            while index < head.count && head[index] != 0x20 { index += 1 }
            words.append(start ..< index)
        }
        guard words.count <= 7 else { return false }
        let lowered = head.map(lower)
        let brand = asciiBrands.contains { lowered.containsBytes($0) }
        for word in words {
            let initial = head[word.lowerBound]
            let isJoiner = asciiJoiners.contains { joiner in
                joiner.count == word.count && zip(joiner, lowered[word]).allSatisfy { $0 == $1 }
            }
            if isJoiner { continue }
            if !(isUpper(initial) || isDigit(initial) || initial == 0x28) { return false }
        }
        if brand { return true }
        var letters = 0, upper = 0
        for byte in head where isUpper(byte) || (byte >= 0x61 && byte <= 0x7A) {
            letters += 1
            if isUpper(byte) { upper += 1 }
        }
        if letters > 0 && Double(upper) / Double(letters) > 0.7 { return true }
        let comma = head.contains(0x2C)
        return words.count <= 3 && !comma || (words.count <= 4 && comma)
    }

    private static let asciiBrands = [".com", ".co.id", ".id", "(antara", "(reuters", "(ap)", "(afp", "cnn indonesia", "kompas"]
        .map { Array($0.utf8) }
    private static let asciiJoiners = ["dan", "di", "de", "of", "the", "and", "upon", "am", "an"].map { Array($0.utf8) }

    static func isPlausible(_ head: String) -> Bool {
        guard head.count >= 3, head.count <= 60, let first = head.first, first.isUppercase || first.isNumber else {
            return false
        }
        let words = head.split(separator: " ")
        guard words.count <= 7 else { return false }
        let lowered = head.lowercased()
        let brand = [".com", ".co.id", ".id", "(antara", "(reuters", "(ap)", "(afp", "cnn indonesia", "kompas"]
            .contains { lowered.bytesContain($0) }
        // Every word capitalised (city names, brands) apart from short joiners.
        let joiners: Set<String> = ["dan", "di", "de", "of", "the", "and", "upon", "am", "an"]
        for word in words {
            guard let initial = word.first else { continue }
            if joiners.contains(word.lowercased()) { continue }
            if !(initial.isUppercase || initial.isNumber || initial == "(") { return false }
        }
        if brand { return true }
        let letters = head.filter(\.isLetter)
        let upper = letters.filter(\.isUppercase).count
        // "WASHINGTON", "NEW YORK, 12 Maret": mostly capitals; or a short place name ("Jakarta") of at most 3 words.
        if letters.count > 0 && Double(upper) / Double(letters.count) > 0.7 { return true }
        let comma = head.bytesContain(",")
        return words.count <= 3 && !comma || (words.count <= 4 && comma)
    }
}
