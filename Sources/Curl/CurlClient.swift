// The public face of the Curl module: `perform` a GET from any task; the transfer runs on the loop thread.

/// Runs HTTP(S) GET transfers on one dedicated libcurl multi-interface thread.
///
/// Safe to share between tasks. Transfers beyond `maxTransfersInFlight` wait in a FIFO queue. Releasing the
/// client stops its thread; whatever is still in flight then fails with `.shutdown`.
///
/// Cancelling the calling task aborts its transfer: the cancellation handler wakes the loop
/// (curl_multi_wakeup), which removes the easy handle at once. That is prompter than returning non-zero from an
/// xferinfo callback, which curl only calls when data moves or about once a second.
///
/// Proxies from the environment (http_proxy, https_proxy, no_proxy) apply, as libcurl does by default. Through
/// a proxy, the address check sees the proxy's address, not the origin's (the proxy resolves the name): a
/// private proxy must be listed in the policy, and the proxy's own rules then decide what it reaches.
public final class CurlClient: Sendable {
    public struct Configuration: Sendable {
        /// Transfers run concurrently at most; the rest queue (each in flight costs buffers and a socket).
        public var maxTransfersInFlight: Int
        /// Idle connections kept for reuse (CURLMOPT_MAXCONNECTS).
        public var maxCachedConnections: Int
        /// Which addresses may be connected to (checked at connect time, every hop).
        public var addressPolicy: AddressPolicy
        /// A PEM file of CA certificates to trust instead of the system bundle (CURLOPT_CAINFO); nil = system.
        public var caBundlePath: String?

        public init(maxTransfersInFlight: Int = 64, maxCachedConnections: Int = 128,
                    addressPolicy: AddressPolicy = .publicOnly, caBundlePath: String? = nil) {
            self.caBundlePath = caBundlePath
            self.maxTransfersInFlight = maxTransfersInFlight
            self.maxCachedConnections = maxCachedConnections
            self.addressPolicy = addressPolicy
        }
    }

    public let configuration: Configuration
    private let loop: MultiLoop

    public init(configuration: Configuration = Configuration()) throws(CurlError) {
        self.configuration = configuration
        loop = try MultiLoop(maxInFlight: configuration.maxTransfersInFlight,
                             maxCachedConnections: configuration.maxCachedConnections,
                             policy: configuration.addressPolicy, caBundlePath: configuration.caBundlePath)
    }

    deinit { loop.stop() }

    /// Stops the transfer thread: transfers in flight and queued fail with `.shutdown`, later ones at once.
    /// Idempotent. (Releasing the client does the same.)
    public func shutdown() { loop.stop() }

    /// Performs one GET. Non-2xx statuses are responses, not errors; errors are transport-level failures.
    public func perform(_ request: CurlRequest) async throws(CurlError) -> CurlResponse {
        // The scheme only (libcurl parses the URL again for the transfer, whose protocols are limited to these
        // two as well): the full CurlURL parse cost 22,000 instructions per request, and Fetch has made one.
        let scheme = try CurlURL.scheme(of: request.url)
        guard CurlURL.fetchableSchemes.contains(scheme) else {
            throw CurlError(kind: .badScheme, message: "scheme \(scheme) is not fetchable (only http, https)",
                            call: "perform")
        }
        // Checked as bytes: in a Swift String "\r\n" is a single Character equal to neither "\r" nor "\n".
        for field in request.headers + [HTTPHeaderField(name: "user-agent", value: request.userAgent ?? "")]
        where field.name.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x3A || $0 == 0 })
            || field.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) {
            throw CurlError(kind: .invalidRequest, message: "header \(field.name) contains CR, LF, NUL or ':'",
                            call: "perform")
        }
        let pending = PendingRequest(request: request)
        let loop = self.loop
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    pending.continuation = continuation
                    loop.submit(pending)
                }
            } onCancel: {
                loop.cancel(pending)
            }
        } catch let error as CurlError {
            throw error
        } catch {
            throw CurlError(kind: .other, message: "\(error)", call: "perform")
        }
    }
}
