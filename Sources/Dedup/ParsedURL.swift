// The small URL model the canonicaliser works on: scheme, host, port, path segments and query parameters, each
// already in normal percent-encoding (unreserved characters decoded, other escapes upper-case hex, characters
// outside the RFC 3986 set encoded as UTF-8 escapes). Userinfo and fragment are dropped at parse time.

struct QueryParameter: Equatable {
    /// Normalised, still percent-encoded.
    var name: String
    /// Normalised, still percent-encoded; nil for a bare `?flag`.
    var value: String?

    /// Lowercased and percent-decoded name, for comparing with rule lists.
    var decodedName: String { PercentEncoding.decode(name).lowercased() }
    var decodedValue: String { PercentEncoding.decode(value ?? "").lowercased() }
    var serialized: String { value.map { name + "=" + $0 } ?? name }
}

struct ParsedURL: Equatable {
    var scheme: String
    var host: String
    /// nil for the scheme's default port.
    var port: Int?
    /// Segments of the path after its leading "/": "/" is [""], "/a/b/" is ["a", "b", ""].
    var pathSegments: [String]
    var query: [QueryParameter]

    var serialized: String {
        var out = scheme + "://" + host
        if let port { out += ":" + String(port) }
        out += "/" + pathSegments.joined(separator: "/")
        if !query.isEmpty {
            let sorted = query.sorted { ($0.name, $0.value ?? "") < ($1.name, $1.value ?? "") }
            out += "?" + sorted.map(\.serialized).joined(separator: "&")
        }
        return out
    }

