// Plain values crossing from callers (any task) to the transfer loop thread and back. No C types.

/// One response header, name lowercased (HTTP names are case-insensitive), value trimmed.
public struct HTTPHeaderField: Sendable, Equatable {
    public let name: String
    public let value: String

    public init(name: String, value: String) {
        self.name = name.lowercased()
        self.value = value
    }

    /// For names already lowercased (the header parser lowercases ASCII bytes itself).
    init(lowercasedName: String, value: String) {
        self.name = lowercasedName
        self.value = value
    }
}

/// One GET transfer. Limits have defaults meant for crawling untrusted servers; every one is in its unit.
public struct CurlRequest: Sendable {
    public var url: String
    /// Extra request headers ("If-None-Match", "If-Modified-Since", "Accept", ...). A value containing CR, LF
    /// or NUL is refused with `.invalidRequest` (header injection).
    public var headers: [HTTPHeaderField]
    public var userAgent: String?
    /// Time allowed for DNS + TCP + TLS, in milliseconds.
    public var connectTimeoutMilliseconds: Int
    /// Time allowed for the whole transfer including redirects, in milliseconds.
    public var totalTimeoutMilliseconds: Int
    /// Abort when fewer than this many bytes per second arrive for `lowSpeedTimeSeconds` (a trickling server).
    public var lowSpeedLimitBytesPerSecond: Int
    public var lowSpeedTimeSeconds: Int
    /// The largest body accepted, counted after decompression (so a gzip bomb is cut here), in bytes.
    public var maxBodyBytes: Int
    /// The largest total size of the final response's header lines, in bytes.
    public var maxHeaderBytes: Int
    /// Redirects followed at most; 0 means redirects are not followed (the 3xx response is returned).
    public var maxRedirects: Int
    /// Ask for gzip/deflate/br/zstd and decode transparently.
    public var acceptCompressed: Bool

    public init(url: String,
                headers: [HTTPHeaderField] = [],
                userAgent: String? = nil,
                connectTimeoutMilliseconds: Int = 10_000,
                totalTimeoutMilliseconds: Int = 60_000,
                lowSpeedLimitBytesPerSecond: Int = 100,
                lowSpeedTimeSeconds: Int = 30,
                maxBodyBytes: Int = 10 << 20,
                maxHeaderBytes: Int = 256 << 10,
                maxRedirects: Int = 5,
                acceptCompressed: Bool = true) {
        self.url = url
        self.headers = headers
        self.userAgent = userAgent
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.totalTimeoutMilliseconds = totalTimeoutMilliseconds
        self.lowSpeedLimitBytesPerSecond = lowSpeedLimitBytesPerSecond
        self.lowSpeedTimeSeconds = lowSpeedTimeSeconds
        self.maxBodyBytes = maxBodyBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxRedirects = maxRedirects
        self.acceptCompressed = acceptCompressed
    }
}

/// One followed redirect: the URL requested at that hop and the 3xx status it answered.
public struct RedirectHop: Sendable, Equatable {
    public let url: String
    public let status: Int

    public init(url: String, status: Int) {
        self.url = url
        self.status = status
    }
}

/// The final response of a transfer (after redirects).
public struct CurlResponse: Sendable {
    /// HTTP status of the final response.
    public let status: Int
    /// The URL of the final response (CURLINFO_EFFECTIVE_URL).
    public let effectiveURL: String
    /// Headers of the final response only, in order; a repeated header appears once per line.
    public let headers: [HTTPHeaderField]
    /// The body, decompressed.
    public let body: [UInt8]
    public let redirectCount: Int
    /// The redirects followed, in order (empty when none).
    public let redirects: [RedirectHop]
    /// The address of the last connection, e.g. "127.0.0.1".
    public let primaryIP: String
    /// Wall time of the whole transfer as curl measured it, in microseconds.
    public let totalTimeMicroseconds: Int
    /// Body bytes received (CURLINFO_SIZE_DOWNLOAD_T).
    public let downloadedBytes: Int
    /// "1.1", "2", ... (the final response's HTTP version).
    public let httpVersion: String

    public init(status: Int, effectiveURL: String, headers: [HTTPHeaderField], body: [UInt8], redirectCount: Int,
                primaryIP: String, totalTimeMicroseconds: Int, downloadedBytes: Int, httpVersion: String,
                redirects: [RedirectHop] = []) {
        self.redirects = redirects
        self.status = status
        self.effectiveURL = effectiveURL
        self.headers = headers
        self.body = body
        self.redirectCount = redirectCount
        self.primaryIP = primaryIP
        self.totalTimeMicroseconds = totalTimeMicroseconds
        self.downloadedBytes = downloadedBytes
        self.httpVersion = httpVersion
    }

    /// Every value of a header, in order (`name` in any case).
    public func headerValues(_ name: String) -> [String] {
        let key = name.lowercased()
        return headers.filter { $0.name == key }.map(\.value)
    }

    /// The first value of a header, or nil.
    public func header(_ name: String) -> String? {
        let key = name.lowercased()
        return headers.first { $0.name == key }?.value
    }
}
