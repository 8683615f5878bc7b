// The transfer loop: one dedicated thread drives every transfer through one curl multi handle
// (curl_multi_perform + curl_multi_poll), so connections, TLS sessions and DNS answers are shared and reused,
// and no cooperative-pool thread ever blocks in curl.
//
// Threading contract:
// - `lock` guards the hand-over state: `queue`, `cancelRequests`, `stopping`, and every PendingRequest's
//   `state` and `continuation`.
// - Everything else (`multi` use, `active`, `spareHandles`, Transfers, EasyHandles) belongs to the loop thread.
//   Other threads only ever call curl_multi_wakeup, which libcurl documents as thread-safe.
// - Continuations are resumed outside the lock, exactly once (the `finished` state guards it).
import CCurl
import Foundation

/// A request handed to the loop, and how it ends. Shared between the caller's task and the loop thread.
final class PendingRequest: @unchecked Sendable {
    enum State { case created, queued, running, finished }

    let request: CurlRequest
    // Guarded by MultiLoop.lock:
    var state = State.created
    var cancelledBeforeQueueing = false
    var continuation: CheckedContinuation<CurlResponse, any Error>?
    // Loop thread only:
    var transfer: Transfer?

    init(request: CurlRequest) { self.request = request }
}

final class MultiLoop: @unchecked Sendable {
    private let lock = NSLock()
    private var queue: [PendingRequest] = []
    private var queueHead = 0
    private var cancelRequests: [PendingRequest] = []
    private var stopping = false
    /// Set (under the lock) just before curl_multi_cleanup; wakeups happen under the lock and check it, so no
    /// thread can touch the multi handle after it is freed.
    private var multiFreed = false

    private let multi: UnsafeMutableRawPointer
    private let maxInFlight: Int
    private let policy: AddressPolicy
    private let caBundlePath: String?
    private var active: [UnsafeMutableRawPointer: Transfer] = [:]
    private var spareHandles: [EasyHandle] = []

