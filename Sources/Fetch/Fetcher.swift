// The fetcher: one shared CurlClient (one transfer thread for the whole process), per-host politeness, and the
// classification of every response or failure into a FetchOutcome the scheduler can act on.
import Curl
import Foundation

/// Creating the fetcher failed (libcurl could not be initialised).
public struct FetcherSetupError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// Fetches documents over HTTP(S). Share one instance across the whole process: it owns the transfer thread,
/// the connection cache and the per-host politeness state.
public final class Fetcher: Fetching {
    public let settings: FetchSettings
    private let client: CurlClient
    private let gate: HostGate
    private let retryAfter = RetryAfterTable()
    private let robots = RobotsCache()

    public init(settings: FetchSettings) throws(FetcherSetupError) {
        self.settings = settings
        let policy = AddressPolicy(allowPrivateNetworks: settings.allowPrivateNetworks,
                                   allowedPrivateHosts: settings.allowedPrivateHosts)
        do {
            client = try CurlClient(configuration: .init(maxTransfersInFlight: settings.maxConcurrentTransfers,
                                                         maxCachedConnections: settings.maxCachedConnections,
                                                         addressPolicy: policy,
                                                         caBundlePath: settings.caBundlePath))
        } catch {
            throw FetcherSetupError(description: "cannot start the transfer client: \(error)")
        }
        gate = HostGate(limit: settings.perHostConcurrency,
                        minimumDelay: .milliseconds(max(0, settings.perHostMinimumDelayMilliseconds)))
    }

    /// libcurl's version line, for the start-up log.
    public static var libraryVersion: String { Curl.versionDescription }

    /// Initialises libcurl's global state. Call once from `main` before starting tasks (creating a Fetcher does
    /// it too, but the library asks for it to happen before other threads exist).
    public static func prepareProcess() throws(FetcherSetupError) {
        do {
            try Curl.initialize()
        } catch {
            throw FetcherSetupError(description: "curl_global_init failed: \(error)")
        }
    }

    /// Abandons every transfer in flight or queued (they end as `.transient(.cancelled)`), and refuses new ones
    /// the same way. For shutdown after the grace period; cancelling the fetching tasks is the gentler way.
    public func shutdown() { client.shutdown() }

    public func fetch(_ request: FetchRequest) async -> FetchOutcome {
        let wireURL = URLEscaping.escapeForRequest(request.url)
        let url: CurlURL
        do {
            url = try CurlURL(wireURL)
        } catch {
            return .permanent(error.kind == .badScheme ? .badScheme : .badURL)
        }
        guard url.isFetchable else { return .permanent(.badScheme) }
        if request.respectRobotsTxt ?? settings.respectRobotsTxt, request.purpose == .article {
            switch await robotsVerdict(url) {
            case .rules(let rules):
                if !rules.isAllowed(pathAndQuery: url.pathAndQuery) { return .permanent(.robotsDisallowed) }
            case .unreachable(let outcome):
                return outcome
            }
        }
        return await fetchChecked(request, wireURL: wireURL, url: url)
    }

    /// Whether robots.txt of the URL's host allows our user agent to fetch it (fetching robots.txt if needed).
    /// true for URLs that cannot be parsed (fetch reports those) and when robots.txt is missing.
    public func isAllowedByRobots(_ urlString: String) async -> Bool {
        guard let url = try? CurlURL(URLEscaping.escapeForRequest(urlString)), url.isFetchable else { return true }
        if case .rules(let rules) = await robotsVerdict(url) {
            return rules.isAllowed(pathAndQuery: url.pathAndQuery)
        }
        return false
    }

    /// The robots.txt rules that apply to us on the URL's host; nil if unreadable (host down, refused, ...).
    public func robotsRules(for urlString: String) async -> RobotsRules? {
        guard let url = try? CurlURL(URLEscaping.escapeForRequest(urlString)), url.isFetchable else { return nil }
        if case .rules(let rules) = await robotsVerdict(url) { return rules }
        return nil
    }

