// Dates as Indonesian (and English) news pages print them, and machine dates (ISO 8601 / RFC 3339), parsed by
// hand into instants with the stated offset. No DateFormatter, no regex: these run on every page.
//
//   "Sabtu, 30 Juli 2022 - 08:06 WIB"        "Jum'at, 24 Juli 2026 - 14:00 WIB"   "30/07/2022, 08:06 WIB"
//   "24 Juli 2026 | 09.00 WIB"               "Kamis, 23 Jul 2026 14:35 WIB"       "24 Agu 2026 10:00 WITA"
//   "Kompas.com - 30/07/2022, 08:06 WIB"     "Diterbitkan 24 Juli 2026, 10:26 WIB" "20 July 2026, 23:40"
// WIB = UTC+7, WITA = UTC+8, WIT = UTC+9 (no daylight saving anywhere in Indonesia).
public import CrawlerModel
import Foundation

public enum DisplayDates {
    /// Seconds east of UTC for Indonesia's three zones.
    public static let zoneOffsets: [String: Int] = ["wib": 7 * 3600, "wita": 8 * 3600, "wit": 9 * 3600,
                                                    "gmt": 0, "utc": 0, "z": 0]

    static let months: [String: Int] = [
        "januari": 1, "jan": 1, "january": 1,
        "februari": 2, "feb": 2, "pebruari": 2, "peb": 2, "february": 2,
        "maret": 3, "mar": 3, "march": 3,
        "april": 4, "apr": 4,
        "mei": 5, "may": 5,
        "juni": 6, "jun": 6, "june": 6,
        "juli": 7, "jul": 7, "july": 7,
        "agustus": 8, "agu": 8, "ags": 8, "agt": 8, "agst": 8, "aug": 8, "august": 8,
        "september": 9, "sep": 9, "sept": 9,
        "oktober": 10, "okt": 10, "oct": 10, "october": 10,
        "november": 11, "nov": 11, "nopember": 11, "nop": 11,
        "desember": 12, "des": 12, "dec": 12, "december": 12,
    ]

    private enum Token: Equatable {
        case number(Int, digits: Int)
        case word(String)
        case separator(Character)
    }

    private static func tokenize(_ text: String) -> [Token] {
        var tokens: [Token] = []
        var number = 0, digits = 0
        var word = ""
        func flushNumber() { if digits > 0 { tokens.append(.number(number, digits: digits)); number = 0; digits = 0 } }
        func flushWord() { if !word.isEmpty { tokens.append(.word(word.lowercased())); word = "" } }
        for character in text {
            if let value = character.wholeNumberValue, character.isASCII {
                flushWord()
                if digits < 9 { number = number * 10 + value }
                digits += 1
            } else if character.isLetter || character == "'" || character == "’" {
                flushNumber()
                word.append(character)
            } else {
                flushNumber(); flushWord()
                if character != " " && !character.isWhitespace { tokens.append(.separator(character)) }
            }
        }
        flushNumber(); flushWord()
        return tokens
    }

    /// Parses the first date (with optional time and zone) found in `text`. Without a zone in the text the
    /// `defaultOffset` is used (e.g. WIB for an Indonesian site); nil offset then means "unknown, read as UTC".
    public static func parse(_ text: String, defaultOffset: Int? = nil) -> ZonedDate? {
        let tokens = tokenize(text)
        var index = 0
        while index < tokens.count {
            var year = 0, month = 0, day = 0
            var consumed = 0
            // D Month YYYY
            if case .number(let d, let dd) = tokens[index], dd <= 2, index + 2 < tokens.count,
               case .word(let name) = tokens[index + 1], let m = months[name.trimmingCharacters(in: ".")],
               case .number(let y, 4) = tokens[index + 2] {
                day = d; month = m; year = y; consumed = 3
            }
            // Month D, YYYY (English)
            else if case .word(let name) = tokens[index], let m = months[name], index + 1 < tokens.count,
                    case .number(let d, let dd) = tokens[index + 1], dd <= 2 {
                var next = index + 2
                if next < tokens.count, case .separator(",") = tokens[next] { next += 1 }
                if next < tokens.count, case .number(let y, 4) = tokens[next] {
                    day = d; month = m; year = y; consumed = next + 1 - index
                }
            }
            // DD/MM/YYYY or DD-MM-YYYY or DD.MM.YYYY
            else if case .number(let d, let dd) = tokens[index], dd <= 2, index + 4 < tokens.count,
                    case .separator(let s1) = tokens[index + 1], s1 == "/" || s1 == "-" || s1 == ".",
                    case .number(let m, let md) = tokens[index + 2], md <= 2,
                    case .separator(let s2) = tokens[index + 3], s2 == s1,
                    case .number(let y, 4) = tokens[index + 4] {
                day = d; month = m; year = y; consumed = 5
            }
            // YYYY-MM-DD (machine-ish text)
            else if case .number(let y, 4) = tokens[index], index + 4 < tokens.count,
                    case .separator(let s1) = tokens[index + 1], s1 == "-" || s1 == "/",
                    case .number(let m, let md) = tokens[index + 2], md <= 2,
                    case .separator(let s2) = tokens[index + 3], s2 == s1,
                    case .number(let d, let dd) = tokens[index + 4], dd <= 2 {
                day = d; month = m; year = y; consumed = 5
            }
            guard consumed > 0, (1...12).contains(month), (1...31).contains(day), (1900...2200).contains(year) else {
                index += 1
                continue
            }
            // Time: HH:MM[:SS] or HH.MM, after optional separators "-", "|", ",", "pukul".
            var cursor = index + consumed
            var hour = 0, minute = 0, second = 0
            var offset: Int? = nil
            while cursor < tokens.count {
                if case .separator(let s) = tokens[cursor], s == "-" || s == "|" || s == "," || s == "–" || s == "—" {
                    cursor += 1; continue
                }
                if case .word(let w) = tokens[cursor], w == "pukul" || w == "jam" || w == "at" || w == "um" {
                    cursor += 1; continue
                }
                break
            }
            if cursor + 2 < tokens.count, case .number(let h, let hd) = tokens[cursor], hd <= 2,
               case .separator(let s) = tokens[cursor + 1], s == ":" || s == ".",
               case .number(let mi, 2) = tokens[cursor + 2], h < 24, mi < 60 {
                hour = h; minute = mi
                cursor += 3
                if cursor + 1 < tokens.count, case .separator(let s2) = tokens[cursor], s2 == s,
                   case .number(let sec, 2) = tokens[cursor + 1], sec < 60 {
                    second = sec
                    cursor += 2
                }
                if cursor < tokens.count, case .word(let w) = tokens[cursor] {
                    if w == "pm", hour < 12 { hour += 12; cursor += 1 }
                    else if w == "am", hour == 12 { hour = 0; cursor += 1 }
                    else if w == "am" { cursor += 1 }
                }
                if cursor < tokens.count, case .word(let zone) = tokens[cursor], let zoneOffset = zoneOffsets[zone] {
                    offset = zoneOffset
                    // "GMT+7" / "UTC+07:00"
                    if zoneOffset == 0, cursor + 2 < tokens.count, case .separator(let sign) = tokens[cursor + 1],
                       sign == "+" || sign == "-", case .number(let h2, _) = tokens[cursor + 2], h2 <= 14 {
                        offset = (sign == "+" ? 1 : -1) * h2 * 3600
                    }
                }
            }
            let effective = offset ?? defaultOffset
            let local = civilSeconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
            return ZonedDate(date: Date(timeIntervalSince1970: TimeInterval(local - (effective ?? 0))),
                             utcOffsetSeconds: effective)
        }
        return nil
    }

