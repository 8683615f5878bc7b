// Site rules as data: one JSON file per outlet in Config/sites/<domain>.json, e.g.
//
//   { "domain": "sindonews.com",
//     "body": [".detail-desc", "#detail-desc"],          selectors, first match wins (CSS subset or XPath)
//     "title": ["h1.detail-title"], "date": [".detail-date-artikel"], "author": [".detail-nama-redaksi a"],
//     "remove": [".editor", "[class^=v-]", "figcaption"],   removed inside the body before rendering
//     "drop_line_prefixes": ["Baca Juga"],                  extra boilerplate line starts (case-insensitive)
//     "tail_markers": ["Lihat Juga"],                      a line equal to one of these ends the story
//     "single_page": { "query": "showpage=all", "strip_page_segment": true },
//     "utc_offset": "+07:00" }                             zone for dates printed without one
//
// The CSS subset: tag, .class, #id, [attr], [attr=v], [attr^=v], [attr*=v], [attr$=v], descendant (space) and
// child (>) combinators, and comma alternatives. A selector starting with "/" or "(" is XPath as is.
import CrawlerModel
public import Foundation

public struct SiteRule: Sendable, Equatable, Codable {
    public var domain: String
    public var body: [String]
    public var title: [String]
    public var date: [String]
    public var author: [String]
    public var remove: [String]
    public var dropLinePrefixes: [String]
    public var tailMarkers: [String]
    public var singlePage: SinglePage?
    public var utcOffset: String?

    public struct SinglePage: Sendable, Equatable, Codable {
        /// "name=value" set on the URL's query (replacing the same name).
        public var query: String?
        /// Drop a trailing "/<number>" path segment (sindonews page N).
        public var stripPageSegment: Bool?

        enum CodingKeys: String, CodingKey {
            case query
            case stripPageSegment = "strip_page_segment"
        }
    }

    enum CodingKeys: String, CodingKey {
        case domain, body, title, date, author, remove
        case dropLinePrefixes = "drop_line_prefixes"
        case tailMarkers = "tail_markers"
        case singlePage = "single_page"
        case utcOffset = "utc_offset"
    }

    public init(domain: String, body: [String] = [], title: [String] = [], date: [String] = [], author: [String] = [],
                remove: [String] = [], dropLinePrefixes: [String] = [], tailMarkers: [String] = [],
                singlePage: SinglePage? = nil, utcOffset: String? = nil) {
        self.domain = domain
        self.body = body
        self.title = title
        self.date = date
        self.author = author
        self.remove = remove
        self.dropLinePrefixes = dropLinePrefixes
        self.tailMarkers = tailMarkers
        self.singlePage = singlePage
        self.utcOffset = utcOffset
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        domain = try container.decode(String.self, forKey: .domain).lowercased()
        body = try container.decodeIfPresent([String].self, forKey: .body) ?? []
        title = try container.decodeIfPresent([String].self, forKey: .title) ?? []
        date = try container.decodeIfPresent([String].self, forKey: .date) ?? []
        author = try container.decodeIfPresent([String].self, forKey: .author) ?? []
        remove = try container.decodeIfPresent([String].self, forKey: .remove) ?? []
        dropLinePrefixes = try container.decodeIfPresent([String].self, forKey: .dropLinePrefixes) ?? []
        tailMarkers = try container.decodeIfPresent([String].self, forKey: .tailMarkers) ?? []
        singlePage = try container.decodeIfPresent(SinglePage.self, forKey: .singlePage)
        utcOffset = try container.decodeIfPresent(String.self, forKey: .utcOffset)
    }

    /// Seconds east of UTC from "+07:00"-style text.
    var utcOffsetSeconds: Int? {
        guard let utcOffset, let first = utcOffset.first, first == "+" || first == "-" else { return nil }
        let digits = utcOffset.dropFirst().split(separator: ":")
        guard let hours = digits.first.flatMap({ Int($0) }) else { return nil }
        let minutes = digits.count > 1 ? Int(digits[1]) ?? 0 : 0
        return (first == "+" ? 1 : -1) * (hours * 3600 + minutes * 60)
    }
}

public enum SiteRulesError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String)
    case invalid(path: String, message: String)
    case badSelector(path: String, selector: String)

    public var description: String {
        switch self {
        case .unreadable(let path): return "\(path): cannot read site rules"
        case .invalid(let path, let message): return "\(path): invalid site rule: \(message)"
        case .badSelector(let path, let selector): return "\(path): unsupported selector \"\(selector)\""
        }
    }
}

/// All site rules, looked up by host (the longest matching domain suffix wins).
public struct SiteRules: Sendable, Equatable {
    public private(set) var rules: [SiteRule]

    public static let empty = SiteRules(rules: [])

    /// The rules of Config/sites compiled into the binary (used when no `site_rules_dir` is configured).
    public static let builtIn: SiteRules = {
        var rules: [SiteRule] = []
        for (index, document) in builtInDocuments.enumerated() {
            // A broken generated rule is a build defect; skip it rather than crash (the unit test catches it).
            if let rule = try? parse(Data(document.utf8), path: "built-in rule \(index)") { rules.append(rule) }
        }
        return SiteRules(rules: rules)
    }()

    public init(rules: [SiteRule]) {
        self.rules = rules.sorted { $0.domain < $1.domain }
    }

