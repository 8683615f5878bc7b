// Maps the configuration onto the Fetch stage's settings (units converted here, nowhere else).
import Fetch

extension FetchSettings {
    init(config: Config) {
        self.init(userAgent: config.userAgent,
                  connectTimeoutSeconds: Double(config.connectTimeoutSeconds),
                  requestTimeoutSeconds: Double(config.totalTimeoutSeconds),
                  maxRedirects: config.maxRedirects,
                  maxFeedBytes: config.maxFeedBytes,
                  maxArticleBytes: config.maxPageBytes,
                  allowPrivateNetworks: config.allowPrivateNetworks,
                  allowedPrivateHosts: config.allowedPrivateHosts,
                  perHostConcurrency: config.perHostConcurrency,
                  perHostMinimumDelayMilliseconds: config.perHostDelayMilliseconds,
                  maxConcurrentTransfers: config.maxConcurrentTransfers,
                  respectRobotsTxt: config.respectRobotsTxt)
    }
}

extension FetchOutcome {
    /// Whether the same request may succeed later without any change: timeouts, resets, 5xx, rate limiting.
    var isWorthRetrying: Bool {
        switch self {
        case .transient, .rateLimited: return true
        case .fresh, .notModified, .permanent: return false
        }
    }
}

/// The libcurl-backed fetcher for these settings.
func makeFetcher(_ settings: FetchSettings) throws -> any Fetching {
    try Fetcher(settings: settings)
}