    /// ISO 8601 / RFC 3339 machine dates: "2022-07-30T08:06:00+07:00", "2022-07-30 08:06:00", "2026-07-24T12:40+07:00",
    /// "2022-07-30T01:06:00.000Z", "20220730T080600+0700", "2022-07-30". A missing zone takes `defaultOffset`.
    public static func parseISO(_ raw: String, defaultOffset: Int? = nil) -> ZonedDate? {
        let bytes = Array(raw.utf8.drop(while: { $0 == 0x20 }))
        var position = 0
        func digits(_ count: Int) -> Int? {
            guard position + count <= bytes.count else { return nil }
            var value = 0
            for offset in 0..<count {
                let byte = bytes[position + offset]
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            position += count
            return value
        }
        func skip(_ byte: UInt8) -> Bool {
            if position < bytes.count && bytes[position] == byte { position += 1; return true }
            return false
        }
        guard let year = digits(4) else { return nil }
        let dashed = skip(0x2D)
        guard let month = digits(2) else { return nil }
        if dashed { guard skip(0x2D) else { return nil } }
        guard let day = digits(2), (1...12).contains(month), (1...31).contains(day) else { return nil }
        var hour = 0, minute = 0, second = 0
        var offset: Int? = nil
        if position < bytes.count && (bytes[position] == 0x54 || bytes[position] == 0x20 || bytes[position] == 0x74) {
            position += 1
            guard let h = digits(2) else { return nil }
            let colon = skip(0x3A)
            guard let m = digits(2) else { return nil }
            hour = h; minute = m
            if colon ? skip(0x3A) : (position < bytes.count && bytes[position] >= 0x30 && bytes[position] <= 0x39) {
                guard let s = digits(2) else { return nil }
                second = s
            }
            if skip(0x2E) || skip(0x2C) {
                while position < bytes.count && bytes[position] >= 0x30 && bytes[position] <= 0x39 { position += 1 }
            }
            while position < bytes.count && bytes[position] == 0x20 { position += 1 }
            if skip(0x5A) || skip(0x7A) {
                offset = 0
            } else if position < bytes.count && (bytes[position] == 0x2B || bytes[position] == 0x2D) {
                let sign = bytes[position] == 0x2B ? 1 : -1
                position += 1
                guard let oh = digits(2) else { return nil }
                _ = skip(0x3A)
                let om = digits(2) ?? 0
                offset = sign * (oh * 3600 + om * 60)
            }
            guard hour < 24, minute < 60, second < 61 else { return nil }
        }
        let effective = offset ?? defaultOffset
        let local = civilSeconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        return ZonedDate(date: Date(timeIntervalSince1970: TimeInterval(local - (effective ?? 0))),
                         utcOffsetSeconds: effective)
    }

    /// Seconds since 1970-01-01T00:00 for a proleptic Gregorian civil time.
    static func civilSeconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int {
        Int(DateParser.days(fromCivil: year, month, day)) * 86400 + hour * 3600 + minute * 60 + second
    }

    /// RFC 3339 with the stated offset, e.g. "2022-07-30T08:06:00+07:00" ("Z" when the offset is 0 or unknown).
    public static func rfc3339(_ zoned: ZonedDate) -> String {
        DateParser.rfc3339(zoned.date, utcOffsetSeconds: zoned.utcOffsetSeconds ?? 0)
    }
}