    /// Loads every `*.json` file of `directory`, sorted by name. Each file holds one rule object.
    public static func load(directory: String) throws(SiteRulesError) -> SiteRules {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw .unreadable(path: directory)
        }
        var rules: [SiteRule] = []
        for name in names.sorted() where name.hasSuffix(".json") {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path) }
            rules.append(try parse(data, path: path))
        }
        return SiteRules(rules: rules)
    }

    /// Parses one rule file's bytes; `path` names it in errors.
    public static func parse(_ data: Data, path: String = "<rule>") throws(SiteRulesError) -> SiteRule {
        let rule: SiteRule
        do { rule = try JSONDecoder().decode(SiteRule.self, from: data) } catch {
            throw .invalid(path: path, message: "\(error)")
        }
        for selector in rule.body + rule.title + rule.date + rule.author + rule.remove
        where Selector.xpath(selector) == nil {
            throw .badSelector(path: path, selector: selector)
        }
        return rule
    }

    public func rule(forHost host: String) -> SiteRule? {
        let host = host.lowercased()
        // On bytes for ASCII hosts and domains (String.hasSuffix with a concatenated "." per rule cost 18,000
        // instructions per page); the same test either way.
        if host.utf8.allSatisfy({ $0 < 0x80 }) {
            let bytes = Array(host.utf8)
            // By index: `for rule in rules` copied every rule (a dozen arrays retained and released each).
            var bestIndex = -1
            var bestLength = -1
            for index in rules.indices {
                var domain = rules[index].domain
                let matches: Bool = domain.withUTF8 { domain in
                    guard !domain.contains(where: { $0 >= 0x80 }) else {
                        return host == rules[index].domain || host.hasSuffix("." + rules[index].domain)
                    }
                    return HostName.isDomainOrSubdomain(bytes, of: domain)
                }
                guard matches else { continue }
                let length = rules[index].domain.count
                if bestIndex < 0 || length > bestLength { bestIndex = index; bestLength = length }
            }
            return bestIndex < 0 ? nil : rules[bestIndex]
        }
        var best: SiteRule?
        for rule in rules where host == rule.domain || host.hasSuffix("." + rule.domain) {
            if best == nil || rule.domain.count > best!.domain.count { best = rule }
        }
        return best
    }
}

/// CSS-subset selectors to XPath 1.0.
public enum Selector {
    public static func xpath(_ selector: String) -> String? {
        let trimmed = selector.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("/") || trimmed.hasPrefix("(") { return trimmed }
        var alternatives: [String] = []
        for part in trimmed.split(separator: ",") {
            guard let one = compound(String(part)) else { return nil }
            alternatives.append(one)
        }
        return alternatives.isEmpty ? nil : alternatives.joined(separator: " | ")
    }

    private static func compound(_ text: String) -> String? {
        // Tokenise into simple selectors and combinators, keeping [...] intact.
        var steps: [(combinator: String, simple: String)] = []
        var current = ""
        var combinator = "//"
        var inBracket = false
        func flush() -> Bool {
            guard !current.isEmpty else { return true }
            guard let step = simple(current) else { return false }
            steps.append((combinator, step))
            current = ""
            combinator = "//"
            return true
        }
        for character in text {
            if inBracket { current.append(character); if character == "]" { inBracket = false }; continue }
            switch character {
            case "[": inBracket = true; current.append(character)
            case " ", "\t":
                guard flush() else { return nil }
            case ">":
                guard flush() else { return nil }
                guard !steps.isEmpty else { return nil }
                combinator = "/"
            default: current.append(character)
            }
        }
        guard flush(), !steps.isEmpty else { return nil }
        return steps.map { $0.combinator + $0.simple }.joined()
    }

    private static func simple(_ text: String) -> String? {
        var tag = "*"
        var predicates: [String] = []
        var index = text.startIndex
        func readName() -> String {
            var name = ""
            while index < text.endIndex, text[index].isLetter || text[index].isNumber || "-_".contains(text[index]) {
                name.append(text[index]); index = text.index(after: index)
            }
            return name
        }
        if index < text.endIndex, text[index] == "*" { index = text.index(after: index) }
        else if index < text.endIndex, text[index].isLetter { tag = readName().lowercased() }
        while index < text.endIndex {
            let character = text[index]
            index = text.index(after: index)
            switch character {
            case ".":
                let name = readName()
                guard !name.isEmpty else { return nil }
                predicates.append("contains(concat(' ',normalize-space(@class),' '),' \(name) ')")
            case "#":
                let name = readName()
                guard !name.isEmpty else { return nil }
                predicates.append("@id='\(name)'")
            case "[":
                guard let close = text[index...].firstIndex(of: "]") else { return nil }
                let inside = String(text[index..<close])
                index = text.index(after: close)
                guard let predicate = attributePredicate(inside) else { return nil }
                predicates.append(predicate)
            default:
                return nil
            }
        }
        return tag + predicates.map { "[\($0)]" }.joined()
    }

    private static func attributePredicate(_ inside: String) -> String? {
        let operators = ["^=", "*=", "$=", "~=", "="]
        for op in operators {
            guard let range = inside.range(of: op) else { continue }
            let name = inside[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
            var value = inside[range.upperBound...].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\"") || value.hasPrefix("'") { value = String(value.dropFirst().dropLast()) }
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_:".contains($0) }),
                  !value.contains("'") else { return nil }
            switch op {
            case "^=": return "starts-with(@\(name),'\(value)')"
            case "*=": return "contains(@\(name),'\(value)')"
            case "$=": return "substring(@\(name),string-length(@\(name))-\(value.count - 1))='\(value)'"
            case "~=": return "contains(concat(' ',normalize-space(@\(name)),' '),' \(value) ')"
            default: return "@\(name)='\(value)'"
            }
        }
        let name = inside.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_:".contains($0) }) else { return nil }
        return "@\(name)"
    }
}
