// Per-host politeness shared by every fetch: at most `limit` transfers to one host at a time, and at least
// `minimumDelay` between the starts of two requests to it. Each waiter waits on its own (a continuation or a
// sleep), so a busy or slow host never holds up requests to other hosts.
//
// Threading contract: all state is guarded by `lock` (NSLock: Synchronization.Mutex gives ThreadSanitizer false
// positives on Linux); continuations are resumed outside it.
import Foundation

final class HostGate: @unchecked Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Bool, Never>
    }

    /// A class, so updates happen in place: with a struct in the dictionary, every read-modify-write copied the
    /// whole waiter list (quadratic with thousands of requests queued for one host).
    private final class HostState {
        var active = 0
        /// FIFO of waiters; entries before `waitersHead` are taken.
        private var waiters: [Waiter] = []
        private var waitersHead = 0
        /// The earliest time the next request to this host may start.
        var nextStart = ContinuousClock.Instant.now

        var hasWaiters: Bool { waitersHead < waiters.count }

        func enqueue(_ waiter: Waiter) { waiters.append(waiter) }

        func dequeue() -> Waiter? {
            guard waitersHead < waiters.count else { return nil }
            let waiter = waiters[waitersHead]
            waitersHead += 1
            if waitersHead > 64, waitersHead * 2 > waiters.count {
                waiters.removeFirst(waitersHead)
                waitersHead = 0
            }
            return waiter
        }

        func remove(id: UInt64) -> Waiter? {
            guard let index = waiters[waitersHead...].firstIndex(where: { $0.id == id }) else { return nil }
            return waiters.remove(at: index)
        }
    }

    private let lock = NSLock()
    private var hosts: [String: HostState] = [:]
    private var nextWaiterID: UInt64 = 0
    private var sweepThreshold = 1024
    /// Longer per-host delays (robots.txt Crawl-delay), kept apart from HostState so they survive idle periods.
    private var delayOverrides: [String: Duration] = [:]
    private let limit: Int
    private let minimumDelay: Duration

    init(limit: Int, minimumDelay: Duration) {
        self.limit = max(1, limit)
        self.minimumDelay = max(.zero, minimumDelay)
    }

    /// Waits for a slot for `host` and for its start time. false when the task was cancelled while waiting
    /// (then no slot is held). After true, the caller must call `release(host)` exactly once.
    func acquire(_ host: String) async -> Bool {
        guard await acquireSlot(host) else { return false }
        // Reserve a start time under the lock so concurrent starters space out instead of all waking together.
        let wait = reserveStart(host)
        if wait > .zero {
            do {
                try await Task.sleep(for: wait)
            } catch {
                release(host)
                return false
            }
        }
        return true
    }

    /// How long to wait before starting, having booked that start time for `host`.
    private func reserveStart(_ host: String) -> Duration {
        lock.withLock {
            let now = ContinuousClock.Instant.now
            let state = stateLocked(host)
            let start = max(now, state.nextStart)
            state.nextStart = start + max(minimumDelay, delayOverrides[host] ?? .zero)
            return start - now
        }
    }

    /// Raises the minimum delay between request starts for one host (never below the global one).
    func setMinimumDelay(_ host: String, _ delay: Duration) {
        lock.withLock {
            if delayOverrides.count >= 100_000 { delayOverrides.removeAll() }  // bound; robots refills it
            delayOverrides[host] = delay > minimumDelay ? delay : nil
        }
    }

    func release(_ host: String) {
        lock.lock()
        guard let state = hosts[host] else {
            lock.unlock()
            return
        }
        // The slot passes straight to the next waiter, if any.
        let handOver = state.dequeue()
        if handOver == nil { state.active -= 1 }
        let now = ContinuousClock.Instant.now
        if state.active == 0, !state.hasWaiters, state.nextStart <= now {
            hosts[host] = nil  // idle and unconstrained: forget it, so the table stays as small as the active set
        }
        if hosts.count > sweepThreshold {
            // Hosts released while still inside their delay stay behind; drop the ones idle by now.
            hosts = hosts.filter { $0.value.active > 0 || $0.value.hasWaiters || $0.value.nextStart > now }
            sweepThreshold = max(1024, hosts.count * 2)
        }
        lock.unlock()
        handOver?.continuation.resume(returning: true)
    }

    private func stateLocked(_ host: String) -> HostState {
        if let state = hosts[host] { return state }
        let state = HostState()
        hosts[host] = state
        return state
    }

    /// Hosts currently tracked (active, waited on, or inside their delay). For tests and metrics.
    var trackedHostCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return hosts.count
    }

    private func acquireSlot(_ host: String) async -> Bool {
        let id = lock.withLock {
            nextWaiterID &+= 1
            return nextWaiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                // nil: queued as a waiter (release or cancellation resumes it later).
                let immediate: Bool? = lock.withLock {
                    if Task.isCancelled { return false }
                    let state = stateLocked(host)
                    if state.active < limit {
                        state.active += 1
                        return true
                    }
                    state.enqueue(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let removed: Waiter? = lock.withLock { hosts[host]?.remove(id: id) }
            removed?.continuation.resume(returning: false)
        }
    }
}
