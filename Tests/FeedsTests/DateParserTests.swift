// The date parser: every form feeds and Indonesian news pages use, each to an exact instant and zone.
import CrawlerModel
import Foundation
import Testing

/// Seconds since 1970 of a UTC wall-clock time, computed independently of DateParser (Foundation calendar).
func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0) -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second))!
}

struct DateCase: CustomTestStringConvertible, Sendable {
    let text: String
    let instant: Date
    /// Expected zone in seconds east of UTC; nil when the string has none (and none is assumed).
    let offset: Int?
    var testDescription: String { text }
}

let hour = 3600
let dateCases: [DateCase] = [
    // RFC 822 / 1123 / 2822
    DateCase(text: "Sat, 30 Jul 2022 08:06:00 +0700", instant: utc(2022, 7, 30, 1, 6), offset: 7 * hour),
    DateCase(text: "Sat, 30 Jul 2022 01:06:00 GMT", instant: utc(2022, 7, 30, 1, 6), offset: 0),
    DateCase(text: "Sat, 30 Jul 2022 01:06:00 UT", instant: utc(2022, 7, 30, 1, 6), offset: 0),
    DateCase(text: "Sat, 30 Jul 2022 01:06:00 Z", instant: utc(2022, 7, 30, 1, 6), offset: 0),
    DateCase(text: "Fri, 29 Jul 2022 20:06:00 EST", instant: utc(2022, 7, 30, 1, 6), offset: -5 * hour),
    DateCase(text: "Fri, 29 Jul 2022 21:06:00 EDT", instant: utc(2022, 7, 30, 1, 6), offset: -4 * hour),
    DateCase(text: "Fri, 29 Jul 2022 18:06:00 PDT", instant: utc(2022, 7, 30, 1, 6), offset: -7 * hour),
    DateCase(text: "Fri, 29 Jul 2022 19:06:00 CST", instant: utc(2022, 7, 30, 1, 6), offset: -6 * hour),
    DateCase(text: "Sat, 30 Jul 2022 08:06:00 WIB", instant: utc(2022, 7, 30, 1, 6), offset: 7 * hour),
    DateCase(text: "Sat, 30 Jul 2022 09:06:00 WITA", instant: utc(2022, 7, 30, 1, 6), offset: 8 * hour),
    DateCase(text: "Sat, 30 Jul 2022 10:06:00 WIT", instant: utc(2022, 7, 30, 1, 6), offset: 9 * hour),
    DateCase(text: "Sat, 30 Jul 2022 03:36:00 +02:30", instant: utc(2022, 7, 30, 1, 6), offset: 2 * hour + 1800),
    DateCase(text: "Fri, 29 Jul 2022 22:06:00 -0300", instant: utc(2022, 7, 30, 1, 6), offset: -3 * hour),
    DateCase(text: "Sat, 30 Jul 2022 08:06 +0700", instant: utc(2022, 7, 30, 1, 6), offset: 7 * hour),  // no seconds
    DateCase(text: "Mon, 30 Jul 2022 08:06:00 +0700", instant: utc(2022, 7, 30, 1, 6), offset: 7 * hour),  // wrong day
    DateCase(text: "30 Jul 2022 08:06:00 +0700", instant: utc(2022, 7, 30, 1, 6), offset: 7 * hour),  // no day name
    DateCase(text: "Sat, 30 Jul 22 08:06:00 +0700", instant: utc(2022, 7, 30, 1, 6), offset: 7 * hour),  // 2-digit year
    DateCase(text: "Thu, 01 Jan 70 00:00:00 GMT", instant: utc(1970, 1, 1), offset: 0),  // 70 -> 1970
    DateCase(text: "Sat, 30 July 2022 08:06:00 +0700", instant: utc(2022, 7, 30, 1, 6), offset: 7 * hour),
    DateCase(text: "Sat,30 Jul 2022 08:06:00 +0700", instant: utc(2022, 7, 30, 1, 6), offset: 7 * hour),
    DateCase(text: "Sat, 30 Jul 2022 08:06:00 +0700 (WIB)", instant: utc(2022, 7, 30, 1, 6), offset: 7 * hour),
    DateCase(text: "Sat, 30 Jul 2022 01:06:00 GMT+7", instant: utc(2022, 7, 29, 18, 6), offset: 7 * hour),
    DateCase(text: "Sat, 30 Jul 2022 1:06:00 GMT", instant: utc(2022, 7, 30, 1, 6), offset: 0),
    // Indonesian day and month names
    DateCase(text: "Sabtu, 30 Juli 2022 08:06:00 +0700", instant: utc(2022, 7, 30, 1, 6), offset: 7 * hour),
    DateCase(text: "Jum'at, 29 Juli 2022 08:06 WIB", instant: utc(2022, 7, 29, 1, 6), offset: 7 * hour),
    DateCase(text: "Rabu, 17 Agu 2022 10:00:00 WIB", instant: utc(2022, 8, 17, 3), offset: 7 * hour),
    DateCase(text: "Rabu, 17 Agt 2022 10:00 WIB", instant: utc(2022, 8, 17, 3), offset: 7 * hour),
    DateCase(text: "Selasa, 17 Agustus 2021 10:00 WIB", instant: utc(2021, 8, 17, 3), offset: 7 * hour),
    DateCase(text: "Senin, 10 Okt 2022 10:00 WIB", instant: utc(2022, 10, 10, 3), offset: 7 * hour),
    DateCase(text: "Kamis, 1 Des 2022 10:00 WITA", instant: utc(2022, 12, 1, 2), offset: 8 * hour),
    DateCase(text: "Minggu, 22 Mei 2022 10:00 WIT", instant: utc(2022, 5, 22, 1), offset: 9 * hour),
    DateCase(text: "Sabtu, 30 Juli 2022 - 08:06 WIB", instant: utc(2022, 7, 30, 1, 6), offset: 7 * hour),
    DateCase(text: "30/07/2022, 08:06 WIB", instant: utc(2022, 7, 30, 1, 6), offset: 7 * hour),
    DateCase(text: "24 Juli 2026 | 09.00 WIB", instant: utc(2026, 7, 24, 2), offset: 7 * hour),
    DateCase(text: "Jumat, 24 Juli 2026 09:00:00", instant: utc(2026, 7, 24, 9), offset: 0),  // no zone: assumed UTC
    // RFC 3339 / ISO 8601
    DateCase(text: "2022-07-30T01:06:00Z", instant: utc(2022, 7, 30, 1, 6), offset: 0),
    DateCase(text: "2022-07-30T01:06:00z", instant: utc(2022, 7, 30, 1, 6), offset: 0),
    DateCase(text: "2022-07-30T08:06:00+07:00", instant: utc(2022, 7, 30, 1, 6), offset: 7 * hour),
    DateCase(text: "2022-07-29T20:06:00-05:00", instant: utc(2022, 7, 30, 1, 6), offset: -5 * hour),
    DateCase(text: "2022-07-30T08:06:00+0700", instant: utc(2022, 7, 30, 1, 6), offset: 7 * hour),
    DateCase(text: "2022-07-30T08:06+07:00", instant: utc(2022, 7, 30, 1, 6), offset: 7 * hour),
    DateCase(text: "2022-07-30T08:06:00 +07:00", instant: utc(2022, 7, 30, 1, 6), offset: 7 * hour),
    DateCase(text: "2022-07-30T01:06:00", instant: utc(2022, 7, 30, 1, 6), offset: 0),  // no zone = UTC for feeds
    DateCase(text: "2022-07-30 01:06:00", instant: utc(2022, 7, 30, 1, 6), offset: 0),
    DateCase(text: "2026-07-24 10:00:00", instant: utc(2026, 7, 24, 10), offset: 0),
    DateCase(text: "2026-07-24 10:00:00 WIB", instant: utc(2026, 7, 24, 3), offset: 7 * hour),
    DateCase(text: "2022-07-30", instant: utc(2022, 7, 30), offset: 0),
    DateCase(text: "2022-7-3", instant: utc(2022, 7, 3), offset: 0),
    DateCase(text: "20220730T010600Z", instant: utc(2022, 7, 30, 1, 6), offset: 0),
    DateCase(text: "2022/07/30 08:06", instant: utc(2022, 7, 30, 8, 6), offset: 0),
    DateCase(text: "  2022-07-30T01:06:00Z\n", instant: utc(2022, 7, 30, 1, 6), offset: 0),
    DateCase(text: "2022-07-30T24:00:00Z", instant: utc(2022, 7, 31), offset: 0),
    DateCase(text: "2016-12-31T23:59:60Z", instant: utc(2016, 12, 31, 23, 59, 59), offset: 0),  // leap second
    DateCase(text: "2024-02-29T12:00:00Z", instant: utc(2024, 2, 29, 12), offset: 0),
    // Other display forms
    DateCase(text: "July 30, 2022 8:06 PM EST", instant: utc(2022, 7, 31, 1, 6), offset: -5 * hour),
    DateCase(text: "July 30, 2022 12:06 AM GMT", instant: utc(2022, 7, 30, 0, 6), offset: 0),
    DateCase(text: "07/30/2022 08:06", instant: utc(2022, 7, 30, 8, 6), offset: 0),  // US order when day > 12
    DateCase(text: "1899-12-31T00:00:00Z", instant: utc(1899, 12, 31), offset: 0),
    DateCase(text: "Sat Jul 30 2022 08:06:00 GMT+0700 (Western Indonesia Time)", instant: utc(2022, 7, 30, 1, 6), offset: 7 * hour),
    DateCase(text: "Senin (25/7/2022) 10:00 WIB", instant: utc(2022, 7, 25, 3), offset: 7 * hour),
    DateCase(text: "30-07-2022 08:06", instant: utc(2022, 7, 30, 8, 6), offset: 0),
    DateCase(text: "Diperbarui 30 Jul 2022, 15:30 WIB", instant: utc(2022, 7, 30, 8, 30), offset: 7 * hour),
]

