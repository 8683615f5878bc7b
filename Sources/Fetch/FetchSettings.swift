// The fetcher's knobs, each with its unit. CrawlerCore builds this from the config file.

public struct FetchSettings: Sendable, Equatable {
    /// Sent as User-Agent on every request.
    public var userAgent: String
    /// Time for DNS + TCP + TLS, in seconds.
    public var connectTimeoutSeconds: Double
    /// Time for a whole transfer including redirects, in seconds.
    public var requestTimeoutSeconds: Double
    /// A transfer slower than this many bytes per second for `lowSpeedTimeSeconds` is aborted (as a timeout).
    public var lowSpeedLimitBytesPerSecond: Int
    public var lowSpeedTimeSeconds: Int
    /// Redirects followed at most per fetch.
    public var maxRedirects: Int
    /// Body limits after decompression, in bytes.
    public var maxFeedBytes: Int
    public var maxArticleBytes: Int
    /// Limit on the final response's header block, in bytes.
    public var maxHeaderBytes: Int
    /// true: connect to any address (private, loopback, ...). false: only public addresses, plus the list below.
    public var allowPrivateNetworks: Bool
    /// Host names (matched against each hop's URL host), address literals or CIDR ranges allowed although
    /// private/loopback, e.g. ["127.0.0.1", "intranet.example", "10.2.0.0/16"].
    public var allowedPrivateHosts: [String]
    /// Transfers to one host at the same time, at most.
    public var perHostConcurrency: Int
    /// Minimum time between the starts of two requests to one host, in milliseconds (0 = none).
    public var perHostMinimumDelayMilliseconds: Int
    /// Transfers in flight over all hosts; the rest queue (memory stays bounded).
    public var maxConcurrentTransfers: Int
    /// Idle connections kept open for reuse.
    public var maxCachedConnections: Int
    /// A server's Retry-After is capped at this many seconds (a typo of "86400000" must not park a host for years).
    public var maxRetryAfterSeconds: Int
    /// How long a host that answered 429 without Retry-After is left alone, in seconds (0 = not at all).
    public var defaultRateLimitPauseSeconds: Int
    /// Sent as Accept-Language when set, e.g. "id,en;q=0.8".
    public var acceptLanguage: String?
    /// Check robots.txt (cached 24 h per host) before fetching an `.article`; feeds are configured by the
    /// operator and always fetched.
    public var respectRobotsTxt: Bool
    /// A robots.txt Crawl-delay raises the host's minimum delay, up to this many seconds.
    public var maxCrawlDelaySeconds: Double
    /// PEM file of CA certificates to trust instead of the system bundle; nil = the system's.
    public var caBundlePath: String?

    public init(userAgent: String = "feedcrawler/0.1",
                connectTimeoutSeconds: Double = 10,
                requestTimeoutSeconds: Double = 30,
                lowSpeedLimitBytesPerSecond: Int = 100,
                lowSpeedTimeSeconds: Int = 30,
                maxRedirects: Int = 5,
                maxFeedBytes: Int = 10 << 20,
                maxArticleBytes: Int = 5 << 20,
                maxHeaderBytes: Int = 256 << 10,
                allowPrivateNetworks: Bool = false,
                allowedPrivateHosts: [String] = [],
                perHostConcurrency: Int = 2,
                perHostMinimumDelayMilliseconds: Int = 0,
                maxConcurrentTransfers: Int = 64,
                maxCachedConnections: Int = 128,
                maxRetryAfterSeconds: Int = 86_400,
                defaultRateLimitPauseSeconds: Int = 60,
                acceptLanguage: String? = nil,
                respectRobotsTxt: Bool = false,
                maxCrawlDelaySeconds: Double = 30,
                caBundlePath: String? = nil) {
        self.caBundlePath = caBundlePath
        self.userAgent = userAgent
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.lowSpeedLimitBytesPerSecond = lowSpeedLimitBytesPerSecond
        self.lowSpeedTimeSeconds = lowSpeedTimeSeconds
        self.maxRedirects = maxRedirects
        self.maxFeedBytes = maxFeedBytes
        self.maxArticleBytes = maxArticleBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.allowPrivateNetworks = allowPrivateNetworks
        self.allowedPrivateHosts = allowedPrivateHosts
        self.perHostConcurrency = perHostConcurrency
        self.perHostMinimumDelayMilliseconds = perHostMinimumDelayMilliseconds
        self.maxConcurrentTransfers = maxConcurrentTransfers
        self.maxCachedConnections = maxCachedConnections
        self.maxRetryAfterSeconds = maxRetryAfterSeconds
        self.defaultRateLimitPauseSeconds = defaultRateLimitPauseSeconds
        self.acceptLanguage = acceptLanguage
        self.respectRobotsTxt = respectRobotsTxt
        self.maxCrawlDelaySeconds = maxCrawlDelaySeconds
    }

    /// The product token robots.txt groups are matched against: the User-Agent up to its first "/" or space.
    var robotsProductToken: String {
        String(userAgent.prefix { $0 != "/" && $0 != " " }).lowercased()
    }

    /// Accept headers by purpose: feeds first in their own types, then generic XML/JSON, then anything (sites
    /// serve RSS as text/html surprisingly often).
    static func defaultAccept(for purpose: FetchPurpose) -> String {
        switch purpose {
        case .feed:
            return "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
                + "text/xml;q=0.9, application/json;q=0.8, text/html;q=0.7, */*;q=0.5"
        case .article:
            return "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
        }
    }

    func maxBytes(for purpose: FetchPurpose) -> Int {
        purpose == .feed ? maxFeedBytes : maxArticleBytes
    }
}
