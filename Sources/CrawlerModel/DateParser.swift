// Dates as feeds and news pages write them, parsed by hand: one pass over the UTF-8 bytes, no DateFormatter,
// no allocation beyond the small token list. A 5,000-item feed has 5,000-10,000 dates; DateFormatter costs
// ~10-50 µs a call on Linux and tries one pattern at a time, this costs ~1 µs and accepts the broken forms too.
//
// Accepted (case-insensitive, extra words ignored):
//   RFC 822/1123/2822   "Sat, 30 Jul 2022 08:06:00 +0700", "30 Jul 22 08:06 GMT", "Sab, 30 Juli 2022 08:06:00 WIB"
//                       (day names ignored, so wrong or Indonesian ones do not matter; seconds optional;
//                       2-digit years: 00-49 -> 20xx, 50-99 -> 19xx as RFC 2822 says)
//   RFC 3339/ISO 8601   "2022-07-30T01:06:00Z", "2022-07-30T08:06:00.123+07:00", "2022-07-30 08:06:00",
//                       "2022-07-30T08:06+0700", "20220730T080600Z", "2022-07-30"
//   display forms       "Sabtu, 30 Juli 2022 - 08:06 WIB", "30/07/2022, 08:06 WIB", "24 Juli 2026 | 09.00 WIB",
//                       "July 30, 2022 8:06 PM EST", "2022/07/30 08:06"
// Zones: Z, UT, UTC, GMT, the US zones (EST/EDT, CST/CDT, MST/MDT, PST/PDT), WIB/WITA/WIT (+7/+8/+9, Indonesia),
// and numeric offsets "+0700", "+07:00", "+07", "GMT+7". A string without a zone gets `assumedOffsetSeconds`.
public import struct Foundation.Date

public enum DateParser {
    /// Parses a date in any of the forms above.
    /// - Parameters:
    ///   - assumedOffsetSeconds: seconds east of UTC to use when the string states no zone. Feeds: 0 (UTC, as
    ///     feedparser does). Pages: the site's local offset (e.g. 25200 for WIB). nil: read the clock time as UTC
    ///     and report `utcOffsetSeconds == nil` (zone unknown).
    /// - Returns: nil when no plausible date is found (never a guess with a wrong year or month).
    public static func parse(_ text: String, assumedOffsetSeconds: Int? = 0) -> ZonedDate? {
        var copy = text
        return copy.withUTF8 { bytes in
            var scanner = DateScanner(bytes)
            return scanner.parse(assumedOffsetSeconds: assumedOffsetSeconds)
        }
    }

    /// The instant only, zone-less strings read as UTC. Convenience for feeds.
    public static func date(_ text: String) -> Date? { parse(text, assumedOffsetSeconds: 0)?.date }

    /// RFC 3339 in UTC with whole seconds and a `Z`: "2022-07-30T01:06:00Z".
    public static func rfc3339UTC(_ date: Date) -> String {
        let total = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = floorDiv(total, 86_400)
        let secondsOfDay = Int(total - days * 86_400)
        let (year, month, day) = civil(fromDays: days)
        // Written into a fixed 20-byte buffer: this runs twice per item when a feed is printed as JSON.
        var bytes = [UInt8](repeating: 0, count: 20)
        func put(_ value: Int, at position: Int, width: Int) {
            var remaining = value
            for offset in stride(from: width - 1, through: 0, by: -1) {
                bytes[position + offset] = UInt8(48 + remaining % 10)
                remaining /= 10
            }
        }
        put(Int(max(0, min(9999, year))), at: 0, width: 4)
        bytes[4] = UInt8(ascii: "-")
        put(month, at: 5, width: 2)
        bytes[7] = UInt8(ascii: "-")
        put(day, at: 8, width: 2)
        bytes[10] = UInt8(ascii: "T")
        put(secondsOfDay / 3600, at: 11, width: 2)
        bytes[13] = UInt8(ascii: ":")
        put(secondsOfDay / 60 % 60, at: 14, width: 2)
        bytes[16] = UInt8(ascii: ":")
        put(secondsOfDay % 60, at: 17, width: 2)
        bytes[19] = UInt8(ascii: "Z")
        return String(decoding: bytes, as: UTF8.self)
    }

    /// RFC 3339 in the given offset: "2022-07-30T08:06:00+07:00" (UTC written as "Z").
    public static func rfc3339(_ date: Date, utcOffsetSeconds: Int) -> String {
        if utcOffsetSeconds == 0 { return rfc3339UTC(date) }
        let shifted = rfc3339UTC(date.addingTimeInterval(Double(utcOffsetSeconds)))
        let magnitude = abs(utcOffsetSeconds)
        var zone = utcOffsetSeconds < 0 ? "-" : "+"
        appendPadded(&zone, magnitude / 3600, width: 2)
        zone += ":"
        appendPadded(&zone, magnitude / 60 % 60, width: 2)
        return String(shifted.dropLast()) + zone
    }

