// Line-level boilerplate: recirculation ("Baca Juga"), credits ("Editor:"), pagers, app prompts, desk initials,
// and the chrome tail some templates put inside the article container. Plain string tests, no regex: these run
// on every paragraph of every page.

public enum Boilerplate {
    /// Why a paragraph was dropped, nil when it is content.
    public static func dropReason(_ line: String) -> String? {
        let length = line.utf8.count
        if length == 0 { return "empty" }
        // Only prefixes and short lines are tested: lowercase at most the first bytes, ASCII only (the phrases
        // are ASCII; non-ASCII letters stay as they are). Long lines need only the prefix checks.
        let lowered = asciiLowercasedPrefixBytes(line, length <= 200 ? 200 : 48)
        if let prefix = recirculation.firstMatch(lowered) { return "recirculation line (\(prefix))" }
        if length > 200 {
            if syndication.matches(lowered) { return "syndication footer" }
            return nil
        }
        if length <= 160 {
            if let prefix = credit.firstMatch(lowered) { return "credit line (\(prefix))" }
            if let prefix = prompt.firstMatch(lowered) { return "prompt (\(prefix))" }
        }
        if length <= 60 {
            let trimmed = String(decoding: lowered, as: UTF8.self).trimmingPunctuationAndSpaces()
            if exactLines.contains(trimmed) { return "chrome line (\(trimmed))" }
            if isPager(trimmed) { return "pager" }
            if isDeskInitials(trimmed) { return "desk initials" }
        }
        if length <= 200, isChannelPrompt(lowered) { return "social/app prompt" }
        if length <= 90, isCreditInParentheses(lowered) { return "credit line" }
        if syndication.matches(lowered) { return "syndication footer" }
        if copyright.matches(lowered) {
            if length <= 120 { return "copyright line" }
        }
        return nil
    }

    /// Lines that start the page chrome after the story; everything from one of them on is dropped when it comes
    /// after at least two content paragraphs.
    public static func isTailMarker(_ line: String) -> Bool {
        guard line.utf8.count <= 60 else { return false }
        let trimmed = asciiLowercasedPrefix(line, 60).trimmingPunctuationAndSpaces()
        return tailMarkers.contains(trimmed)
    }

    static let recirculation = PrefixList(recirculationPrefixes)
    static let credit = PrefixList(creditPrefixes)
    static let prompt = PrefixList(promptPrefixes)
    static let syndication = PrefixList(["artikel ini telah tayang di", "artikel ini sudah tayang di"])
    static let copyright = PrefixList(["copyright ©", "copyright©", "© copyright"])

    static let recirculationPrefixes = [
        "baca juga", "baca:", "baca selengkapnya", "lihat juga", "simak juga", "simak video", "simak selengkapnya",
        "tonton juga", "tonton video", "saksikan video", "saksikan juga", "klik untuk baca", "jangan lewatkan",
        "scroll to continue with content", "scroll ke bawah untuk melanjutkan", "baca berita", "berita terkait:",
        "[gambas:", "read also:", "read more:", "related:", "also read:", "berita lain terkait", "berita terkait:",
        "baca berita dengan sedikit iklan", "baca berita tanpa iklan", "* fakta atau hoaks", "simak breaking news",
        "scroll untuk melanjutkan", "scroll untuk membaca", "scroll down to continue", "baca artikel detik",
        "ringkasan berita", "simak berita lainnya", "lihat berita lainnya",
    ]
    static let creditPrefixes = [
        "pewarta:", "pewarta :", "editor:", "editor :", "reporter:", "reporter :", "penulis:", "penulis :",
        "kontributor:", "kontributor :", "pilihan editor:", "pilihan editor :", "laporan wartawan", "laporan reporter",
        "penyunting:", "penyunting :", "redaktur:", "redaktur :", "reporter magang", "sumber:", "sumber :",
        "penulis dan editor", "fotografer:", "foto:", "(reporting by", "reporting by", "(editing by", "rep:", "red:",
    ]
    static let promptPrefixes = [
        "dapatkan berita", "dapatkan update", "dapatkan informasi", "ikuti berita", "ikuti kami", "ikuti saluran",
        "follow berita", "follow kami", "gabung ke", "gabung di", "bergabunglah", "download aplikasi",
        "unduh aplikasi", "klik di sini untuk", "klik disini untuk", "telusuri berita", "simak berita",
        "sign up for our newsletter", "subscribe to our newsletter", "download the app", "get the app",
        "pilih saluran andalanmu", "update berita terkini", "cek berita dan artikel lainnya di google news",
    ]
    static let exactLines: Set<String> = [
        "advertisement", "advertising", "iklan", "scroll to continue with content", "advertisement scroll to continue with content",
        "lihat juga", "baca juga", "tulis komentar anda", "follow", "share", "bagikan", "komentar",
        "video rekomendasi", "berita terkait", "rekomendasi", "terpopuler", "berita terkini", "berita terkini more",
        "sponsored", "ads", "artikel terkait", "topik terkait", "more", "selanjutnya", "sebelumnya",
        "tutup", "loading", "memuat", "tags", "tag", "topik", "halaman selanjutnya", "halaman berikutnya",
        "baca selengkapnya", "lanjut baca", "simak videonya", "video pilihan", "video terkait",
    ]
    static let tailMarkers: Set<String> = [
        "lihat juga", "tulis komentar anda", "video rekomendasi", "berita terkait", "rekomendasi", "terpopuler",
        "berita terkini", "berita terkini more", "artikel terkait", "topik terkait", "komentar", "baca berita lainnya",
    ]

