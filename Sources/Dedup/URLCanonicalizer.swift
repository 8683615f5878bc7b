// Stage 1 of dedup: one spelling per article URL, before anything is fetched. Two URLs that name the same
// article (tracking parameters, fragments, mobile/AMP hosts, single-page variants, default ports, escape
// spellings) map to the same string; the 64-bit ArticleID and the state store's "seen" check key on it.
//
// A hand-written parser instead of Foundation's URLComponents: its behaviour here must be identical on every
// machine and release (ids are derived from the output), total on hostile input (no crash, no unbounded work)
// and small enough to fuzz. Output is always ASCII.
import CrawlerModel

/// Why a URL has no canonical form. `reason` is a stable token for logs.
public enum CanonicalURLError: Error, Equatable, Sendable {
    case empty
    case tooLong(bytes: Int)
    case notAbsolute
    case unsupportedScheme(String)
    case missingHost
    case invalidHost(String)
    case invalidPort(String)

    public var reason: String {
        switch self {
        case .empty: "url_empty"
        case .tooLong: "url_too_long"
        case .notAbsolute: "url_not_absolute"
        case .unsupportedScheme: "url_unsupported_scheme"
        case .missingHost: "url_missing_host"
        case .invalidHost: "url_invalid_host"
        case .invalidPort: "url_invalid_port"
        }
    }
}

/// Canonicalises article URLs: generic rules, then the site rule (if any) whose domain matches the host.
public struct URLCanonicalizer: Sendable {
    /// URLs longer than this (bytes) are refused: real article URLs are far shorter, and it bounds work.
    public static let maxLength = 8192

    /// Query parameters that only say where a click came from. Compared lowercased.
    public static let trackingParameters: Set<String> = [
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid", "igshid", "igsh",
        "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "ref_src", "ref_url", "spm", "vero_id",
        "oly_anon_id", "oly_enc_id", "__twitter_impression", "cmpid", "s_cid", "ncid", "ocid",
    ]
    /// Prefixes of tracking parameter names (`utm_source`, `utm_medium`, ...).
    public static let trackingParameterPrefixes: [String] = ["utm_", "pk_", "hsa_"]
    /// Host prefixes that are the same site in another dress: mapped to `www.` (or dropped on subdomains).
    public static let mobileHostPrefixes: [String] = ["m.", "amp.", "mobile."]

    /// Site rules, sorted by domain (the longest matching domain wins).
    public let rules: [SiteURLRule]

    /// Each rule's domain as bytes, in `rules` order (the lookup compares these, not the rule values).
    private let ruleDomains: [[UInt8]]

    public init(rules: [SiteURLRule] = SiteURLRule.defaults) {
        self.rules = rules.sorted { $0.domain < $1.domain }
        ruleDomains = self.rules.map { Array($0.domain.utf8) }
    }

    /// The canonical form of an absolute http(s) URL.
    public func canonicalize(_ raw: String) throws(CanonicalURLError) -> String {
        var parts = try ParsedURL.parse(raw)
        applyGenericRules(&parts)
        if let rule = rule(forHost: parts.host) { rule.apply(to: &parts) }
        // The rules may lengthen the host (m.x -> www.x): past 253 bytes it is no host, and the canonical URL
        // would not canonicalise again (found by fuzz-url-canonicalizer).
        guard parts.host.utf8.count <= 253 else { throw .invalidHost(parts.host) }
        return parts.serialized
    }

    /// The rule whose domain is the host or a parent of it; the most specific one if several match.
    public func rule(forHost host: String) -> SiteURLRule? {
        // On bytes, over the domains only: building "." + domain and copying each rule value per iteration
        // cost ~13,000 instructions per URL, and every article's URL is canonicalised twice.
        let hostBytes = Array(host.utf8)
        return hostBytes.withUnsafeBufferPointer { host -> SiteURLRule? in
            var best: Int?
            for (index, domain) in ruleDomains.enumerated() where HostName.isDomainOrSubdomain(host, of: domain) {
                if best == nil || domain.count > ruleDomains[best!].count { best = index }
            }
            return best.map { rules[$0] }
        }
    }

