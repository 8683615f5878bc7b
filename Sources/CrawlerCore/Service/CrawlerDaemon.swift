// `feedcrawler run`: the daemon. Each feed is polled when due (its interval, later stretched by failures),
// pending articles are processed after each poll, and the main loop ticks once a second to start due feeds and
// ping the systemd watchdog. SIGTERM/SIGINT: stop scheduling, let in-flight work finish for up to
// `shutdownGraceSeconds`, then cancel it (cancellation reaches curl; spool writes are atomic, so nothing partial
// is ever left and unfinished articles stay pending). SIGHUP: reload the config; an invalid one is logged line
// by line and the old one keeps running.
public import Logging
import CrawlerModel
import Foundation
public import ServiceLifecycle
import UnixSignals

public struct CrawlerDaemon: Service {
    let configPath: String
    let initialConfig: Config
    let logger: Logger
    let notifier: SystemdNotifier
    /// How long in-flight polls may run on after SIGTERM before they are cancelled.
    let shutdownGraceSeconds: Double
    /// Loads a config for SIGHUP; returns the problems as lines when invalid.
    let reload: @Sendable (String) -> Result<Config, ReloadFailure>

    public struct ReloadFailure: Error { public let lines: [String]; public init(lines: [String]) { self.lines = lines } }

    public init(configPath: String, config: Config, logger: Logger, shutdownGraceSeconds: Double = 10,
                environment: [String: String],
                reload: @escaping @Sendable (String) -> Result<Config, ReloadFailure>) {
        self.configPath = configPath
        self.initialConfig = config
        self.logger = logger
        self.shutdownGraceSeconds = shutdownGraceSeconds
        self.notifier = SystemdNotifier(environment: environment)
        self.reload = reload
    }

    public func run() async throws {
        let crawler: Crawler
        do { crawler = try Crawler(config: initialConfig, logger: logger) } catch {
            logger.critical("Cannot start.", metadata: ["error": "\(error)"])
            throw error
        }
        let schedule = Schedule(feeds: initialConfig.feeds, defaultInterval: initialConfig.defaultIntervalSeconds)
        notifier.ready()
        logger.notice("Daemon started.", metadata: ["feeds": "\(initialConfig.feeds.count)", "config": "\(configPath)"])

        let crawlerBox = CrawlerBox(crawler)
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        async let reloads: Void = watchReloads(hangups, crawlerBox: crawlerBox, schedule: schedule)

        await withDiscardingTaskGroup { group in
            var lastWatchdog = ContinuousClock.now
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let crawler = crawlerBox.current
                for feed in await schedule.takeDue(now: Date()) {
                    group.addTask {
                        let report = await crawler.refresh(feed)
                        _ = await crawler.processPending(feeds: [feed.name])
                        await schedule.completed(feed.name, report: report, now: Date())
                    }
                }
                if let interval = notifier.watchdogIntervalSeconds,
                   ContinuousClock.now - lastWatchdog >= .milliseconds(Int64(interval * 1000)) {
                    notifier.watchdog()
                    lastWatchdog = ContinuousClock.now
                }
                notifier.status(await schedule.statusLine)
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
            }
            notifier.stopping()
            let stillRunning = await schedule.inFlightCount
            logger.notice("Stopping.", metadata: ["in_flight": "\(stillRunning)"])
            // Grace period for in-flight polls, then cancel what is left.
            let deadline = ContinuousClock.now + .milliseconds(Int64(shutdownGraceSeconds * 1000))
            while await schedule.inFlightCount > 0, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(50))
            }
            let unfinished = await schedule.inFlightCount
            if unfinished > 0 {
                logger.warning("Cancelling unfinished polls; their articles stay pending.", metadata: ["count": "\(unfinished)"])
                group.cancelAll()
            }
        }
        _ = await reloads
        logger.notice("Daemon stopped.")
    }

    private func watchReloads(_ hangups: UnixSignalsSequence, crawlerBox: CrawlerBox, schedule: Schedule) async {
        await withTaskCancellationHandler {
            for await _ in hangups.cancelOnGracefulShutdown() {
                notifier.reloading()
                switch reload(configPath) {
                case .success(let config):
                    do {
                        let crawler = try Crawler(config: config, logger: logger)
                        crawlerBox.replace(crawler)
                        await schedule.update(feeds: config.feeds, defaultInterval: config.defaultIntervalSeconds)
                        logger.notice("Configuration reloaded.", metadata: ["feeds": "\(config.feeds.count)"])
                    } catch {
                        logger.error("Reload failed; keeping the running configuration.", metadata: ["error": "\(error)"])
                    }
                case .failure(let failure):
                    for line in failure.lines { logger.error("Invalid configuration: \(line)") }
                    logger.error("Reload refused; keeping the running configuration.", metadata: ["config": "\(configPath)"])
                }
                notifier.ready()
            }
        } onCancel: {}
    }
}