    init(maxInFlight: Int, maxCachedConnections: Int, policy: AddressPolicy, caBundlePath: String?) throws(CurlError) {
        try Curl.initialize()
        guard let multi = curl_multi_init() else {
            throw CurlError(kind: .outOfMemory, message: "curl_multi_init returned NULL", call: "curl_multi_init")
        }
        self.multi = multi
        self.maxInFlight = max(1, maxInFlight)
        self.policy = policy
        self.caBundlePath = caBundlePath
        // Idle connections kept open for reuse (curl's default is 4 per added handle, unbounded over time).
        let code = fc_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(1, maxCachedConnections))
        guard code == CURLM_OK else {
            curl_multi_cleanup(multi)
            throw CurlError(multiCode: code, call: "curl_multi_setopt(CURLMOPT_MAXCONNECTS)")
        }
        let thread = Thread { [self] in run() }
        thread.name = "curl-multi"
        thread.start()
    }

    // MARK: any thread

    /// Queues a request; `pending.continuation` must be set. Resumes at once if it was already cancelled.
    func submit(_ pending: PendingRequest) {
        lock.lock()
        if stopping || pending.cancelledBeforeQueueing {
            let continuation = takeContinuationLocked(pending)
            let kind: CurlError.Kind = stopping ? .shutdown : .cancelled
            lock.unlock()
            continuation?.resume(throwing: CurlError(kind: kind, message: "transfer not started", call: "perform"))
            return
        }
        pending.state = .queued
        queue.append(pending)
        wakeLocked()
        lock.unlock()
    }

    /// Called from the task's cancellation handler (any thread).
    func cancel(_ pending: PendingRequest) {
        lock.lock()
        switch pending.state {
        case .created:
            pending.cancelledBeforeQueueing = true
            lock.unlock()
        case .queued:
            // Left in the queue array; the loop skips entries that are no longer `.queued`.
            let continuation = takeContinuationLocked(pending)
            lock.unlock()
            continuation?.resume(throwing: CurlError(kind: .cancelled, message: "cancelled while queued", call: "perform"))
        case .running:
            cancelRequests.append(pending)
            wakeLocked()
            lock.unlock()
        case .finished:
            lock.unlock()
        }
    }

    /// Asks the loop to end: running and queued transfers fail with `.shutdown`.
    func stop() {
        lock.lock()
        stopping = true
        wakeLocked()
        lock.unlock()
    }

    /// Interrupts curl_multi_poll on the loop thread (thread-safe in libcurl; a non-blocking socket write).
    private func wakeLocked() {
        if !multiFreed { curl_multi_wakeup(multi) }
    }

    private func takeContinuationLocked(_ pending: PendingRequest) -> CheckedContinuation<CurlResponse, any Error>? {
        pending.state = .finished
        defer { pending.continuation = nil }
        return pending.continuation
    }

    // MARK: loop thread

    private func run() {
        while true {
            var toStart: [PendingRequest] = []
            lock.lock()
            let stop = stopping
            let toCancel = cancelRequests
            cancelRequests.removeAll()
            var room = stop ? 0 : maxInFlight - active.count
            while room > 0, queueHead < queue.count {
                let next = queue[queueHead]
                queueHead += 1
                if next.state == .queued {
                    next.state = .running
                    toStart.append(next)
                    room -= 1
                }
            }
            if queueHead > 1024, queueHead * 2 > queue.count {
                queue.removeFirst(queueHead)
                queueHead = 0
            }
            lock.unlock()

            if stop {
                shutDown()
                return
            }
            for pending in toCancel {
                if let transfer = pending.transfer {
                    complete(transfer, .failure(CurlError(kind: .cancelled, message: "cancelled", call: "perform")))
                }
            }
            for pending in toStart { start(pending) }

            var stillRunning: Int32 = 0
            let performCode = curl_multi_perform(multi, &stillRunning)
            if performCode != CURLM_OK {
                // Not recoverable for the multi handle: fail what is in flight rather than spin.
                let error = CurlError(multiCode: performCode, call: "curl_multi_perform")
                for transfer in Array(active.values) { complete(transfer, .failure(error)) }
            }
            let finishedSomething = drainMessages()
            // Free slots may let queued requests start now; otherwise sleep until a socket is ready, curl's
            // own timer fires, or another thread calls curl_multi_wakeup. 1000 ms is only the upper bound.
            if !(finishedSomething && hasQueued()) {
                var ready: Int32 = 0
                if curl_multi_poll(multi, nil, 0, 1000, &ready) != CURLM_OK {
                    // Should not happen with a valid handle; never turn it into a busy loop.
                    usleep(10_000)
                }
            }
        }
    }

    private func hasQueued() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return queueHead < queue.count
    }

    private func start(_ pending: PendingRequest) {
        let handle: EasyHandle
        if let spare = spareHandles.popLast() {
            handle = spare
        } else {
            do throws(CurlError) {
                handle = try EasyHandle()
            } catch {
                finish(pending, .failure(error))
                return
            }
        }
        let transfer = Transfer(pending: pending, handle: handle, policy: policy, caBundlePath: caBundlePath)
        do throws(CurlError) {
            try transfer.configure()
        } catch {
            finish(pending, .failure(error))
            return
        }
        let code = curl_multi_add_handle(multi, transfer.handle.raw)
        guard code == CURLM_OK else {
            finish(pending, .failure(CurlError(multiCode: code, call: "curl_multi_add_handle")))
            return
        }
        pending.transfer = transfer
        active[transfer.handle.raw] = transfer
    }

    /// Reads finished transfers; returns whether there were any.
    private func drainMessages() -> Bool {
        var any = false
        var left: Int32 = 0
        while let message = curl_multi_info_read(multi, &left) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                  let transfer = active[easy] else { continue }
            let code = message.pointee.data.result
            any = true
            if code == CURLE_OK {
                complete(transfer, .success(()))
            } else if let error = transfer.abortError {
                complete(transfer, .failure(error))
            } else if code == CURLE_COULDNT_CONNECT, let refusal = transfer.addressRefusal {
                complete(transfer, .failure(refusal))
            } else {
                complete(transfer, .failure(CurlError(easyCode: code, call: "transfer", detail: transfer.errorDetail)))
            }
        }
        return any
    }

    /// Removes a transfer from the multi handle, builds its result and resumes the caller.
    private func complete(_ transfer: Transfer, _ outcome: Result<Void, CurlError>) {
        let handle = transfer.handle
        let result: Result<CurlResponse, CurlError> = outcome.map {
            CurlResponse(
                status: handle.long(CURLINFO_RESPONSE_CODE),
                effectiveURL: handle.string(CURLINFO_EFFECTIVE_URL),
                headers: transfer.headers,
                body: transfer.takeBody(),
                redirectCount: handle.long(CURLINFO_REDIRECT_COUNT),
                primaryIP: handle.string(CURLINFO_PRIMARY_IP),
                totalTimeMicroseconds: handle.offset(CURLINFO_TOTAL_TIME_T),
                downloadedBytes: handle.offset(CURLINFO_SIZE_DOWNLOAD_T),
                httpVersion: Self.versionName(handle.long(CURLINFO_HTTP_VERSION)),
                redirects: transfer.redirects)
        }
        curl_multi_remove_handle(multi, handle.raw)
        active[handle.raw] = nil
        transfer.pending.transfer = nil
        let reusable = transfer.retire()
        if spareHandles.count < maxInFlight { spareHandles.append(reusable) }
        finish(transfer.pending, result)
    }

    private func finish(_ pending: PendingRequest, _ result: Result<CurlResponse, CurlError>) {
        lock.lock()
        let continuation = pending.state == .finished ? nil : takeContinuationLocked(pending)
        lock.unlock()
        continuation?.resume(with: result.mapError { $0 as any Error })
    }

    private func shutDown() {
        let error = CurlError(kind: .shutdown, message: "transfer client shut down", call: "perform")
        for transfer in Array(active.values) { complete(transfer, .failure(error)) }
        lock.lock()
        let leftovers = queue[queueHead...].filter { $0.state == .queued }
        let continuations = leftovers.compactMap { takeContinuationLocked($0) }
        queue.removeAll()
        queueHead = 0
        lock.unlock()
        for continuation in continuations { continuation.resume(throwing: error) }
        spareHandles.removeAll()
        lock.withLock { multiFreed = true }
        curl_multi_cleanup(multi)
    }

    private static func versionName(_ code: Int) -> String {
        switch code {
        case Int(CURL_HTTP_VERSION_1_0): return "1.0"
        case Int(CURL_HTTP_VERSION_1_1): return "1.1"
        case Int(CURL_HTTP_VERSION_2_0): return "2"
        case Int(CURL_HTTP_VERSION_3): return "3"
        default: return ""
        }
    }
}