    private func applyGenericRules(_ url: inout ParsedURL) {
        // Mobile and AMP hosts: m.detik.com -> www.detik.com; m.jabar.example.co.id -> jabar.example.co.id.
        // Until none is left (amp.m.detik.com is the AMP rendering of the mobile site): one pass must give the
        // fixed point, or the canonical URL would canonicalise to another one (found by fuzz-url-canonicalizer).
        var strippedPrefix = true
        while strippedPrefix {
            strippedPrefix = false
            for prefix in Self.mobileHostPrefixes where url.host.hasPrefix(prefix) {
                let rest = String(url.host.dropFirst(prefix.count))
                guard rest.contains(".") else { break }
                url.host = DomainName.registrableDomain(of: rest) == rest ? "www." + rest : rest
                strippedPrefix = true
                break
            }
        }
        // An "/amp" last segment is the AMP rendering of the page above it.
        if url.pathSegments.count > 1, url.pathSegments.last == "amp" { url.pathSegments.removeLast() }
        url.query.removeAll { parameter in
            let name = parameter.decodedName
            if Self.trackingParameters.contains(name) { return true }
            if Self.trackingParameterPrefixes.contains(where: { name.hasPrefix($0) }) { return true }
            // Single-page variants and page 1 are the article itself.
            let value = parameter.decodedValue
            switch name {
            case "page": return value == "all" || value == "1"
            case "showpage": return value == "all"
            case "single": return value == "1" || value == "true"
            case "amp", "outputtype": return value == "" || value == "1" || value == "true" || value == "amp"
            default: return false
            }
        }
    }
}

/// Site knowledge for URLs, as data: one entry per registrable domain, applying to it and its subdomains.
public struct SiteURLRule: Sendable, Codable, Equatable {
    /// Registrable domain, lowercase, e.g. "kompas.com".
    public var domain: String
    /// The site serves articles over https only, so http:// and https:// name the same article.
    public var forceHTTPS: Bool
    /// Article identity lives in the path alone: every query parameter is navigation or tracking.
    public var dropAllQuery: Bool
    /// Further parameter names (lowercase) to drop when the query is otherwise kept.
    public var dropQueryParameters: [String]
    /// Leading path segments that only select a rendering, e.g. "amp" for /amp/2024/...
    public var stripLeadingPathSegments: [String]
    /// Path segments renamed wherever they occur, e.g. "newsread" -> "read".
    public var renamePathSegments: [String: String]
    /// When the path has more segments than this and the last one is all digits, that segment is a page
    /// number (sindonews: /read/{id}/{sub}/{slug}/{N}) and is dropped.
    public var trailingPageSegmentAfter: Int?
    /// On the www/amp host, a path /{kanal}/{marker}/... lives at {kanal}.{domain}/{marker}/... (kompas AMP:
    /// amp.kompas.com/nasional/read/... is nasional.kompas.com/read/...).
    public var subdomainFromFirstSegmentBefore: String?
    /// The bare domain (kompas.com) serves the same pages as www.kompas.com.
    public var bareDomainIsWWW: Bool

    public init(domain: String, forceHTTPS: Bool = true, dropAllQuery: Bool = false, dropQueryParameters: [String] = [],
                stripLeadingPathSegments: [String] = [], renamePathSegments: [String: String] = [:],
                trailingPageSegmentAfter: Int? = nil, subdomainFromFirstSegmentBefore: String? = nil,
                bareDomainIsWWW: Bool = true) {
        self.domain = domain
        self.forceHTTPS = forceHTTPS
        self.dropAllQuery = dropAllQuery
        self.dropQueryParameters = dropQueryParameters
        self.stripLeadingPathSegments = stripLeadingPathSegments
        self.renamePathSegments = renamePathSegments
        self.trailingPageSegmentAfter = trailingPageSegmentAfter
        self.subdomainFromFirstSegmentBefore = subdomainFromFirstSegmentBefore
        self.bareDomainIsWWW = bareDomainIsWWW
    }