    /// "halaman 1 2 3", "halaman 1/2", "halaman 2 dari 3", "page 1 of 2", "1 2 3 selanjutnya".
    static func isPager(_ text: String) -> Bool {
        // A pager starts with a page word or a number: an ASCII first byte that is neither 'h', 'p' nor a digit
        // rules it out before any splitting.
        if let first = text.utf8.first, first < 0x80, first != 0x68, first != 0x70, !(first >= 0x30 && first <= 0x39) {
            return false
        }
        var words = text.split(whereSeparator: { $0 == " " || $0 == "/" || $0 == "|" })
        guard !words.isEmpty else { return false }
        var sawNumber = false
        var numbers: [Int] = []
        var sawNavigationWord = false
        let lead = words[0]
        if lead == "halaman" || lead == "page" || lead == "hal" || lead == "hal." { words.removeFirst(); sawNavigationWord = true }
        else if !(lead.allSatisfy(\.isNumber)) { return false }
        for word in words {
            if word.allSatisfy(\.isNumber) {
                sawNumber = true
                numbers.append(Int(word.prefix(6)) ?? 0)
                continue
            }
            sawNavigationWord = true
            if ["dari", "of", "selanjutnya", "sebelumnya", "next", "prev", "previous", "»", "«", "›", "‹", "berikutnya",
                "...", "…", "all", "semua", "tampilkan"].contains(String(word)) { continue }
            return false
        }
        // A bare number ("14", a table cell) is not a pager; "1 2 3" (counting up from 1) or a page word is.
        let counting = numbers.count >= 2 && numbers.first == 1 && zip(numbers, numbers.dropFirst()).allSatisfy { $1 == $0 + 1 }
        return sawNumber && (sawNavigationWord || counting)
    }

    /// "Ikuti saluran WhatsApp ...", "Follow Google News ...", "Gabung channel Telegram ...".
    static func isChannelPrompt(_ lowered: [UInt8]) -> Bool {
        // The verb (a prefix test) first: most lines fail it, and then the ten substring searches are not needed.
        guard channelVerbs.matches(lowered) else { return false }
        return channelPlaces.contains(where: { lowered.containsBytes($0) })
    }

    static let channelPlaces = ["google news", "whatsapp channel", "saluran whatsapp", "channel whatsapp", "telegram",
                                "instagram", "youtube", "tiktok", "facebook", "twitter"].map { Array($0.utf8) }
    static let channelVerbs = PrefixList(["ikuti", "follow", "gabung", "join", "subscribe", "simak", "cek berita",
                                          "dapatkan", "langganan", "klik", "tonton"])

    /// "(Tribunnews.com/Fahdi Fahlevi)", "(ANTARA/Fulan)", "(Kompas.com/X)" as a line of its own.
    static func isCreditInParentheses(_ lowered: [UInt8]) -> Bool {
        guard lowered.first == 0x28, lowered.last == 0x29, lowered.contains(0x2F) else { return false }
        return creditSources.contains { lowered.containsBytes($0) }
    }

    static let creditSources = [".com", ".id", "antara", "foto", "reuters", "afp", "idn times", "dok.", "istimewa"]
        .map { Array($0.utf8) }

