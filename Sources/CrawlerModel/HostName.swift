// Host names, on bytes. The URL canonicaliser's site rules, the extractor's site rules and its list of Indonesian
// outlets all ask whether a host is a domain or one of its subdomains, for every page: building "." + domain per
// list entry and comparing Strings cost 10,000-18,000 instructions per question. The feed parser (same-site
// links), the extractor (site rules) and the spool sidecar ("site") all take the host out of a URL, per page.

public enum HostName {
    /// True when `host` is `domain` or one of its subdomains (it ends with "." + domain), byte for byte: what
    /// `host == domain || host.hasSuffix("." + domain)` answers for the ASCII names hosts and domains are.
    @inlinable
    public static func isDomainOrSubdomain<Host: RandomAccessCollection, Domain: RandomAccessCollection>(
        _ host: Host, of domain: Domain
    ) -> Bool where Host.Element == UInt8, Host.Index == Int, Domain.Element == UInt8, Domain.Index == Int {
        guard host.count >= domain.count else { return false }
        let tail = host.startIndex + host.count - domain.count
        for offset in 0 ..< domain.count where host[tail + offset] != domain[domain.startIndex + offset] { return false }
        return tail == host.startIndex || host[tail - 1] == UInt8(ascii: ".")
    }

    /// The host of an absolute URL (`scheme://[userinfo@]host[:port]` then `/`, `?`, `#` or the end), lowercased,
    /// without userinfo or port; an IPv6 literal keeps its brackets. Nil for a relative reference, a scheme not
    /// followed by "//", or an empty host. Searched on UTF-8 bytes (every delimiter is ASCII): Character-level
    /// searching cost 25,000-50,000 instructions per URL.
    public static func host(of url: String) -> String? {
        var url = url
        return url.withUTF8 { bytes -> String? in
            guard let scheme = schemeLength(bytes), scheme + 2 < bytes.count, bytes[scheme + 1] == 0x2F,
                  bytes[scheme + 2] == 0x2F else { return nil }
            var start = scheme + 3, end = start
            while end < bytes.count, bytes[end] != 0x2F, bytes[end] != 0x3F, bytes[end] != 0x23 { end += 1 }
            if let at = bytes[start ..< end].lastIndex(of: 0x40) { start = at + 1 }
            if start < end, bytes[start] == 0x5B {
                guard let close = bytes[start ..< end].firstIndex(of: 0x5D) else { return nil }
                end = close + 1
            } else if let colon = bytes[start ..< end].lastIndex(of: 0x3A) {
                end = colon
            }
            guard start < end else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start ..< end]), as: UTF8.self).lowercased()
        }
    }

    /// Bytes in the scheme a URL starts with (RFC 3986: an ASCII letter, then letters, digits, "+", "-" or
    /// "."), up to the ":" that ends it; nil when the text does not start with one (a relative reference).
    @inlinable
    public static func schemeLength<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Int? {
        var length = 0
        for byte in bytes {
            if byte == 0x3A { return length > 0 ? length : nil }
            let letter = (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A
            guard letter || (length > 0 && ((byte >= 0x30 && byte <= 0x39) || byte == 0x2B || byte == 0x2D
                                            || byte == 0x2E)) else { return nil }
            length += 1
        }
        return nil
    }
}
