// Runs CPU-heavy or blocking work (libxml2 parses of large pages, fsync) off Swift's cooperative thread pool,
// which has only as many threads as cores: blocking them would stall every other task, fetch loop callbacks
// included.
import Dispatch

enum BlockingWork {
    /// A concurrent queue; GCD caps its threads near the core count for CPU-bound work.
    private static let queue = DispatchQueue(label: "feedcrawler.blocking-work", qos: .utility, attributes: .concurrent)

    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work()) }
        }
    }

    static func run<T: Sendable, E: Error>(_ work: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(E) { continuation.resume(returning: .success(try work())) }
                catch { continuation.resume(returning: .failure(error)) }
            }
        }
        return try result.get()
    }
}