    /// "(ian)", "(tim/tim)", "(lau/pta)", "(nug)" — the desk's initials ending a story.
    public static func isDeskInitials(_ text: String) -> Bool {
        guard (text.hasPrefix("(") && text.hasSuffix(")")) || (text.hasPrefix("[") && text.hasSuffix("]")),
              text.count <= 24 else { return false }
        let inner = text.dropFirst().dropLast()
        let parts = inner.split(separator: "/", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.count <= 4 else { return false }
        return parts.allSatisfy { part in
            let trimmed = part.trimmingCharacters(in: " ")
            // "ian", "tim", "lau", "mcr8", "jpnn": short lowercase codes, letters first (so "(30/7/2022)" is no match).
            return trimmed.count >= 2 && trimmed.count <= 5 && trimmed.first!.isLetter
                && trimmed.allSatisfy { ($0.isLetter || $0.isNumber) && $0.isASCII } && trimmed == trimmed.lowercased()
        }
    }

    /// Removes desk initials glued to the end of the last paragraph ("... kata dia. (ian)").
    public static func strippingTrailingInitials(_ line: String) -> String {
        let opener: Character = line.hasSuffix("]") ? "[" : "("
        guard line.hasSuffix(")") || line.hasSuffix("]"), let open = line.lastIndex(of: opener) else { return line }
        let candidate = String(line[open...])
        guard isDeskInitials(candidate) else { return line }
        let before = line[..<open]
        guard let last = before.last, last == " " || last == "." || last == "\"" || last == "”" else { return line }
        return String(before).trimmingCharacters(in: " ")
    }

    /// Cleans a paragraph list: drops boilerplate lines, cuts the chrome tail, strips trailing desk initials.
    static func clean(_ paragraphs: [String], explain: inout [ExplainEntry]?) -> [String] {
        var kept: [String] = []
        kept.reserveCapacity(paragraphs.count)
        for paragraph in paragraphs {
            if kept.count >= 2, isTailMarker(paragraph) {
                explain?.append(ExplainEntry(action: "cut", node: "line", reason: "chrome tail starts: \(paragraph.prefix(40))",
                                             textLength: paragraph.count))
                break
            }
            if let reason = dropReason(paragraph) {
                explain?.append(ExplainEntry(action: "drop", node: "line", reason: "\(reason): \(paragraph.prefix(60))",
                                             textLength: paragraph.count))
                continue
            }
            kept.append(paragraph)
        }
        if let last = kept.last {
            let stripped = strippingTrailingInitials(last)
            if stripped != last {
                explain?.append(ExplainEntry(action: "strip", node: "line", reason: "desk initials at the end",
                                             textLength: last.count - stripped.count))
                if stripped.isEmpty { kept.removeLast() } else { kept[kept.count - 1] = stripped }
            }
        }
        return kept
    }
}

/// ASCII-lowercased copy of the first `limit` bytes (cut back to a character boundary).
func asciiLowercasedPrefix(_ text: String, _ limit: Int) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(min(limit, text.utf8.count))
    for byte in text.utf8 {
        if bytes.count >= limit && byte & 0xC0 != 0x80 { break }
        bytes.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
    }
    return String(decoding: bytes, as: UTF8.self)
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        var scalars = Substring(self)
        while let first = scalars.first, set.contains(first) { scalars = scalars.dropFirst() }
        while let last = scalars.last, set.contains(last) { scalars = scalars.dropLast() }
        return String(scalars)
    }
}

extension String {
    /// Drops surrounding spaces and the punctuation chrome lines carry (":", "»", "-", "|").
    func trimmingPunctuationAndSpaces() -> String {
        func isTrimmed(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar.value {
            case 0x20, 0x3A, 0x2D, 0x7C, 0x3E, 0xA0, 0xBB, 0xAB, 0xB7, 0x2039, 0x203A, 0x2013, 0x2014, 0x2022: return true
            default: return false
            }
        }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !isTrimmed($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isTrimmed($0) })!
        if first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) { return self }
        return String(scalars[first...last])
    }
}

extension String {
    /// Substring test on UTF-8 bytes (Foundation's `contains` goes through NSString and is slow in hot loops).
    func bytesContain(_ needle: String) -> Bool {
        var haystack = self
        var needle = needle
        return haystack.withUTF8 { h in needle.withUTF8 { n in byteSearch(h, n) } }
    }
}
