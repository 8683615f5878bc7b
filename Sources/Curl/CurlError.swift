// Every libcurl return code becomes one of these at the boundary: what kind of failure it is (the part callers
// branch on), curl's own code and message, and which call produced it (the part operators read in logs).
import CCurl

/// A failed libcurl call or an aborted transfer.
public struct CurlError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The failure classes callers act on. Several CURLcodes map to one kind; `code` keeps the exact one.
    public enum Kind: String, Sendable, Equatable {
        case badURL = "bad_url"
        /// A request field this wrapper refuses (e.g. a header value with CR/LF).
        case invalidRequest = "invalid_request"
        /// The URL (or a redirect target) is not http/https.
        case badScheme = "bad_scheme"
        case dnsFailed = "dns_failed"
        case connectFailed = "connection_failed"
        /// The address curl was about to connect to is private/loopback/link-local/... and not allowed.
        case addressNotAllowed = "address_not_allowed"
        case timeout
        /// The body (after decompression) exceeded the request's byte limit.
        case tooLarge = "too_large"
        /// The response headers exceeded the request's header byte limit.
        case headersTooLarge = "headers_too_large"
        case tooManyRedirects = "too_many_redirects"
        case tls
        /// The connection broke mid-transfer (reset, truncated body, empty reply).
        case connectionLost = "connection_lost"
        case badContentEncoding = "bad_content_encoding"
        /// The server spoke something that is not valid HTTP.
        case protocolError = "protocol_error"
        /// The calling task was cancelled.
        case cancelled
        /// The client was shut down before the transfer finished.
        case shutdown
        case outOfMemory = "out_of_memory"
        /// Anything else libcurl reports; see `code` and `message`.
        case other
    }

    public let kind: Kind
    /// The raw CURLcode (or CURLMcode / CURLUcode, see `call`); 0 for failures detected by this wrapper.
    public let code: Int
    /// libcurl's message (its error buffer when filled, else curl_easy_strerror), or this wrapper's.
    public let message: String
    /// The call that failed, e.g. "curl_easy_setopt(CURLOPT_URL)" or "transfer".
    public let call: String

    public init(kind: Kind, code: Int = 0, message: String, call: String) {
        self.kind = kind
        self.code = code
        self.message = message
        self.call = call
    }

    public var description: String { "\(call): \(kind.rawValue) (\(code)): \(message)" }

    /// Builds the error for an easy-interface code; `detail` is the per-transfer error buffer, when set.
    init(easyCode: CURLcode, call: String, detail: String? = nil) {
        let message: String
        if let detail, !detail.isEmpty {
            message = detail
        } else {
            message = String(cString: curl_easy_strerror(easyCode))
        }
        self.init(kind: Self.kind(of: easyCode), code: Int(easyCode.rawValue), message: message, call: call)
    }

    init(multiCode: CURLMcode, call: String) {
        let kind: Kind = multiCode == CURLM_OUT_OF_MEMORY ? .outOfMemory : .other
        self.init(kind: kind, code: Int(multiCode.rawValue), message: String(cString: curl_multi_strerror(multiCode)),
                  call: call)
    }

    static func kind(of code: CURLcode) -> Kind {
        switch code {
        case CURLE_URL_MALFORMAT: return .badURL
        case CURLE_UNSUPPORTED_PROTOCOL: return .badScheme
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .dnsFailed
        case CURLE_COULDNT_CONNECT: return .connectFailed
        case CURLE_OPERATION_TIMEDOUT: return .timeout
        case CURLE_FILESIZE_EXCEEDED: return .tooLarge
        case CURLE_TOO_MANY_REDIRECTS: return .tooManyRedirects
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_ENGINE_NOTFOUND,
             CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_USE_SSL_FAILED:
            return .tls
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE, CURLE_GOT_NOTHING, CURLE_HTTP2_STREAM:
            return .connectionLost
        case CURLE_BAD_CONTENT_ENCODING: return .badContentEncoding
        case CURLE_WEIRD_SERVER_REPLY, CURLE_HTTP2, CURLE_HTTP3: return .protocolError
        case CURLE_ABORTED_BY_CALLBACK: return .cancelled
        case CURLE_OUT_OF_MEMORY: return .outOfMemory
        default: return .other
        }
    }
}
