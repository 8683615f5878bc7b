// The value syntaxes config files use besides plain TOML types: durations ("90s", "10m", "1h30m", "250ms",
// "30d") and byte sizes (10000000, "10MB", "512KiB"). Durations always carry a unit: a bare number would
// leave the reader guessing between seconds and milliseconds, and `per_host_delay` uses milliseconds while
// everything else uses seconds.

/// Parses and prints duration strings.
public enum ConfigDuration {
    /// Units in milliseconds, longest suffix first so "ms" is not read as "m" + "s".
    private static let units: [(suffix: String, milliseconds: Int)] = [
        ("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000), ("w", 604_800_000),
    ]

    /// Milliseconds in a duration string: one or more `<digits><unit>` parts with units ms, s, m, h, d, w
    /// (e.g. "250ms", "90s", "1h30m", "30d"). Surrounding whitespace is ignored. nil for anything else,
    /// including a bare number, a negative value, or a total above about 292 million years (Int overflow).
    public static func milliseconds(_ text: String) -> Int? {
        var rest = Substring(text.configTrimmed())
        guard !rest.isEmpty else { return nil }
        var total = 0
        while !rest.isEmpty {
            let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
            guard !digits.isEmpty, digits.count <= 15, let number = Int(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.suffix) }) else { return nil }
            rest = rest.dropFirst(unit.suffix.count)
            let (part, overflowA) = number.multipliedReportingOverflow(by: unit.milliseconds)
            let (sum, overflowB) = total.addingReportingOverflow(part)
            guard !overflowA, !overflowB else { return nil }
            total = sum
        }
        return total
    }

    /// Whole seconds in a duration string; nil when it does not parse or is not a whole number of seconds.
    public static func seconds(_ text: String) -> Int? {
        guard let ms = milliseconds(text), ms % 1_000 == 0 else { return nil }
        return ms / 1_000
    }

    /// The shortest single-unit spelling that parses back to the same value: 600 -> "10m", 90 -> "90s",
    /// 86400 -> "1d", 0 -> "0s".
    public static func format(seconds: Int) -> String {
        format(milliseconds: seconds * 1_000)
    }

    /// Like `format(seconds:)` for milliseconds: 250 -> "250ms", 2000 -> "2s".
    public static func format(milliseconds: Int) -> String {
        guard milliseconds != 0 else { return "0s" }
        for unit in [("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000)]
        where milliseconds % unit.1 == 0 {
            return "\(milliseconds / unit.1)\(unit.0)"
        }
        return "\(milliseconds)ms"
    }
}

/// Parses byte sizes.
public enum ConfigByteSize {
    /// Decimal (KB = 1000) and binary (KiB = 1024) units, case-insensitive; "B" or no unit = bytes.
    private static let units: [(suffix: String, bytes: Int)] = [
        ("kib", 1 << 10), ("mib", 1 << 20), ("gib", 1 << 30),
        ("kb", 1_000), ("mb", 1_000_000), ("gb", 1_000_000_000),
        ("k", 1_000), ("m", 1_000_000), ("g", 1_000_000_000), ("b", 1),
    ]

    /// Bytes in a size string such as "10MB", "512 KiB", "2000000" or "1.5MB"; nil when it does not parse,
    /// is negative, or overflows.
    public static func bytes(_ text: String) -> Int? {
        let lowered = text.configTrimmed().lowercased()
        let numberPart = lowered.prefix(while: { ($0.isASCII && $0.isNumber) || $0 == "." || $0 == "_" })
        let unitPart = lowered.dropFirst(numberPart.count).configTrimmed()
        let cleanNumber = String(numberPart.filter { $0 != "_" })
        guard !cleanNumber.isEmpty, cleanNumber.count <= 20 else { return nil }
        let multiplier: Int
        if unitPart.isEmpty {
            multiplier = 1
        } else if let unit = units.first(where: { $0.suffix == unitPart }) {
            multiplier = unit.bytes
        } else {
            return nil
        }
        if let whole = Int(cleanNumber) {
            let (value, overflow) = whole.multipliedReportingOverflow(by: multiplier)
            return overflow ? nil : value
        }
        // A fraction ("1.5MB") must still come out as a whole number of bytes.
        guard let fraction = Double(cleanNumber), fraction.isFinite, fraction >= 0 else { return nil }
        let value = fraction * Double(multiplier)
        guard value < 9.0e18, value.rounded() == value else { return nil }
        return Int(value)
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces, tabs and line ends (no Foundation needed).
    func configTrimmed() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }),
              let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
