// The Fetch stage's vocabulary: plain Sendable values in, a classified outcome out. No Curl or C type appears
// here; the pipeline and the scheduler branch on `FetchOutcome` and log `outcome.reason`.

/// Why a document is fetched: picks the default Accept header and size limit.
public enum FetchPurpose: String, Sendable, Equatable {
    case feed
    case article
}

/// One GET, conditional when `etag` / `lastModified` from the previous fetch are given.
public struct FetchRequest: Sendable, Equatable {
    public var url: String
    public var purpose: FetchPurpose
    /// The previous response's ETag, sent as If-None-Match.
    public var etag: String?
    /// The previous response's Last-Modified, sent as If-Modified-Since.
    public var lastModified: String?
    /// Body limit in bytes (after decompression); nil = the settings' limit for `purpose`.
    public var maxBytes: Int?
    /// Accept header; nil = the default for `purpose`.
    public var accept: String?
    /// Check robots.txt before fetching an `.article` (per-feed setting); nil = `FetchSettings.respectRobotsTxt`.
    public var respectRobotsTxt: Bool?

    public init(url: String, purpose: FetchPurpose = .feed, etag: String? = nil, lastModified: String? = nil,
                maxBytes: Int? = nil, accept: String? = nil, respectRobotsTxt: Bool? = nil) {
        self.respectRobotsTxt = respectRobotsTxt
        self.url = url
        self.purpose = purpose
        self.etag = etag
        self.lastModified = lastModified
        self.maxBytes = maxBytes
        self.accept = accept
    }
}

/// One followed redirect: the URL requested and the 3xx status it answered.
public struct FetchRedirect: Sendable, Equatable {
    public let url: String
    public let status: Int

    public init(url: String, status: Int) {
        self.url = url
        self.status = status
    }

    /// 301 and 308 say "use the new URL from now on"; 302, 303 and 307 do not.
    public var isPermanent: Bool { status == 301 || status == 308 }
}

/// A 2xx response with a body.
public struct FetchResponse: Sendable, Equatable {
    public let requestedURL: String
    /// The URL after redirects: resolve relative links against this.
    public let finalURL: String
    public let status: Int
    /// Media type from Content-Type, lowercased, without parameters ("application/rss+xml"); nil if absent.
    public let contentType: String?
    /// The charset parameter of Content-Type, lowercased ("utf-8"); nil if absent.
    public let charset: String?
    public let etag: String?
    public let lastModified: String?
    /// The body, decompressed.
    public let body: [UInt8]
    /// Transfer time as curl measured it (DNS, connect, TLS, redirects, body), in milliseconds.
    public let elapsedMs: Int
    /// Body size after decompression, in bytes.
    public let bytes: Int
    /// Body bytes as received on the wire (before decompression).
    public let wireBytes: Int
    /// Cache-Control max-age in seconds, if the server gave one (a lower bound for the next poll).
    public let cacheMaxAgeSeconds: Int?
    public let redirectCount: Int
    /// The redirects followed, in order.
    public let redirects: [FetchRedirect]

    public init(requestedURL: String, finalURL: String, status: Int, contentType: String?, charset: String?,
                etag: String?, lastModified: String?, body: [UInt8], elapsedMs: Int, bytes: Int, wireBytes: Int,
                cacheMaxAgeSeconds: Int?, redirectCount: Int,
                redirects: [FetchRedirect] = []) {
        self.redirects = redirects
        self.requestedURL = requestedURL
        self.finalURL = finalURL
        self.status = status
        self.contentType = contentType
        self.charset = charset
        self.etag = etag
        self.lastModified = lastModified
        self.body = body
        self.elapsedMs = elapsedMs
        self.bytes = bytes
        self.wireBytes = wireBytes
        self.cacheMaxAgeSeconds = cacheMaxAgeSeconds
        self.redirectCount = redirectCount
    }

    /// Where the requested URL has moved permanently: the end of the leading run of 301/308 redirects (a
    /// temporary redirect after them does not count, one before them cancels them). nil without such a move.
    /// The scheduler persists it as the feed's new URL once it repeats over a few polls.
    public var permanentRedirectURL: String? {
        let permanentPrefix = redirects.prefix { $0.isPermanent }.count
        guard permanentPrefix > 0 else { return nil }
        return permanentPrefix < redirects.count ? redirects[permanentPrefix].url : finalURL
    }
}