    private func robotsVerdict(_ url: CurlURL) async -> RobotsCache.Verdict {
        // Asked before every article fetch and almost always answered from the cache: only the origin is built
        // here, the rest when the file has to be loaded.
        let origin = url.origin
        return await robots.verdict(origin: origin) { [self] in
            let robotsURL = origin + "/robots.txt"
            let token = settings.robotsProductToken
            let request = FetchRequest(url: robotsURL, purpose: .feed, maxBytes: 512 << 10, accept: "text/plain")
            guard let parsed = try? CurlURL(robotsURL) else { return .rules(.allowAll) }
            let outcome = await fetchChecked(request, wireURL: robotsURL, url: parsed)
            let verdict = Self.robotsVerdict(from: outcome, productToken: token)
            if case .rules(let rules) = verdict, let delay = rules.crawlDelaySeconds {
                // Crawl-delay spaces every request to the host (feeds too), capped so one file cannot park it.
                let seconds = min(max(0, delay), max(0, settings.maxCrawlDelaySeconds))
                gate.setMinimumDelay(url.host, .milliseconds(Int(seconds * 1000)))
            }
            return verdict
        }
    }

    /// RFC 9309 section 2.3.1: a readable file gives its rules; 4xx ("unavailable") allows everything;
    /// 5xx and network failures ("unreachable") disallow everything for now, which we report as that failure.
    static func robotsVerdict(from outcome: FetchOutcome, productToken: String) -> RobotsCache.Verdict {
        switch outcome {
        case .fresh(let response):
            return .rules(RobotsRules(parsing: response.body, productToken: productToken))
        case .notModified, .transient(.emptyBody), .permanent(.http), .permanent(.gone),
             .permanent(.tooManyRedirects), .permanent(.tooLarge), .permanent(.headersTooLarge),
             .permanent(.badContentEncoding), .permanent(.badScheme):
            return .rules(.allowAll)
        case .rateLimited, .transient, .permanent:
            return .unreachable(outcome)
        }
    }

    /// The fetch itself, for a URL already escaped (`wireURL`), parsed and checked.
    private func fetchChecked(_ request: FetchRequest, wireURL: String, url: CurlURL) async -> FetchOutcome {
        let host = url.host
        if let remaining = retryAfter.remainingSeconds(for: host) {
            // The host asked us to back off and the window is still open: do not even ask.
            return .rateLimited(retryAfterSeconds: remaining)
        }
        guard await gate.acquire(host) else { return .transient(.cancelled) }
        defer { gate.release(host) }

        let result: Result<CurlResponse, CurlError>
        do {
            result = .success(try await client.perform(curlRequest(for: request, wireURL: wireURL)))
        } catch {
            result = .failure(error)
        }
        switch result {
        case .success(let response):
            let outcome = classify(response, request: request)
            if case .rateLimited(let seconds) = outcome {
                // A 429 without Retry-After still means "slow down": keep off the host for a default while.
                let pause = seconds ?? settings.defaultRateLimitPauseSeconds
                if pause > 0 { retryAfter.block(host, seconds: pause) }
            }
            return outcome
        case .failure(let error):
            return Self.classify(error)
        }
    }

    private func curlRequest(for request: FetchRequest, wireURL: String) -> CurlRequest {
        var headers = [HTTPHeaderField(name: "Accept", value: request.accept ?? FetchSettings.defaultAccept(for: request.purpose))]
        if let language = settings.acceptLanguage {
            headers.append(HTTPHeaderField(name: "Accept-Language", value: language))
        }
        if let etag = request.etag, !etag.isEmpty {
            headers.append(HTTPHeaderField(name: "If-None-Match", value: etag))
        }
        if let lastModified = request.lastModified, !lastModified.isEmpty {
            headers.append(HTTPHeaderField(name: "If-Modified-Since", value: lastModified))
        }
        return CurlRequest(url: wireURL,
                           headers: headers,
                           userAgent: settings.userAgent,
                           connectTimeoutMilliseconds: Self.milliseconds(settings.connectTimeoutSeconds),
                           totalTimeoutMilliseconds: Self.milliseconds(settings.requestTimeoutSeconds),
                           lowSpeedLimitBytesPerSecond: settings.lowSpeedLimitBytesPerSecond,
                           lowSpeedTimeSeconds: settings.lowSpeedTimeSeconds,
                           maxBodyBytes: request.maxBytes ?? settings.maxBytes(for: request.purpose),
                           maxHeaderBytes: settings.maxHeaderBytes,
                           maxRedirects: settings.maxRedirects)
    }

