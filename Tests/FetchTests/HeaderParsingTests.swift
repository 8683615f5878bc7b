@testable import Fetch
import Foundation
import Testing
import TestSupport

@Suite struct RetryAfterTests {
    let now = Date(timeIntervalSince1970: 1_748_944_800)  // Tue, 03 Jun 2025 10:00:00 GMT

    @Test func deltaSeconds() {
        #expect(RetryAfter.seconds(from: "120", now: now) == 120)
        #expect(RetryAfter.seconds(from: " 0 ", now: now) == 0)
        #expect(RetryAfter.seconds(from: "99999999999999999999999", now: now, cap: 3600) == 3600)
    }

    @Test(arguments: ["Tue, 03 Jun 2025 10:02:00 GMT", "Tuesday, 03-Jun-25 10:02:00 GMT", "Tue Jun  3 10:02:00 2025"])
    func httpDates(value: String) {
        #expect(RetryAfter.seconds(from: value, now: now) == 120)
    }

    @Test func pastDatesAndGarbage() {
        #expect(RetryAfter.seconds(from: "Mon, 02 Jun 2025 10:00:00 GMT", now: now) == 0)
        #expect(RetryAfter.seconds(from: "soon", now: now) == nil)
        #expect(RetryAfter.seconds(from: "-5", now: now) == nil)
        #expect(RetryAfter.seconds(from: "", now: now) == nil)
    }
}

@Suite struct HeaderFieldTests {
    @Test func contentTypeAndCharset() {
        #expect(ContentType.parse("text/html; charset=\"UTF-8\"") == ("text/html", "utf-8"))
        #expect(ContentType.parse("Application/RSS+XML") == ("application/rss+xml", nil))
        #expect(ContentType.parse("text/xml;charset=windows-1252;foo=bar") == ("text/xml", "windows-1252"))
        #expect(ContentType.parse(nil) == (nil, nil))
        // Tabs and Unicode space separators around parts are trimmed (what CharacterSet.whitespaces held).
        #expect(ContentType.parse("\u{A0}Text/HTML\t ;  charset = 'ISO-8859-1' ") == ("text/html", "iso-8859-1"))
        #expect(ContentType.parse(" ; charset=\"\"") == (nil, nil))
    }

    @Test func contentTypeByteParserAgreesWithTheTextParserOnASCII() {
        let headers = ["text/html", "text/html; charset=utf-8", "TEXT/HTML;CHARSET=UTF-8", ";charset=utf-8", ";;",
                       "", " ", "text/html;", "text/html; charset=", "text/html; =utf-8", "text/html; charset==x",
                       "text/html ; charset = 'a' ; charset=\"b\"", "\ttext/plain\t;\tcharset\t=\t\"'\"",
                       "text/html; foo=bar; charset=windows-1252", "a/b; charset=\"UTF-8\"; q=0.9", "x;y=z;charset"]
        for header in headers {
            let bytes = ContentType.parseASCII(header)
            let text = ContentType.parseText(header)
            #expect(bytes?.mediaType == text.mediaType && bytes?.charset == text.charset, "\(header)")
        }
        #expect(ContentType.parseASCII("text/html; charset=\u{E9}") == nil)
    }

    @Test func cacheControlMaxAge() {
        #expect(CacheControl.maxAge(["public, max-age=300"]) == 300)
        #expect(CacheControl.maxAge(["no-cache", "max-age=60"]) == 60)
        #expect(CacheControl.maxAge(["max-age=60, no-store"]) == nil)
        #expect(CacheControl.maxAge(["private"]) == nil)
        #expect(CacheControl.maxAge(["max-age=abc"]) == nil)
        #expect(CacheControl.maxAge([" Public ,\tMAX-AGE = \"90\" "]) == 90)
    }

