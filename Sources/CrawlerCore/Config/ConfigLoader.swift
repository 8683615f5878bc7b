// Loads a feedcrawler TOML config into the immutable `Config` value. TOMLParser checks the syntax and
// records each key's line; this file checks everything else (unknown keys, types, units, ranges, cross-key rules) and collects EVERY problem
// with its line number before giving up, so `check-config` shows the whole list at once.
//
// Relative paths (`spool_dir`, `state_dir`, `site_rules_dir`) are kept as written and therefore resolve
// against the process's current directory when used; under systemd that is `/`, so the shipped config uses
// absolute paths. A config file is small: files above `maxFileBytes` are refused rather than parsed.
import Glibc
import CrawlerModel
import Extract

public enum ConfigLoader {
    /// Used when neither `--config` nor `$FEEDCRAWLER_CONFIG` is given.
    public static let defaultPath = Config.defaults.path
    /// Environment variable naming the config file; `--config` wins over it.
    public static let environmentVariable = "FEEDCRAWLER_CONFIG"
    /// Every key accepted at the top level (`feeds` is the `[[feeds]]` array) and in a `[[feeds]]` table.
    public static var topLevelKeyNames: [String] { topLevelKeys }
    public static var feedKeyNames: [String] { feedKeys }
    /// Refuse config files larger than this (bytes): a real one is a few KB, even with a thousand feeds it is
    /// well under 1 MB.
    public static let maxFileBytes = 8 << 20

    /// The config path to use: the command-line option if given, else `$FEEDCRAWLER_CONFIG` if set and not
    /// empty, else `/etc/feedcrawler/feedcrawler.toml`.
    public static func resolvePath(option: String?, environment: [String: String]) -> String {
        if let option, !option.isEmpty { return option }
        if let fromEnvironment = environment[environmentVariable], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return defaultPath
    }

    /// Reads and validates the config file at `path`. Throws every problem found, each as
    /// `path:line: message`, sorted by line.
    ///
    /// With `checkEnvironment`, also checks what the file points at on this machine: `spool_dir` and
    /// `state_dir` are directories (or can be created: their parent exists), and `site_rules_dir` holds
    /// loadable rules. `check-config`, `fetch`, `run` and SIGHUP reloads use it; tests of the syntax do not.
    public static func load(path: String, checkEnvironment: Bool = false) throws(ConfigErrors) -> Config {
        let text: String
        switch readFile(path) {
        case .success(let contents): text = contents
        case .failure(let message): throw ConfigErrors(problems: [ConfigProblem(file: path, line: nil, message: message)])
        }
        return try parse(text: text, file: path, checkEnvironment: checkEnvironment)
    }