@Suite("DateParser")
struct DateParserTests {
    @Test("parses to the exact instant and zone", arguments: dateCases)
    func parses(_ sample: DateCase) throws {
        let parsed = try #require(DateParser.parse(sample.text))
        #expect(parsed.date == sample.instant, "\(sample.text) -> \(DateParser.rfc3339UTC(parsed.date))")
        #expect(parsed.utcOffsetSeconds == sample.offset)
    }

    @Test("rejects what is not a date", arguments: [
        "", "kemarin sore", "yesterday", "12345", "2022-13-01", "2022-02-30", "31 Foo 2022", "Sat, 30 Jul",
        "2022-07-30T25:00:00Z", "2022-07-30T10:61:00Z", "13:00 WIB", "not a date at all 99",
        String(repeating: "9", count: 500),
    ])
    func rejects(_ text: String) {
        #expect(DateParser.parse(text) == nil, "\(text) should not parse")
    }

    @Test("site-local zone for zone-less strings; nil leaves the zone unknown")
    func assumedZone() throws {
        let local = try #require(DateParser.parse("2026-07-24 10:00:00", assumedOffsetSeconds: 7 * hour))
        #expect(local.date == utc(2026, 7, 24, 3))
        #expect(local.utcOffsetSeconds == 7 * hour)
        let unknown = try #require(DateParser.parse("2026-07-24 10:00:00", assumedOffsetSeconds: nil))
        #expect(unknown.date == utc(2026, 7, 24, 10))
        #expect(unknown.utcOffsetSeconds == nil)
        // An explicit zone always wins over the assumption.
        let explicit = try #require(DateParser.parse("2026-07-24T10:00:00Z", assumedOffsetSeconds: 7 * hour))
        #expect(explicit.date == utc(2026, 7, 24, 10))
        #expect(explicit.utcOffsetSeconds == 0)
    }

