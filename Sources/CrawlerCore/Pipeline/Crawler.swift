// The pipeline: poll -> parse -> for each new item: dedup -> fetch -> extract -> dedup -> spool.
// `refresh(_:)` and `process(_:)` are the two functions to read; every stage they call is a small value-returning
// function of its own target. The state database is the hand-off between them: items found by a poll are
// enqueued as pending, and pending articles are processed until they are written, found to be duplicates, or
// fail for good. Whatever happens (crash, kill, full disk), an article is in the spool, complete, or pending.
public import Logging
import CrawlerModel
import Dedup
import Extract
import Feeds
import Fetch
import Foundation
import Spool
import Store

/// Why the crawler could not start.
public struct CrawlerStartError: Error, CustomStringConvertible {
    public let description: String
}

/// The composition root: every stage built from one Config. Safe to share between tasks.
public final class Crawler: Sendable {
    /// How much work a crawler keeps in progress at once: the one-shot pass spends memory on throughput, the
    /// daemon keeps its resident memory low (see articleWindow).
    public enum Pacing: Sendable {
        /// `feedcrawler fetch`: three commit batches queue behind the transfers.
        case oneShot
        /// `feedcrawler run`: one commit batch behind the transfers.
        case daemon
    }

    public let config: Config
    let pacing: Pacing
    /// The configured feeds by name (article records name their feed).
    let feedsByName: [String: FeedConfig]
    let logger: Logger
    let fetcher: any Fetching
    let store: StateStore
    /// Saves feed states after polls, many polls per transaction.
    let feedStateCommitter: FeedStateCommitter
    /// Polls past the fetch stage at once (see Slots); the rest wait at the start of `refresh`.
    let pollSlots: Slots
    /// Articles holding a page at once (being fetched, or fetched and not yet extracted): bounds the memory of
    /// the article window, most of which is past extraction, holding only text (see articleWindow).
    let pageSlots: Slots
    let delivery: SpoolDelivery
    /// The thread that screens fetched articles for duplicates and spools them, a batch at a time.
    let committer = BatchingThread<ArticleCommit, CommitResult>(name: "feedcrawler.commit", maxBatch: SpoolDelivery.maxBatch)
    let extractor: Extractor
    let canonicalizer: URLCanonicalizer
    let pollPolicy: PollPolicy
    let backpressure: Backpressure
    /// Shared by every crawler a reload builds, so counters survive SIGHUP.
    let metrics: Metrics
    /// The running one-shot pass's progress, if it reports any.
    private let progressTracker = LockedValue<ProgressTracker?>(nil)

    /// Opens the state database and the spool, and finishes any delivery a crash interrupted.
    /// - Parameter fetcher: nil builds the libcurl fetcher from `config`; tests may pass their own.
    convenience init(config: Config, logger: Logger, pacing: Pacing = .oneShot,
                     fetcher: (any Fetching)? = nil) throws(CrawlerStartError) {
        let store: StateStore
        do {
            store = try StateStore(directory: config.stateDir)
        } catch {
            throw CrawlerStartError(description: "cannot open the state database in \(config.stateDir): \(error)")
        }
        let delivery: SpoolDelivery
        do {
            delivery = try SpoolDelivery(directory: config.spoolDir, ledger: store)
            let recovery = try delivery.recover()
            if !recovery.completed.isEmpty || !recovery.removedTemporaryFiles.isEmpty {
                logger.notice("Finished deliveries interrupted by a crash.", metadata: [
                    "completed": "\(recovery.completed.count)", "renamed": "\(recovery.renamed.count)",
                    "temp_removed": "\(recovery.removedTemporaryFiles.count)"])
            }
        } catch {
            throw CrawlerStartError(description: "cannot use the spool directory \(config.spoolDir): \(error)")
        }
        try self.init(config: config, logger: logger, pacing: pacing, store: store, delivery: delivery,
                      metrics: Metrics(), fetcher: fetcher)
    }

    /// The same crawler with a new configuration (SIGHUP): keeps the open state database and spool (the spool
    /// admits one writer, and reopening would race in-flight deliveries) and the metrics; builds every other
    /// stage anew. Moving the spool or state directory needs a restart.
    func reconfigured(_ newConfig: Config) throws(CrawlerStartError) -> Crawler {
        guard newConfig.spoolDir == config.spoolDir, newConfig.stateDir == config.stateDir else {
            throw CrawlerStartError(description: "spool_dir and state_dir cannot change on reload; restart instead")
        }
        return try Crawler(config: newConfig, logger: logger, pacing: pacing, store: store, delivery: delivery,
                           metrics: metrics, fetcher: nil)
    }

