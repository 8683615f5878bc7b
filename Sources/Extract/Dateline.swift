// Datelines that open a wire or news story: "TRIBUNNEWS.COM, WASHINGTON - ", "WASHINGTON - ",
// "Jakarta (ANTARA) - ", "JAKARTA, KOMPAS.com - ", "Jakarta, CNN Indonesia -- ", "Liputan6.com, Jakarta - ",
// "REPUBLIKA.CO.ID, JAKARTA -- ", "Jakarta - " (detik), "LONDON (Reuters) - ".

public enum Dateline {
    /// The dateline at the start of `paragraph` without its trailing spaces ("TRIBUNNEWS.COM, WASHINGTON -"), or nil.
    public static func detect(_ paragraph: String) -> String? {
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
