// robots.txt (RFC 9309): parsing and matching are pure values; `RobotsCache` fetches each host's file once per
// 24 h through the normal fetch path (same politeness, address policy and limits).
import Foundation

/// The rules of one robots.txt that apply to one crawler (its product token).
public struct RobotsRules: Sendable, Equatable {
    struct Rule: Sendable, Equatable {
        let allow: Bool
        let pattern: [UInt8]
    }

    let rules: [Rule]
    /// Crawl-delay of the chosen group, in seconds (non-standard but common); nil if absent.
    public let crawlDelaySeconds: Double?
    /// Sitemap URLs listed anywhere in the file.
    public let sitemaps: [String]

    /// Everything allowed (no robots.txt, or a 4xx for it).
    public static let allowAll = RobotsRules(rules: [], crawlDelaySeconds: nil, sitemaps: [])
    /// Nothing allowed.
    public static let disallowAll = RobotsRules(rules: [Rule(allow: false, pattern: Array("/".utf8))],
                                                crawlDelaySeconds: nil, sitemaps: [])

    init(rules: [Rule], crawlDelaySeconds: Double?, sitemaps: [String]) {
        self.rules = rules
        self.crawlDelaySeconds = crawlDelaySeconds
        self.sitemaps = sitemaps
    }

    /// Parses `body` and keeps the groups for `productToken` (e.g. "feedcrawler"), else the "*" groups.
    public init(parsing body: [UInt8], productToken: String) {
        let token = productToken.lowercased()
        var specific: [Rule] = [], generic: [Rule] = []
        var specificDelay: Double?, genericDelay: Double?
        var matchedSpecific = false
        var sitemaps: [String] = []
        // The agents of the group being read; a user-agent line after rules starts a new group.
        var groupAgents: [String] = []
        var groupHasRules = false

        // RFC 9309 asks crawlers to parse at least 500 KiB; the fetch limit already bounds the input.
        let text = String(decoding: body, as: UTF8.self)
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "user-agent":
                if groupHasRules {
                    groupAgents = []
                    groupHasRules = false
                }
                // The product token is the part before any "/version".
                let agent = value.split(separator: "/").first.map { $0.lowercased() } ?? ""
                groupAgents.append(agent)
            case "allow", "disallow":
                groupHasRules = true
                // An empty Disallow means "nothing disallowed": no rule.
                guard !value.isEmpty else { continue }
                let rule = Rule(allow: key == "allow", pattern: Array(value.utf8))
                if groupAgents.contains(token) {
                    matchedSpecific = true
                    specific.append(rule)
                }
                if groupAgents.contains("*") { generic.append(rule) }
            case "crawl-delay":
                groupHasRules = true
                guard let seconds = Double(value), seconds.isFinite, seconds >= 0 else { continue }
                if groupAgents.contains(token) {
                    matchedSpecific = true
                    specificDelay = seconds
                }
                if groupAgents.contains("*") { genericDelay = seconds }
            case "sitemap":
                if !value.isEmpty { sitemaps.append(value) }
            default:
                continue
            }
            if key == "user-agent", groupAgents.contains(token) { matchedSpecific = true }
        }
        self.init(rules: matchedSpecific ? specific : generic,
                  crawlDelaySeconds: matchedSpecific ? specificDelay : genericDelay,
                  sitemaps: sitemaps)
    }

    /// Whether `pathAndQuery` ("/a/b?c=d") may be fetched: the longest matching pattern wins; on a tie, Allow.
    public func isAllowed(pathAndQuery: String) -> Bool {
        let path = Array((pathAndQuery.isEmpty ? "/" : pathAndQuery).utf8)
        if path == Array("/robots.txt".utf8) { return true }
        var best: Rule?
        for rule in rules where Self.matches(pattern: rule.pattern, path: path) {
            if let current = best {
                if rule.pattern.count > current.pattern.count || (rule.pattern.count == current.pattern.count && rule.allow) {
                    best = rule
                }
            } else {
                best = rule
            }
        }
        return best?.allow ?? true
    }

    /// Prefix match with `*` (any run) and a trailing `$` (end of path). Greedy with backtracking to the last
    /// star: O(pattern × path) at worst, no recursion.
    static func matches(pattern: [UInt8], path: [UInt8]) -> Bool {
        let star = UInt8(ascii: "*"), dollar = UInt8(ascii: "$")
        var pattern = pattern
        let anchored = pattern.last == dollar
        if anchored { pattern.removeLast() }
        var p = 0, s = 0
        var starAt = -1, starMatch = 0
        while s < path.count {
            if p < pattern.count, pattern[p] == star {
                starAt = p
                starMatch = s
                p += 1
            } else if p < pattern.count, pattern[p] == path[s] {
                p += 1
                s += 1
            } else if p == pattern.count, !anchored {
                return true  // the whole pattern matched a prefix
            } else if starAt >= 0 {
                p = starAt + 1
                starMatch += 1
                s = starMatch
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == star { p += 1 }
        return p == pattern.count
    }
}

/// robots.txt per scheme+host+port, fetched on first use and kept for `lifetime`. Concurrent callers for one
/// host share one fetch. Guarded by an NSLock.
final class RobotsCache: @unchecked Sendable {
    enum Verdict: Sendable {
        case rules(RobotsRules)
        /// robots.txt could not be read for a reason that also stops the page itself (address refused, host
        /// down): the page fetch reports this instead of trying.
        case unreachable(FetchOutcome)
    }

    private struct Entry {
        let verdict: Verdict
        let expires: ContinuousClock.Instant
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    private var inFlight: [String: Task<Verdict, Never>] = [:]
    private let lifetime: Duration
    /// Failures are kept for less time than rules, so a host that was down is asked again soon.
    private let failureLifetime: Duration
    private let maxEntries = 50_000

    init(lifetime: Duration = .seconds(24 * 3600), failureLifetime: Duration = .seconds(600)) {
        self.lifetime = lifetime
        self.failureLifetime = failureLifetime
    }

    func verdict(origin: String, load: @escaping @Sendable () async -> Verdict) async -> Verdict {
        let (cached, task): (Verdict?, Task<Verdict, Never>?) = lock.withLock {
            let now = ContinuousClock.Instant.now
            if let entry = entries[origin], entry.expires > now { return (entry.verdict, nil) }
            if let running = inFlight[origin] { return (nil, running) }
            let started = Task { await load() }
            inFlight[origin] = started
            return (nil, started)
        }
        if let cached { return cached }
        guard let task else { return .rules(.allowAll) }
        let verdict = await task.value
        lock.withLock {
            inFlight[origin] = nil
            let now = ContinuousClock.Instant.now
            if entries.count >= maxEntries { entries = entries.filter { $0.value.expires > now } }
            if case .unreachable(.transient(.cancelled)) = verdict { return }  // says nothing about the host
            if entries.count < maxEntries {
                let keep: Duration
                if case .rules = verdict { keep = lifetime } else { keep = failureLifetime }
                entries[origin] = Entry(verdict: verdict, expires: now + keep)
            }
        }
        return verdict
    }
}
