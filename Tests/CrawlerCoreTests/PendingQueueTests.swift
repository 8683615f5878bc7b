// The pass's queue of pending articles: every article exactly once, in pages, hosts taking turns.
@testable import CrawlerCore
import Logging
import Store
import Testing
import TestSupport

struct PendingQueueTests {
    @Test func handsOutEveryArticleOnceWithHostsTakingTurns() throws {
        let root = TemporaryDirectory("pending")
        let store = try StateStore(directory: root.path)
        // Three feeds' items, enqueued feed after feed (consecutive keys per host), as a pass's polls leave them.
        let hosts = ["a.example", "b.example:8080", "c.example"]
        var expectedKeys: [Int64] = []
        for (hostIndex, host) in hosts.enumerated() {
            for n in 0..<(hostIndex == 0 ? 7 : 3) {
                let url = "https://\(host)/read/\(n)"
                if case .enqueued(let key) = try store.enqueue(NewArticle(
                    canonicalURL: url, articleID: String(format: "%016x", hostIndex * 100 + n), feed: "feed\(hostIndex)",
                    guid: nil, url: url)) { expectedKeys.append(key) }
            }
        }
        var queue = PendingQueue(store: store, pageSize: 8, feeds: nil, logger: Logger(label: "test"))
        var handedOut: [ArticleRecord] = []
        while let record = queue.next() { handedOut.append(record) }
        #expect(handedOut.map(\.key).sorted() == expectedKeys)
        // First page: keys 1-8 = a0-a6, b0. Hosts alternate while both have articles left.
        #expect(handedOut.prefix(4).map { PendingQueue.hostPart(of: $0.url) } == ["a.example", "b.example:8080", "a.example", "a.example"])
        // Second page: b1, b2, c0-c2: b and c alternate.
        #expect(handedOut.suffix(5).map { PendingQueue.hostPart(of: $0.url) } ==
                ["b.example:8080", "c.example", "b.example:8080", "c.example", "c.example"])
    }

    @Test func hostPartIsTheAuthority() {
        #expect(PendingQueue.hostPart(of: "https://www.kompas.com/read/1?page=all") == "www.kompas.com")
        #expect(PendingQueue.hostPart(of: "http://127.0.0.1:8080?x") == "127.0.0.1:8080")
        #expect(PendingQueue.hostPart(of: "not a url") == "not a url")
        #expect(PendingQueue.hostPart(of: "mailto:a@b.example") == "mailto:a@b.example")
        #expect(PendingQueue.hostPart(of: "https://b\u{FC}cher.example#x") == "b\u{FC}cher.example")
    }
}