/// Why a fetch failed. `reason` is the stable token for logs, metrics and the state database.
public enum FetchFailure: Sendable, Equatable, CustomStringConvertible {
    /// Connect, total or low-speed timeout.
    case timeout
    /// A status that is neither success, 304, 410 nor rate limiting: reason "http_404", "http_503", ...
    case http(Int)
    /// 410 Gone: the resource was removed on purpose.
    case gone
    /// The body exceeded the byte limit (after decompression).
    case tooLarge
    case headersTooLarge
    case tooManyRedirects
    /// The URL or a redirect target is not http/https.
    case badScheme
    case badURL
    /// The address connected to (after DNS / a redirect) is private, loopback, link-local, ... and not allowed.
    case addressNotAllowed
    case dnsFailed
    case connectionFailed
    /// The connection broke mid-response (reset, truncated body, nothing received).
    case connectionLost
    case tls
    case protocolError
    case badContentEncoding
    /// A 2xx response without a body.
    case emptyBody
    /// The site's robots.txt disallows this URL for our user agent (only when robots.txt is respected).
    case robotsDisallowed
    /// The fetch was cancelled (shutdown or task cancellation).
    case cancelled
    /// Any other libcurl failure, by CURLcode.
    case curl(Int)

    public var reason: String {
        switch self {
        case .timeout: return "timeout"
        case .http(let status): return "http_\(status)"
        case .gone: return "gone"
        case .tooLarge: return "too_large"
        case .headersTooLarge: return "headers_too_large"
        case .tooManyRedirects: return "too_many_redirects"
        case .badScheme: return "bad_scheme"
        case .badURL: return "bad_url"
        case .addressNotAllowed: return "address_not_allowed"
        case .dnsFailed: return "dns_failed"
        case .connectionFailed: return "connection_failed"
        case .connectionLost: return "connection_lost"
        case .tls: return "tls_failed"
        case .protocolError: return "protocol_error"
        case .badContentEncoding: return "bad_content_encoding"
        case .emptyBody: return "empty_body"
        case .robotsDisallowed: return "robots_disallowed"
        case .cancelled: return "cancelled"
        case .curl(let code): return "curl_error_\(code)"
        }
    }

    public var description: String { reason }
}

/// The classified result of a fetch, which the scheduler consumes.
public enum FetchOutcome: Sendable, Equatable, CustomStringConvertible {
    /// A 2xx response with a body.
    case fresh(FetchResponse)
    /// 304: the conditional request matched; nothing changed since the given ETag / Last-Modified.
    case notModified
    /// 429, or 503 with Retry-After, or the host is still inside an earlier Retry-After window.
    /// nil when the server did not say (or said something unparseable).
    case rateLimited(retryAfterSeconds: Int?)
    /// Worth retrying later (timeouts, resets, 5xx, ...).
    case transient(FetchFailure)
    /// Retrying will not help without a change (404, 410, too large, refused address, bad scheme, ...).
    case permanent(FetchFailure)

    /// A stable token for log lines: "ok", "not_modified", "rate_limited retry_after=120s", "timeout", ...
    public var reason: String {
        switch self {
        case .fresh: return "ok"
        case .notModified: return "not_modified"
        case .rateLimited(let seconds?): return "rate_limited retry_after=\(seconds)s"
        case .rateLimited(nil): return "rate_limited"
        case .transient(let failure), .permanent(let failure): return failure.reason
        }
    }

    public var description: String { reason }

    public var response: FetchResponse? {
        if case .fresh(let response) = self { return response }
        return nil
    }

    /// The failure, for `.transient` and `.permanent`.
    public var failure: FetchFailure? {
        switch self {
        case .transient(let failure), .permanent(let failure): return failure
        default: return nil
        }
    }

    public var isFailure: Bool { failure != nil }
}

/// What the pipeline depends on, so tests can put a fake in place of the real fetcher.
public protocol Fetching: Sendable {
    func fetch(_ request: FetchRequest) async -> FetchOutcome
}
