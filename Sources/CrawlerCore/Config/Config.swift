// The effective configuration: an immutable value, defaults filled in. Loaded and validated by
// ConfigLoader (TOML, every problem reported as file:line: message). Units are in the names.
public import CrawlerModel

public struct Config: Sendable, Equatable {
    /// Where finished articles appear (`NNN_<16 hex>.txt` + `.json`); `.tmp/` inside it is ours.
    public var spoolDir: String
    /// Where the SQLite state database lives.
    public var stateDir: String
    public var userAgent: String
    /// Allow connecting to loopback, private (RFC 1918, ULA) and link-local addresses. Default false.
    public var allowPrivateNetworks: Bool
    /// Hosts or addresses allowed even when private networks are not (e.g. ["127.0.0.1"]).
    public var allowedPrivateHosts: [String]

    /// Poll interval for feeds that do not set one.
    public var defaultIntervalSeconds: Int
    /// Bounds for any feed's interval (config or adaptive).
    public var minIntervalSeconds: Int
    public var maxIntervalSeconds: Int

    public var connectTimeoutSeconds: Int
    /// Whole transfer, including redirects.
    public var totalTimeoutSeconds: Int
    public var maxRedirects: Int
    public var maxFeedBytes: Int
    public var maxPageBytes: Int
    /// Simultaneous transfers to one host (feeds and articles together).
    public var perHostConcurrency: Int
    /// Minimum gap between the start of two requests to one host.
    public var perHostDelayMilliseconds: Int
    /// Transfers in flight across all hosts.
    public var maxConcurrentTransfers: Int
    /// New items taken from one feed per poll; the rest wait for later polls.
    public var maxItemsPerPoll: Int
    /// How long seen URLs and fingerprints are remembered.
    public var dedupWindowDays: Int
    /// Directory of per-site extraction rules (one file per site); nil = built-in rules only.
    public var siteRulesDir: String?
    /// Backpressure: when the spool holds this many articles (the consumer fell behind), article writing
    /// pauses until it drains; polling goes on and new URLs queue in the state database. 0 = no limit.
    public var spoolMaxFiles: Int = 0
    /// Backpressure: article writing pauses while the spool's filesystem has less free space than this.
    public var minFreeDiskBytes: Int = 100_000_000
    /// Prometheus text-format metrics file (node_exporter's textfile collector), rewritten every
    /// `metricsIntervalSeconds`; nil = not written.
    public var metricsFile: String?
    /// "127.0.0.1:9464": also serve the metrics over HTTP on this loopback address; nil = not served.
    public var metricsListen: String?
    public var metricsIntervalSeconds: Int = 15
    /// After SIGTERM, how long in-flight polls may finish before they are cancelled.
    public var shutdownGraceSeconds: Int = 10
    /// Fetch robots.txt (cached 24 h per host) and skip article URLs it disallows for our user agent; its
    /// Crawl-delay spaces the host's requests. Feeds themselves are fetched regardless (the operator chose them).
    public var respectRobotsTxt: Bool = true

    public var feeds: [FeedConfig]

    public init(spoolDir: String = Config.defaults.spoolDir, stateDir: String = Config.defaults.stateDir,
                userAgent: String = Config.defaults.userAgent, allowPrivateNetworks: Bool = false,
                allowedPrivateHosts: [String] = [], defaultIntervalSeconds: Int = 600, minIntervalSeconds: Int = 60,
                maxIntervalSeconds: Int = 86_400, connectTimeoutSeconds: Int = 10, totalTimeoutSeconds: Int = 60,
                maxRedirects: Int = 5, maxFeedBytes: Int = 10_000_000, maxPageBytes: Int = 5_000_000,
                perHostConcurrency: Int = 2, perHostDelayMilliseconds: Int = 250, maxConcurrentTransfers: Int = 32,
                maxItemsPerPoll: Int = 200, dedupWindowDays: Int = 30, siteRulesDir: String? = nil,
                feeds: [FeedConfig] = []) {
        self.spoolDir = spoolDir
        self.stateDir = stateDir
        self.userAgent = userAgent
        self.allowPrivateNetworks = allowPrivateNetworks
        self.allowedPrivateHosts = allowedPrivateHosts
        self.defaultIntervalSeconds = defaultIntervalSeconds
        self.minIntervalSeconds = minIntervalSeconds
        self.maxIntervalSeconds = maxIntervalSeconds
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.totalTimeoutSeconds = totalTimeoutSeconds
        self.maxRedirects = maxRedirects
        self.maxFeedBytes = maxFeedBytes
        self.maxPageBytes = maxPageBytes
        self.perHostConcurrency = perHostConcurrency
        self.perHostDelayMilliseconds = perHostDelayMilliseconds
        self.maxConcurrentTransfers = maxConcurrentTransfers
        self.maxItemsPerPoll = maxItemsPerPoll
        self.dedupWindowDays = dedupWindowDays
        self.siteRulesDir = siteRulesDir
        self.feeds = feeds
    }