/// The crawler in use; SIGHUP swaps it for one built from the new config.
final class CrawlerBox: @unchecked Sendable {
    private let lock = NSLock()
    private var crawler: Crawler
    init(_ crawler: Crawler) { self.crawler = crawler }
    var current: Crawler { lock.withLock { crawler } }
    func replace(_ new: Crawler) { lock.withLock { crawler = new } }
}

/// When each feed is next due. Failures back off exponentially (interval × 2^failures, at most 24 h) with
/// ±10% jitter so feeds on one host do not fire together.
actor Schedule {
    private var feeds: [String: FeedConfig] = [:]
    private var nextDue: [String: Date] = [:]
    private var failures: [String: Int] = [:]
    private var defaultInterval: Int

    init(feeds: [FeedConfig], defaultInterval: Int) {
        self.defaultInterval = defaultInterval
        for feed in feeds where feed.enabled { self.feeds[feed.name] = feed }
    }

    var feedCount: Int { feeds.count }
    var failingCount: Int { failures.values.filter { $0 > 0 }.count }

    func update(feeds newFeeds: [FeedConfig], defaultInterval: Int) {
        self.defaultInterval = defaultInterval
        var updated: [String: FeedConfig] = [:]
        for feed in newFeeds where feed.enabled {
            updated[feed.name] = feed
            if self.feeds[feed.name] != feed { nextDue[feed.name] = nil }  // new or changed: poll soon
        }
        for name in self.feeds.keys where updated[name] == nil { nextDue[name] = nil; failures[name] = nil }
        self.feeds = updated
    }

    /// Feeds being polled right now (never started twice at once).
    private(set) var inFlight = Set<String>()
    var inFlightCount: Int { inFlight.count }

    var statusLine: String { "\(feeds.count) feeds, \(inFlight.count) polling, \(failingCount) failing" }

    /// The feeds due now, marked in flight until `completed`.
    func takeDue(now: Date) -> [FeedConfig] {
        let due = feeds.values.filter { !inFlight.contains($0.name) && (nextDue[$0.name] ?? .distantPast) <= now }
            .sorted { $0.name < $1.name }
        for feed in due { inFlight.insert(feed.name) }
        return due
    }

    func completed(_ name: String, report: FeedRunReport, now: Date) {
        inFlight.remove(name)
        guard let feed = feeds[name] else { return }
        let base = Double(feed.intervalSeconds ?? defaultInterval)
        let failureCount = report.isFailure ? (failures[name] ?? 0) + 1 : 0
        failures[name] = failureCount
        let backedOff = min(base * pow(2, Double(failureCount)), max(base, 86_400))
        let jitter = Double.random(in: 0.9...1.1)
        nextDue[name] = now.addingTimeInterval(backedOff * jitter)
    }
}

/// `feedcrawler run`: runs the daemon in a ServiceGroup until SIGTERM/SIGINT.
public func runDaemon(config: Config, configPath: String, logger: Logger,
                      reload: @escaping @Sendable (String) -> Result<Config, CrawlerDaemon.ReloadFailure>) async throws {
    let daemon = CrawlerDaemon(configPath: configPath, config: config, logger: logger,
                               environment: ProcessInfo.processInfo.environment, reload: reload)
    let group = ServiceGroup(services: [daemon], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    try await group.run()
}