    @Test func outcomeReasonsAreStable() {
        #expect(FetchOutcome.rateLimited(retryAfterSeconds: 120).reason == "rate_limited retry_after=120s")
        #expect(FetchOutcome.permanent(.http(404)).reason == "http_404")
        #expect(FetchOutcome.transient(.http(503)).reason == "http_503")
        #expect(FetchOutcome.permanent(.gone).reason == "gone")
        #expect(FetchOutcome.permanent(.tooLarge).reason == "too_large")
        #expect(FetchOutcome.transient(.timeout).reason == "timeout")
        #expect(FetchOutcome.notModified.reason == "not_modified")
    }
}

@Suite(.timeLimit(.minutes(deadlineScale))) struct HostGateTests {
    @Test func limitsConcurrencyPerHostOnly() async {
        let gate = HostGate(limit: 2, minimumDelay: .zero)
        #expect(await gate.acquire("a.example"))
        #expect(await gate.acquire("a.example"))
        // a.example is full; another host is not held up by it.
        #expect(await gate.acquire("b.example"))
        let third = Task { await gate.acquire("a.example") }
        gate.release("a.example")
        #expect(await third.value)  // got the released slot
        gate.release("a.example")
        gate.release("a.example")
        gate.release("b.example")
        #expect(gate.trackedHostCount == 0)
    }

    @Test func cancellingAWaiterGivesUpWithoutASlot() async {
        let gate = HostGate(limit: 1, minimumDelay: .zero)
        #expect(await gate.acquire("a.example"))
        let waiter = Task { await gate.acquire("a.example") }
        try? await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        #expect(await waiter.value == false)
        gate.release("a.example")
        #expect(await gate.acquire("a.example"))  // the slot was not leaked to the cancelled waiter
        gate.release("a.example")
    }

    @Test func spacesStartsToOneHost() async {
        let gate = HostGate(limit: 4, minimumDelay: .milliseconds(100))
        let clock = ContinuousClock()
        let started = clock.now
        for _ in 0..<3 { #expect(await gate.acquire("a.example")) }
        // Three starts need at least two gaps of 100 ms (a lower bound: sleeping never ends early).
        #expect(clock.now - started >= .milliseconds(200))
        // Another host starts at once: its first start is not spaced against a.example's.
        #expect(await gate.acquire("b.example"))
        for _ in 0..<3 { gate.release("a.example") }
        gate.release("b.example")
    }

    @Test func aCrawlDelayRaisesOneHostsSpacing() async {
        let gate = HostGate(limit: 4, minimumDelay: .zero)
        gate.setMinimumDelay("slow.example", .milliseconds(150))
        let clock = ContinuousClock()
        let started = clock.now
        for _ in 0..<3 { #expect(await gate.acquire("slow.example")) }
        #expect(clock.now - started >= .milliseconds(300))
        for _ in 0..<3 { gate.release("slow.example") }
    }
}

@Suite struct URLEscapingTests {
    @Test(arguments: [
        ("  http://x.example/a b.html\n", "http://x.example/a%20b.html"),
        ("http://x.example/berita/ü?q=a b#top", "http://x.example/berita/%C3%BC?q=a%20b"),
        ("http://x.example/a%20b?x=\"<y>\"", "http://x.example/a%20b?x=%22%3Cy%3E%22"),
        ("http://x.example/ok?a=1&b=2", "http://x.example/ok?a=1&b=2"),
        ("http://bücher.example/a", "http://bücher.example/a"),
        ("http://x.example", "http://x.example"),
        ("not a url", "not a url"),
        ("\u{A0}http://x.example/a\u{2028}", "http://x.example/a"),
        ("\thttp://x.example/a\r", "http://x.example/a"),
    ])
    func escapesWhatBrowsersEscape(raw: String, escaped: String) {
        #expect(URLEscaping.escapeForRequest(raw) == escaped)
    }

    @Test func trimmingIsSkippedOnlyWhenFoundationWouldTrimNothing() {
        for raw in ["http://x.example/a", "x", "", " x", "x ", "\nx", "x\u{0B}", "\u{85}x", "x\u{3000}", "é", "xé"] {
            let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(URLEscaping.needsTrimming(raw) || trimmed == raw, "\(raw.debugDescription)")
        }
        #expect(!URLEscaping.needsTrimming("http://x.example/a"))
    }
}
