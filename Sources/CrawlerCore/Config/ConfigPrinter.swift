// Renders a `Config` as TOML with every default filled in: what `check-config` prints, so an operator sees
// exactly what the daemon will run with. The output is itself a valid config that loads back to the same
// value (a test checks the round trip), so it can be saved as a starting point.

public enum ConfigPrinter {
    /// The effective configuration as TOML. `sourcePath` only goes into the header comment.
    public static func render(_ config: Config, sourcePath: String? = nil) -> String {
        var out: [String] = []
        out.append("# Effective feedcrawler configuration\(sourcePath.map { " from \($0)" } ?? ""), defaults filled in.")
        out.append("# Relative paths resolve against the current directory of the running process.")
        out.append("spool_dir = \(configQuoted(config.spoolDir))")
        out.append("state_dir = \(configQuoted(config.stateDir))")
        if let siteRulesDir = config.siteRulesDir {
            out.append("site_rules_dir = \(configQuoted(siteRulesDir))")
        } else {
            out.append("# site_rules_dir is not set: built-in extraction rules only.")
        }
        out.append("user_agent = \(configQuoted(config.userAgent))")
        out.append("allow_private_networks = \(config.allowPrivateNetworks)")
        out.append("respect_robots_txt = \(config.respectRobotsTxt)")
        out.append("allowed_private_hosts = [\(config.allowedPrivateHosts.map(configQuoted).joined(separator: ", "))]")
        out.append("default_interval = \(duration(seconds: config.defaultIntervalSeconds))")
        out.append("min_interval = \(duration(seconds: config.minIntervalSeconds))")
        out.append("max_interval = \(duration(seconds: config.maxIntervalSeconds))")
        out.append("connect_timeout = \(duration(seconds: config.connectTimeoutSeconds))")
        out.append("timeout = \(duration(seconds: config.totalTimeoutSeconds))")
        out.append("max_redirects = \(config.maxRedirects)")
        out.append("max_feed_bytes = \(config.maxFeedBytes)")
        out.append("max_page_bytes = \(config.maxPageBytes)")
        out.append("per_host_concurrency = \(config.perHostConcurrency)")
        out.append("per_host_delay = \(configQuoted(ConfigDuration.format(milliseconds: config.perHostDelayMilliseconds)))")
        out.append("max_concurrent_transfers = \(config.maxConcurrentTransfers)")
        out.append("max_items_per_poll = \(config.maxItemsPerPoll)")
        out.append("dedup_window = \(configQuoted("\(config.dedupWindowDays)d"))")
        out.append("spool_max_files = \(config.spoolMaxFiles)")
        out.append("min_free_disk = \(config.minFreeDiskBytes)")
        out.append(config.metricsFile.map { "metrics_file = \(configQuoted($0))" } ?? "# metrics_file is not set: no metrics file.")
        out.append(config.metricsListen.map { "metrics_listen = \(configQuoted($0))" } ?? "# metrics_listen is not set: metrics are not served.")
        out.append("metrics_interval = \(duration(seconds: config.metricsIntervalSeconds))")
        out.append("shutdown_grace = \(duration(seconds: config.shutdownGraceSeconds))")

        for feed in config.feeds {
            out.append("")
            out.append("[[feeds]]")
            out.append("name = \(configQuoted(feed.name))")
            out.append("url = \(configQuoted(feed.url))")
            if let interval = feed.intervalSeconds {
                out.append("interval = \(duration(seconds: interval))")
            } else {
                out.append("# interval: default_interval (\(ConfigDuration.format(seconds: config.defaultIntervalSeconds)))")
            }
            out.append("kind = \(configQuoted(feed.kind.rawValue))")
            if let linkPattern = feed.linkPattern { out.append("link_pattern = \(configQuoted(linkPattern))") }
            if let maxAge = feed.maxAgeSeconds { out.append("max_age = \(duration(seconds: maxAge))") }
            out.append("enabled = \(feed.enabled)")
            if let robots = feed.respectRobotsTxt { out.append("robots = \(robots)") }
        }
        return out.joined(separator: "\n") + "\n"
    }

    private static func duration(seconds: Int) -> String {
        configQuoted(ConfigDuration.format(seconds: seconds))
    }
}
