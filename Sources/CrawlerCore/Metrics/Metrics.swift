// Prometheus text-format metrics (exposition format 0.0.4): counters, gauges and one latency histogram, kept in
// memory by the pipeline, written to a file for node_exporter's textfile collector and optionally served on a
// loopback port. Thread-safe (one lock); increments are cheap enough for every fetch.
import Foundation

final class Metrics: @unchecked Sendable {
    /// Fetch latency buckets, seconds.
    static let latencyBuckets: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    /// Name -> (type, help). Every metric we emit is declared here, so HELP/TYPE lines are always present.
    static let declarations: [(name: String, type: String, help: String)] = [
        ("feedcrawler_polls_total", "counter", "Feed polls by outcome (ok, not_modified, or a failure reason)."),
        ("feedcrawler_articles_written_total", "counter", "Articles delivered to the spool."),
        ("feedcrawler_duplicates_total", "counter", "Articles skipped as duplicates, by dedup stage."),
        ("feedcrawler_article_failures_total", "counter", "Failed article attempts, by reason."),
        ("feedcrawler_fetched_bytes_total", "counter", "Response body bytes received (after decompression)."),
        ("feedcrawler_fetch_duration_seconds", "histogram", "Duration of feed and article fetches."),
        ("feedcrawler_pending_articles", "gauge", "Articles waiting in the state database to be fetched or written."),
        ("feedcrawler_feeds", "gauge", "Feeds configured and enabled."),
        ("feedcrawler_spool_paused", "gauge", "1 while backpressure pauses article writing, else 0."),
        ("feedcrawler_last_poll_timestamp_seconds", "gauge", "Unix time of the last completed feed poll."),
    ]

    private struct Histogram {
        var buckets = [Int](repeating: 0, count: Metrics.latencyBuckets.count)
        var count = 0
        var sum = 0.0
    }

    private let lock = NSLock()
    /// name -> label text ("" or `outcome="ok"`) -> value
    private var values: [String: [String: Double]] = [:]
    private var histograms: [String: [String: Histogram]] = [:]

    func increment(_ name: String, _ labels: KeyValuePairs<String, String> = [:], by amount: Double = 1) {
        let key = Self.labelText(labels)
        lock.withLock { values[name, default: [:]][key, default: 0] += amount }
    }

    func set(_ name: String, _ value: Double, _ labels: KeyValuePairs<String, String> = [:]) {
        let key = Self.labelText(labels)
        lock.withLock { values[name, default: [:]][key] = value }
    }

    func observe(_ name: String, seconds: Double, _ labels: KeyValuePairs<String, String> = [:]) {
        let key = Self.labelText(labels)
        lock.withLock {
            var histogram = histograms[name, default: [:]][key] ?? Histogram()
            for (index, bound) in Self.latencyBuckets.enumerated() where seconds <= bound { histogram.buckets[index] += 1 }
            histogram.count += 1
            histogram.sum += seconds
            histograms[name, default: [:]][key] = histogram
        }
    }

    /// The exposition text.
    func render() -> String {
        lock.withLock {
            var out = ""
            for declaration in Self.declarations {
                let series = values[declaration.name] ?? [:]
                let histogramSeries = histograms[declaration.name] ?? [:]
                out += "# HELP \(declaration.name) \(declaration.help)\n# TYPE \(declaration.name) \(declaration.type)\n"
                for (labels, value) in series.sorted(by: { $0.key < $1.key }) {
                    out += "\(declaration.name)\(labels.isEmpty ? "" : "{\(labels)}") \(Self.number(value))\n"
                }
                for (labels, histogram) in histogramSeries.sorted(by: { $0.key < $1.key }) {
                    let prefix = labels.isEmpty ? "" : labels + ","
                    for (index, bound) in Self.latencyBuckets.enumerated() {
                        out += "\(declaration.name)_bucket{\(prefix)le=\"\(Self.number(bound))\"} \(histogram.buckets[index])\n"
                    }
                    out += "\(declaration.name)_bucket{\(prefix)le=\"+Inf\"} \(histogram.count)\n"
                    let braces = labels.isEmpty ? "" : "{\(labels)}"
                    out += "\(declaration.name)_sum\(braces) \(Self.number(histogram.sum))\n"
                    out += "\(declaration.name)_count\(braces) \(histogram.count)\n"
                }
            }
            return out
        }
    }

    /// Writes the exposition atomically (temp file + rename, mode 0644): node_exporter never reads half a file.
    func write(to path: String) throws {
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(render().utf8),
                                             attributes: [.posixPermissions: 0o644]) else {
            throw CocoaError(.fileWriteUnknown)
        }
        guard rename(temporary, path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    private static func labelText(_ labels: KeyValuePairs<String, String>) -> String {
        labels.map { "\($0.key)=\"\(escape($0.value))\"" }.joined(separator: ",")
    }

    private static func escape(_ value: String) -> String {
        // Label values rarely hold any of the three: skip Foundation's three passes (~10,000 instructions each,
        // and a pass's latency is observed for every fetch).
        guard value.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") })
        else { return value }
        return value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
