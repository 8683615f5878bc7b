// One transfer in flight: its easy handle, the buffers the C callbacks fill, and the limits they enforce.
// Threading contract: created, configured, called back and finished on the transfer loop thread only. The C
// callbacks get it as an unretained pointer; the loop's `active` table keeps it alive while curl may call them.
import CCurl
import Foundation

final class Transfer {
    let pending: PendingRequest
    let handle: EasyHandle
    private let policy: AddressPolicy
    private let caBundlePath: String?
    private var headerList: HeaderList?
    /// curl writes a human-readable detail here when a call fails (CURLOPT_ERRORBUFFER, CURL_ERROR_SIZE bytes).
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var retired = false

    private(set) var body: [UInt8] = []
    private(set) var headers: [HTTPHeaderField] = []
    private var headerBytes = 0
    /// Every non-1xx response seen, in order: the URL requested and its status (the last one is the final).
    private var responses: [RedirectHop] = []
    /// Set by a callback that stopped the transfer on purpose; it explains the CURLcode that follows.
    private(set) var abortError: CurlError?
    /// Set when the address policy refused an address. curl may still connect to another address of the host
    /// (IPv6 then IPv4), so this explains only a connect failure, not every failure.
    private(set) var addressRefusal: CurlError?
    /// The last URL whose host the open-socket check parsed, to avoid re-parsing for every address tried.
    private var checkedURL = ""
    private var checkedHost: String?

    private let maxBodyBytes: Int
    private let maxHeaderBytes: Int

    init(pending: PendingRequest, handle: EasyHandle, policy: AddressPolicy, caBundlePath: String?) {
        self.caBundlePath = caBundlePath
        self.pending = pending
        self.handle = handle
        self.policy = policy
        maxBodyBytes = max(0, pending.request.maxBodyBytes)
        maxHeaderBytes = max(1024, pending.request.maxHeaderBytes)
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        // The handle must stop pointing at our buffers before they are freed.
        if !retired { handle.reset() }
        errorBuffer.deallocate()
    }

    /// Detaches the handle for reuse: clears its options (which reference this transfer's memory).
    func retire() -> EasyHandle {
        handle.reset()
        retired = true
        return handle
    }

    var errorDetail: String {
        let text = String(cString: errorBuffer).trimmingCharacters(in: .whitespacesAndNewlines)
        return text
    }

    func takeBody() -> [UInt8] {
        defer { body = [] }
        return body
    }

