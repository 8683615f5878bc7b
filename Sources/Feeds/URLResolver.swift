// Relative reference resolution, RFC 3986 section 5.2, on Strings. Foundation's URL(string:relativeTo:) refuses
// references with spaces or non-ASCII characters, which feeds do contain; this resolves them textually as
// Python's urljoin (and so feedparser) does, and never fails.
import CrawlerModel

enum URLResolver {
    /// `reference` made absolute against `base`. Surrounding whitespace is trimmed. When `base` is nil or not
    /// absolute, or `reference` already has a scheme, `reference` is returned (trimmed, dot segments kept).
    static func resolve(_ reference: String, against base: String?) -> String {
        let reference = trimmed(reference)
        if let scheme = scheme(of: reference) {
            // Schemes are case-insensitive; "HTTP://x" is written "http://x" (as urljoin and browsers do).
            guard scheme.utf8.contains(where: { $0 >= 65 && $0 <= 90 }) else { return reference }
            return scheme.lowercased() + reference.dropFirst(scheme.count)
        }
        guard let base, let baseScheme = scheme(of: base) else { return reference }
        let baseParts = Parts(base, schemeLength: baseScheme.count)
        if reference.isEmpty { return base.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? base }
        if reference.hasPrefix("//") {
            // Network-path reference: the base gives only the scheme; dot segments go (RFC 3986 5.2.2).
            let parts = Parts(baseScheme + ":" + reference, schemeLength: baseScheme.count)
            let tail = String(reference.utf8.dropFirst(parts.prefix.utf8.count - baseScheme.utf8.count - 1 + parts.path.utf8.count))!
            return parts.prefix + removeDotSegments(parts.path) + tail
        }
        if reference.hasPrefix("#") { return baseParts.withoutFragment + reference }
        if reference.hasPrefix("?") { return baseParts.prefix + baseParts.path + reference }
        // Split the reference's path from its query/fragment.
        let pathEnd = reference.firstIndex(where: { $0 == "?" || $0 == "#" }) ?? reference.endIndex
        let referencePath = String(reference[..<pathEnd])
        let tail = String(reference[pathEnd...])
        let merged: String
        if referencePath.hasPrefix("/") {
            merged = referencePath
        } else if baseParts.hasAuthority && baseParts.path.isEmpty {
            merged = "/" + referencePath
        } else if let slash = baseParts.path.lastIndex(of: "/") {
            merged = String(baseParts.path[...slash]) + referencePath
        } else {
            merged = referencePath
        }
        return baseParts.prefix + removeDotSegments(merged) + tail
    }

    /// "http" for "http://x/", nil for a relative reference. Schemes are ASCII letters, digits, + - .
    static func scheme(of text: String) -> String? {
        HostName.schemeLength(text.utf8).map { String(text.utf8.prefix($0))! }
    }

    /// True for absolute http(s) URLs with a host.
    static func isHTTP(_ text: String) -> Bool {
        guard let scheme = scheme(of: text)?.lowercased(), scheme == "http" || scheme == "https" else { return false }
        return text.utf8.dropFirst(scheme.utf8.count).starts(with: "://".utf8) && text.utf8.count > scheme.utf8.count + 3
    }

    /// The path of an absolute URL ("/" when empty), without query or fragment.
    static func path(of text: String) -> String {
        guard let scheme = scheme(of: text) else { return text }
        let parts = Parts(text, schemeLength: scheme.count)
        return parts.path.isEmpty ? "/" : parts.path
    }

    /// The query of an absolute URL without "?", nil when absent.
    static func query(of text: String) -> String? {
        let withoutFragment = text.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
        guard let mark = withoutFragment.firstIndex(of: "?") else { return nil }
        return String(withoutFragment[withoutFragment.index(after: mark)...])
    }

    private static func trimmed(_ text: String) -> String {
        // Nothing to trim when neither end byte can belong to one of the five characters below (the usual case;
        // the Character walk costs grapheme breaking).
        guard let firstByte = text.utf8.first, let lastByte = text.utf8.last else { return text }
        if !(firstByte == 0x20 || firstByte == 0x09 || firstByte == 0x0A || firstByte == 0x0D || firstByte == 0xC2)
            && !(lastByte == 0x20 || lastByte == 0x09 || lastByte == 0x0A || lastByte == 0x0D || lastByte == 0xA0) {
            return text
        }
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{A0}" }
        guard let first = text.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = text.lastIndex(where: { !isSpace($0) })!
        return String(text[first...last])
    }

    /// RFC 3986 5.2.4.
    static func removeDotSegments(_ path: String) -> String {
        guard path.contains(".") else { return path }
        // Without a "." or ".." segment the loop below gives the path back unchanged; article paths usually have
        // dots only in names ("/berita-123.html"). Decided on bytes for ASCII paths (~20,000 instructions per
        // feed item otherwise); other paths take the Character loop, whose segments are what it splits on.
        if !path.utf8.contains(where: { $0 >= 0x80 }),
           !path.utf8.split(separator: 0x2F, omittingEmptySubsequences: false)
               .contains(where: { $0.elementsEqual([0x2E]) || $0.elementsEqual([0x2E, 0x2E]) }) {
            return path
        }
        var output: [Substring] = []
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        let absolute = path.hasPrefix("/")
        for (position, segment) in segments.enumerated() {
            if absolute && position == 0 { continue }
            let isLast = position == segments.count - 1
            switch segment {
            case ".":
                if isLast { output.append("") }
            case "..":
                if !output.isEmpty { output.removeLast() }
                if isLast { output.append("") }
            default:
                output.append(segment)
            }
        }
        return (absolute ? "/" : "") + output.joined(separator: "/")
    }

    /// scheme://authority | path | ?query#fragment of an absolute URL.
    private struct Parts {
        /// "http://host" (or "mailto:" for URLs without authority).
        var prefix: String
        var path: String
        var withoutFragment: String
        var hasAuthority: Bool

        init(_ url: String, schemeLength: Int) {
            let utf8 = Array(url.utf8)
            var index = schemeLength + 1
            hasAuthority = index + 1 < utf8.count && utf8[index] == UInt8(ascii: "/") && utf8[index + 1] == UInt8(ascii: "/")
            if hasAuthority {
                index += 2
                while index < utf8.count, utf8[index] != UInt8(ascii: "/"), utf8[index] != UInt8(ascii: "?"),
                      utf8[index] != UInt8(ascii: "#") { index += 1 }
            }
            prefix = String(decoding: utf8[..<index], as: UTF8.self)
            let pathStart = index
            while index < utf8.count, utf8[index] != UInt8(ascii: "?"), utf8[index] != UInt8(ascii: "#") { index += 1 }
            path = String(decoding: utf8[pathStart..<index], as: UTF8.self)
            let fragment = utf8.firstIndex(of: UInt8(ascii: "#")) ?? utf8.count
            withoutFragment = String(decoding: utf8[..<fragment], as: UTF8.self)
        }
    }
}
