// Small parsers for the response headers the scheduler cares about. Pure functions; unit-tested directly.
public import Foundation

public enum RetryAfter {
    /// Seconds to wait from a Retry-After value: delta-seconds ("120") or an HTTP-date (IMF-fixdate, RFC 850 or
    /// asctime), relative to `now`; a date in the past gives 0. nil when the value is neither. Capped at `cap`.
    public static func seconds(from value: String, now: Date = Date(), cap: Int = 86_400) -> Int? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        if trimmed.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            // All digits; a huge number saturates at the cap instead of overflowing.
            return Int(trimmed).map { min($0, cap) } ?? cap
        }
        guard let date = HTTPDate.parse(trimmed) else { return nil }
        let delta = date.timeIntervalSince(now).rounded(.up)
        return max(0, min(Int(exactly: delta) ?? cap, cap))
    }
}

public enum HTTPDate {
    /// The three date formats HTTP/1.1 allows (RFC 9110 section 5.6.7), always GMT.
    private static let formats = ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"]

    public static func parse(_ text: String) -> Date? {
        // DateFormatter is not safe to share across threads without care; these are rare, so one per call.
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in formats {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}

enum ContentType {
    /// ("text/html", "utf-8") from "text/html; charset=\"UTF-8\"". Both lowercased; either may be nil.
    static func parse(_ header: String?) -> (mediaType: String?, charset: String?) {
        guard let header else { return (nil, nil) }
        return parseASCII(header) ?? parseText(header)
    }

    /// `parse` on Unicode scalars: the definition, and the path for a header that is not ASCII.
    static func parseText(_ header: String) -> (mediaType: String?, charset: String?) {
        let parts = header.split(separator: ";").map(HeaderText.trimmingWhitespace)
        let media = parts.first.map { $0.lowercased() }.flatMap { $0.isEmpty ? nil : $0 }
        var charset: String?
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map(HeaderText.trimmingWhitespace)
            guard pair.count == 2, pair[0].lowercased() == "charset" else { continue }
            let value = HeaderText.trimming(pair[1], where: { $0 == "\"" || $0 == "'" }).lowercased()
            if !value.isEmpty { charset = value }
        }
        return (media, charset)
    }

    /// `parse` on bytes for an ASCII header (every real one): the same pieces as the String path (empty pieces
    /// between separators skipped, spaces and tabs trimmed, quotes trimmed from the value), without its
    /// per-Character splitting, which cost ~27,000 instructions per fetched page. Nil for non-ASCII text.
    static func parseASCII(_ header: String) -> (mediaType: String?, charset: String?)? {
        let bytes = Array(header.utf8)
        guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
        func trimmed(_ piece: ArraySlice<UInt8>, _ isTrimmed: (UInt8) -> Bool) -> ArraySlice<UInt8> {
            guard let first = piece.firstIndex(where: { !isTrimmed($0) }) else { return piece[piece.endIndex...] }
            return piece[first...piece.lastIndex(where: { !isTrimmed($0) })!]
        }
        func isSpaceOrTab(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        func lowercased(_ piece: ArraySlice<UInt8>) -> String {
            String(decoding: piece.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
        }
        var media: String?, charset: String?
        var sawMedia = false
        for piece in bytes.split(separator: 0x3B) {  // ";", empty pieces omitted as String.split does
            guard sawMedia else {
                let text = trimmed(piece, isSpaceOrTab)
                media = text.isEmpty ? nil : lowercased(text)
                sawMedia = true
                continue
            }
            let pair = piece.split(separator: 0x3D, maxSplits: 1)  // "="
            guard pair.count == 2, lowercased(trimmed(pair[0], isSpaceOrTab)) == "charset" else { continue }
            let value = trimmed(trimmed(pair[1], isSpaceOrTab)) { $0 == 0x22 || $0 == 0x27 }
            if !value.isEmpty { charset = lowercased(value) }
        }
        return (media, charset)
    }
}

enum CacheControl {
    /// The max-age directive in seconds ("public, max-age=300" -> 300); nil without one. "no-store" wins (nil).
    static func maxAge(_ values: [String]) -> Int? {
        var result: Int?
        for directive in values.flatMap({ $0.split(separator: ",") }) {
            let pair = directive.split(separator: "=", maxSplits: 1).map { HeaderText.trimmingWhitespace($0).lowercased() }
            if pair.first == "no-store" { return nil }
            if pair.count == 2, pair[0] == "max-age" {
                let digits = HeaderText.trimming(Substring(pair[1]), where: { $0 == "\"" })
                if let seconds = Int(digits), seconds >= 0 { result = seconds }
            }
        }
        return result
    }
}

/// Trimming without Foundation: `trimmingCharacters(in:)` goes through CFString and cost more than the rest of
/// a response's header handling (it runs for every fetched page).
enum HeaderText {
    /// Drops leading and trailing tabs and space separators (Unicode Zs): what CharacterSet.whitespaces holds.
    static func trimmingWhitespace(_ text: Substring) -> Substring {
        trimming(text, where: { $0 == "\t" || $0.properties.generalCategory == .spaceSeparator })
    }

    static func trimming(_ text: Substring, where isTrimmed: (Unicode.Scalar) -> Bool) -> Substring {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isTrimmed($0) }) else { return text[text.endIndex...] }
        let last = scalars.lastIndex(where: { !isTrimmed($0) })!
        return Substring(scalars[first...last])
    }
}
