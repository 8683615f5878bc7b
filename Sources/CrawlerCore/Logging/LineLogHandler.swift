// The one log handler of feedcrawler: one line per event on stderr, a short sentence plus key=value fields,
//
//   2026-11-23T05:50:01.123Z info Feed polled. feed=detik ms=120 new=3 status=200
//
// or one JSON object per line with `--log-format json`. Under systemd (JOURNAL_STREAM names our stderr),
// text lines start with a `<N>` syslog priority and drop the timestamp, because journald strips the prefix
// into the entry's PRIORITY (so `journalctl -p warning` works) and stamps the time itself.
//
// Library code never creates loggers; the executable bootstraps this handler once (`LogSetup.bootstrap`) and
// passes `Logger` values down. Metadata keys are printed sorted, so the same event always looks the same.
public import Logging
import Glibc
import class Foundation.NSLock

/// `--log-format`: human-readable text or JSON lines.
public enum LogFormat: String, Sendable, CaseIterable {
    case text, json
}

/// Where finished lines go. Each call receives one complete line including its trailing "\n".
public struct LogSink: Sendable {
    public let write: @Sendable (String) -> Void

    public init(write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    /// stderr, one `write(2)` per line under a process-wide lock so lines from different threads never
    /// interleave (and a line up to PIPE_BUF bytes reaches a pipe atomically even against other writers).
    public static let standardError = LogSink { line in
        standardErrorLock.lock()
        defer { standardErrorLock.unlock() }
        var bytes = Array(line.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer in
                Glibc.write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return  // stderr is gone (closed pipe): nothing sensible left to do with a log line
            }
            offset += written
        }
        bytes.removeAll()
    }
}

private let standardErrorLock = NSLock()

/// A swift-log handler producing one line per event. A value type, as swift-log requires: level and
/// metadata changes on one `Logger` do not affect copies.
public struct LineLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    public let format: LogFormat
    /// Prefix lines with `<N>` syslog priorities and leave the time to journald (text format).
    public let journal: Bool
    private let sink: LogSink
    /// Milliseconds since 1970 for the timestamp; injectable so tests get fixed output.
    private let clock: @Sendable () -> Int
    /// Shared by every copy of the handler (one per process), so a burst is counted across all loggers.
    private let rateLimiter: LogRateLimiter?
    /// A terminal progress line to keep below the log lines (fetch on a TTY); log lines are written through it.
    private let progress: TerminalProgress?

    public init(level: Logger.Level = .info, format: LogFormat = .text, journal: Bool = false,
                metadataProvider: Logger.MetadataProvider? = nil, sink: LogSink = .standardError,
                rateLimiter: LogRateLimiter? = nil, progress: TerminalProgress? = nil,
                clock: @escaping @Sendable () -> Int = LineLogHandler.wallClockMilliseconds) {
        self.logLevel = level
        self.format = format
        self.journal = journal
        self.metadataProvider = metadataProvider
        self.sink = sink
        self.rateLimiter = rateLimiter
        self.progress = progress
        self.clock = clock
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        // Precedence, lowest first: handler metadata, provider (task-local context), the call's own.
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        if let error = event.error, merged["error"] == nil { merged["error"] = .string("\(error)") }
        let message = event.message.description
        let now = clock()
        if let rateLimiter {
            let (summaries, write) = rateLimiter.admit(level: event.level, message: message, metadata: merged)
            for summary in summaries {
                emit(LogLineFormatter.line(level: summary.level, message: summary.message, metadata: summary.metadata,
                                           format: format, journal: journal, epochMilliseconds: now))
            }
            guard write else { return }
        }
        emit(LogLineFormatter.line(level: event.level, message: message, metadata: merged, format: format,
                                   journal: journal, epochMilliseconds: now))
    }

    private func emit(_ line: String) {
        if let progress { progress.writeAbove(line) } else { sink.write(line) }
    }

    /// The current time in milliseconds since 1970 (CLOCK_REALTIME).
    @Sendable public static func wallClockMilliseconds() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int(now.tv_sec) * 1_000 + Int(now.tv_nsec) / 1_000_000
    }
}

