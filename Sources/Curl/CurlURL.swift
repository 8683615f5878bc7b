// URL parsing with libcurl's own parser (the CURLU API), so the scheme and host we check are exactly the ones
// curl will use: two different URL parsers disagreeing about a host is a classic way round allow lists.
import CCurl

/// The parts of an absolute URL that policy decisions need.
public struct CurlURL: Sendable, Equatable {
    /// Lowercased scheme, e.g. "https".
    public let scheme: String
    /// Lowercased host name or address literal; IPv6 literals without brackets, e.g. "::1".
    public let host: String
    /// The port, the scheme's default when the URL has none.
    public let port: Int
    /// The URL as curl normalises it (what it would send).
    public let normalized: String
    /// Path and query as sent in the request line, e.g. "/berita/1?page=all" (for robots.txt matching).
    public let pathAndQuery: String
    /// "scheme://host:port" (IPv6 hosts in brackets): what robots.txt and politeness are keyed by.
    public var origin: String {
        // Concatenated rather than interpolated: asked for every article fetch (robots.txt cache key).
        let bracketed = host.utf8.contains(UInt8(ascii: ":")) ? "[" + host + "]" : host
        return scheme + "://" + bracketed + ":" + String(port)
    }

    /// The schemes a crawler may fetch; everything else (file, ftp, gopher, dict, ...) is refused.
    public static let fetchableSchemes: Set<String> = ["http", "https"]

    public var isFetchable: Bool { Self.fetchableSchemes.contains(scheme) }

    /// Parses an absolute URL. Throws `.badURL`, or `.badScheme` for a scheme libcurl does not know at all.
    public init(_ string: String) throws(CurlError) {
        let handle = try Self.parse(string)
        defer { curl_url_cleanup(handle) }
        func part(_ which: CURLUPart, _ name: String, flags: UInt32 = 0) throws(CurlError) -> String {
            try Self.part(of: handle, which, name, flags: flags)
        }
        scheme = try part(CURLUPART_SCHEME, "CURLUPART_SCHEME").lowercased()
        var host: String
        do {
            host = try part(CURLUPART_HOST, "CURLUPART_HOST").lowercased()
        } catch where !Self.fetchableSchemes.contains(scheme) {
            // file:///etc/passwd has no host; what is wrong with it is the scheme.
            throw CurlError(kind: .badScheme, message: "scheme \(scheme) is not fetchable (only http, https)",
                            call: "curl_url_get(CURLUPART_HOST)")
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.host = host
        let portText = try part(CURLUPART_PORT, "CURLUPART_PORT", flags: UInt32(CURLU_DEFAULT_PORT))
        guard let port = Int(portText) else {
            throw CurlError(kind: .badURL, message: "port \(portText) is not a number", call: "curl_url_get(CURLUPART_PORT)")
        }
        self.port = port
        normalized = try part(CURLUPART_URL, "CURLUPART_URL")
        let path = (try? part(CURLUPART_PATH, "CURLUPART_PATH")) ?? "/"
        let query = try? part(CURLUPART_QUERY, "CURLUPART_QUERY")
        pathAndQuery = (path.isEmpty ? "/" : path) + (query.map { "?" + $0 } ?? "")
    }

    /// Only the lowercased scheme, as `init` reads it: one parse and one part instead of six, for a check that
    /// needs nothing else (the transfer's own scheme check, after the caller already vetted the URL).
    public static func scheme(of string: String) throws(CurlError) -> String {
        let handle = try parse(string)
        defer { curl_url_cleanup(handle) }
        return try part(of: handle, CURLUPART_SCHEME, "CURLUPART_SCHEME").lowercased()
    }

    /// A CURLU handle holding the parsed URL; the caller cleans it up.
    private static func parse(_ string: String) throws(CurlError) -> OpaquePointer {
        try Curl.initialize()
        guard let handle = curl_url() else {
            throw CurlError(kind: .outOfMemory, message: "curl_url returned NULL", call: "curl_url")
        }
        let setCode = curl_url_set(handle, CURLUPART_URL, string, 0)
        guard setCode == CURLUE_OK else {
            curl_url_cleanup(handle)
            let kind: CurlError.Kind = setCode == CURLUE_UNSUPPORTED_SCHEME ? .badScheme : .badURL
            throw CurlError(kind: kind, code: Int(setCode.rawValue), message: Self.message(setCode),
                            call: "curl_url_set(CURLUPART_URL)")
        }
        return handle
    }

    private static func part(of handle: OpaquePointer, _ which: CURLUPart, _ name: String,
                             flags: UInt32 = 0) throws(CurlError) -> String {
        var value: UnsafeMutablePointer<CChar>?
        let code = curl_url_get(handle, which, &value, flags)
        guard code == CURLUE_OK, let value else {
            throw CurlError(kind: .badURL, code: Int(code.rawValue), message: Self.message(code),
                            call: "curl_url_get(\(name))")
        }
        defer { curl_free(value) }
        return String(cString: value)
    }

    private static func message(_ code: CURLUcode) -> String {
        if let text = curl_url_strerror(code) { return String(cString: text) }
        return "URL error \(code.rawValue)"
    }
}
