// RFC 3339 timestamps for the sidecar: "2022-07-30T08:06:00+07:00" with the source's offset, "...Z" for UTC.
// Whole seconds: no source we read states more precision, and consumers parse the short form everywhere.
// The formatting itself is CrawlerModel's (one implementation for feeds, extraction and the spool).
public import struct Foundation.Date
public import CrawlerModel

public enum RFC3339 {
    /// The instant written in the given offset (seconds east of UTC); nil or 0 writes "Z".
    public static func format(_ date: Date, utcOffsetSeconds: Int? = nil) -> String {
        DateParser.rfc3339(date, utcOffsetSeconds: utcOffsetSeconds ?? 0)
    }

    public static func format(_ zoned: ZonedDate) -> String {
        format(zoned.date, utcOffsetSeconds: zoned.utcOffsetSeconds)
    }
}