    private static func appendPadded(_ out: inout String, _ value: Int, width: Int) {
        let digits = String(value)
        if digits.count < width { out += String(repeating: "0", count: width - digits.count) }
        out += digits
    }

    // MARK: Calendar arithmetic (proleptic Gregorian; Howard Hinnant's days_from_civil / civil_from_days).

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    public static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = floorDiv(y, 400)
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    public static func civil(fromDays days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// One pass over the bytes. Tokens are digit runs, letter runs and single punctuation bytes; the date is
/// assembled from them by position rules rather than fixed patterns, so word order and filler do not matter.
private struct DateScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var year: Int?, month: Int?, day: Int?
    var hour: Int?, minute: Int?, second = 0, nanoseconds = 0
    var offset: Int?
    var pm: Bool?
    /// The date came as dd/mm/yyyy (the only form where mm/dd/yyyy could have been meant).
    var numericDayFirst = false
    /// Bare numbers seen before a month name or date was fixed (e.g. the "30" of "30 Jul 2022").
    var pendingNumbers: [(value: Int, digits: Int)] = []

    mutating func parse(assumedOffsetSeconds: Int?) -> ZonedDate? {
        // Nothing plausible is shorter than 8 bytes ("2022-7-1") or longer than a paragraph.
        guard bytes.count >= 6, bytes.count <= 200 else { return nil }
        while index < bytes.count {
            let byte = bytes[index]
            if isDigit(byte) {
                guard scanNumberGroup() else { return nil }
            } else if isLetter(byte) || byte >= 0x80 {
                scanWord()
            } else if (byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")) && hour != nil && offset == nil
                        && index + 1 < bytes.count && isDigit(bytes[index + 1]) {
                scanNumericOffset()
            } else {
                index += 1
            }
        }
        // "30 Jul 2022": numbers seen before the month name are the day (and maybe the year).
        resolvePendingNumbers()
        // "07/30/2022" (US order) cannot be day-first: swap when only that reading is valid.
        if numericDayFirst, let m = month, let d = day, m > 12, d <= 12 { month = d; day = m }
        guard let year, let month, let day,
              (1...12).contains(month), day >= 1, day <= DateParser.daysInMonth(year, month),
              year >= 1000, year <= 9999 else { return nil }
        var hourValue = hour ?? 0
        let minuteValue = minute ?? 0
        if let pm {
            guard hourValue >= 1, hourValue <= 12 else { return nil }
            hourValue = hourValue % 12 + (pm ? 12 : 0)
        }
        guard hourValue <= 24, minuteValue <= 59, second <= 60 else { return nil }
        // "24:00" is midnight at the end of the day (ISO 8601); a leap second is read as :59.
        let seconds = Int64(hourValue) * 3600 + Int64(minuteValue) * 60 + Int64(min(second, 59))
        let zone = offset ?? assumedOffsetSeconds ?? 0
        let epoch = DateParser.days(fromCivil: year, month, day) * 86_400 + seconds - Int64(zone)
        let date = Date(timeIntervalSince1970: Double(epoch) + Double(nanoseconds) / 1e9)
        return ZonedDate(date: date, utcOffsetSeconds: offset ?? assumedOffsetSeconds)
    }

    // MARK: Numbers

    /// A digit run and whatever numeric structure follows it: "2022-07-30", "30/07/2022", "08:06:00.5",
    /// "09.00", "20220730T080600", or a lone number. Returns false when the input is clearly not a date.
    mutating func scanNumberGroup() -> Bool {
        let (first, firstDigits) = readDigits()
        let next = peek()
        // ISO date, or yyyy/mm/dd.
        if firstDigits == 4, year == nil, next == UInt8(ascii: "-") || next == UInt8(ascii: "/"),
           let (m, d) = readDatePair(separator: next!) {
            year = first; month = m; day = d
            if peek() == UInt8(ascii: "T") || peek() == UInt8(ascii: "t") {
                index += 1
                if let byte = peek(), isDigit(byte) { return scanNumberGroup() }
            }
            return true
        }
        // Basic ISO: 20220730 or 20220730T080600.
        if firstDigits == 8, year == nil {
            year = first / 10_000; month = first / 100 % 100; day = first % 100
            if peek() == UInt8(ascii: "T") || peek() == UInt8(ascii: "t") {
                index += 1
                let (time, timeDigits) = readDigits()
                switch timeDigits {
                case 6: hour = time / 10_000; minute = time / 100 % 100; second = time % 100
                case 4: hour = time / 100; minute = time % 100
                default: return false
                }
                readFraction()
            }
            return true
        }
        // dd/mm/yyyy or dd-mm-yyyy (day first, as Indonesian and most non-US sites write it).
        if firstDigits <= 2, year == nil, next == UInt8(ascii: "/") || next == UInt8(ascii: "-"),
           index + 1 < bytes.count, isDigit(bytes[index + 1]) {
            let separator = next!
            let save = index
            index += 1
            let (m, mDigits) = readDigits()
            if mDigits <= 2, peek() == separator, index + 1 < bytes.count, isDigit(bytes[index + 1]) {
                index += 1
                let (y, yDigits) = readDigits()
                if yDigits == 4 || yDigits == 2 {
                    day = first; month = m; year = yDigits == 2 ? twoDigitYear(y) : y
                    numericDayFirst = true
                    return true
                }
            }
            index = save
        }
        // Clock time hh:mm[:ss[.fff]]; also "09.00" once the date is known (Indonesian display dates).
        if firstDigits <= 2, hour == nil, let separator = next,
           separator == UInt8(ascii: ":") || (separator == UInt8(ascii: ".") && (month != nil || !pendingNumbers.isEmpty)),
           index + 2 < bytes.count, isDigit(bytes[index + 1]), isDigit(bytes[index + 2]) {
            index += 1
            let (m, mDigits) = readDigits()
            guard mDigits == 2 else { return false }
            hour = first; minute = m
            if peek() == separator, index + 2 < bytes.count, isDigit(bytes[index + 1]) {
                index += 1
                let (s, sDigits) = readDigits()
                guard sDigits <= 2 else { return false }
                second = s
                readFraction()
            }
            // "08:06:00Z" / "08:06Z": the Z is glued to the time.
            if let byte = peek(), byte == UInt8(ascii: "Z") || byte == UInt8(ascii: "z"),
               index + 1 == bytes.count || !isLetter(bytes[index + 1]) {
                offset = 0
                index += 1
            }
            return true
        }
        // A lone number: day or year depending on what is known.
        if firstDigits == 4 {
            if year == nil { year = first } else { return true }
        } else if firstDigits <= 2 {
            if month != nil && day == nil { day = first }
            else if month != nil && year == nil { year = twoDigitYear(first) }
            else { pendingNumbers.append((first, firstDigits)) }
        }
        // Anything else (ids, "1st" is handled as 1 + word) is filler.
        return true
    }

    mutating func readDatePair(separator: UInt8) -> (Int, Int)? {
        let save = index
        index += 1
        let (m, mDigits) = readDigits()
        guard mDigits >= 1, mDigits <= 2, peek() == separator else { index = save; return nil }
        index += 1
        let (d, dDigits) = readDigits()
        guard dDigits >= 1, dDigits <= 2 else { index = save; return nil }
        return (m, d)
    }

    mutating func readDigits() -> (Int, Int) {
        var value = 0, count = 0
        while index < bytes.count, isDigit(bytes[index]) {
            if count < 9 { value = value * 10 + Int(bytes[index] - 48) }
            count += 1
            index += 1
        }
        return (value, count)
    }

    mutating func readFraction() {
        guard let byte = peek(), byte == UInt8(ascii: ".") || byte == UInt8(ascii: ","),
              index + 1 < bytes.count, isDigit(bytes[index + 1]) else { return }
        index += 1
        var scale = 100_000_000, value = 0
        while index < bytes.count, isDigit(bytes[index]) {
            value += Int(bytes[index] - 48) * scale
            scale /= 10
            index += 1
        }
        nanoseconds = value
    }

    /// "+0700", "-07:00", "+07", "+7" after a clock time.
    mutating func scanNumericOffset() {
        let negative = bytes[index] == UInt8(ascii: "-")
        index += 1
        let (value, digits) = readDigits()
        var hours = 0, minutes = 0
        switch digits {
        case 1, 2:
            hours = value
            if peek() == UInt8(ascii: ":"), index + 2 < bytes.count, isDigit(bytes[index + 1]) {
                index += 1
                minutes = readDigits().0
            }
        case 3: hours = value / 100; minutes = value % 100
        case 4: hours = value / 100; minutes = value % 100
        default: return
        }
        guard hours <= 14, minutes <= 59 else { return }
        offset = (negative ? -1 : 1) * (hours * 3600 + minutes * 60)
    }

    mutating func resolvePendingNumbers() {
        guard !pendingNumbers.isEmpty else { return }
        if day == nil, month != nil { day = pendingNumbers.removeFirst().value }
        if year == nil, month != nil, let next = pendingNumbers.first { year = twoDigitYear(next.value) }
    }

    func twoDigitYear(_ value: Int) -> Int { value < 50 ? 2000 + value : (value < 100 ? 1900 + value : value) }

    // MARK: Words

    mutating func scanWord() {
        let start = index
        while index < bytes.count, isLetter(bytes[index]) || bytes[index] >= 0x80 || bytes[index] == UInt8(ascii: "'") {
            index += 1
        }
        let word = UnsafeBufferPointer(rebasing: bytes[start..<index])
        if month == nil, let m = monthNumber(word) {
            month = m
            // A day number written before the month ("30 Jul").
            if day == nil, let pending = pendingNumbers.first, pending.digits <= 2 {
                day = pending.value
                pendingNumbers.removeFirst()
            }
            return
        }
        if let zone = zoneOffset(word) {
            if offset == nil {
                offset = zone
                // "GMT+7", "UTC+07:00": the sign right after the zone name refines it.
                if let byte = peek(), byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-"),
                   index + 1 < bytes.count, isDigit(bytes[index + 1]), zone == 0 {
                    scanNumericOffset()
                }
            }
            return
        }
        if equalsIgnoringCase(word, "am") || equalsIgnoringCase(word, "a") && peekIs(".m") { pm = false }
        else if equalsIgnoringCase(word, "pm") || equalsIgnoringCase(word, "p") && peekIs(".m") { pm = true }
    }

    /// English and Indonesian month names, full or abbreviated (Indonesian abbreviations: Agu/Agt/Ags, Okt,
    /// Des, Mei, Nop/Nov, Peb/Feb). A word matches when it is a prefix of a name and at least 3 letters long,
    /// so "Sept", "Juli", "Agustus" all work. Bytes, built once: this runs for every word of every date.
    private static let monthNames: [(name: [UInt8], month: Int)] = [
        ("january", 1), ("januari", 1), ("february", 2), ("februari", 2), ("pebruari", 2), ("peb", 2),
        ("march", 3), ("maret", 3), ("april", 4), ("may", 5), ("mei", 5), ("june", 6), ("juni", 6),
        ("july", 7), ("juli", 7), ("august", 8), ("agustus", 8), ("agt", 8), ("ags", 8),
        ("september", 9), ("october", 10), ("oktober", 10), ("november", 11), ("nopember", 11),
        ("december", 12), ("desember", 12),
    ].map { (Array($0.0.utf8), $0.1) }

    /// Zone abbreviations -> seconds east of UTC. WIB/WITA/WIT are Indonesia's western, central and eastern
    /// time (UTC+7/+8/+9); the US names are the ones RFC 822 defines.
    private static let zoneNames: [(name: [UInt8], offset: Int)] = [
        ("z", 0), ("ut", 0), ("gmt", 0), ("utc", 0), ("wib", 7 * 3600), ("wita", 8 * 3600), ("wit", 9 * 3600),
        ("est", -5 * 3600), ("edt", -4 * 3600), ("cst", -6 * 3600), ("cdt", -5 * 3600),
        ("mst", -7 * 3600), ("mdt", -6 * 3600), ("pst", -8 * 3600), ("pdt", -7 * 3600),
        ("bst", 1 * 3600), ("cet", 1 * 3600), ("cest", 2 * 3600), ("jst", 9 * 3600), ("sgt", 8 * 3600),
        ("ist", 5 * 3600 + 1800), ("aest", 10 * 3600),
    ].map { (Array($0.0.utf8), $0.1) }

    func monthNumber(_ word: UnsafeBufferPointer<UInt8>) -> Int? {
        guard word.count >= 3, word.count <= 9 else { return nil }
        for entry in Self.monthNames where word.count <= entry.name.count && prefixMatches(word, entry.name) {
            return entry.month
        }
        return nil
    }

    func zoneOffset(_ word: UnsafeBufferPointer<UInt8>) -> Int? {
        guard word.count <= 4 else { return nil }
        for entry in Self.zoneNames where word.count == entry.name.count && prefixMatches(word, entry.name) {
            return entry.offset
        }
        return nil
    }

    // MARK: Bytes

    func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }
    func peekIs(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where lower(bytes[index + offset]) != text.utf8Start[offset] { return false }
        return true
    }
    func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
    func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 97 && (byte | 0x20) <= 122 }
    func lower(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte + 32 : byte }

    func equalsIgnoringCase(_ word: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
        guard word.count == text.utf8CodeUnitCount else { return false }
        for offset in 0..<word.count where lower(word[offset]) != text.utf8Start[offset] { return false }
        return true
    }

    /// True when `word` (lowercased) is a prefix of `name` (all lowercase ASCII).
    func prefixMatches(_ word: UnsafeBufferPointer<UInt8>, _ name: [UInt8]) -> Bool {
        guard word.count <= name.count else { return false }
        for offset in 0..<word.count where lower(word[offset]) != name[offset] { return false }
        return true
    }
}
