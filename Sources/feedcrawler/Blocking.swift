// Bridges the synchronous entry point to async CrawlerCore functions: start a detached task and park the
// main thread on a semaphore until it finishes. Nothing in feedcrawler needs the main thread or the main
// actor (signals arrive through ServiceLifecycle's own dispatch queue), so parking it is safe.
import Dispatch
import class Foundation.NSLock

enum Blocking {
    /// Runs `work` to completion and returns its result.
    static func run<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
        let box = ResultBox<T>()
        let finished = DispatchSemaphore(value: 0)
        Task.detached {
            box.set(await work())
            finished.signal()
        }
        finished.wait()
        return box.get()!
    }

    /// Runs throwing `work` to completion, rethrowing its error.
    static func run<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        let result: Result<T, any Error> = run {
            do { return .success(try await work()) } catch { return .failure(error) }
        }
        return try result.get()
    }
}

/// A value handed from the task to the waiting thread; the semaphore orders the accesses, the lock makes
/// that visible to the thread sanitizer too.
private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T?

    func set(_ newValue: T) { lock.withLock { value = newValue } }
    func get() -> T? { lock.withLock { value } }
}