    /// Builds every stage from `config` around an open state database and spool.
    private init(config: Config, logger: Logger, pacing: Pacing, store: StateStore, delivery: SpoolDelivery,
                 metrics: Metrics, fetcher: (any Fetching)?) throws(CrawlerStartError) {
        self.config = config
        self.pacing = pacing
        feedsByName = Dictionary(config.feeds.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.logger = logger
        self.metrics = metrics
        self.store = store
        self.delivery = delivery
        do {
            extractor = Extractor(rules: try config.siteRulesDir.map { try SiteRules.load(directory: $0) } ?? .builtIn)
        } catch {
            throw CrawlerStartError(description: "cannot load site rules: \(error)")
        }
        if let fetcher {
            self.fetcher = fetcher
        } else {
            do { self.fetcher = try makeFetcher(FetchSettings(config: config)) } catch {
                throw CrawlerStartError(description: "cannot start the fetcher: \(error)")
            }
        }
        canonicalizer = URLCanonicalizer()
        feedStateCommitter = FeedStateCommitter(store: store)
        pollSlots = Slots(Self.pollConcurrency(config))
        pageSlots = Slots(4 * max(1, config.maxConcurrentTransfers))
        pollPolicy = PollPolicy(config: config)
        backpressure = Backpressure(writer: delivery.writer, maxFiles: config.spoolMaxFiles,
                                    minFreeBytes: config.minFreeDiskBytes, logger: logger)
    }

    /// Builds the crawler for `config` with the real fetcher.
    public convenience init(config: Config, logger: Logger, pacing: Pacing = .oneShot) throws(CrawlerStartError) {
        try self.init(config: config, logger: logger, pacing: pacing, fetcher: nil)
    }

    /// A fetch, with its latency, bytes and outcome counted.
    func timedFetch(_ request: FetchRequest) async -> FetchOutcome {
        let started = ContinuousClock.now
        let outcome = await fetcher.fetch(request)
        let elapsed = ContinuousClock.now - started
        metrics.observe("feedcrawler_fetch_duration_seconds",
                        seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
                        ["purpose": request.purpose.rawValue])
        if let response = outcome.response { metrics.increment("feedcrawler_fetched_bytes_total", by: Double(response.body.count)) }
        return outcome
    }

    /// Sets the gauges and writes the metrics file, when configured. Called periodically by the daemon and at
    /// the end of `fetch`.
    func publishMetrics(feedCount: Int) {
        let pending = (try? store.articleCounts())?[.pending] ?? 0
        metrics.set("feedcrawler_pending_articles", Double(pending))
        metrics.set("feedcrawler_feeds", Double(feedCount))
        metrics.set("feedcrawler_spool_paused", backpressure.isPaused ? 1 : 0)
        guard let path = config.metricsFile else { return }
        do { try metrics.write(to: path) } catch {
            logger.warning("Could not write the metrics file.", metadata: ["file": "\(path)", "error": "\(error)"])
        }
    }

    /// Forgets seen URLs and fingerprints older than `dedup_window` (pending articles are kept) and compacts
    /// the database when a quarter of it is free. The daemon calls it at start and daily; `fetch` at start.
    func maintainState() {
        do {
            let report = try store.maintain(windowDays: config.dedupWindowDays)
            logger.info("State maintained.", metadata: ["window_days": "\(config.dedupWindowDays)",
                                                      "pruned_articles": "\(report.articles)", "pruned_guids": "\(report.guids)"])
        } catch {
            logger.warning("State maintenance failed.", metadata: ["error": "\(error)"])
        }
    }

    // MARK: - State for the scheduler and status

    /// Persisted next-due times by feed name (empty when the database cannot be read).
    func persistedDueTimes() -> [String: Date] {
        let states = (try? store.feedStates()) ?? []
        return Dictionary(states.compactMap { state in state.nextDueAt.map { (state.name, $0) } },
                          uniquingKeysWith: { first, _ in first })
    }

    /// Articles written since local midnight (the machine's time zone, as the operator reads the clock).
    func articlesWrittenToday(now: Date = Date()) -> Int {
        (try? store.articlesToday(now: now, utcOffsetSeconds: TimeZone.current.secondsFromGMT(for: now))) ?? 0
    }

    // MARK: - One pass

    /// Polls running at once: enough to keep every transfer slot busy while some polls wait for their host's
    /// turn or for the state commit.
    static func pollConcurrency(_ config: Config) -> Int { max(64, config.maxConcurrentTransfers * 4) }

    /// Polls the given feeds (concurrently, politeness per host is the fetcher's job) and processes every
    /// pending article of those feeds, the articles starting as soon as the first polls have enqueued some
    /// (waiting for every poll first left the transfer slots idle for the poll phase, ~12% of a 10,000-article
    /// pass). What `feedcrawler fetch` runs.
    /// - Parameter progress: called (from any thread) after each feed poll and each article.
    public func runPass(feeds: [FeedConfig], progress: (@Sendable (FetchProgress) -> Void)? = nil) async -> FetchRunReport {
        let started = ContinuousClock.now
        var reports: [String: FeedRunReport] = [:]
        let tracker = ProgressTracker(feedsTotal: feeds.filter(\.enabled).count, report: progress)
        progressTracker.withLock { $0 = tracker }
        defer { progressTracker.withLock { $0 = nil } }
        let polling = PollingProgress()
        async let articleOutcomes = processPending(feeds: Set(feeds.map(\.name)), whilePolling: polling)
        await withTaskGroup(of: FeedRunReport.self) { group in
            // A window of polls rather than one task per feed up front: 100,000 tasks cost memory for nothing
            // (only pollConcurrency of them poll at once; the others here wait for their state commit).
            var pending = feeds.lazy.filter(\.enabled).makeIterator()
            // Every stored feed state in one query: a read transaction per feed cost ~8% of an all-304 pass's CPU.
            let stored = (try? store.feedStates()).map { states in
                Dictionary(states.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            }
            for _ in 0..<Self.pollConcurrency(config) * 4 {
                guard let feed = pending.next() else { break }
                group.addTask { await self.refresh(feed, storedStates: stored) }
            }
            for await report in group {
                reports[report.feed] = report
                // Only a parsed feed can have enqueued articles (a 304, a failure or a skip cannot): an all-304
                // pass of 100,000 feeds then costs no extra reads of the queue.
                if report.status == .polled { polling.advance() }
                tracker.update { $0.feedsPolled += 1 }
                if let feed = pending.next() { group.addTask { await self.refresh(feed, storedStates: stored) } }
            }
        }
        polling.finish()
        let outcomes = await articleOutcomes
        for feed in feeds where !feed.enabled {
            reports[feed.name] = FeedRunReport(feed: feed.name, status: .skipped(reason: "disabled"))
        }
        for (feed, outcome) in outcomes {
            switch outcome {
            case .written: reports[feed]?.written += 1
            case .duplicate: reports[feed]?.duplicates += 1
            case .failed, .retryLater: reports[feed]?.failed += 1
            case .deferred: reports[feed]?.deferred += 1
            }
        }
        let ordered = feeds.compactMap { reports[$0.name] }
        return FetchRunReport(feeds: ordered, elapsedMilliseconds: started.millisecondsSince)
    }

    // MARK: - Poll -> parse -> enqueue

    /// Polls one feed and enqueues its new items. Never throws: a failure is the report's status.
    public func refresh(_ feed: FeedConfig) async -> FeedRunReport {
        await refresh(feed, storedStates: nil)
    }

    /// - Parameter storedStates: every feed's stored state, read beforehand (nil: read this feed's own).
    func refresh(_ feed: FeedConfig, storedStates: [String: FeedState]?) async -> FeedRunReport {
        let started = ContinuousClock.now
        await pollSlots.acquire()
        var stateToSave: FeedState?
        var report = await pollAndEnqueue(feed, started: started, storedStates: storedStates, stateToSave: &stateToSave)
        pollSlots.release()  // before the commit: waiting for it is cheap, and the next poll can start
        if let stateToSave, let error = await feedStateCommitter.save(stateToSave) {
            logger.error("Could not save feed state.", metadata: ["feed": "\(feed.name)", "error": "\(error)"])
        }
        report.elapsedMilliseconds = started.millisecondsSince
        return report
    }

    /// Polls and enqueues; leaves the feed's new state in `stateToSave` (the caller commits it, grouped with
    /// other polls' states).
    private func pollAndEnqueue(_ feed: FeedConfig, started: ContinuousClock.Instant, storedStates: [String: FeedState]?,
                                stateToSave: inout FeedState?) async -> FeedRunReport {
        var report = FeedRunReport(feed: feed.name, status: .polled)
        var state = storedStates.map { $0[feed.name] } ?? ((try? store.feedState(name: feed.name)) ?? nil)
        if state?.url != feed.url { state = FeedState(name: feed.name, url: feed.url) }  // new, or URL changed
        var feedState = state ?? FeedState(name: feed.name, url: feed.url)
        if let disabled = feedState.disabledReason {
            // A 410 Gone stays gone until the operator changes the feed's URL (which resets its state).
            report.status = .skipped(reason: "disabled \(disabled)")
            return report
        }
        var observation = PollPolicy.Observation()
        defer {
            let now = Date()
            feedState.lastPollAt = now
            observation.consecutiveFailures = feedState.consecutiveFailures
            feedState.nextDueAt = pollPolicy.nextDue(for: feed, after: observation, now: now, random: .random(in: 0..<1))
            report.nextDueAt = feedState.nextDueAt
            stateToSave = feedState
        }

        let url = pollURL(of: feed, state: feedState)
        let request = FetchRequest(url: url, purpose: .feed, etag: feedState.etag,
                                   lastModified: feedState.lastModified, maxBytes: config.maxFeedBytes)
        let outcome = await timedFetch(request)
        feedState.lastOutcome = outcome.reason
        metrics.increment("feedcrawler_polls_total", ["outcome": outcome.reason.split(separator: " ").first.map(String.init) ?? ""])
        metrics.set("feedcrawler_last_poll_timestamp_seconds", Date().timeIntervalSince1970)
        let response: FetchResponse
        switch outcome {
        case .fresh(let fresh):
            response = fresh
            notePermanentMove(fresh, feed: feed, state: &feedState)
        case .notModified:
            report.status = .notModified
            feedState.lastNewItems = 0
            feedState.consecutiveFailures = 0
            feedState.lastSuccessAt = Date()
            logger.info("Feed not modified.", metadata: ["feed": "\(feed.name)", "status": "304",
                                                          "ms": "\(started.millisecondsSince)"])
            return report
        case .rateLimited(let retryAfter):
            report.status = .failed(reason: outcome.reason)
            feedState.consecutiveFailures += 1
            observation.retryAfterSeconds = retryAfter
            logger.warning("Feed poll rate-limited.", metadata: ["feed": "\(feed.name)", "url": "\(url)",
                                                                 "reason": "\(outcome.reason)"])
            return report
        case .permanent(.gone):
            report.status = .failed(reason: outcome.reason)
            feedState.consecutiveFailures += 1
            feedState.disabledReason = "http_410"
            logger.error("Feed is gone (410); disabled until its URL changes.", metadata: [
                "feed": "\(feed.name)", "url": "\(feed.url)", "reason": "http_410"])
            return report
        case .transient, .permanent:
            report.status = .failed(reason: outcome.reason)
            feedState.consecutiveFailures += 1
            logger.warning("Feed poll failed.", metadata: ["feed": "\(feed.name)", "url": "\(url)",
                                                           "reason": "\(outcome.reason)",
                                                           "failures": "\(feedState.consecutiveFailures)"])
            return report
        }
        observation.cacheMaxAgeSeconds = response.cacheMaxAgeSeconds

        let parsed: ParsedFeed
        do throws(FeedParseError) {
            parsed = try await readSource(response, feed: feed, state: &feedState)
        } catch {
            report.status = .failed(reason: error.reason.rawValue)
            feedState.consecutiveFailures += 1
            feedState.lastOutcome = error.reason.rawValue
            logger.warning("Feed could not be parsed.", metadata: ["feed": "\(feed.name)", "url": "\(response.finalURL)",
                                                                   "reason": "\(error.reason.rawValue)", "detail": "\(error.message)"])
            return report
        }
        for warning in parsed.warnings {
            logger.warning("Feed parsed with a problem worked around.", metadata: [
                "feed": "\(feed.name)", "url": "\(response.finalURL)", "reason": "\(warning.rawValue)"])
        }
        observation.itemDates = parsed.items.compactMap { $0.published ?? $0.updated }
        observation.feedHintSeconds = parsed.updateIntervalHintSeconds
        feedState.consecutiveFailures = 0
        feedState.lastSuccessAt = Date()

        let counts = enqueue(parsed.items, feed: feed)
        report.duplicates += counts.known
        report.deferred = counts.deferred
        feedState.lastNewItems = counts.new
        if counts.deferred > 0 {
            // Items left for later: the next poll must see the whole feed again (no 304) and come soon.
            feedState.etag = nil
            feedState.lastModified = nil
            observation.backlog = true
        } else {
            feedState.etag = response.etag
            feedState.lastModified = response.lastModified
        }
        logger.info("Feed polled.", metadata: ["feed": "\(feed.name)", "status": "\(response.status)",
                                               "items": "\(parsed.items.count)", "new": "\(counts.new)",
                                               "deferred": "\(counts.deferred)", "bytes": "\(response.body.count)",
                                               "ms": "\(started.millisecondsSince)"])
        return report
    }

    /// What enqueueing a poll's items did.
    struct EnqueueCounts { var new = 0, known = 0, deferred = 0 }

    /// Dedup before fetching: a GUID this feed already gave, or a canonical URL already known, is not fetched.
    /// At most `max_items_per_poll` new items are taken (in feed order); the rest are left for later polls,
    /// so a 100,000-item feed cannot starve the others. One transaction for the whole batch.
    func enqueue(_ items: [FeedItem], feed: FeedConfig) -> EnqueueCounts {
        var counts = EnqueueCounts()
        var batch: [NewArticle] = []
        var batchURLs = Set<String>()
        // Canonicalise every item's link, then ask the state store about all of them at once.
        var candidates: [(item: FeedItem, link: String, canonical: String)] = []
        for item in items {
            // Without a link, an http(s) id (RSS 1.0 rdf:about, a permalink-like guid) names the article.
            guard let link = item.link ?? item.id.flatMap({ $0.hasPrefix("https://") || $0.hasPrefix("http://") ? $0 : nil })
            else { continue }
            do {
                candidates.append((item, link, try canonicalizer.canonicalize(link)))
            } catch {
                logger.info("Item link skipped.", metadata: ["feed": "\(feed.name)", "url": "\(link)", "reason": "\(error.reason)"])
            }
        }
        let known: (guids: Set<String>, canonicalURLs: Set<String>)
        do {
            known = try store.knownItems(feed: feed.name, guids: candidates.compactMap(\.item.id),
                                         canonicalURLs: candidates.map(\.canonical))
        } catch {
            logger.error("Could not look up the feed's items.", metadata: ["feed": "\(feed.name)", "error": "\(error)"])
            return counts
        }
        for (item, link, canonical) in candidates {
            if let guid = item.id, known.guids.contains(guid) { counts.known += 1; continue }
            if batchURLs.contains(canonical) || known.canonicalURLs.contains(canonical) {
                counts.known += 1
                continue
            }
            if batch.count >= config.maxItemsPerPoll {
                counts.deferred += 1
                continue
            }
            batchURLs.insert(canonical)
            batch.append(NewArticle(canonicalURL: canonical, articleID: ArticleID(canonicalURL: canonical).hex,
                                    feed: feed.name, guid: item.id, url: link, title: item.title))
        }
        do {
            for result in try store.enqueue(batch) {
                switch result {
                case .enqueued: counts.new += 1
                case .alreadyKnown: counts.known += 1
                }
            }
        } catch {
            logger.error("Could not record the feed's items.", metadata: ["feed": "\(feed.name)", "error": "\(error)"])
        }
        return counts
    }

    // MARK: - Fetch -> extract -> dedup -> spool

    enum ArticleOutcome: Sendable { case written, duplicate, failed, retryLater, deferred }

    /// How many articles complete between two backpressure checks (a check lists the spool directory).
    static let backpressureCheckEvery = 64

    /// Pending articles read from the state database at a time: several windows, so that a page spans many
    /// hosts to interleave (see PendingQueue).
    var pendingBatchSize: Int { 4 * articleWindow }

    /// Articles in progress at once: enough to keep every transfer slot busy plus batches waiting for the
    /// commit thread (holding only their text); at most `pageSlots` of them hold a page. With only
    /// `maxConcurrentTransfers`, every slot ended up waiting for the spool, batches held 1-3 articles and each
    /// paid its own fsyncs (2.8 fsyncs per article in a 10,000-article crawl). A one-shot pass queues three
    /// batches; the daemon one: in the 10,000-feed soak (Scripts/soak) the three-batch window (224 articles at
    /// 32 transfers) held ~9 MB of heap above the steady state while a backlog drained, and glibc keeps the
    /// heap's high-water mark resident.
    var articleWindow: Int {
        let queuedBatches = switch pacing { case .oneShot: 3; case .daemon: 1 }
        return max(1, config.maxConcurrentTransfers) + queuedBatches * SpoolDelivery.maxBatch
    }

    /// Processes the pending articles of these feeds (nil = all), at most `articleWindow` at once (of which at
    /// most `pageSlots` hold a page), until none is due. The queue is read a page at a time in key
    /// order, the next page as soon as the current one is used up, so the transfers never drain to zero between
    /// pages. Stops starting new articles when backpressure pauses writing; the rest of the page read comes
    /// back as `.deferred` (those articles stay pending). Returns (feed, outcome) pairs.
    /// - Parameter polling: the pass's polls, when they are still running: the queue's end is read again each
    ///   time they have enqueued more, and processing ends only once they are done.
    func processPending(feeds: Set<String>?, whilePolling polling: PollingProgress? = nil) async -> [(String, ArticleOutcome)] {
        var results: [(String, ArticleOutcome)] = []
        var queue = PendingQueue(store: store, pageSize: pendingBatchSize, feeds: feeds, logger: logger)
        var paused = backpressure.check() != nil
        if !paused {
            await withTaskGroup(of: (String, ArticleOutcome).self) { group in
                var inFlight = 0
                var pollsSeen = polling?.version ?? 0
                func startMore() {
                    if let polling, queue.isExhausted, polling.version != pollsSeen {
                        pollsSeen = polling.version
                        queue.readPastTheEndAgain()
                    }
                    while !paused, !Task.isCancelled, inFlight < articleWindow, backpressure.admits(inFlight: inFlight),
                          let record = queue.next() {
                        group.addTask { (record.feed, await self.process(record)) }
                        inFlight += 1
                    }
                }
                startMore()
                var completed = 0
                while true {
                    if inFlight == 0 {
                        // Nothing under way: done, unless polls still running may enqueue more.
                        guard let polling, !paused, !Task.isCancelled, await polling.waitForChange(after: pollsSeen) else { break }
                        startMore()
                        continue
                    }
                    guard let result = await group.next() else { break }
                    results.append(result)
                    inFlight -= 1
                    completed += 1
                    if completed % Self.backpressureCheckEvery == 0 || backpressure.mayBeFull {
                        paused = backpressure.check() != nil
                    }
                    startMore()
                }
            }
        }
        results += queue.unstarted().map { ($0.feed, .deferred) }
        return results
    }

    /// One article, top to bottom (counted for the progress line when a pass tracks one).
    func process(_ record: ArticleRecord) async -> ArticleOutcome {
        let outcome = await processArticle(record)
        if let tracker = progressTracker.withLock({ $0 }) {
            tracker.update {
                $0.articlesDone += 1
                if case .written = outcome { $0.articlesWritten += 1 }
                if case .failed = outcome { $0.articlesFailed += 1 }
                if case .retryLater = outcome { $0.articlesFailed += 1 }
            }
        }
        return outcome
    }

    private func processArticle(_ record: ArticleRecord) async -> ArticleOutcome {
        let started = ContinuousClock.now
        let log: Logger.Metadata = ["feed": "\(record.feed)", "url": "\(record.url)"]

        // Fetch (the site's single-page variant when its rule knows one) and extract, holding a page slot.
        await pageSlots.acquire()
        var holdingPage = true
        defer { if holdingPage { pageSlots.release() } }
        let pageURL = extractor.singlePageURL(for: record.url) ?? record.url
        let robots = feedsByName[record.feed]?.respectRobotsTxt
        let outcome = await timedFetch(FetchRequest(url: pageURL, purpose: .article, maxBytes: config.maxPageBytes,
                                                    respectRobotsTxt: robots))
        guard case .fresh(let page) = outcome else {
            return fail(record, reason: outcome.reason, retryable: outcome.isWorthRetrying, log)
        }

        // Extract, off the cooperative thread pool (a large page's parse takes milliseconds of CPU). A page that
        // is the whole article (the common case) is also fingerprinted and staged in the same hop: one thread
        // handoff per article instead of two.
        let extractor = self.extractor
        let followsPages = pageURL == record.url
        let hop = await BlockingWork.run { () -> ExtractionHop in
            let report = extractor.report(html: page.body, url: page.finalURL, charset: page.charset)
            guard case .article(let article) = report.result, report.nextPageURL == nil || !followsPages else {
                return .extracted(report)
            }
            return .staged(self.stage(record: record, article: article, url: page.finalURL))
        }
        let staging: Result<ArticleCommit, SpoolError>
        switch hop {
        case .staged(let staged):
            staging = staged
            pageSlots.release()
            holdingPage = false
        case .extracted(let report):
            guard case .article(var article) = report.result else {
                if case .rejected(let reason) = report.result { return fail(record, reason: reason, retryable: false, log) }
                return fail(record, reason: "no_content", retryable: false, log)
            }
            // A split article without a single-page variant: follow its next-page links and stitch the pages.
            if let next = report.nextPageURL, followsPages {
                article = await followNextPages(from: next, first: article, firstURL: page.finalURL, log)
            }
            pageSlots.release()
            holdingPage = false
            let (finalArticle, finalURL) = (article, page.finalURL)
            staging = await BlockingWork.run { self.stage(record: record, article: finalArticle, url: finalURL) }
        }

        // Dedup and the rest of the spool protocol happen on the commit thread, in a batch with the articles
        // finishing at the same time.
        let commit: ArticleCommit
        switch staging {
        case .success(let staged): commit = staged
        case .failure(let error): return writeFailed(error, log)
        }
        switch await committer.submit(commit, work: { batch in self.commit(batch) }) {
        case .duplicate(let of, let stage):
            metrics.increment("feedcrawler_duplicates_total", ["stage": stage.rawValue])
            logger.info("Duplicate skipped.", metadata: log.merging(["stage": "\(stage.rawValue)", "of": "\(of)"]) { $1 })
            return .duplicate
        case .notPending:
            logger.warning("Article no longer pending after fetching; skipped.", metadata: log)
            return .failed
        case .stateError(let error):
            return fail(record, reason: "state_error", retryable: true, log.merging(["error": "\(error)"]) { $1 })
        case .delivered(.written(let name)):
            backpressure.noteWritten()
            metrics.increment("feedcrawler_articles_written_total")
            logger.info("Article written.", metadata: log.merging([
                "file": "\(name.textFileName)", "words": "\(commit.document.sidecar.wordCount)",
                "ms": "\(started.millisecondsSince)"]) { $1 })
            return .written
        case .delivered(.notPending):
            // Caught at claim time: a copy of this article was claimed for the spool a moment earlier.
            if let current = try? store.article(key: record.key), current.state == .duplicate {
                metrics.increment("feedcrawler_duplicates_total", ["stage": current.duplicateStage?.rawValue ?? "claim"])
                logger.info("Duplicate skipped.", metadata: log.merging([
                    "stage": "\(current.duplicateStage?.rawValue ?? "claim")", "of": "\(current.duplicateOf ?? "")"]) { $1 })
            }
            return .duplicate
        case .delivered(.failed(let error)):
            return writeFailed(error, log)
        case .delivered(.interrupted(let name, let error)):
            logger.error("Article delivery interrupted; it completes on the next start.", metadata: log.merging([
                "file": "\(name.textFileName)", "reason": "\(error.reason)"]) { $1 })
            return .retryLater
        }
    }

    /// The spool's files could not be written (staging or delivery): the article stays pending for a retry.
    private func writeFailed(_ error: SpoolError, _ log: Logger.Metadata) -> ArticleOutcome {
        logger.error("Article could not be written; it stays pending.", metadata: log.merging([
            "reason": "\(error.reason)", "error": "\(error)"]) { $1 })
        return .retryLater
    }

    /// What the extraction hop hands back: the article already staged, or the report when a failure or more
    /// pages follow.
    private enum ExtractionHop: Sendable {
        case staged(Result<ArticleCommit, SpoolError>)
        case extracted(ExtractionReport)
    }

    /// Fingerprints the body and writes the spool's temp files (CPU and file work: called off the cooperative
    /// pool, on several articles in parallel).
    private func stage(record: ArticleRecord, article: ExtractedArticle, url: String) -> Result<ArticleCommit, SpoolError> {
        let pageCanonical = usablePageCanonical(article.metadata.canonicalURL, fetchedFrom: url)
        let commit = ArticleCommit(record: record, article: article, url: url, pageCanonicalURL: pageCanonical)
        do throws(SpoolError) { try delivery.stage(commit.document) } catch { return .failure(error) }
        return .success(commit)
    }

    /// Dedup after fetching, then the spool, for a batch of staged articles, on the commit thread: one
    /// screening transaction for the batch (duplicates are marked there, and their temp files removed), then
    /// the rest of the spool protocol for the articles that passed (one sync, durable claim, publish,
    /// confirm). Only this thread writes to the state database while articles are processed, so no task ever
    /// waits for the writer, and the syncs are shared by the batch.
    func commit(_ batch: [ArticleCommit]) -> [CommitResult] {
        let screened: [ScreeningResult]
        do {
            screened = try store.screenFetched(batch.map(\.fetched))
        } catch {
            for commit in batch { delivery.discardStaged(commit.document) }
            return batch.map { _ in .stateError("\(error)") }
        }
        for (commit, result) in zip(batch, screened) where result != .clear { delivery.discardStaged(commit.document) }
        let clear = screened.indices.filter { screened[$0] == .clear }
        var deliveries = delivery.deliverStaged(clear.map { batch[$0].document }).makeIterator()
        return screened.map { result in
            switch result {
            case .duplicate(let of, let stage): .duplicate(of: of, stage: stage)
            case .notPending: .notPending
            case .clear: .delivered(deliveries.next()!)  // one outcome per clear article, in order
            }
        }
    }

    /// A page's rel=canonical is trusted only when it is a plausible article URL: http(s), and not the site's
    /// home page (some CMSs point every page's canonical at "/", which would merge every article into one).
    func usablePageCanonical(_ raw: String?, fetchedFrom pageURL: String) -> String? {
        guard let raw, let canonical = try? canonicalizer.canonicalize(raw), Self.hasPathBelowRoot(canonical) else {
            return nil
        }
        return canonical
    }

    /// True when a canonical URL (always "scheme://authority/path[?query]") has a path longer than "/". Read on
    /// bytes: Foundation's URL would also run IDNA through ICU, whose tables then stay resident (~3 MB RSS).
    static func hasPathBelowRoot(_ canonical: String) -> Bool {
        let bytes = canonical.utf8
        guard let schemeColon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return false }
        let authority = bytes[schemeColon...].dropFirst(3)  // "://"
        guard let slash = authority.firstIndex(of: UInt8(ascii: "/")) else { return false }
        let afterSlash = bytes.index(after: slash)
        return afterSlash < bytes.endIndex && bytes[afterSlash] != UInt8(ascii: "?")
    }

    /// Records a failed attempt: retryable ones stay pending with a backoff (1 min, doubling, at most 6 h,
    /// given up after 8 attempts), the others fail for good.
    func fail(_ record: ArticleRecord, reason: String, retryable: Bool, _ log: Logger.Metadata) -> ArticleOutcome {
        metrics.increment("feedcrawler_article_failures_total", ["reason": reason])
        let attempts = record.attempts + 1
        let retry = retryable && attempts < 8
        let backoffSeconds = min(6 * 3600.0, 60 * pow(2, Double(attempts - 1)))
        do {
            try store.markFailed(key: record.key, reason: reason, retryAt: retry ? Date().addingTimeInterval(backoffSeconds) : nil)
        } catch {
            logger.error("Could not record a failure.", metadata: log.merging(["error": "\(error)"]) { $1 })
        }
        logger.warning("Article failed.", metadata: log.merging([
            "reason": "\(reason)", "attempt": "\(attempts)", "retry": retry ? "\(Int(backoffSeconds))s" : "no"]) { $1 })
        return retry ? .retryLater : .failed
    }
}

extension ContinuousClock.Instant {
    /// Whole milliseconds from this instant to now.
    var millisecondsSince: Int {
        let elapsed = ContinuousClock.now - self
        return Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }
}

/// `feedcrawler fetch`: one pass over all enabled feeds, or the named ones.
public func runFetchOnce(config: Config, feedNames: [String], logger: Logger,
                         progress: (@Sendable (FetchProgress) -> Void)? = nil) async throws(CrawlerStartError) -> FetchRunReport {
    let crawler = try Crawler(config: config, logger: logger)
    crawler.maintainState()
    let feeds = feedNames.isEmpty ? config.feeds : config.feeds.filter { feedNames.contains($0.name) }
    let report = await crawler.runPass(feeds: feeds, progress: progress)
    crawler.publishMetrics(feedCount: config.feeds.filter(\.enabled).count)
    return report
}

/// Counts a pass's progress and hands each new state to the caller's callback.
final class ProgressTracker: @unchecked Sendable {
    private let lock = NSLock()
    private var progress = FetchProgress()
    private let report: (@Sendable (FetchProgress) -> Void)?