    /// Sets every option for this request. Throws the first failing setopt.
    func configure() throws(CurlError) {
        let request = pending.request
        let me = Unmanaged.passUnretained(self).toOpaque()
        try handle.set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer), "CURLOPT_ERRORBUFFER")
        try handle.set(CURLOPT_URL, request.url, "CURLOPT_URL")
        try handle.set(CURLOPT_HTTPGET, 1, "CURLOPT_HTTPGET")
        // Only http and https, for the first URL and every redirect: never file://, ftp://, gopher://, ...
        try handle.set(CURLOPT_PROTOCOLS_STR, "http,https", "CURLOPT_PROTOCOLS_STR")
        try handle.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https", "CURLOPT_REDIR_PROTOCOLS_STR")
        try handle.set(CURLOPT_FOLLOWLOCATION, request.maxRedirects > 0 ? 1 : 0, "CURLOPT_FOLLOWLOCATION")
        try handle.set(CURLOPT_MAXREDIRS, max(0, request.maxRedirects), "CURLOPT_MAXREDIRS")
        try handle.set(CURLOPT_AUTOREFERER, 1, "CURLOPT_AUTOREFERER")
        // A proxy's "200 Connection established" is not the server's response; keep it out of the headers.
        try handle.set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1, "CURLOPT_SUPPRESS_CONNECT_HEADERS")
        // Signals are process-wide; a library on a background thread must not use them (timeouts via poll).
        try handle.set(CURLOPT_NOSIGNAL, 1, "CURLOPT_NOSIGNAL")
        // libcurl (7.88) walks its whole DNS cache on every resolve to prune expired entries; with the default
        // 60 s lifetime a poll cycle over 10,000 hosts kept ~10,000 entries and that walk was ~36% of the CPU.
        // 5 s keeps the cache to the hosts of the last few seconds (a feed's host is re-resolved once per poll
        // anyway: intervals are minutes). Measured by Scripts/bench-poll in the commit message.
        try handle.set(CURLOPT_DNS_CACHE_TIMEOUT, 5, "CURLOPT_DNS_CACHE_TIMEOUT")
        try handle.set(CURLOPT_CONNECTTIMEOUT_MS, max(1, request.connectTimeoutMilliseconds), "CURLOPT_CONNECTTIMEOUT_MS")
        try handle.set(CURLOPT_TIMEOUT_MS, max(1, request.totalTimeoutMilliseconds), "CURLOPT_TIMEOUT_MS")
        if request.lowSpeedLimitBytesPerSecond > 0, request.lowSpeedTimeSeconds > 0 {
            try handle.set(CURLOPT_LOW_SPEED_LIMIT, request.lowSpeedLimitBytesPerSecond, "CURLOPT_LOW_SPEED_LIMIT")
            try handle.set(CURLOPT_LOW_SPEED_TIME, request.lowSpeedTimeSeconds, "CURLOPT_LOW_SPEED_TIME")
        }
        // Refuses early when Content-Length already says too much; the write callback enforces the decoded size.
        try handle.set(CURLOPT_MAXFILESIZE_LARGE, offset: maxBodyBytes, "CURLOPT_MAXFILESIZE_LARGE")
        if request.acceptCompressed {
            // "" = every encoding this libcurl can decode (gzip, deflate, br, zstd here).
            try handle.set(CURLOPT_ACCEPT_ENCODING, "", "CURLOPT_ACCEPT_ENCODING")
        }
        // HTTP/2 when the TLS handshake offers it (ALPN), HTTP/1.1 otherwise and for plain http.
        try handle.set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS), "CURLOPT_HTTP_VERSION")
        if let caBundlePath {
            try handle.set(CURLOPT_CAINFO, caBundlePath, "CURLOPT_CAINFO")
        }
        if let agent = request.userAgent {
            try handle.set(CURLOPT_USERAGENT, agent, "CURLOPT_USERAGENT")
        }
        if !request.headers.isEmpty {
            let list = try HeaderList(lines: request.headers.map { "\($0.name): \($0.value)" })
            try handle.set(headers: list)
            headerList = list
        }
        try handle.check(fc_easy_setopt_write(handle.raw, transferWrite), "CURLOPT_WRITEFUNCTION")
        try handle.set(CURLOPT_WRITEDATA, pointer: me, "CURLOPT_WRITEDATA")
        try handle.check(fc_easy_setopt_header(handle.raw, transferHeader), "CURLOPT_HEADERFUNCTION")
        try handle.set(CURLOPT_HEADERDATA, pointer: me, "CURLOPT_HEADERDATA")
        try handle.check(fc_easy_setopt_opensocket(handle.raw, transferOpenSocket), "CURLOPT_OPENSOCKETFUNCTION")
        try handle.set(CURLOPT_OPENSOCKETDATA, pointer: me, "CURLOPT_OPENSOCKETDATA")
    }

    // MARK: callbacks (loop thread, inside curl_multi_perform)

    fileprivate func receiveBody(_ data: UnsafeRawBufferPointer) -> Bool {
        if body.count + data.count > maxBodyBytes {
            abortError = CurlError(kind: .tooLarge, message: "body exceeds \(maxBodyBytes) bytes (after decoding)",
                                   call: "write callback")
            return false
        }
        let needed = body.count + data.count
        if needed > body.capacity {
            // Grow by doubling as Array would, but never past the limit: a 10 MB cap must not cost a 16 MB buffer.
            // The first reservation uses Content-Length (wire size; a compressed body grows from there).
            let announced = body.isEmpty ? handle.offset(CURLINFO_CONTENT_LENGTH_DOWNLOAD_T) : 0
            body.reserveCapacity(min(maxBodyBytes, max(needed, body.capacity * 2, announced, 16 << 10)))
        }
        body.append(contentsOf: data)
        return true
    }

    fileprivate func receiveHeader(_ data: UnsafeRawBufferPointer) -> Bool {
        if data.starts(with: Self.statusLinePrefix) {
            // A new status line: an earlier response (redirect, 100 Continue) is over; keep only the last one's.
            headers.removeAll(keepingCapacity: true)
            headerBytes = 0
            if let status = Self.statusCode(ofStatusLine: data), status >= 200 {
                // curl has already switched its effective URL to this hop's URL when it follows a redirect.
                responses.append(RedirectHop(url: handle.string(CURLINFO_EFFECTIVE_URL), status: status))
            }
        }
        headerBytes += data.count
        if headerBytes > maxHeaderBytes {
            abortError = CurlError(kind: .headersTooLarge, message: "response headers exceed \(maxHeaderBytes) bytes",
                                   call: "header callback")
            return false
        }
        // Parsed as bytes: cheaper than Foundation's trimming (which goes through UTF-16), and "\r\n" is a single
        // Character in a Swift String, so string suffix checks miss it.
        var end = data.count
        while end > 0, data[end - 1] == 0x0A || data[end - 1] == 0x0D { end -= 1 }
        if end == 0 || data.starts(with: Self.statusLinePrefix) { return true }
        if data[0] == 0x20 || data[0] == 0x09 {
            // obs-fold: continuation of the previous header's value.
            if let last = headers.popLast() {
                let more = Self.trimmedString(data, 0, end)
                headers.append(HTTPHeaderField(lowercasedName: last.name, value: last.value + " " + more))
            }
            return true
        }
        guard let colon = data[0..<end].firstIndex(of: 0x3A) else { return true }
        var name = Array(data[0..<colon])
        while let last = name.last, last == 0x20 || last == 0x09 { name.removeLast() }
        guard !name.isEmpty else { return true }
        for index in name.indices where name[index] >= 0x41 && name[index] <= 0x5A { name[index] |= 0x20 }
        headers.append(HTTPHeaderField(lowercasedName: String(decoding: name, as: UTF8.self),
                                       value: Self.trimmedString(data, colon + 1, end)))
        return true
    }

    private static let statusLinePrefix = Array("HTTP/".utf8)

    /// data[start..<end] without surrounding spaces and tabs, decoded as UTF-8 (invalid bytes repaired).
    private static func trimmedString(_ data: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> String {
        var lower = start, upper = end
        while lower < upper, data[lower] == 0x20 || data[lower] == 0x09 { lower += 1 }
        while upper > lower, data[upper - 1] == 0x20 || data[upper - 1] == 0x09 { upper -= 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: data[lower..<upper]), as: UTF8.self)
    }

    /// The redirects followed: every response before the final one.
    var redirects: [RedirectHop] { Array(responses.dropLast()) }

    /// 301 from "HTTP/1.1 301 Moved Permanently" or "HTTP/2 301".
    static func statusCode(ofStatusLine line: UnsafeRawBufferPointer) -> Int? {
        guard let space = line.firstIndex(of: UInt8(ascii: " ")), space + 3 < line.count else { return nil }
        var code = 0
        for byte in line[(space + 1)...(space + 3)] {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            code = code * 10 + Int(byte - 0x30)
        }
        return code
    }

    /// Decides whether curl may connect to `address`; on refusal records why.
    fileprivate func mayConnect(to address: IPAddress?) -> Bool {
        guard let address else {
            addressRefusal = CurlError(kind: .addressNotAllowed, message: "unsupported address family",
                                       call: "open-socket callback")
            return false
        }
        if policy.allowPrivateNetworks || address.isPublic { return true }
        // The URL of the hop being connected: curl updates the effective URL before following a redirect.
        let hopURL = handle.string(CURLINFO_EFFECTIVE_URL)
        if hopURL != checkedURL {
            checkedURL = hopURL
            checkedHost = try? CurlURL(hopURL).host
        }
        if let refusal = policy.refusal(address: address, host: checkedHost) {
            addressRefusal = CurlError(kind: .addressNotAllowed, message: refusal, call: "open-socket callback")
            return false
        }
        return true
    }
}

