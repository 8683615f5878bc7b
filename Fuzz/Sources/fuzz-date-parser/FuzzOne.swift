// Any text as a date: the feed date parser (RFC 822/3339 and the variants feeds write) and the extractor's
// display-date reader (Indonesian month names, WIB/WITA/WIT) must return a date or nil, never trap (integer
// overflow on huge years/offsets is the classic failure).
import CrawlerModel
import Extract

func fuzzOne(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    _ = DateParser.parse(text)
    _ = DateParser.parse(text, assumedOffsetSeconds: nil)
    _ = DisplayDates.parse(text, defaultOffset: 7 * 3600)
    _ = DisplayDates.parseISO(text)
    if let zoned = DateParser.parse(text) {
        _ = DateParser.rfc3339UTC(zoned.date)
        _ = DateParser.rfc3339(zoned.date, utcOffsetSeconds: zoned.utcOffsetSeconds ?? 0)
    }
    if let zoned = DisplayDates.parse(text, defaultOffset: 7 * 3600) {
        _ = DisplayDates.rfc3339(zoned)
    }
}