/// Pure formatting, separate from the handler so tests can check exact lines.
public enum LogLineFormatter {
    /// syslog priorities journald understands: `<7>` debug .. `<2>` critical (trace maps to debug).
    public static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }

    /// One complete line, ending in "\n". Text: `[<N>]` + `[timestamp ]level message key=value...`;
    /// JSON: `[<N>]{"ts":...,"level":...,"msg":...,<metadata>}`.
    public static func line(level: Logger.Level, message: String, metadata: Logger.Metadata, format: LogFormat,
                            journal: Bool, epochMilliseconds: Int) -> String {
        var out = journal ? "<\(syslogPriority(level))>" : ""
        let keys = metadata.keys.sorted()
        switch format {
        case .text:
            if !journal { out += timestamp(epochMilliseconds) + " " }
            out += level.rawValue + " " + escapedMessage(message)
            for key in keys {
                out += " " + sanitizedKey(key) + "=" + textValue(metadata[key]!)
            }
        case .json:
            out += "{\"ts\":\"\(timestamp(epochMilliseconds))\",\"level\":\"\(level.rawValue)\",\"msg\":"
                + jsonString(message)
            for key in keys {
                // Keep the three fixed fields unambiguous: a metadata key with the same name gets a "_".
                let name = ["ts", "level", "msg"].contains(key) ? "_" + key : key
                out += "," + jsonString(name) + ":" + jsonValue(metadata[key]!)
            }
            out += "}"
        }
        return out + "\n"
    }

    /// RFC 3339 UTC with milliseconds: `2026-11-23T05:50:01.123Z`. Written as 24 bytes: a crawl logs a line
    /// per article, and string interpolation of seven padded fields cost more than the rest of the line.
    public static func timestamp(_ epochMilliseconds: Int) -> String {
        var seconds = time_t(epochMilliseconds.floorDiv(1_000))
        let millis = epochMilliseconds - Int(seconds) * 1_000
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let year = Int(parts.tm_year) + 1900
        guard (0...9999).contains(year) else {
            return "\(year)-\(pad(Int(parts.tm_mon) + 1, 2))-\(pad(Int(parts.tm_mday), 2))"
                + "T\(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2))"
                + ".\(pad(millis, 3))Z"
        }
        return String(unsafeUninitializedCapacity: 24) { buffer in
            var index = 0
            func put(_ value: Int, _ width: Int) {
                var remainder = value
                for offset in stride(from: width - 1, through: 0, by: -1) {
                    buffer[index + offset] = UInt8(ascii: "0") + UInt8(remainder % 10)
                    remainder /= 10
                }
                index += width
            }
            func put(_ character: Unicode.Scalar) {
                buffer[index] = UInt8(ascii: character)
                index += 1
            }
            put(year, 4); put("-"); put(Int(parts.tm_mon) + 1, 2); put("-"); put(Int(parts.tm_mday), 2); put("T")
            put(Int(parts.tm_hour), 2); put(":"); put(Int(parts.tm_min), 2); put(":"); put(Int(parts.tm_sec), 2)
            put("."); put(millis, 3); put("Z")
            return index
        }
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// True when every byte is printable ASCII (0x20-0x7E) and none is in `special`: the common case, for
    /// which the functions below return their input unchanged without decoding scalars.
    private static func isPlainASCII(_ text: String, excluding special: StaticString) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            special.withUTF8Buffer { special in
                bytes.allSatisfy { byte in (0x20...0x7E).contains(byte) && !special.contains(byte) }
            }
        }
    }

    /// The message stays unquoted but may not break the line: control characters become escapes.
    static func escapedMessage(_ message: String) -> String {
        if isPlainASCII(message, excluding: "") { return message }
        guard message.unicodeScalars.contains(where: isControl) else { return message }
        var out = ""
        for scalar in message.unicodeScalars {
            if isControl(scalar) { out += controlEscape(scalar) } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    /// Keys are code-chosen, but never let one break `key=value` parsing.
    static func sanitizedKey(_ key: String) -> String {
        if key.isEmpty { return "_" }
        if isPlainASCII(key, excluding: " =\"") { return key }
        var out = ""
        for scalar in key.unicodeScalars {
            let bad = isControl(scalar) || scalar == " " || scalar == "=" || scalar == "\"" || scalar == "\t"
            out.unicodeScalars.append(bad ? "_" : scalar)
        }
        return out
    }

    /// A value as it appears after `key=`: bare when safe, else double-quoted with `\"`, `\\` and control
    /// escapes. Empty values print as `""` so the field stays visible.
    static func textValue(_ value: Logger.Metadata.Value) -> String {
        let raw = flatText(value)
        if !raw.isEmpty, isPlainASCII(raw, excluding: " \"=\\") { return raw }
        let needsQuotes = raw.isEmpty || raw.unicodeScalars.contains {
            $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\\" || isControl($0) || $0.properties.isWhitespace
        }
        guard needsQuotes else { return raw }
        var out = "\""
        for scalar in raw.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default: if isControl(scalar) { out += controlEscape(scalar) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    private static func flatText(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): return text
        case .stringConvertible(let convertible): return convertible.description
        case .array(let values): return "[" + values.map(flatText).joined(separator: ",") + "]"
        case .dictionary(let entries):
            return "{" + entries.keys.sorted().map { "\($0)=\(flatText(entries[$0]!))" }.joined(separator: ",") + "}"
        }
    }

    static func jsonValue(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text):
            return jsonString(text)
        case .stringConvertible(let convertible):
            // Numbers and booleans stay JSON numbers/booleans so `jq 'select(.ms > 1000)'` works.
            switch convertible {
            case let number as any BinaryInteger: return "\(number)"
            case let number as Double where number.isFinite: return "\(number)"
            case let flag as Bool: return flag ? "true" : "false"
            default: return jsonString(convertible.description)
            }
        case .array(let values):
            return "[" + values.map(jsonValue).joined(separator: ",") + "]"
        case .dictionary(let entries):
            return "{" + entries.keys.sorted().map { jsonString($0) + ":" + jsonValue(entries[$0]!) }
                .joined(separator: ",") + "}"
        }
    }

    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u" + pad16(scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
            || scalar == "\u{2028}" || scalar == "\u{2029}"
    }

    private static func controlEscape(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default: return "\\u" + pad16(scalar.value)
        }
    }

    private static func pad16(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}

extension Int {
    /// Division rounding toward minus infinity (timestamps before 1970 stay correct).
    fileprivate func floorDiv(_ divisor: Int) -> Int {
        let quotient = self / divisor
        return (self % divisor < 0) ? quotient - 1 : quotient
    }
}