    init(feedsTotal: Int, report: (@Sendable (FetchProgress) -> Void)?) {
        progress.feedsTotal = feedsTotal
        self.report = report
    }

    func update(_ change: (inout FetchProgress) -> Void) {
        guard let report else { return }
        let snapshot = lock.withLock { () -> FetchProgress in
            change(&progress)
            return progress
        }
        report(snapshot)
    }
}

/// A value behind a lock, for the few mutable fields of otherwise immutable Sendable classes.
final class LockedValue<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) -> T) -> T { lock.withLock { body(&value) } }
}

/// The pending articles of one pass, read from the state store a page at a time in key order (keyset paging:
/// each page starts after the page before it, so no article is offered twice in a pass and no page re-reads
/// the queue's head). Within a page, articles are handed out host by host in turn: a feed's items arrive with
/// consecutive keys, and in key order the whole window of in-flight articles sat on one or two hosts, waiting
/// for their per-host limit (2 by default) while the transfer slots stayed idle.
struct PendingQueue {
    let store: StateStore
    let pageSize: Int
    let feeds: Set<String>?
    let logger: Logger
    private var page: [ArticleRecord] = []
    private var position = 0
    private var lastKey: Int64?
    private var exhausted = false

    init(store: StateStore, pageSize: Int, feeds: Set<String>?, logger: Logger) {
        self.store = store
        self.pageSize = pageSize
        self.feeds = feeds
        self.logger = logger
    }