    /// Validates config text; `file` is only used in problem messages. `checkEnvironment` as for `load`.
    public static func parse(text: String, file: String, checkEnvironment: Bool = false) throws(ConfigErrors) -> Config {
        let root: TOMLTable
        do {
            root = try TOMLParser.parse(text)
        } catch {
            throw ConfigErrors(problems: [ConfigProblem(file: file, line: error.line, message: "TOML syntax error: \(error.reason)")])
        }
        var validator = Validator(file: file)
        let config = validator.config(from: root)
        if checkEnvironment { validator.checkEnvironment(config) }
        guard validator.problems.isEmpty else {
            // Stable order: by line, then in the order found.
            let sorted = validator.problems.enumerated().sorted {
                ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset)
            }.map(\.element)
            throw ConfigErrors(problems: sorted)
        }
        return config
    }

    /// nil when `text` is an acceptable feed URL (absolute http or https, a host, no credentials, no
    /// whitespace), else the reason, worded to follow `url: "<text>" `.
    public static func feedURLProblem(_ text: String) -> String? {
        if text.contains(where: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) {
            return "contains whitespace"
        }
        guard let schemeEnd = text.firstRange(of: "://") else { return "is not an absolute http or https URL" }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else {
            return "has scheme \(scheme.isEmpty ? "(none)" : "\"\(scheme)\""); only http and https are fetched"
        }
        let afterScheme = text[schemeEnd.upperBound...]
        let authority = afterScheme.prefix(while: { $0 != "/" && $0 != "?" && $0 != "#" })
        let hostAndPort = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
        let host: Substring
        if hostAndPort.hasPrefix("[") {
            host = hostAndPort.prefix(while: { $0 != "]" })
        } else {
            host = hostAndPort.split(separator: ":", omittingEmptySubsequences: false).first ?? ""
        }
        if host.isEmpty || host == "[" { return "has no host" }
        if authority.contains("@") { return "must not contain credentials (user@host)" }
        return nil
    }

    private enum ReadResult {
        case success(String)
        case failure(String)
    }

    /// Reads the whole file with POSIX calls so the message names the real cause (errno), bounded by
    /// `maxFileBytes`.
    private static func readFile(_ path: String) -> ReadResult {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure("cannot open config file: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            return .failure("cannot read config file: \(String(cString: strerror(errno)))")
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else { return .failure("not a regular file") }
        // One allocation of the file's size (+1 to read the end in the same loop) instead of doubling growth:
        // fewer large blocks freed behind the daemon's long-lived data as it starts.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(max(Int(status.st_size), 0), maxFileBytes) + 1)
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure("cannot read config file: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > maxFileBytes { return .failure("config file is larger than \(maxFileBytes) bytes") }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .failure("config file is not valid UTF-8")
        }
        return .success(text)
    }
}

// MARK: - Validation

/// Keys accepted at the top level and in `[[feeds]]`; anything else is reported as unknown (with a
/// suggestion), because a misspelt key silently falling back to its default is the worst kind of config bug.
private let topLevelKeys: [String] = [
    "spool_dir", "state_dir", "user_agent", "allow_private_networks", "allowed_private_hosts",
    "default_interval", "min_interval", "max_interval", "connect_timeout", "timeout", "max_redirects",
    "max_feed_bytes", "max_page_bytes", "per_host_concurrency", "per_host_delay", "max_concurrent_transfers",
    "max_items_per_poll", "dedup_window", "site_rules_dir", "spool_max_files", "min_free_disk", "metrics_file",
    "metrics_listen", "metrics_interval", "shutdown_grace", "respect_robots_txt", "feeds",
]
private let feedKeys: [String] = ["name", "url", "interval", "kind", "link_pattern", "max_age", "enabled", "robots"]

/// Accepted ranges; documented next to each key in Config/feedcrawler.toml.
enum ConfigLimits {
    static let intervalSeconds = 1...(365 * 86_400)
    static let connectTimeoutSeconds = 1...300
    static let totalTimeoutSeconds = 1...3_600
    static let maxRedirects = 0...20
    /// 1 KB .. 1 GB for a single feed or page body.
    static let bodyBytes = 1_000...1_000_000_000
    static let perHostConcurrency = 1...64
    static let perHostDelayMilliseconds = 0...3_600_000
    static let maxConcurrentTransfers = 1...4_096
    static let maxItemsPerPoll = 1...100_000
    static let spoolMaxFiles = 0...100_000_000
    static let minFreeDiskBytes = 0...(1 << 50)
    static let metricsIntervalSeconds = 1...3_600
    static let shutdownGraceSeconds = 1...600
    static let dedupWindowDays = 1...3_650
    static let maxAgeSeconds = 1...(3_650 * 86_400)
    static let userAgentLength = 1...512
}

private struct Validator {
    let file: String
    var problems: [ConfigProblem] = []
    /// Lines of the top-level keys, for problems that are not about one value.
    private var top = Scope(table: TOMLTable(line: nil, origin: .root))

    init(file: String) {
        self.file = file
    }

    mutating func report(_ line: Int?, _ message: String) {
        problems.append(ConfigProblem(file: file, line: line, message: message))
    }

    /// A problem with the top-level key `key`, reported at its line.
    mutating func report(_ key: String, _ message: String) {
        report(top.line(key), message)
    }

