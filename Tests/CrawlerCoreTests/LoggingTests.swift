// The log line formats: text, JSON lines, and the journald priority prefix, through a real Logger.
import Testing
import Foundation
import Logging
@testable import CrawlerCore

/// Collects lines written by the handler (thread-safe: swift-log may call from any thread).
final class CollectedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []

    var lines: [String] { lock.withLock { storage } }
    var sink: LogSink { LogSink { line in self.lock.withLock { self.storage.append(line) } } }
}

@Suite struct LoggingTests {
    /// 2026-11-23T05:50:01.123Z
    static let fixedTime = 1_795_413_001_123

    func logger(format: LogFormat, journal: Bool, level: Logger.Level = .info,
                into collected: CollectedLines) -> Logger {
        Logger(label: "test") { _ in
            LineLogHandler(level: level, format: format, journal: journal, sink: collected.sink,
                           clock: { LoggingTests.fixedTime })
        }
    }

    @Test func textLineHasTimestampLevelSentenceAndSortedFields() {
        let collected = CollectedLines()
        let log = logger(format: .text, journal: false, into: collected)
        log.info("Feed polled.", metadata: ["status": "200", "feed": "detik", "new": "3", "ms": "120"])
        #expect(collected.lines == ["2026-11-23T05:50:01.123Z info Feed polled. feed=detik ms=120 new=3 status=200\n"])
    }

    @Test func valuesWithSpacesQuotesOrNothingAreQuoted() {
        let collected = CollectedLines()
        let log = logger(format: .text, journal: false, into: collected)
        log.warning("Fetch failed.", metadata: [
            "reason": "rate_limited retry_after=120s", "title": "say \"hi\"", "empty": "", "path": #"a\b"#,
            "list": ["a", "b"],
        ])
        #expect(collected.lines == [
            #"2026-11-23T05:50:01.123Z warning Fetch failed. empty="" list=[a,b] path="a\\b" reason="rate_limited retry_after=120s" title="say \"hi\""\#n"#,
        ])
    }

    @Test func newlinesNeverSplitAnEvent() {
        let collected = CollectedLines()
        let log = logger(format: .text, journal: false, into: collected)
        log.error("Two\nlines.", metadata: ["body": "x\ny", "bad key": "v"])
        #expect(collected.lines == [#"2026-11-23T05:50:01.123Z error Two\nlines. bad_key=v body="x\ny""# + "\n"])
    }

    @Test func journalModeHasPriorityPrefixAndNoTimestamp() {
        let collected = CollectedLines()
        let log = logger(format: .text, journal: true, level: .trace, into: collected)
        log.trace("t")
        log.debug("d")
        log.info("Article written.", metadata: ["file": "001_0123456789abcdef.txt"])
        log.notice("n")
        log.warning("w")
        log.error("e")
        log.critical("c")
        #expect(collected.lines == [
            "<7>trace t\n", "<7>debug d\n", "<6>info Article written. file=001_0123456789abcdef.txt\n",
            "<5>notice n\n", "<4>warning w\n", "<3>error e\n", "<2>critical c\n",
        ])
    }

    @Test func levelFilterDropsLowerLevels() {
        let collected = CollectedLines()
        let log = logger(format: .text, journal: false, level: .warning, into: collected)
        log.info("hidden")
        log.warning("shown")
        #expect(collected.lines.count == 1)
    }

    @Test func jsonLinesAreValidJSONWithTypedValues() throws {
        let collected = CollectedLines()
        var log = logger(format: .json, journal: false, into: collected)
        log[metadataKey: "run"] = "r1"
        log.info("Feed \"polled\".", metadata: [
            "feed": "detik", "status": .stringConvertible(200), "ok": .stringConvertible(true),
            "msg": "collides", "tags": ["a", "b"], "nested": ["k": "v"],
        ])
        #expect(collected.lines.count == 1)
        let line = collected.lines[0]
        #expect(line.hasSuffix("}\n"))
        #expect(line.hasPrefix(#"{"ts":"2026-11-23T05:50:01.123Z","level":"info","msg":"Feed \"polled\".","#))
        let object = try #require(
            JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["feed"] as? String == "detik")
        #expect(object["status"] as? Int == 200)
        #expect(object["ok"] as? Bool == true)
        #expect(object["_msg"] as? String == "collides")
        #expect(object["run"] as? String == "r1")
        #expect(object["tags"] as? [String] == ["a", "b"])
        #expect((object["nested"] as? [String: String]) == ["k": "v"])
    }

    @Test func jsonUnderJournalKeepsTimestampAndGetsPrefix() {
        let collected = CollectedLines()
        let log = logger(format: .json, journal: true, into: collected)
        log.error("x")
        #expect(collected.lines == [#"<3>{"ts":"2026-11-23T05:50:01.123Z","level":"error","msg":"x"}"# + "\n"])
    }

    @Test func callMetadataOverridesHandlerMetadataAndErrorsAreIncluded() {
        struct Failure: Error, CustomStringConvertible { var description: String { "boom" } }
        let collected = CollectedLines()
        var log = logger(format: .text, journal: false, into: collected)
        log[metadataKey: "feed"] = "outer"
        log.log(level: .error, "Failed.", error: Failure(), metadata: ["feed": "inner"])
        #expect(collected.lines == ["2026-11-23T05:50:01.123Z error Failed. error=boom feed=inner\n"])
    }

    @Test func timestamps() {
        #expect(LogLineFormatter.timestamp(0) == "1970-01-01T00:00:00.000Z")
        #expect(LogLineFormatter.timestamp(951_782_400_007) == "2000-02-29T00:00:00.007Z")
        #expect(LogLineFormatter.timestamp(-1) == "1969-12-31T23:59:59.999Z")
        #expect(LogLineFormatter.timestamp(253_402_300_800_000) == "10000-01-01T00:00:00.000Z")  // past the 4-digit fast path
    }

    @Test func journalStreamMustMatchStderr() {
        #expect(LogSetup.journalStream("8:12345", matchesDevice: 8, inode: 12345))
        #expect(!LogSetup.journalStream("8:12345", matchesDevice: 8, inode: 1))
        #expect(!LogSetup.journalStream("garbage", matchesDevice: 8, inode: 12345))
        #expect(!LogSetup.stderrIsJournal(environment: [:]))
    }

    @Test func levelNames() {
        #expect(LogSetup.level(named: "DEBUG") == .debug)
        #expect(LogSetup.level(named: "warn") == .warning)
        #expect(LogSetup.level(named: "loud") == nil)
    }
}