    mutating func next() -> ArticleRecord? {
        if position == page.count {
            guard !exhausted else { return nil }
            do {
                page = try store.pendingArticles(limit: pageSize, feeds: feeds, afterKey: lastKey)
            } catch {
                logger.error("Could not read pending articles.", metadata: ["error": "\(error)"])
                page = []
            }
            position = 0
            if page.count < pageSize { exhausted = true }
            guard let last = page.last else { return nil }
            lastKey = last.key
            page = Self.interleavedByHost(page)
        }
        defer { position += 1 }
        return page[position]
    }

    /// One article of each host in turn (hosts in order of first appearance, each host's articles in key order).
    static func interleavedByHost(_ records: [ArticleRecord]) -> [ArticleRecord] {
        var queues: [[ArticleRecord]] = []
        var queueOfHost: [Substring: Int] = [:]
        for record in records {
            let host = hostPart(of: record.url)
            if let index = queueOfHost[host] {
                queues[index].append(record)
            } else {
                queueOfHost[host] = queues.count
                queues.append([record])
            }
        }
        guard queues.count > 1 else { return records }
        var result: [ArticleRecord] = []
        result.reserveCapacity(records.count)
        var round = 0
        while result.count < records.count {
            for queue in queues where round < queue.count { result.append(queue[round]) }
            round += 1
        }
        return result
    }

