// RFC 3339 timestamps for the sidecar, written without Foundation's formatters so the output is the same on
// every platform: "2022-07-30T08:06:00+07:00" with the source's offset, "...Z" for UTC. Whole seconds: no
// source we read states more precision, and consumers parse the short form everywhere.
public import struct Foundation.Date
public import CrawlerModel

public enum RFC3339 {
    /// The instant written in the given offset (seconds east of UTC); nil or 0 writes "Z".
    public static func format(_ date: Date, utcOffsetSeconds: Int? = nil) -> String {
        let offset = utcOffsetSeconds ?? 0
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down)) + Int64(offset)
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        var out = pad(Int(year), 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
        out += "T" + pad(Int(secondOfDay / 3600), 2) + ":" + pad(Int(secondOfDay % 3600 / 60), 2) + ":"
            + pad(Int(secondOfDay % 60), 2)
        if offset == 0 {
            out += "Z"
        } else {
            let magnitude = abs(offset)
            out += (offset < 0 ? "-" : "+") + pad(magnitude / 3600, 2) + ":" + pad(magnitude % 3600 / 60, 2)
        }
        return out
    }

    public static func format(_ zoned: ZonedDate) -> String {
        format(zoned.date, utcOffsetSeconds: zoned.utcOffsetSeconds)
    }

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian), exact for any Int64 day count we meet.
    static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