    /// The built-in table for the Indonesian outlets we crawl first (see shared/guide/indonesian-news.md).
    /// Their article URLs carry the article's identity in the path, so the query (page=all, single=1,
    /// showpage=all, source=, jxrecoid=, utm_*) is dropped whole.
    public static let defaults: [SiteURLRule] = [
        SiteURLRule(domain: "antaranews.com", dropAllQuery: true),
        SiteURLRule(domain: "cnnindonesia.com", dropAllQuery: true),
        SiteURLRule(domain: "detik.com", dropAllQuery: true),
        SiteURLRule(domain: "jpnn.com", dropAllQuery: true),
        // kompas: dropAllQuery also covers its own trackers (?source=, ?jxrecoid=) and ?page=all.
        SiteURLRule(domain: "kompas.com", dropAllQuery: true,
                    subdomainFromFirstSegmentBefore: "read"),
        SiteURLRule(domain: "liputan6.com", dropAllQuery: true),
        SiteURLRule(domain: "merdeka.com", dropAllQuery: true),
        SiteURLRule(domain: "okezone.com", dropAllQuery: true),
        SiteURLRule(domain: "republika.co.id", dropAllQuery: true),
        SiteURLRule(domain: "sindonews.com", dropAllQuery: true, renamePathSegments: ["newsread": "read"],
                    trailingPageSegmentAfter: 4),
        SiteURLRule(domain: "suara.com", dropAllQuery: true),
        SiteURLRule(domain: "tempo.co", dropAllQuery: true),
        SiteURLRule(domain: "tribunnews.com", dropAllQuery: true, stripLeadingPathSegments: ["amp"]),
        SiteURLRule(domain: "viva.co.id", dropAllQuery: true),
    ]

    func apply(to url: inout ParsedURL) {
        if forceHTTPS, url.scheme == "http" {
            url.scheme = "https"
            if url.port == 80 { url.port = nil }
        }
        if bareDomainIsWWW, url.host == domain { url.host = "www." + domain }
        if dropAllQuery {
            url.query.removeAll()
        } else if !dropQueryParameters.isEmpty {
            url.query.removeAll { dropQueryParameters.contains($0.decodedName) }
        }
        while let first = url.pathSegments.first, url.pathSegments.count > 1, stripLeadingPathSegments.contains(first) {
            url.pathSegments.removeFirst()
        }
        if !renamePathSegments.isEmpty {
            url.pathSegments = url.pathSegments.map { renamePathSegments[$0] ?? $0 }
        }
        if let keep = trailingPageSegmentAfter, url.pathSegments.count > keep, let last = url.pathSegments.last,
           !last.isEmpty, last.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            url.pathSegments.removeLast()
        }
        if let marker = subdomainFromFirstSegmentBefore, url.host == "www." + domain, url.pathSegments.count > 2,
           url.pathSegments[1] == marker, DomainName.isLabel(url.pathSegments[0]) {
            url.host = url.pathSegments[0] + "." + domain
            url.pathSegments.removeFirst()
        }
    }
}

/// Just enough public-suffix knowledge to tell `detik.com` and `example.co.id` (registrable) from
/// `news.detik.com` (a subdomain). Not the full Public Suffix List: only the second-level suffixes that our
/// sites and their neighbours use; unknown ones behave as if the last two labels were registrable.
enum DomainName {
    static let secondLevelSuffixes: Set<String> = [
        "co.id", "or.id", "ac.id", "go.id", "web.id", "my.id", "sch.id", "net.id", "biz.id", "mil.id", "ponpes.id",
        "co.uk", "org.uk", "ac.uk", "gov.uk", "com.au", "net.au", "org.au", "co.jp", "com.sg", "com.my", "co.nz",
        "com.br", "co.in", "co.za", "com.cn", "com.hk", "com.tw", "co.kr", "com.ph", "com.vn", "co.th",
    ]

    static func registrableDomain(of host: String) -> String {
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count > 2 else { return host }
        let lastTwo = labels.suffix(2).joined(separator: ".")
        let take = secondLevelSuffixes.contains(lastTwo) ? 3 : 2
        return labels.suffix(take).joined(separator: ".")
    }

    /// A DNS label we are willing to build a host from: lowercase letters, digits, hyphens, 1-63 bytes.
    static func isLabel(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 63, bytes.first != 0x2D, bytes.last != 0x2D else { return false }
        return bytes.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
    }
}