    /// The authority of an http(s) URL ("host:port"), or the whole string when it has none.
    static func hostPart(of url: String) -> Substring {
        // On the UTF-8 view: Foundation's range(of:) was the costliest part of the page's interleaving.
        let utf8 = url.utf8
        guard let colon = utf8.firstIndex(of: UInt8(ascii: ":")), utf8[colon...].starts(with: "://".utf8) else {
            return Substring(url)
        }
        let start = utf8.index(colon, offsetBy: 3)
        let end = utf8[start...].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }
        return url[start..<(end ?? utf8.endIndex)]
    }

    /// True once a short page showed the queue's end.
    var isExhausted: Bool { exhausted && position == page.count }

    /// After more articles were enqueued: the next call reads on from the last page's end.
    mutating func readPastTheEndAgain() { exhausted = false }

    /// What was read but not handed out.
    func unstarted() -> ArraySlice<ArticleRecord> { page[position...] }
}

/// A fetched, extracted article ready for the commit thread: what the screening compares and the spool files.
struct ArticleCommit: Sendable {
    let fetched: FetchedArticle
    let document: SpoolDocument

    /// Fingerprints the body and renders the spool text and sidecar (CPU work: run it off the cooperative pool).
    init(record: ArticleRecord, article: ExtractedArticle, url: String, pageCanonicalURL: String?) {
        fetched = FetchedArticle(key: record.key, canonicalURL: record.canonicalURL, pageCanonicalURL: pageCanonicalURL,
                                 fingerprint: BodyFingerprint(paragraphs: article.paragraphs))
        let canonical = pageCanonicalURL ?? record.canonicalURL
        let sidecar = SpoolSidecar(article: article, id: ArticleID(canonicalURL: canonical).hex, url: url,
                                   canonicalURL: canonical, feed: record.feed,
                                   fetchedAt: Date(), extractorVersion: Extractor.version)
        document = SpoolDocument(articleKey: record.key, text: article.spoolText, sidecar: sidecar)
    }
}

