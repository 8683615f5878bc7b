// Host names against lists of site domains, on bytes: the URL canonicaliser's site rules, the extractor's site
// rules and its list of Indonesian outlets all ask whether a host is a domain or one of its subdomains, for every
// page. Building "." + domain per list entry and comparing Strings cost 10,000-18,000 instructions per question.

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
}