    @Test("fractional seconds are kept in the instant")
    func fractions() throws {
        let parsed = try #require(DateParser.date("2022-07-30T01:06:00.250Z"))
        #expect(abs(parsed.timeIntervalSince(utc(2022, 7, 30, 1, 6)) - 0.25) < 1e-6)
    }

    @Test("RFC 3339 UTC formatting ends in Z with whole seconds")
    func formatting() {
        #expect(DateParser.rfc3339UTC(utc(2022, 7, 30, 1, 6)) == "2022-07-30T01:06:00Z")
        #expect(DateParser.rfc3339UTC(utc(2022, 7, 30, 1, 6).addingTimeInterval(0.999)) == "2022-07-30T01:06:00Z")
        #expect(DateParser.rfc3339UTC(utc(1969, 12, 31, 23, 59, 59)) == "1969-12-31T23:59:59Z")
        #expect(DateParser.rfc3339UTC(utc(2000, 2, 29)) == "2000-02-29T00:00:00Z")
        #expect(DateParser.rfc3339(utc(2022, 7, 30, 1, 6), utcOffsetSeconds: 7 * hour) == "2022-07-30T08:06:00+07:00")
        #expect(DateParser.rfc3339(utc(2022, 7, 30, 1, 6), utcOffsetSeconds: -5 * hour - 1800) == "2022-07-29T19:36:00-05:30")
    }

    @Test("formatting and parsing round-trip over many instants")
    func roundTrip() throws {
        var seconds: Int64 = -2_208_988_800  // 1900-01-01
        while seconds < 4_102_444_800 {  // 2100-01-01
            let date = Date(timeIntervalSince1970: Double(seconds))
            let text = DateParser.rfc3339UTC(date)
            #expect(DateParser.date(text) == date, "\(text)")
            seconds += 7_919_999  // ~92 days, a stride that visits every month and many days
        }
    }
}