/// A settable clock for the rate limiter.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var milliseconds = 0
    func advance(_ delta: Int) { lock.withLock { milliseconds += delta } }
    var now: Int { lock.withLock { milliseconds } }
}

@Suite struct LoggingRateLimitTests {
    func logger(_ collected: CollectedLines, _ clock: ManualClock, burst: Int = 3) -> Logger {
        let limiter = LogRateLimiter(burst: burst, windowMilliseconds: 60_000, clock: { clock.now })
        return Logger(label: "test") { _ in
            LineLogHandler(level: .info, format: .text, journal: true, sink: collected.sink, rateLimiter: limiter)
        }
    }

    @Test func repeatedProblemsAreCappedAndSummarised() {
        let collected = CollectedLines()
        let clock = ManualClock()
        let log = logger(collected, clock)
        for index in 0..<10 {
            log.warning("Article failed.", metadata: ["feed": "detik", "reason": "http_503", "url": "https://x/\(index)"])
        }
        #expect(collected.lines.count == 3)
        #expect(collected.lines[0] == "<4>warning Article failed. feed=detik reason=http_503 url=https://x/0\n")
        clock.advance(60_000)
        log.info("Feed polled.", metadata: ["feed": "kompas"])
        #expect(collected.lines.suffix(2) == [
            "<4>warning Article failed. feed=detik reason=http_503 suppressed=7 window=1m\n",
            "<6>info Feed polled. feed=kompas\n",
        ])
        // A new window starts fresh.
        log.warning("Article failed.", metadata: ["feed": "detik", "reason": "http_503", "url": "https://x/10"])
        #expect(collected.lines.last == "<4>warning Article failed. feed=detik reason=http_503 url=https://x/10\n")
    }

    @Test func differentFeedsReasonsAndInfoLinesAreNotLimited() {
        let collected = CollectedLines()
        let clock = ManualClock()
        let log = logger(collected, clock, burst: 1)
        log.warning("Article failed.", metadata: ["feed": "a", "reason": "timeout"])
        log.warning("Article failed.", metadata: ["feed": "b", "reason": "timeout"])
        log.warning("Article failed.", metadata: ["feed": "a", "reason": "http_404"])
        for _ in 0..<5 { log.info("Article written.", metadata: ["feed": "a"]) }
        #expect(collected.lines.count == 8)
    }
}

@Suite struct LoggingProgressTests {
    @Test func progressLineStaysBelowLogLines() {
        let screen = CollectedLines()
        let clock = ManualClock()
        let progress = TerminalProgress(output: screen.sink.write, clock: { clock.now })
        let log = Logger(label: "test") { _ in
            LineLogHandler(level: .info, format: .text, journal: true, sink: screen.sink, progress: progress)
        }
        log.info("Before any progress.")
        progress.show("feeds 0/2")
        clock.advance(50)
        progress.show("feeds 1/2")  // within 100 ms of the last draw: remembered, not drawn
        log.warning("Article failed.", metadata: ["reason": "http_404"])
        clock.advance(100)
        progress.show("feeds 2/2")
        progress.finish()
        log.info("After.")
        #expect(screen.lines == [
            "<6>info Before any progress.\n",
            "\r\u{1B}[Kfeeds 0/2",
            // The log line clears the progress line, and the latest progress text is drawn again below it.
            "\r\u{1B}[K<4>warning Article failed. reason=http_404\nfeeds 1/2",
            "\r\u{1B}[Kfeeds 2/2",
            "\r\u{1B}[K",
            "<6>info After.\n",
        ])
    }
}