    static func parse(_ raw: String) throws(CanonicalURLError) -> ParsedURL {
        // WHATWG: leading/trailing C0 controls and spaces are trimmed; tabs and newlines removed anywhere.
        var bytes = Array(raw.utf8)
        guard bytes.count <= URLCanonicalizer.maxLength else { throw .tooLong(bytes: bytes.count) }
        bytes.removeAll { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        while let first = bytes.first, first <= 0x20 { bytes.removeFirst() }
        while let last = bytes.last, last <= 0x20 { bytes.removeLast() }
        guard !bytes.isEmpty else { throw .empty }

        // Scheme.
        guard let colon = bytes.firstIndex(of: 0x3A), colon > 0, isAlpha(bytes[0]),
              bytes[..<colon].allSatisfy({ isAlpha($0) || isDigit($0) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E })
        else { throw .notAbsolute }
        let scheme = String(decoding: bytes[..<colon], as: UTF8.self).lowercased()
        guard scheme == "http" || scheme == "https" else { throw .unsupportedScheme(scheme) }
        var rest = bytes[(colon + 1)...]
        guard rest.starts(with: [0x2F, 0x2F]) else { throw .notAbsolute }
        rest = rest.dropFirst(2)

        // Authority ends at the first "/", "?" or "#".
        let authorityEnd = rest.firstIndex(where: { $0 == 0x2F || $0 == 0x3F || $0 == 0x23 }) ?? rest.endIndex
        var authority = rest[rest.startIndex..<authorityEnd]
        if let at = authority.lastIndex(of: 0x40) { authority = authority[(at + 1)...] }  // userinfo dropped
        let (host, portText) = try splitHostPort(authority)
        let port = try parsePort(portText, scheme: scheme)

        // Path, query, fragment (dropped).
        var tail = rest[authorityEnd...]
        if let hash = tail.firstIndex(of: 0x23) { tail = tail[..<hash] }
        var pathBytes = tail
        var queryBytes: ArraySlice<UInt8>?
        if let question = tail.firstIndex(of: 0x3F) {
            pathBytes = tail[..<question]
            queryBytes = tail[(question + 1)...]
        }
        let rawSegments = pathBytes.isEmpty ? [ArraySlice<UInt8>()]
            : pathBytes.dropFirst().split(separator: 0x2F, omittingEmptySubsequences: false)
        let segments = removeDotSegments(rawSegments.map { PercentEncoding.normalize($0, allowed: isPathByte) })

        var query: [QueryParameter] = []
        if let queryBytes {
            for part in queryBytes.split(separator: 0x26, omittingEmptySubsequences: true) {
                if let equals = part.firstIndex(of: 0x3D) {
                    query.append(QueryParameter(name: PercentEncoding.normalize(part[..<equals], allowed: isQueryByte),
                                                value: PercentEncoding.normalize(part[(equals + 1)...],
                                                                                 allowed: isQueryValueByte)))
                } else {
                    query.append(QueryParameter(name: PercentEncoding.normalize(part, allowed: isQueryByte), value: nil))
                }
            }
        }
        return ParsedURL(scheme: scheme, host: host, port: port, pathSegments: segments, query: query)
    }

    private static func splitHostPort(_ authority: ArraySlice<UInt8>) throws(CanonicalURLError)
        -> (String, ArraySlice<UInt8>)
    {
        var hostBytes = authority
        var portBytes = ArraySlice<UInt8>()
        if authority.first == 0x5B {  // [IPv6]
            guard let close = authority.firstIndex(of: 0x5D) else {
                throw .invalidHost(String(decoding: authority, as: UTF8.self))
            }
            hostBytes = authority[authority.startIndex...close]
            let afterClose = authority[(close + 1)...]
            if let first = afterClose.first {
                guard first == 0x3A else { throw .invalidHost(String(decoding: authority, as: UTF8.self)) }
                portBytes = afterClose.dropFirst()
            }
            let inner = hostBytes.dropFirst().dropLast()
            guard !inner.isEmpty, inner.allSatisfy({ isHexDigit($0) || $0 == 0x3A || $0 == 0x2E }) else {
                throw .invalidHost(String(decoding: authority, as: UTF8.self))
            }
            return (String(decoding: hostBytes, as: UTF8.self).lowercased(), portBytes)
        }
        if let colon = authority.lastIndex(of: 0x3A) {
            hostBytes = authority[..<colon]
            portBytes = authority[(colon + 1)...]
        }
        while hostBytes.last == 0x2E { hostBytes = hostBytes.dropLast() }  // "example.com." is example.com
        guard !hostBytes.isEmpty else { throw .missingHost }
        let text = String(decoding: hostBytes, as: UTF8.self)
        guard hostBytes.count <= 253,
              hostBytes.allSatisfy({ isAlpha($0) || isDigit($0) || $0 == 0x2D || $0 == 0x2E || $0 == 0x5F || $0 >= 0x80 }),
              !hostBytes.split(separator: 0x2E, omittingEmptySubsequences: false).contains(where: \.isEmpty)
        else { throw .invalidHost(text) }
        return (text.lowercased(), portBytes)
    }

    private static func parsePort(_ text: ArraySlice<UInt8>, scheme: String) throws(CanonicalURLError) -> Int? {
        if text.isEmpty { return nil }
        guard text.count <= 5, text.allSatisfy(isDigit) else {
            throw .invalidPort(String(decoding: text, as: UTF8.self))
        }
        let port = text.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        guard port > 0, port <= 65535 else { throw .invalidPort(String(port)) }
        if (scheme == "http" && port == 80) || (scheme == "https" && port == 443) { return nil }
        return port
    }

    /// RFC 3986 section 5.2.4 on a segment list; a trailing "." or ".." leaves a trailing slash.
    private static func removeDotSegments(_ segments: [String]) -> [String] {
        var out: [String] = []
        for (index, segment) in segments.enumerated() {
            let isLast = index == segments.count - 1
            switch segment {
            case ".":
                if isLast { out.append("") }
            case "..":
                if !out.isEmpty { out.removeLast() }
                if isLast { out.append("") }
            default:
                out.append(segment)
            }
        }
        return out.isEmpty ? [""] : out
    }
}

@inline(__always) func isAlpha(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
@inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
@inline(__always) func isHexDigit(_ byte: UInt8) -> Bool { isDigit(byte) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x66) }
/// RFC 3986 unreserved: ALPHA DIGIT - . _ ~
@inline(__always) func isUnreserved(_ byte: UInt8) -> Bool {
    isAlpha(byte) || isDigit(byte) || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
}
/// sub-delims ! $ & ' ( ) * + , ; =
@inline(__always) func isSubDelim(_ byte: UInt8) -> Bool {
    switch byte {
    case 0x21, 0x24, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x3B, 0x3D: true
    default: false
    }
}
func isPathByte(_ byte: UInt8) -> Bool { isUnreserved(byte) || isSubDelim(byte) || byte == 0x3A || byte == 0x40 }
/// In a query name "&" and "=" are separators, so they stay escaped when they were.
func isQueryByte(_ byte: UInt8) -> Bool {
    (isPathByte(byte) || byte == 0x2F || byte == 0x3F) && byte != 0x26 && byte != 0x3D
}
func isQueryValueByte(_ byte: UInt8) -> Bool { (isPathByte(byte) || byte == 0x2F || byte == 0x3F) && byte != 0x26 }

enum PercentEncoding {
    private static let upperHex = Array("0123456789ABCDEF".utf8)

    /// Normal form of one component: escapes of unreserved characters decoded, other escapes upper-case,
    /// a stray "%" escaped, and every byte not `allowed` raw escaped.
    static func normalize(_ bytes: ArraySlice<UInt8>, allowed: (UInt8) -> Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 0x25, bytes.distance(from: index, to: bytes.endIndex) >= 3,
               isHexDigit(bytes[index + 1]), isHexDigit(bytes[index + 2]) {
                let value = hexValue(bytes[index + 1]) << 4 | hexValue(bytes[index + 2])
                if isUnreserved(value) {
                    out.append(value)
                } else {
                    out += [0x25, upperHex[Int(value >> 4)], upperHex[Int(value & 0x0F)]]
                }
                index += 3
                continue
            }
            if byte != 0x25, allowed(byte) {
                out.append(byte)
            } else {
                out += [0x25, upperHex[Int(byte >> 4)], upperHex[Int(byte & 0x0F)]]
            }
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes escapes (invalid UTF-8 becomes U+FFFD); used only to compare names with rule lists.
    static func decode(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x25, index + 2 < bytes.count, isHexDigit(bytes[index + 1]), isHexDigit(bytes[index + 2]) {
                out.append(hexValue(bytes[index + 1]) << 4 | hexValue(bytes[index + 2]))
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8 {
        isDigit(byte) ? byte - 0x30 : (byte | 0x20) - 0x61 + 10
    }
}
