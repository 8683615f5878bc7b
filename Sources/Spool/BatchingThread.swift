// Group commit for async callers, used for the spool and for the crawler's state commits.
import Foundation

/// submit() parks the caller's continuation (no thread waits); a thread started when work arrives processes
/// everything queued, batch after batch, and exits when the queue is empty (so nothing outlives the work it
/// serves). A batch waits up to `linger` for more inputs unless it is full: without that, a crawl delivering
/// ~1,000 articles/s made batches of ~3, each paying its own file, directory and WAL fsyncs (2.8 fsyncs per
/// article); a lone input is delayed by at most `linger`. Outputs come back in input order, one per input.
/// @unchecked Sendable: all mutable state is guarded by `condition`.
public final class BatchingThread<Input: Sendable, Output: Sendable>: @unchecked Sendable {
    private typealias Entry = (input: Input, continuation: CheckedContinuation<Output, Never>)

    /// The thread's name (in `top -H` and /proc/PID/task/TID/comm, at most 15 bytes there).
    public let name: String
    /// Most inputs in one batch.
    public let maxBatch: Int
    /// How long the first input of a batch waits for others (seconds).
    public let linger: Double

    private let condition = NSCondition()
    private var queue: [Entry] = []
    private var running = false

    public init(name: String, maxBatch: Int, linger: Double = 0.015) {
        self.name = name
        self.maxBatch = max(1, maxBatch)
        self.linger = linger
    }

    /// Queues `input` and returns its output once a batch holding it has been processed by `work` (the thread
    /// runs the `work` of the submit that started it; pass the same function on every call).
    public func submit(_ input: Input, work: @escaping @Sendable ([Input]) -> [Output]) async -> Output {
        await withCheckedContinuation { continuation in
            condition.lock()
            queue.append((input, continuation))
            let start = !running
            running = true
            if queue.count >= maxBatch { condition.signal() }
            condition.unlock()
            if start {
                let thread = Thread { self.drain(work) }
                thread.name = name
                thread.start()
            }
        }
    }

    private func drain(_ work: ([Input]) -> [Output]) {
        while true {
            condition.lock()
            guard !queue.isEmpty else {
                running = false
                condition.unlock()
                return
            }
            let deadline = Date(timeIntervalSinceNow: linger)
            while queue.count < maxBatch, condition.wait(until: deadline) {}
            let batch = Array(queue.prefix(maxBatch))
            queue.removeFirst(batch.count)
            condition.unlock()
            let outputs = work(batch.map(\.input))
            precondition(outputs.count == batch.count, "one output per input")
            for (entry, output) in zip(batch, outputs) { entry.continuation.resume(returning: output) }
        }
    }
}