// C entry points. `userdata` is the Transfer, unretained (see the contract above). Returning a count other than
// the one given makes curl fail the transfer with CURLE_WRITE_ERROR; `abortError` then says why.

private func transferWrite(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int,
                           _ userdata: UnsafeMutableRawPointer?) -> Int {
    guard let userdata else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    guard length > 0, let data else { return length }
    return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}

private func transferHeader(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int,
                            _ userdata: UnsafeMutableRawPointer?) -> Int {
    guard let userdata else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    guard length > 0, let data else { return length }
    return transfer.receiveHeader(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}

/// Replaces curl's socket() call so the address policy sees each address curl is about to connect to.
private func transferOpenSocket(_ clientp: UnsafeMutableRawPointer?, _ purpose: curlsocktype,
                                _ address: UnsafeMutablePointer<curl_sockaddr>?) -> curl_socket_t {
    guard let clientp, let address else { return fc_socket_bad() }
    let transfer = Unmanaged<Transfer>.fromOpaque(clientp).takeUnretainedValue()
    let family = address.pointee.family
    var ip: IPAddress?
    if let sockaddr = fc_sockaddr_of(address) {
        if family == AF_INET {
            ip = sockaddr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                withUnsafeBytes(of: v4.pointee.sin_addr) { IPAddress(bytes: Array($0)) }
            }
        } else if family == AF_INET6 {
            ip = sockaddr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                withUnsafeBytes(of: v6.pointee.sin6_addr) { IPAddress(bytes: Array($0)) }
            }
        }
    }
    guard transfer.mayConnect(to: ip) else { return fc_socket_bad() }
    // Close-on-exec so sockets never leak into child processes.
    let fd = socket(family, address.pointee.socktype | Int32(SOCK_CLOEXEC.rawValue), address.pointee.protocol)
    return fd < 0 ? fc_socket_bad() : fd
}
