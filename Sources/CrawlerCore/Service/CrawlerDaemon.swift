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
        do { crawler = try Crawler(config: initialConfig, logger: logger, pacing: .daemon) } catch {
            logger.critical("Cannot start.", metadata: ["error": "\(error)"])
            throw error
        }
        let schedule = Schedule(feeds: initialConfig.feeds, persistedDue: crawler.persistedDueTimes(),
                                policy: PollPolicy(config: initialConfig))
        notifier.ready()
        logger.notice("Daemon started.", metadata: ["feeds": "\(initialConfig.feeds.count)", "config": "\(configPath)"])

        // The crawler in use; SIGHUP swaps it for one built from the new config.
        let crawlerBox = LockedValue(crawler)
        if let listen = initialConfig.metricsListen {
            do {
                let server = try MetricsServer(listen: listen, metrics: crawler.metrics)
                server.start()
                logger.notice("Serving metrics.", metadata: ["listen": "\(listen)"])
            } catch {
                logger.error("Metrics server not started.", metadata: ["error": "\(error)"])
            }
        }
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        async let reloads: Void = watchReloads(hangups, crawlerBox: crawlerBox, schedule: schedule)

        let startedAt = Date()
        let stateDir = initialConfig.stateDir
        await withDiscardingTaskGroup { group in
            var lastWatchdog = ContinuousClock.now
            var lastMetrics = ContinuousClock.now - .seconds(3600)
            var lastMaintenance = ContinuousClock.now - .seconds(2 * 86_400)  // due at start
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let crawler = crawlerBox.withLock { $0 }
                for feed in await schedule.takeDue(now: Date()) {
                    group.addTask {
                        let report = await crawler.refresh(feed)
                        await schedule.completed(feed.name, report: report, now: Date())
                    }
                }
                // One drainer at a time works through every pending article that is due: new items, retries,
                // and whatever a crash or kill left unfinished. Returns at once when there are none.
                if await schedule.takeDrainSlot() {
                    group.addTask {
                        _ = await crawler.processPending(feeds: nil)
                        await schedule.drainFinished()
                    }
                }
                if let interval = notifier.watchdogIntervalSeconds,
                   ContinuousClock.now - lastWatchdog >= .milliseconds(Int64(interval * 1000)) {
                    notifier.watchdog()
                    lastWatchdog = ContinuousClock.now
                }
                notifier.status(await statusLine(schedule: schedule, crawler: crawler))
                if ContinuousClock.now - lastMaintenance >= .seconds(86_400) {
                    lastMaintenance = ContinuousClock.now
                    group.addTask { crawler.maintainState() }
                }
                if ContinuousClock.now - lastMetrics >= .seconds(crawler.config.metricsIntervalSeconds) {
                    crawler.publishMetrics(feedCount: await schedule.feedCount)
                    lastMetrics = ContinuousClock.now
                }
                Heartbeat(pid: getpid(), at: Date(), startedAt: startedAt, feeds: await schedule.feedCount,
                          polling: await schedule.inFlightCount, stopped: false).write(stateDir: stateDir)
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
        Heartbeat(pid: getpid(), at: Date(), startedAt: startedAt, feeds: 0, polling: 0, stopped: true)
            .write(stateDir: stateDir)
        logger.notice("Daemon stopped.")
    }

    /// "312 feeds, 1204 articles today, 3 failing, 2 polling" for `systemctl status`.
    private func statusLine(schedule: Schedule, crawler: Crawler) async -> String {
        let today = crawler.articlesWrittenToday()
        return "\(await schedule.feedCount) feeds, \(today) articles today, \(await schedule.failingCount) failing, "
            + "\(await schedule.inFlightCount) polling"
    }

    private func watchReloads(_ hangups: UnixSignalsSequence, crawlerBox: LockedValue<Crawler>, schedule: Schedule) async {
        await withTaskCancellationHandler {
            for await _ in hangups.cancelOnGracefulShutdown() {
                notifier.reloading()
                switch reload(configPath) {
                case .success(let config):
                    do {
                        let crawler = try crawlerBox.withLock { $0 }.reconfigured(config)
                        crawlerBox.withLock { $0 = crawler }
                        await schedule.update(feeds: config.feeds, policy: PollPolicy(config: config))
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

/// When each feed is next due: the due times `Crawler.refresh` computes (PollPolicy) and persists, loaded at
/// start so a restart neither stampedes (overdue feeds are spread over the first minute) nor forgets.
actor Schedule {
    private var feeds: [String: FeedConfig] = [:]
    private var nextDue: [String: Date] = [:]
    private var failing = Set<String>()
    private var policy: PollPolicy
    /// Feeds being polled right now (never started twice at once).
    private(set) var inFlight = Set<String>()
    private var draining = false

    init(feeds: [FeedConfig], persistedDue: [String: Date], policy: PollPolicy, now: Date = Date()) {
        self.policy = policy
        for feed in feeds where feed.enabled {
            self.feeds[feed.name] = feed
            nextDue[feed.name] = policy.startupDue(for: feed, persisted: persistedDue[feed.name], now: now,
                                                   random: .random(in: 0..<1), feedCount: feeds.count)
        }
    }

    var feedCount: Int { feeds.count }
    var failingCount: Int { failing.count }
    var inFlightCount: Int { inFlight.count + (draining ? 1 : 0) }

    /// True when the caller may start draining the pending queue (no drainer is running).
    func takeDrainSlot() -> Bool {
        if draining { return false }
        draining = true
        return true
    }

    func drainFinished() { draining = false }

    /// Feeds added or changed are polled soon; removed ones are forgotten.
    func update(feeds newFeeds: [FeedConfig], policy: PollPolicy, now: Date = Date()) {
        self.policy = policy
        var updated: [String: FeedConfig] = [:]
        for feed in newFeeds where feed.enabled {
            updated[feed.name] = feed
            if self.feeds[feed.name] != feed {
                nextDue[feed.name] = policy.startupDue(for: feed, persisted: nil, now: now, random: .random(in: 0..<1),
                                                       feedCount: newFeeds.count)
            }
        }
        for name in self.feeds.keys where updated[name] == nil {
            nextDue[name] = nil
            failing.remove(name)
        }
        self.feeds = updated
    }

    /// The feeds due now, marked in flight until `completed`.
    func takeDue(now: Date) -> [FeedConfig] {
        let due = feeds.values.filter { !inFlight.contains($0.name) && (nextDue[$0.name] ?? .distantPast) <= now }
            .sorted { (nextDue[$0.name] ?? .distantPast) < (nextDue[$1.name] ?? .distantPast) }
        for feed in due { inFlight.insert(feed.name) }
        return due
    }

    func completed(_ name: String, report: FeedRunReport, now: Date) {
        inFlight.remove(name)
        guard let feed = feeds[name] else { return }
        if report.isFailure { failing.insert(name) } else { failing.remove(name) }
        nextDue[name] = report.nextDueAt
            ?? now.addingTimeInterval(Double(feed.intervalSeconds ?? policy.defaultIntervalSeconds))
    }

    /// The earliest due time, for status output.
    var earliestDue: Date? { nextDue.values.min() }
}

/// `feedcrawler run`: runs the daemon in a ServiceGroup until SIGTERM/SIGINT.
public func runDaemon(config: Config, configPath: String, logger: Logger,
                      reload: @escaping @Sendable (String) -> Result<Config, CrawlerDaemon.ReloadFailure>) async throws {
    let daemon = CrawlerDaemon(configPath: configPath, config: config, logger: logger,
                               shutdownGraceSeconds: Double(config.shutdownGraceSeconds),
                               environment: ProcessInfo.processInfo.environment, reload: reload)
    let group = ServiceGroup(services: [daemon], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    try await group.run()
}