    public enum defaults {
        public static let path = "/etc/feedcrawler/feedcrawler.toml"
        public static let spoolDir = "/var/spool/feedcrawler"
        public static let stateDir = "/var/lib/feedcrawler"
        public static let userAgent = "feedcrawler/0.1 (+https://github.com/feedcrawler/feedcrawler)"
    }
}

public struct FeedConfig: Sendable, Equatable {
    /// Unique, used in logs, status and the sidecar's `feed`.
    public var name: String
    public var url: String
    public var kind: FeedKind
    public var enabled: Bool
    /// The settings most feeds leave unset, boxed (nil when all are unset): the daemon holds three copies of
    /// every feed's FeedConfig (config, crawler, schedule), and the box takes one from 80 to 48 bytes
    /// (1.4 MB less at 10,000 feeds).
    private var overrides: Overrides?

    /// nil = the global default.
    public var intervalSeconds: Int? {
        get { overrideValues.intervalSeconds }
        set { changeOverrides { $0.intervalSeconds = newValue } }
    }
    /// For `kind = "html"`: a regular expression article URLs must match.
    public var linkPattern: String? {
        get { overrideValues.linkPattern }
        set { changeOverrides { $0.linkPattern = newValue } }
    }
    /// For sitemaps: skip items published longer ago than this.
    public var maxAgeSeconds: Int? {
        get { overrideValues.maxAgeSeconds }
        set { changeOverrides { $0.maxAgeSeconds = newValue } }
    }
    /// Per-feed override of `respect_robots_txt`; nil = the global setting.
    public var respectRobotsTxt: Bool? {
        get { overrideValues.respectRobotsTxt }
        set { changeOverrides { $0.respectRobotsTxt = newValue } }
    }

    public init(name: String, url: String, intervalSeconds: Int? = nil, kind: FeedKind = .auto,
                linkPattern: String? = nil, maxAgeSeconds: Int? = nil, enabled: Bool = true,
                respectRobotsTxt: Bool? = nil) {
        self.name = name
        self.url = url
        self.kind = kind
        self.enabled = enabled
        self.overrides = Overrides(OverrideValues(intervalSeconds: intervalSeconds, linkPattern: linkPattern,
                                                  maxAgeSeconds: maxAgeSeconds, respectRobotsTxt: respectRobotsTxt))
    }

    private struct OverrideValues: Sendable, Equatable {
        var intervalSeconds: Int?
        var linkPattern: String?
        var maxAgeSeconds: Int?
        var respectRobotsTxt: Bool?
    }

    /// `indirect`: the values live in an immutable heap box, one pointer here; a change makes a new box.
    private indirect enum Overrides: Sendable, Equatable {
        case values(OverrideValues)

        /// nil when every value is unset, so equal FeedConfigs always compare equal.
        init?(_ values: OverrideValues) {
            guard values != OverrideValues() else { return nil }
            self = .values(values)
        }
    }

    private var overrideValues: OverrideValues {
        guard case .values(let values)? = overrides else { return OverrideValues() }
        return values
    }

    private mutating func changeOverrides(_ change: (inout OverrideValues) -> Void) {
        var values = overrideValues
        change(&values)
        overrides = Overrides(values)
    }
}

extension Config: CustomDebugStringConvertible {
    /// Short on purpose, whatever the number of feeds: printing a value that holds a Config by reflection
    /// (ServiceLifecycle does `"\(service)"` once and keeps the string as the service's name for the daemon's
    /// life) would otherwise spell out every feed, 2.2 MB for 10,000 feeds. `ConfigPrinter.render` gives the
    /// full text.
    public var debugDescription: String {
        let shownNames = 5
        var names = feeds.prefix(shownNames).map(\.name).joined(separator: ", ")
        if feeds.count > shownNames { names += ", ..." }
        return "Config(spool_dir: \(configQuoted(spoolDir)), state_dir: \(configQuoted(stateDir)), "
            + "\(feeds.count) feeds: [\(names)])"
    }
}
