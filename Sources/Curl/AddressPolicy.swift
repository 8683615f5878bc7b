// Which addresses a crawler may connect to. The check runs at connect time on the address curl actually
// chose (after DNS and after every redirect; see Transfer's open-socket callback), so neither DNS rebinding nor
// a redirect to http://127.0.0.1/ gets round it. Plain Swift, no C types: the tests drive it directly.
import Foundation

/// An IPv4 or IPv6 address as network-order bytes (4 or 16 of them).
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    public var isV4: Bool { bytes.count == 4 }

    /// `bytes` must be 4 or 16 bytes long.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Parses a literal such as "10.0.0.1", "::1" or "[::ffff:127.0.0.1]". Host names give nil.
    public init?(_ text: String) {
        var literal = Substring(text)
        if literal.hasPrefix("["), literal.hasSuffix("]") { literal = literal.dropFirst().dropLast() }
        var v4 = in_addr()
        if inet_pton(AF_INET, String(literal), &v4) == 1 {
            self.bytes = withUnsafeBytes(of: v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, String(literal), &v6) == 1 {
            self.bytes = withUnsafeBytes(of: v6) { Array($0) }
            return
        }
        return nil
    }

    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let family = isV4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        guard ok else { return bytes.map { String($0) }.joined(separator: ".") }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64
    /// (64:ff9b::a.b.c.d) or 6to4 (2002:aabb:ccdd::) IPv6 address: connecting to one of those reaches (or may
    /// reach) that IPv4 host, so it is judged as that host.
    public var embeddedV4: IPAddress? {
        guard bytes.count == 16 else { return nil }
        let zeros10 = bytes[0..<10].allSatisfy { $0 == 0 }
        if zeros10, bytes[10] == 0xff, bytes[11] == 0xff { return IPAddress(bytes: Array(bytes[12..<16])) }
        if zeros10, bytes[10] == 0, bytes[11] == 0, !bytes[12..<16].allSatisfy({ $0 == 0 }),
           !(bytes[12..<15].allSatisfy { $0 == 0 } && bytes[15] == 1) {
            return IPAddress(bytes: Array(bytes[12..<16]))  // deprecated IPv4-compatible ::a.b.c.d (not :: or ::1)
        }
        if bytes[0] == 0x00, bytes[1] == 0x64, bytes[2] == 0xff, bytes[3] == 0x9b, bytes[4..<12].allSatisfy({ $0 == 0 }) {
            return IPAddress(bytes: Array(bytes[12..<16]))
        }
        if bytes[0] == 0x20, bytes[1] == 0x02 { return IPAddress(bytes: Array(bytes[2..<6])) }
        return nil
    }

    /// The name of the special-purpose range this address is in ("loopback", "private", ...), or nil for an
    /// ordinary public unicast address. Sources: IANA IPv4/IPv6 Special-Purpose Address Registries.
    public var specialRange: String? {
        if let inner = embeddedV4 { return inner.specialRange }
        for range in isV4 ? Self.specialV4 : Self.specialV6 where range.network.contains(self) {
            return range.name
        }
        return nil
    }

    public var isPublic: Bool { specialRange == nil }

    private static let specialV4: [(network: IPNetwork, name: String)] = [
        ("0.0.0.0/8", "this-network"), ("10.0.0.0/8", "private"), ("100.64.0.0/10", "shared-cgnat"),
        ("127.0.0.0/8", "loopback"), ("169.254.0.0/16", "link-local"), ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "ietf-protocol"), ("192.0.2.0/24", "documentation"), ("192.88.99.0/24", "6to4-relay"),
        ("192.168.0.0/16", "private"), ("198.18.0.0/15", "benchmarking"), ("198.51.100.0/24", "documentation"),
        ("203.0.113.0/24", "documentation"), ("224.0.0.0/4", "multicast"), ("240.0.0.0/4", "reserved"),
    ].map { (IPNetwork($0.0)!, $0.1) }

    private static let specialV6: [(network: IPNetwork, name: String)] = [
        ("::/128", "unspecified"), ("::1/128", "loopback"), ("100::/64", "discard"),
        ("2001::/23", "ietf-protocol"), ("2001:db8::/32", "documentation"), ("fc00::/7", "unique-local"),
        ("fe80::/10", "link-local"), ("fec0::/10", "site-local"), ("ff00::/8", "multicast"),
    ].map { (IPNetwork($0.0)!, $0.1) }
}

/// An address range in CIDR notation, e.g. "10.0.0.0/8" or "fd00::/8"; a bare address is a /32 or /128.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    public let address: IPAddress
    public let prefixLength: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(String(parts[0])) else { return nil }
        let maxLength = address.bytes.count * 8
        if parts.count == 2 {
            guard let length = Int(parts[1]), (0...maxLength).contains(length) else { return nil }
            prefixLength = length
        } else {
            prefixLength = maxLength
        }
        self.address = address
    }

    public func contains(_ candidate: IPAddress) -> Bool {
        guard candidate.bytes.count == address.bytes.count else { return false }
        var remaining = prefixLength
        for index in 0..<address.bytes.count where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xff << (8 - bits))
            if (candidate.bytes[index] & mask) != (address.bytes[index] & mask) { return false }
            remaining -= bits
        }
        return true
    }

    public var description: String { "\(address)/\(prefixLength)" }
}

/// The connect-time rule: public addresses always pass; special-purpose ones (loopback, RFC 1918, link-local,
/// CGNAT, ULA, multicast, ...) only when allowed by `allowPrivateNetworks`, by an allowed address range, or by
/// the host name of the URL being fetched at that hop being on the allowed list.
public struct AddressPolicy: Sendable, Equatable {
    public var allowPrivateNetworks: Bool
    /// Lowercased host names, e.g. "sindonews.localhost".
    public var allowedHosts: Set<String>
    /// Allowed address literals and ranges, e.g. 127.0.0.1/32, 10.1.0.0/16.
    public var allowedNetworks: [IPNetwork]

    /// Only public unicast addresses.
    public static let publicOnly = AddressPolicy(allowPrivateNetworks: false)
    /// No address check at all (tests, trusted intranets).
    public static let allowAll = AddressPolicy(allowPrivateNetworks: true)

    /// `allowedPrivateHosts` entries may be host names, address literals or CIDR ranges.
    public init(allowPrivateNetworks: Bool = false, allowedPrivateHosts: [String] = []) {
        self.allowPrivateNetworks = allowPrivateNetworks
        var hosts = Set<String>()
        var networks: [IPNetwork] = []
        for entry in allowedPrivateHosts {
            let trimmed = entry.trimmingCharacters(in: .whitespaces).lowercased()
            if trimmed.isEmpty { continue }
            if let network = IPNetwork(trimmed) {
                networks.append(network)
            } else {
                hosts.insert(trimmed)
            }
        }
        allowedHosts = hosts
        allowedNetworks = networks
    }

    /// nil when `address` may be connected to for a URL whose host is `host`; otherwise why not.
    public func refusal(address: IPAddress, host: String?) -> String? {
        guard let range = address.specialRange else { return nil }
        if allowPrivateNetworks { return nil }
        let judged = address.embeddedV4 ?? address
        if allowedNetworks.contains(where: { $0.contains(address) || $0.contains(judged) }) { return nil }
        if let host, allowedHosts.contains(host.lowercased()) { return nil }
        return "address \(address) (\(range)) of host \(host ?? "?") is not allowed by the address policy"
    }

    public func permits(address: IPAddress, host: String?) -> Bool { refusal(address: address, host: host) == nil }
}
