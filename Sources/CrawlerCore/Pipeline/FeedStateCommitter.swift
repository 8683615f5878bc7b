// Group commit of feed states after polls. Every poll saves its feed's state (validators, next due time); one
// fsync'd transaction per poll made a cycle of 100,000 all-304 feeds wait on 100,000 commits in a row, each
// blocking one of the cooperative pool's two threads. Here polls that finish while a commit is running are
// saved together in the next one: one fsync for the lot. A caller still returns only once its state is durable.
import Dispatch
import Foundation
import Store

final class FeedStateCommitter: @unchecked Sendable {
    private let store: StateStore
    /// Commits run here, off the cooperative pool (they block on fsync).
    private let queue = DispatchQueue(label: "feedcrawler.feed-state-commit")
    private let lock = NSLock()
    // Guarded by `lock`.
    private var waiting: [(state: FeedState, done: CheckedContinuation<String?, Never>)] = []
    private var committing = false

    init(store: StateStore) {
        self.store = store
    }

    /// Saves the state; returns once it is committed, or the error's description when the commit failed.
    func save(_ state: FeedState) async -> String? {
        await withCheckedContinuation { (done: CheckedContinuation<String?, Never>) in
            lock.lock()
            waiting.append((state, done))
            let start = !committing
            committing = true
            lock.unlock()
            if start { queue.async { self.commitWhileWaiting() } }
        }
    }

    private func commitWhileWaiting() {
        while true {
            lock.lock()
            let batch = waiting
            waiting = []
            if batch.isEmpty { committing = false }
            lock.unlock()
            if batch.isEmpty { return }
            var failure: String?
            do { try store.saveFeedStates(batch.map(\.state)) } catch { failure = "\(error)" }
            for entry in batch { entry.done.resume(returning: failure) }
        }
    }
}

/// A counting semaphore for async tasks (polls in progress, pages held). Polls beyond what the fetcher can run
/// at once only wait (for a transfer slot or their host's turn), and a poll waiting deep inside the fetch holds
/// its whole async call stack: measured ~22 KB per waiting feed, 266 MB for a 10,000-feed cycle. Waiting here,
/// at the top of `refresh`, costs a continuation.
final class Slots: @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`.
    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var head = 0

    init(_ count: Int) {
        available = max(1, count)
    }

    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lock.lock()
            if available > 0 {
                available -= 1
                lock.unlock()
                continuation.resume()
            } else {
                waiters.append(continuation)
                lock.unlock()
            }
        }
    }

    func release() {
        lock.lock()
        guard head < waiters.count else {
            available += 1
            lock.unlock()
            return
        }
        let next = waiters[head]
        head += 1
        if head == waiters.count || head > 1024 {
            waiters.removeFirst(head)
            head = 0
        }
        lock.unlock()
        next.resume()
    }
}