    private static func milliseconds(_ seconds: Double) -> Int {
        guard seconds.isFinite, seconds > 0 else { return 1 }
        return Int(min(seconds * 1000, Double(Int32.max)))
    }

    // MARK: classification

    func classify(_ response: CurlResponse, request: FetchRequest) -> FetchOutcome {
        let status = response.status
        switch status {
        case 200..<300:
            if response.body.isEmpty { return .transient(.emptyBody) }
            return .fresh(makeResponse(response, request: request))
        case 304:
            return .notModified
        case 429:
            return .rateLimited(retryAfterSeconds: retryAfterSeconds(response))
        case 503:
            if let seconds = retryAfterSeconds(response) { return .rateLimited(retryAfterSeconds: seconds) }
            return .transient(.http(status))
        case 410:
            return .permanent(.gone)
        case 408, 425, 500..<600:
            return .transient(.http(status))
        case 300..<500:
            // 3xx here means a redirect curl could not follow (no Location); 4xx is the server saying no.
            return .permanent(.http(status))
        default:
            return .transient(.protocolError)
        }
    }

    private func retryAfterSeconds(_ response: CurlResponse) -> Int? {
        response.header("retry-after").flatMap { RetryAfter.seconds(from: $0, cap: settings.maxRetryAfterSeconds) }
    }

    private func makeResponse(_ response: CurlResponse, request: FetchRequest) -> FetchResponse {
        let contentType = ContentType.parse(response.header("content-type"))
        return FetchResponse(requestedURL: request.url,
                             finalURL: response.effectiveURL.isEmpty ? request.url : response.effectiveURL,
                             status: response.status,
                             contentType: contentType.mediaType,
                             charset: contentType.charset,
                             etag: response.header("etag"),
                             lastModified: response.header("last-modified"),
                             body: response.body,
                             elapsedMs: response.totalTimeMicroseconds / 1000,
                             bytes: response.body.count,
                             wireBytes: response.downloadedBytes,
                             cacheMaxAgeSeconds: CacheControl.maxAge(response.headerValues("cache-control")),
                             redirectCount: response.redirectCount,
                             redirects: response.redirects.map { FetchRedirect(url: $0.url, status: $0.status) })
    }

    static func classify(_ error: CurlError) -> FetchOutcome {
        switch error.kind {
        case .timeout: return .transient(.timeout)
        case .dnsFailed: return .transient(.dnsFailed)
        case .connectFailed: return .transient(.connectionFailed)
        case .connectionLost: return .transient(.connectionLost)
        case .tls: return .transient(.tls)
        case .protocolError: return .transient(.protocolError)
        case .cancelled, .shutdown: return .transient(.cancelled)
        case .tooLarge: return .permanent(.tooLarge)
        case .headersTooLarge: return .permanent(.headersTooLarge)
        case .tooManyRedirects: return .permanent(.tooManyRedirects)
        case .badScheme: return .permanent(.badScheme)
        case .badURL, .invalidRequest: return .permanent(.badURL)
        case .addressNotAllowed: return .permanent(.addressNotAllowed)
        case .badContentEncoding: return .permanent(.badContentEncoding)
        case .outOfMemory, .other: return .transient(.curl(error.code))
        }
    }
}

/// Hosts inside a Retry-After window. Guarded by an NSLock; entries expire and are pruned as they are read.
final class RetryAfterTable: @unchecked Sendable {
    private let lock = NSLock()
    private var until: [String: ContinuousClock.Instant] = [:]

    func block(_ host: String, seconds: Int) {
        lock.lock()
        until[host] = ContinuousClock.Instant.now + .seconds(seconds)
        lock.unlock()
    }

    /// Seconds left (at least 1) when `host` is still blocked; nil otherwise.
    func remainingSeconds(for host: String) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard let deadline = until[host] else { return nil }
        let left = deadline - ContinuousClock.Instant.now
        if left <= .zero {
            until[host] = nil
            return nil
        }
        return max(1, Int(left.components.seconds) + (left.components.attoseconds > 0 ? 1 : 0))
    }
}