    mutating func config(from root: TOMLTable) -> Config {
        var config = Config()
        checkUnknownKeys(root, known: topLevelKeys)
        let top = Scope(table: root)
        self.top = top

        if let value = nonEmptyString(top, "spool_dir") { config.spoolDir = value }
        if let value = nonEmptyString(top, "state_dir") { config.stateDir = value }
        if let value = string(top, "user_agent") {
            if !ConfigLimits.userAgentLength.contains(value.count) {
                report("user_agent", "user_agent: must be 1 to \(ConfigLimits.userAgentLength.upperBound) characters")
            } else if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0.value > 0x7E }) {
                report("user_agent", "user_agent: must be printable ASCII (it is sent as an HTTP header)")
            } else {
                config.userAgent = value
            }
        }
        if let value = bool(top, "allow_private_networks") { config.allowPrivateNetworks = value }
        if let value = bool(top, "respect_robots_txt") { config.respectRobotsTxt = value }
        if let hosts = stringArray(top, "allowed_private_hosts") {
            var valid: [String] = []
            for host in hosts {
                if !Self.isHostOrRange(host) {
                    report("allowed_private_hosts",
                           "allowed_private_hosts: \(configQuoted(host)) is not a host name, IP address or CIDR range (no scheme, path or spaces)")
                } else {
                    valid.append(host.lowercased())
                }
            }
            config.allowedPrivateHosts = valid
        }

        let minInterval = seconds(top, "min_interval", range: ConfigLimits.intervalSeconds)
        let maxInterval = seconds(top, "max_interval", range: ConfigLimits.intervalSeconds)
        let defaultInterval = seconds(top, "default_interval", range: ConfigLimits.intervalSeconds)
        if let minInterval { config.minIntervalSeconds = minInterval }
        if let maxInterval { config.maxIntervalSeconds = maxInterval }
        if let defaultInterval { config.defaultIntervalSeconds = defaultInterval }
        if config.minIntervalSeconds > config.maxIntervalSeconds {
            report(minInterval != nil ? "min_interval" : "max_interval",
                   "min_interval (\(ConfigDuration.format(seconds: config.minIntervalSeconds))) is greater than max_interval (\(ConfigDuration.format(seconds: config.maxIntervalSeconds)))")
        } else if !(config.minIntervalSeconds...config.maxIntervalSeconds).contains(config.defaultIntervalSeconds) {
            let key = defaultInterval != nil ? "default_interval" : (minInterval != nil ? "min_interval" : "max_interval")
            report(key, "default_interval (\(ConfigDuration.format(seconds: config.defaultIntervalSeconds))) is outside min_interval..max_interval (\(ConfigDuration.format(seconds: config.minIntervalSeconds))..\(ConfigDuration.format(seconds: config.maxIntervalSeconds)))")
        }

        if let value = seconds(top, "connect_timeout", range: ConfigLimits.connectTimeoutSeconds) {
            config.connectTimeoutSeconds = value
        }
        if let value = seconds(top, "timeout", range: ConfigLimits.totalTimeoutSeconds) {
            config.totalTimeoutSeconds = value
        }
        if config.connectTimeoutSeconds > config.totalTimeoutSeconds {
            report(top.has("connect_timeout") ? "connect_timeout" : "timeout",
                   "connect_timeout (\(ConfigDuration.format(seconds: config.connectTimeoutSeconds))) is longer than timeout (\(ConfigDuration.format(seconds: config.totalTimeoutSeconds))), which covers the whole transfer")
        }
        if let value = integer(top, "max_redirects", range: ConfigLimits.maxRedirects) { config.maxRedirects = value }
        if let value = byteSize(top, "max_feed_bytes", range: ConfigLimits.bodyBytes) { config.maxFeedBytes = value }
        if let value = byteSize(top, "max_page_bytes", range: ConfigLimits.bodyBytes) { config.maxPageBytes = value }
        if let value = integer(top, "per_host_concurrency", range: ConfigLimits.perHostConcurrency) {
            config.perHostConcurrency = value
        }
        if let value = milliseconds(top, "per_host_delay", range: ConfigLimits.perHostDelayMilliseconds) {
            config.perHostDelayMilliseconds = value
        }
        if let value = integer(top, "max_concurrent_transfers", range: ConfigLimits.maxConcurrentTransfers) {
            config.maxConcurrentTransfers = value
        }
        if let value = integer(top, "max_items_per_poll", range: ConfigLimits.maxItemsPerPoll) {
            config.maxItemsPerPoll = value
        }
        if let text = string(top, "dedup_window") {
            if let seconds = ConfigDuration.seconds(text), seconds % 86_400 == 0,
               ConfigLimits.dedupWindowDays.contains(seconds / 86_400) {
                config.dedupWindowDays = seconds / 86_400
            } else {
                report("dedup_window",
                       "dedup_window: \(configQuoted(text)) must be a whole number of days between 1d and \(ConfigLimits.dedupWindowDays.upperBound)d, e.g. \"30d\"")
            }
        }
        if let value = nonEmptyString(top, "site_rules_dir") { config.siteRulesDir = value }
        if let value = integer(top, "spool_max_files", range: ConfigLimits.spoolMaxFiles) { config.spoolMaxFiles = value }
        if let value = byteSize(top, "min_free_disk", range: ConfigLimits.minFreeDiskBytes) { config.minFreeDiskBytes = value }
        if let value = nonEmptyString(top, "metrics_file") { config.metricsFile = value }
        if let value = nonEmptyString(top, "metrics_listen") {
            let parts = value.split(separator: ":")
            if parts.count == 2, parts[0] == "127.0.0.1" || parts[0] == "localhost", let port = Int(parts[1]),
               (1...65_535).contains(port) {
                config.metricsListen = value
            } else {
                report("metrics_listen", "metrics_listen: \(configQuoted(value)) must be a loopback address and port, e.g. \"127.0.0.1:9464\"")
            }
        }
        if let value = seconds(top, "metrics_interval", range: ConfigLimits.metricsIntervalSeconds) {
            config.metricsIntervalSeconds = value
        }
        if let value = seconds(top, "shutdown_grace", range: ConfigLimits.shutdownGraceSeconds) {
            config.shutdownGraceSeconds = value
        }

        if normalizedPath(config.spoolDir) == normalizedPath(config.stateDir) {
            report(top.has("state_dir") ? "state_dir" : "spool_dir",
                   "spool_dir and state_dir must be different directories (the spool's consumer takes files from spool_dir)")
        }

        config.feeds = feeds(root, config: config)
        return config
    }

    /// A host name, an address literal, or a CIDR range like "10.0.0.0/8" / "fd00::/8".
    static func isHostOrRange(_ entry: String) -> Bool {
        guard !entry.isEmpty, !entry.contains(where: { $0 == " " || $0 == "\t" || $0 == "@" }),
              !entry.contains("://") else { return false }
        let parts = entry.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return true
        case 2: return !parts[0].isEmpty && !parts[1].isEmpty && parts[1].allSatisfy { $0.isASCII && $0.isNumber }
                    && parts[1].count <= 3
        default: return false
        }
    }

    // MARK: Environment

    mutating func checkEnvironment(_ config: Config) {
        for (key, path) in [("spool_dir", config.spoolDir), ("state_dir", config.stateDir)] {
            if let problem = Self.directoryProblem(path) { report(key, "\(key): \(configQuoted(path)) \(problem)") }
        }
        if let metricsFile = config.metricsFile {
            // The file is replaced atomically (temp file + rename), so its directory must exist.
            let trimmed = metricsFile.hasSuffix("/") ? String(metricsFile.dropLast()) : metricsFile
            let parent = trimmed.lastIndex(of: "/").map { String(trimmed[..<$0]) } ?? "."
            var status = stat()
            if stat(parent.isEmpty ? "/" : parent, &status) != 0 || (status.st_mode & S_IFMT) != S_IFDIR {
                report("metrics_file", "metrics_file: directory \(configQuoted(parent.isEmpty ? "/" : parent)) does not exist")
            }
        }
        if let directory = config.siteRulesDir {
            var status = stat()
            if stat(directory, &status) != 0 {
                report("site_rules_dir", "site_rules_dir: \(configQuoted(directory)): \(String(cString: strerror(errno)))")
            } else {
                do {
                    _ = try SiteRules.load(directory: directory)
                } catch {
                    report("site_rules_dir", "site_rules_dir: \(error.description)")
                }
            }
        }
    }

    /// nil when `path` is a directory, or does not exist yet but its parent directory does (it is created on
    /// start); else what is wrong, worded to follow the quoted path.
    static func directoryProblem(_ path: String) -> String? {
        var status = stat()
        if stat(path, &status) == 0 {
            return (status.st_mode & S_IFMT) == S_IFDIR ? nil : "is not a directory"
        }
        guard errno == ENOENT else { return "cannot be examined: \(String(cString: strerror(errno)))" }
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        let parent = trimmed.lastIndex(of: "/").map { String(trimmed[..<$0]) } ?? "."
        var parentStatus = stat()
        if stat(parent.isEmpty ? "/" : parent, &parentStatus) == 0, (parentStatus.st_mode & S_IFMT) == S_IFDIR {
            return nil
        }
        return "does not exist and cannot be created: its parent \(configQuoted(parent.isEmpty ? "/" : parent)) is not a directory"
    }

    // MARK: Feeds

    mutating func feeds(_ root: TOMLTable, config: Config) -> [FeedConfig] {
        guard let value = root["feeds"] else {
            report("feeds", "no feeds configured: add at least one [[feeds]] table with name and url")
            return []
        }
        guard let array = value.array else {
            report("feeds", "feeds: expected an array of tables ([[feeds]]), got \(value.typeDescription)")
            return []
        }
        // Exactly sized: the daemon keeps this array for its life, and doubling growth would leave up to half
        // of it unused (0.5 MB at 10,000 feeds).
        var result: [FeedConfig] = []
        result.reserveCapacity(array.count)
        var firstLineOfName: [String: Int] = [:]
        for index in 0..<array.count {
            guard let table = array[index].table else {
                report("feeds", "feeds: element \(index + 1) is \(array[index].typeDescription), expected a table")
                continue
            }
            checkUnknownKeys(table, known: feedKeys)
            let scope = Scope(table: table)
            var feedIsValid = true
            let name = nonEmptyString(scope, "name")
            if let name {
                if !name.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || "._-".contains($0) }) {
                    report(scope.line("name"),
                           "name: \(configQuoted(name)) may only contain ASCII letters, digits, '.', '_' and '-' (it appears in logs and spool metadata)")
                    feedIsValid = false
                } else if let firstLine = firstLineOfName[name] {
                    report(scope.line("name"), "name: duplicate feed name \(configQuoted(name)) (first used on line \(firstLine))")
                    feedIsValid = false
                } else {
                    firstLineOfName[name] = scope.line("name") ?? 0
                }
            } else if !scope.has("name") {
                report(table.line, "[[feeds]] entry without a name")
                feedIsValid = false
            } else {
                feedIsValid = false
            }

            var url: String?
            if let text = nonEmptyString(scope, "url") {
                if let problem = ConfigLoader.feedURLProblem(text) {
                    report(scope.line("url"), "url: \(configQuoted(text)) \(problem)")
                    feedIsValid = false
                } else {
                    url = text
                }
            } else {
                if !scope.has("url") { report(table.line, "[[feeds]] entry \(name.map(configQuoted) ?? "") without a url") }
                feedIsValid = false
            }

            var feed = FeedConfig(name: name ?? "", url: url ?? "")
            if let interval = seconds(scope, "interval", range: ConfigLimits.intervalSeconds) {
                if (config.minIntervalSeconds...max(config.minIntervalSeconds, config.maxIntervalSeconds)).contains(interval) {
                    feed.intervalSeconds = interval
                } else {
                    report(scope.line("interval"),
                           "interval: \(ConfigDuration.format(seconds: interval)) is outside min_interval..max_interval (\(ConfigDuration.format(seconds: config.minIntervalSeconds))..\(ConfigDuration.format(seconds: config.maxIntervalSeconds)))")
                }
            }
            if let text = string(scope, "kind") {
                if let kind = FeedKind(rawValue: text.lowercased()) {
                    feed.kind = kind
                } else {
                    report(scope.line("kind"),
                           "kind: \(configQuoted(text)) is not one of \(FeedKind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
            }
            if let pattern = nonEmptyString(scope, "link_pattern") {
                if feed.kind != .html && feed.kind != .auto {
                    report(scope.line("link_pattern"), "link_pattern: only applies to kind = \"html\" (or \"auto\")")
                } else if (try? Regex(pattern)) == nil {
                    report(scope.line("link_pattern"), "link_pattern: \(configQuoted(pattern)) is not a valid regular expression")
                } else {
                    feed.linkPattern = pattern
                }
            }
            if let value = seconds(scope, "max_age", range: ConfigLimits.maxAgeSeconds) { feed.maxAgeSeconds = value }
            if let value = bool(scope, "enabled") { feed.enabled = value }
            if let value = bool(scope, "robots") { feed.respectRobotsTxt = value }
            if feedIsValid { result.append(feed) }
        }
        if array.count == 0 {
            report("feeds", "no feeds configured: add at least one [[feeds]] table with name and url")
        }
        return result
    }

    // MARK: Typed readers

    /// The table whose keys are being read (the root, or one `[[feeds]]` table).
    struct Scope {
        let table: TOMLTable

        /// The line of `key`, else of the table's header (nil for the root).
        func line(_ key: String) -> Int? { table.line(of: key) ?? table.line }
        func has(_ key: String) -> Bool { table[key] != nil }
    }

    mutating func checkUnknownKeys(_ table: TOMLTable, known: [String]) {
        for key in table.keys where !known.contains(key) {
            var message = "unknown key \(configQuoted(key))"
            if let suggestion = known.min(by: { editDistance($0, key) < editDistance($1, key) }),
               editDistance(suggestion, key) <= max(2, key.count / 3) {
                message += " (did you mean \(configQuoted(suggestion))?)"
            }
            report(table.line(of: key), message)
        }
    }

    mutating func typed<T>(_ scope: Scope, _ key: String, _ expected: String,
                           _ extract: (TOMLValue) -> T?) -> T? {
        guard let value = scope.table[key] else { return nil }
        if let typedValue = extract(value) { return typedValue }
        report(scope.line(key), "\(key): expected \(expected), got \(value.typeDescription)")
        return nil
    }

    mutating func string(_ scope: Scope, _ key: String) -> String? {
        typed(scope, key, "a string", \.string)
    }

    mutating func nonEmptyString(_ scope: Scope, _ key: String) -> String? {
        guard let value = string(scope, key) else { return nil }
        if value.configTrimmed().isEmpty {
            report(scope.line(key), "\(key): must not be empty")
            return nil
        }
        return value
    }

    mutating func bool(_ scope: Scope, _ key: String) -> Bool? {
        typed(scope, key, "true or false", \.boolean)
    }

    mutating func stringArray(_ scope: Scope, _ key: String) -> [String]? {
        guard let array = typed(scope, key, "an array of strings", \.array) else {
            return nil
        }
        var strings: [String] = []
        for index in 0..<array.count {
            guard let value = array[index].string else {
                report(scope.line(key), "\(key): element \(index + 1) is \(array[index].typeDescription), expected a string")
                return nil
            }
            strings.append(value)
        }
        return strings
    }

    mutating func integer(_ scope: Scope, _ key: String, range: ClosedRange<Int>) -> Int? {
        guard let value = typed(scope, key, "an integer", \.integer) else { return nil }
        guard range.contains(value) else {
            report(scope.line(key), "\(key): \(value) is out of range (\(range.lowerBound) to \(range.upperBound))")
            return nil
        }
        return value
    }

    /// A size: an integer number of bytes or a string with a unit ("10MB", "512KiB").
    mutating func byteSize(_ scope: Scope, _ key: String, range: ClosedRange<Int>) -> Int? {
        guard let value = scope.table[key] else { return nil }
        let bytes: Int
        if let number = value.integer {
            bytes = number
        } else if let text = value.string {
            guard let parsed = ConfigByteSize.bytes(text) else {
                report(scope.line(key), "\(key): \(configQuoted(text)) is not a size (use bytes or a unit: KB, MB, GB, KiB, MiB, GiB — e.g. \"10MB\")")
                return nil
            }
            bytes = parsed
        } else {
            report(scope.line(key), "\(key): expected a size in bytes or a string like \"10MB\", got \(value.typeDescription)")
            return nil
        }
        guard range.contains(bytes) else {
            report(scope.line(key), "\(key): \(bytes) bytes is out of range (\(range.lowerBound) to \(range.upperBound))")
            return nil
        }
        return bytes
    }

    /// A duration string in whole seconds ("90s", "10m", "1h30m").
    mutating func seconds(_ scope: Scope, _ key: String, range: ClosedRange<Int>) -> Int? {
        guard let text = durationText(scope, key) else { return nil }
        guard let value = ConfigDuration.milliseconds(text) else {
            report(scope.line(key), "\(key): \(configQuoted(text)) is not a duration (a number with a unit: s, m, h, d — e.g. \"10m\")")
            return nil
        }
        guard value % 1_000 == 0 else {
            report(scope.line(key), "\(key): \(configQuoted(text)) must be a whole number of seconds")
            return nil
        }
        guard range.contains(value / 1_000) else {
            report(scope.line(key), "\(key): \(configQuoted(text)) is out of range (\(ConfigDuration.format(seconds: range.lowerBound)) to \(ConfigDuration.format(seconds: range.upperBound)))")
            return nil
        }
        return value / 1_000
    }

    /// A duration string in milliseconds ("250ms", "1s").
    mutating func milliseconds(_ scope: Scope, _ key: String, range: ClosedRange<Int>) -> Int? {
        guard let text = durationText(scope, key) else { return nil }
        guard let value = ConfigDuration.milliseconds(text) else {
            report(scope.line(key), "\(key): \(configQuoted(text)) is not a duration (a number with a unit: ms, s, m — e.g. \"250ms\")")
            return nil
        }
        guard range.contains(value) else {
            report(scope.line(key), "\(key): \(configQuoted(text)) is out of range (\(ConfigDuration.format(milliseconds: range.lowerBound)) to \(ConfigDuration.format(milliseconds: range.upperBound)))")
            return nil
        }
        return value
    }

    /// Durations are strings with a unit; a bare number gets a message that says so.
    mutating func durationText(_ scope: Scope, _ key: String) -> String? {
        guard let value = scope.table[key] else { return nil }
        if let text = value.string { return text }
        if let number = value.integer {
            report(scope.line(key), "\(key): \(number) has no unit; write a duration string such as \"\(number)s\"")
        } else {
            report(scope.line(key), "\(key): expected a duration string such as \"10m\", got \(value.typeDescription)")
        }
        return nil
    }
}

/// `"text"` with quotes and backslashes escaped, for messages.
func configQuoted(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\t": result += "\\t"
        case "\r": result += "\\r"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                result += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16).uppercased()
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
    }
    return result + "\""
}

/// Levenshtein distance, for "did you mean" suggestions on short key names.
private func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}

/// Path spelling without trailing slashes or `./` segments, to catch `spool_dir = "x"`, `state_dir = "./x/"`.
private func normalizedPath(_ path: String) -> String {
    let parts = path.split(separator: "/").filter { $0 != "." }
    return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
}