/// What the commit thread did with one article.
enum CommitResult: Sendable {
    /// Marked as a copy of `of` (a spool name or canonical URL), found by `stage`.
    case duplicate(of: String, stage: DuplicateStage)
    /// No longer pending when screened: nothing done.
    case notPending
    /// The state database failed during the screening: the article stays pending.
    case stateError(String)
    /// Screened clear and handed to the spool, with this outcome.
    case delivered(SpoolDeliveryOutcome)
}

/// How far a pass's polls have got, for the article side of the same pass: `version` grows after every poll
/// that may have enqueued articles (they are committed by then) and once more when all are done.
/// @unchecked Sendable: all mutable state is guarded by `lock`.
final class PollingProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var currentVersion = 0
    private var finished = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    var version: Int { lock.withLock { currentVersion } }

    /// A poll has finished (and enqueued whatever it found).
    func advance() { bump(finishing: false) }

    /// Every poll has finished.
    func finish() { bump(finishing: true) }

    /// Waits until the version is above `seen` (true) or the polls are done without that (false).
    func waitForChange(after seen: Int) async -> Bool {
        while true {
            let (version, done) = lock.withLock { (currentVersion, finished) }
            if version > seen { return true }
            if done { return false }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = lock.withLock {
                    if currentVersion > seen || finished { return true }
                    waiters.append(continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        }
    }

    private func bump(finishing: Bool) {
        let woken = lock.withLock {
            currentVersion += 1
            if finishing { finished = true }
            defer { waiters = [] }
            return waiters
        }
        for waiter in woken { waiter.resume() }
    }
}
