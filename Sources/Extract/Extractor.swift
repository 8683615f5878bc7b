// The Extract stage: page bytes + URL -> a clean article (title, paragraphs, metadata) or a rejection with a
// stable reason. Site rules first (when one matches the host and its body selector finds the text), then the
// generic scorer; then line-level boilerplate removal, dateline and metadata.
public import CrawlerModel
import Foundation
import LibXML2

/// What `extract` returns: an article, or why the page is not one.
public enum ExtractionResult: Sendable, Equatable {
    case article(ExtractedArticle)
    /// Stable reasons: "unparseable", "no_content", "too_short", "paywalled".
    case rejected(reason: String)
}

/// `extract --explain`: the result plus how it was reached.
public struct ExtractionReport: Sendable {
    public var result: ExtractionResult
    /// The article even when rejected (e.g. too short), for diagnostics; nil when nothing was found.
    public var candidate: ExtractedArticle?
    /// Which rule or signal chose the body, e.g. "site rule sindonews.com body=.detail-desc" or
    /// "scored container div.content score=87".
    public var method: String
    /// Every block or line dropped or kept on purpose, in order, with the reason.
    public var steps: [ExplainEntry]
    /// The page's next page (rel=next) when the article is split, absolute.
    public var nextPageURL: String?
    /// The single-page variant of the URL per the site rule, when different from the URL.
    public var singlePageURL: String?
}

public struct Extractor: Sendable {
    public let rules: SiteRules
    /// Fewer body words than this is "too_short".
    public var minimumWords: Int
    /// Written into sidecars as `extractor_version`.
    public static let version = "feedcrawler-extract/1"

    public init(rules: SiteRules = .empty, minimumWords: Int = 20) {
        self.rules = rules
        self.minimumWords = minimumWords
    }

    public func extract(html: [UInt8], url: String, charset: String? = nil) -> ExtractionResult {
        run(html: html, url: url, charset: charset, explain: false).result
    }

    public func explain(html: [UInt8], url: String, charset: String? = nil) -> ExtractionReport {
        run(html: html, url: url, charset: charset, explain: true)
    }

    /// The result plus pagination hints (`nextPageURL`, `singlePageURL`) and the method, without recording the
    /// explain steps: what a pipeline that follows split articles calls instead of `extract`.
    public func report(html: [UInt8], url: String, charset: String? = nil) -> ExtractionReport {
        run(html: html, url: url, charset: charset, explain: false)
    }

    /// The URL of the whole article on one page, per the site's rule (e.g. `?page=all`); nil when no rule says so.
    public func singlePageURL(for url: String) -> String? {
        guard var components = URLComponents(string: url), let host = components.host,
              let single = rules.rule(forHost: host)?.singlePage else { return nil }
        if single.stripPageSegment == true {
            var parts = components.path.split(separator: "/", omittingEmptySubsequences: false)
            if parts.count > 2, let last = parts.last, !last.isEmpty, last.allSatisfy(\.isNumber), last.count <= 3 {
                parts.removeLast()
                components.path = parts.joined(separator: "/")
            }
        }
        if let query = single.query, let equals = query.firstIndex(of: "=") {
            let name = String(query[..<equals]), value = String(query[query.index(after: equals)...])
            var items = (components.queryItems ?? []).filter { $0.name != name && $0.name != "page" }
            items.append(URLQueryItem(name: name, value: value))
            components.queryItems = items
        }
        let result = components.string
        return result == url ? nil : result
    }

    /// Joins the pages of a split article in order, dropping paragraphs an earlier page already had
    /// (templates repeat the lead or a summary on every page).
    public static func stitch(_ pages: [ExtractedArticle]) -> ExtractedArticle? {
        guard var first = pages.first else { return nil }
        var seen = Set(first.paragraphs)
        for page in pages.dropFirst() {
            for paragraph in page.paragraphs where !seen.contains(paragraph) {
                seen.insert(paragraph)
                first.paragraphs.append(paragraph)
            }
        }
        return first
    }

    // MARK: - The pipeline

    func run(html: [UInt8], url: String, charset: String?, explain: Bool) -> ExtractionReport {
        // The page's tree lives and dies inside this call: libxml2 builds it in a region released at once
        // (~13% less CPU per extracted page than node-by-node malloc and free: docs/performance.md).
        LibXML2.withParseArena { extract(html: html, url: url, charset: charset, explain: explain) }
    }

    private func extract(html: [UInt8], url: String, charset: String?, explain: Bool) -> ExtractionReport {
        var steps: [ExplainEntry]? = explain ? [] : nil
        let document: Document
        do { document = try Document.parseHTML(html, url: url, encoding: charset, rawText: .jsonLDOnly) } catch {
            return ExtractionReport(result: .rejected(reason: "unparseable"), candidate: nil, method: "none", steps: [],
                                    nextPageURL: nil, singlePageURL: nil)
        }
        // At most 255 bytes (a DNS name's limit): the host is matched against every site rule.
        let host = HostName.host(of: url).map { asciiLowercasedPrefix($0, 255) } ?? ""
        let rule = rules.rule(forHost: host)
        var page = MetadataCollector.collect(document)
        // One walk mirrors the whole page for the scorer and collects the body's metadata signals.
        let fullDOM = MiniDOM(document: document, byteCount: html.count, nodeBound: MiniDOM.nodeBound(html))
        MetadataCollector.absorb(fullDOM.signals, dom: fullDOM, into: &page)
        // The scorer rewrites its mirror; relaxed retries start again from this pristine copy (arrays are shared
        // until written, so this costs nothing on the usual single pass).
        let pristine = fullDOM.copy()
        let siteName = page.first("og:site_name") ?? page.jsonLD.publisher
        let language0 = Language.primary(page.htmlLang) ?? Language.primary(page.first("og:locale", "content-language", "language"))
        let indonesianSite = Self.isIndonesianHost(host) || language0 == "id"
        let defaultOffset = rule?.utcOffsetSeconds ?? (indonesianSite ? 7 * 3600 : nil)

        let title = chooseTitle(page: page, document: document, rule: rule, siteName: siteName, host: host)
        // Rule fields are read before the rule's removals change the document.
        let ruleAuthor = rule.flatMap { ruleAuthorText(document: document, rule: $0) }
        let ruleDateValue = rule.flatMap { self.ruleDate(document: document, rule: $0, offset: defaultOffset) }

        // Body: the site rule, then the generic scorer.
        var paragraphs: [String] = []
        var method = ""
        var byline: String?
        if let rule {
            for selector in rule.body {
                guard let xpath = Selector.xpath(selector), let container = document.select(xpath).first else { continue }
                for removal in rule.remove {
                    guard let removalPath = Selector.xpath(removal) else { continue }
                    let scoped = removalPath.hasPrefix("/") ? "." + removalPath : removalPath
                    for node in document.select(scoped, from: container) where node != container {
                        if steps != nil {
                            steps!.append(ExplainEntry(action: "drop", node: removal, reason: "site rule removal",
                                                       textLength: node.textContent.count))
                        }
                        node.remove()
                    }
                }
                let dom = MiniDOM(top: container, byteCount: html.count)
                let scorer = Scorer(dom: dom, flags: ScorerFlags(), articleTitle: title, explain: false)
                scorer.replaceBreakChains()
                dropHidden(dom)
                let found = dom.paragraphs(of: dom.root)
                if found.reduce(0, { $0 + characterCount($1) }) >= 200 {
                    paragraphs = found
                    method = "site rule \(rule.domain) body=\(selector)"
                    break
                }
                steps?.append(ExplainEntry(action: "skip", node: selector, reason: "site rule body too short, trying next",
                                           textLength: found.reduce(0, { $0 + characterCount($1) })))
            }
            if paragraphs.isEmpty && !rule.body.isEmpty {
                steps?.append(ExplainEntry(action: "fallback", node: rule.domain,
                                           reason: "no body selector of the site rule matched; generic extractor",
                                           textLength: 0))
            }
        }
        if paragraphs.isEmpty {
            var flags = ScorerFlags()
            var best: (paragraphs: [String], length: Int, method: String, steps: [ExplainEntry]?)? = nil
            for attempt in 0..<4 {
                let dom = attempt == 0 ? fullDOM : pristine.copy()
                let scorer = Scorer(dom: dom, flags: flags, articleTitle: title, explain: explain)
                scorer.replaceBreakChains()
                let article = scorer.grabArticle()
                if byline == nil { byline = scorer.byline }
                let found = article >= 0 ? dom.paragraphs(of: article) : []
                let length = found.reduce(0) { $0 + characterCount($1) + 1 }
                let description = scorer.chosen + (attempt > 0 ? " (relaxed pass \(attempt))" : "")
                if best == nil || length > best!.length {
                    best = (found, length, description, scorer.explain)
                }
                if length >= 500 { break }
                switch attempt {
                case 0: flags.stripUnlikely = false
                case 1: flags.weightClasses = false
                case 2: flags.cleanConditionally = false
                default: break
                }
            }
            if let best {
                paragraphs = best.paragraphs
                method = "generic: " + best.method
                if explain { steps! += best.steps ?? [] }
            }
        }

        // The document outlives the mirrors: their large buffers are then freed while malloc's fast bins are still
        // nearly empty; freed after xmlFreeDoc filled them, each large free consolidated thousands of chunks.
        withExtendedLifetime(document) {}

        // JSON-LD articleBody, when the DOM text is clearly incomplete next to it.
        if let body = page.jsonLD.articleBody, body.utf8.count >= 400, case let bodyLength = characterCount(body),
           bodyLength >= 400 {
            let domLength = paragraphs.reduce(0) { $0 + characterCount($1) }
            if Double(domLength) < Double(bodyLength) * 0.6 {
                let fromJSON = body.split(whereSeparator: \.isNewline).map { SpoolTextFormat.line(String($0)) }
                    .filter { !$0.isEmpty }
                paragraphs = fromJSON
                method = "JSON-LD articleBody (DOM text had \(domLength) of \(bodyLength) characters)"
            }
        }

        // Lines: site-rule prefixes, generic boilerplate, chrome tail, credits that name the reporter.
        var reporter: String?
        var displayDate: ZonedDate?
        var lines: [String] = []
        lines.reserveCapacity(paragraphs.count)
        let extraPrefixes = PrefixList((rule?.dropLinePrefixes ?? []).map { $0.lowercased() })
        let extraTails = Set((rule?.tailMarkers ?? []).map { $0.lowercased() })
        for paragraph in paragraphs {
            let lowered = asciiLowercasedPrefixBytes(paragraph, 120)
            if reporter == nil, Self.reportLead.matches(lowered) {
                if let comma = paragraph.firstIndex(of: ",") {
                    reporter = paragraph[paragraph.index(after: comma)...].trimmingCharacters(in: " ")
                }
            }
            if reporter == nil, paragraph.utf8.count < 160, Self.creditLead.matches(lowered) {
                let cleaned = Self.cleanAuthor(paragraph)
                if !cleaned.isEmpty { reporter = cleaned }
            }
            if lines.count >= 2, !extraTails.isEmpty, paragraph.utf8.count <= 120,
               extraTails.contains(String(decoding: lowered, as: UTF8.self).trimmingPunctuationAndSpaces()) {
                steps?.append(ExplainEntry(action: "cut", node: "line", reason: "site rule tail marker: \(paragraph.prefix(40))",
                                           textLength: paragraph.count))
                break
            }
            if let prefix = extraPrefixes.firstMatch(lowered) {
                steps?.append(ExplainEntry(action: "drop", node: "line", reason: "site rule line prefix (\(prefix))",
                                           textLength: paragraph.count))
                continue
            }
            // A line that is only a date: metadata, not body.
            if lines.count < 4, paragraph.utf8.count <= 80, Self.looksLikeDateLine(paragraph),
               let parsed = DisplayDates.parse(paragraph, defaultOffset: defaultOffset) {
                if displayDate == nil { displayDate = parsed }
                steps?.append(ExplainEntry(action: "drop", node: "line", reason: "date line (kept as metadata)",
                                           textLength: paragraph.count))
                continue
            }
            if lines.count < 4, Self.isPhotoCaption(paragraph) {
                steps?.append(ExplainEntry(action: "drop", node: "line", reason: "photo caption",
                                           textLength: paragraph.count))
                continue
            }
            lines.append(paragraph)
        }
        lines = Boilerplate.clean(lines, explain: &steps)

        // Dateline: the story starts there; short lines before it (captions, kickers) go.
        var dateline: String?
        for (index, line) in lines.prefix(4).enumerated() {
            guard let found = Dateline.detect(line) else { continue }
            dateline = found
            if index > 0 && lines[..<index].allSatisfy({ $0.utf8.count < 320 }) && Self.isStrongDateline(found) {
                steps?.append(ExplainEntry(action: "drop", node: "line", reason: "\(index) short line(s) before the dateline",
                                           textLength: lines[..<index].reduce(0) { $0 + $1.count }))
                lines.removeFirst(index)
            }
            break
        }

        // Metadata.
        var metadata = ArticleMetadata()
        metadata.title = title
        metadata.siteName = siteName
        metadata.dateline = dateline
        metadata.canonicalURL = resolve(page.canonical ?? page.first("og:url") ?? page.jsonLD.url, base: url)
        metadata.description = page.first("og:description", "description", "twitter:description") ?? page.jsonLD.description
        metadata.image = resolve(page.first("og:image", "twitter:image", "twitter:image:src") ?? page.jsonLD.image, base: url)
        metadata.section = page.first("article:section") ?? page.jsonLD.section
        metadata.language = language0 ?? Language.detect(lines)
        metadata.published = ruleDateValue ?? publishedDate(page: page, offset: defaultOffset) ?? displayDate
            ?? page.dateTexts.lazy.compactMap { DisplayDates.parse($0, defaultOffset: defaultOffset) }.first
        metadata.modified = modifiedDate(page: page, offset: defaultOffset)
        metadata.author = chooseAuthor(page: page, ruleAuthor: ruleAuthor, byline: byline, reporter: reporter,
                                       siteName: siteName)
        var tags = page.meta["article:tag"] ?? []
        if tags.isEmpty { tags = page.jsonLD.keywords }
        if tags.isEmpty, let keywords = page.first("news_keywords", "keywords") {
            tags = keywords.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        var seenTags = Set<String>()
        metadata.tags = tags.filter { !$0.isEmpty && $0.count < 80 && seenTags.insert($0.lowercased()).inserted }
        let tier = page.first("article:content_tier")?.lowercased()
        metadata.paywalled = page.jsonLD.isAccessibleForFree == false || tier == "locked" || tier == "metered"
        let nextPage = resolve(page.nextLink, base: url)

        let article = ExtractedArticle(title: spoolLine(title), paragraphs: lines, metadata: metadata)
        // Words are only compared with the thresholds below: stop counting once past the highest that applies.
        let enoughWords = max(minimumWords, metadata.paywalled ? 150 : 0)
        var words = 0
        for line in lines where words < enoughWords { words += Self.wordCount(line) }
        let result: ExtractionResult
        if lines.isEmpty {
            result = .rejected(reason: "no_content")
        } else if metadata.paywalled && words < 150 {
            result = .rejected(reason: "paywalled")
        } else if words < minimumWords {
            result = .rejected(reason: "too_short")
        } else {
            result = .article(article)
        }
        return ExtractionReport(result: result, candidate: lines.isEmpty ? nil : article, method: method,
                                steps: steps ?? [], nextPageURL: nextPage,
                                singlePageURL: rule?.singlePage == nil ? nil : singlePageURL(for: url))
    }

    /// Lines that name the reporter: "Laporan Wartawan Tribunnews.com, Fulan"; "Pewarta: Fulan".
    static let reportLead = PrefixList(["laporan wartawan", "laporan reporter"])
    static let creditLead = PrefixList(["pewarta:", "pewarta :", "reporter:", "penulis:"])

    private func dropHidden(_ dom: MiniDOM) {
        var hidden: [Int32] = []
        dom.forEachInSubtree(dom.root) { index in
            if dom.hints(index) & HintBits.invisible != 0 {
                hidden.append(index)
            }
        }
        for index in hidden { dom.detach(index) }
    }

    // MARK: - Metadata choices

    static let indonesianDomains = ["detik.com", "kompas.com", "tribunnews.com", "sindonews.com", "okezone.com",
                                    "liputan6.com", "cnnindonesia.com", "cnbcindonesia.com", "antaranews.com",
                                    "tempo.co", "suara.com", "kumparan.com", "merdeka.com", "jpnn.com",
                                    "idntimes.com", "inews.id", "kompasiana.com", "grid.id", "tirto.id"]

    static func isIndonesianHost(_ host: String) -> Bool {
        // On bytes: String.hasSuffix per domain cost 11,000 instructions per page. Hosts are lowercased ASCII or
        // punycode here; a non-ASCII host takes the String path.
        guard host.utf8.allSatisfy({ $0 < 0x80 }) else {
            if host.hasSuffix(".id") { return true }
            return indonesianDomains.contains { host == $0 || host.hasSuffix("." + $0) }
        }
        let bytes = Array(host.utf8)
        if bytes.hasByteSuffix(Self.dotID) { return true }
        return indonesianDomainBytes.contains { HostName.isDomainOrSubdomain(bytes, of: $0) }
    }

    static let dotID = Array(".id".utf8)
    static let indonesianDomainBytes = indonesianDomains.map { Array($0.utf8) }

    private func chooseTitle(page: PageMetadata, document: Document, rule: SiteRule?, siteName: String?, host: String) -> String {
        if let rule {
            for selector in rule.title {
                if let xpath = Selector.xpath(selector), let node = document.select(xpath).first {
                    let text = collapseWhitespace(node.textContent)
                    if !text.isEmpty { return text }
                }
            }
        }
        let candidates = [page.jsonLD.found ? page.jsonLD.headline : nil, page.first("og:title"),
                          page.first("twitter:title"), page.first("dc.title", "dcterm:title", "parsely-title"),
                          page.itempropDates["headline"], page.titleTag]
        for candidate in candidates {
            guard let candidate else { continue }
            let text = collapseWhitespace(Self.decodeEntities(candidate))
            if !text.isEmpty { return Self.stripSiteSuffix(text, siteName: siteName, host: host) }
        }
        if let h1 = document.select("//h1").first {
            let text = collapseWhitespace(h1.textContent)
            if !text.isEmpty { return text }
        }
        return ""
    }

    /// "Judul Berita - Tribunnews.com" -> "Judul Berita"; "Title | Site Name" -> "Title".
    public static func stripSiteSuffix(_ title: String, siteName: String?, host: String) -> String {
        if let stripped = stripSiteSuffixASCII(title, siteName: siteName, host: host) { return stripPageMarker(stripped) }
        let hostLabels = host.split(separator: ".").filter { $0 != "www" && $0 != "com" && $0 != "co" && $0 != "id" && $0.count > 2 }
            .map { $0.lowercased() }
        var current = title
        for _ in 0..<2 {
            guard let range = Self.lastSeparator(in: current, separatorBytes) else { break }
            let tail = current[range.upperBound...].lowercased()
            let head = String(current[..<range.lowerBound])
            let tailWords = tail.split(separator: " ").count
            let squashedTail = tail.replacingOccurrences(of: " ", with: "")
            let matchesSite = (siteName.map { tail.contains($0.lowercased()) || $0.lowercased().contains(tail) } ?? false)
                || hostLabels.contains { squashedTail.contains($0) } || tail.hasSuffix(".com") || tail.hasSuffix(".id")
            guard tailWords <= 5, matchesSite, head.split(separator: " ").count >= 2 else { break }
            current = head
        }
        return stripPageMarker(current)
    }

    /// `stripSiteSuffix` before the page marker, on bytes, when the title, site name and host are ASCII (the
    /// String path's lowercasing, splitting and Foundation searches cost 30,000 instructions per page); nil
    /// sends the rest (and the unusual empty site name or empty tail) to the String path.
    static func stripSiteSuffixASCII(_ title: String, siteName: String?, host: String) -> String? {
        func isASCII(_ text: String) -> Bool { text.utf8.allSatisfy { $0 < 0x80 } }
        guard isASCII(title), isASCII(host), siteName.map({ !$0.isEmpty && isASCII($0) }) ?? true else { return nil }
        func lower(_ bytes: some Sequence<UInt8>) -> [UInt8] { bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 } }
        func runs(_ bytes: ArraySlice<UInt8>, _ separator: UInt8) -> [ArraySlice<UInt8>] {
            bytes.split(separator: separator, omittingEmptySubsequences: true)
        }
        let skipped: [[UInt8]] = [Array("www".utf8), Array("com".utf8), Array("co".utf8), Array("id".utf8)]
        let hostLabels = runs(ArraySlice(host.utf8), 0x2E).filter { label in
            !skipped.contains { $0.elementsEqual(label) } && label.count > 2
        }.map { lower($0) }
        let site = siteName.map { lower($0.utf8) }
        var current = Array(title.utf8)
        for _ in 0 ..< 2 {
            guard let (start, length) = lastSeparatorBytes(current) else { break }
            let tail = lower(current[(start + length)...])
            guard !tail.isEmpty else { return nil }
            let head = current[..<start]
            let tailWords = runs(ArraySlice(tail), 0x20).count
            let squashedTail = tail.filter { $0 != 0x20 }
            let matchesSite = (site.map { tail.containsBytes($0) || $0.containsBytes(tail) } ?? false)
                || hostLabels.contains { squashedTail.containsBytes($0) }
                || tail.hasByteSuffix(Self.dotCom) || tail.hasByteSuffix(Self.dotID)
            guard tailWords <= 5, matchesSite, runs(head, 0x20).count >= 2 else { break }
            current = Array(head)
        }
        return String(decoding: current, as: UTF8.self)
    }

    static let dotCom = Array(".com".utf8)

    /// `lastSeparator` on bytes: the start and length of the separator starting last.
    static func lastSeparatorBytes(_ bytes: [UInt8]) -> (Int, Int)? {
        bytes.withUnsafeBufferPointer { lastSeparator(in: $0, separatorBytes) }
    }

    static let separatorBytes = [" | ", " - ", " – ", " — ", " :: ", " « ", " » ", " · "].map { Array($0.utf8) }

    /// The start and length of the separator (each begins with a space) that starts last in `bytes`.
    private static func lastSeparator(in bytes: UnsafeBufferPointer<UInt8>, _ separators: [[UInt8]]) -> (start: Int, length: Int)? {
        var index = bytes.count - 3
        while index >= 0 {
            if bytes[index] == 0x20 {
                for separator in separators where index + separator.count <= bytes.count {
                    var matched = true
                    for offset in 1 ..< separator.count where bytes[index + offset] != separator[offset] {
                        matched = false
                        break
                    }
                    if matched { return (index, separator.count) }
                }
            }
            index -= 1
        }
        return nil
    }

    /// The last occurrence of any separator (the one starting last), found on the UTF-8 bytes (Foundation's
    /// backwards `range(of:)` per separator cost more than the rest of the title choice).
    static func lastSeparator(in text: String, _ separators: [[UInt8]]) -> Range<String.Index>? {
        var text = text
        let found = text.withUTF8 { lastSeparator(in: $0, separators) }
        guard let found else { return nil }
        let utf8 = text.utf8
        let lower = utf8.index(utf8.startIndex, offsetBy: found.start)
        return lower ..< utf8.index(lower, offsetBy: found.length)
    }

    /// "Judul Berita - Halaman 2", "Judul Berita Halaman all", "Title - Page 3" -> "Judul Berita".
    static func stripPageMarker(_ title: String) -> String {
        // The marker word is "halaman", "page" or "hal." after lowercasing; no other scalar lowercases into
        // these letters, so a title whose bytes hold none of them (ASCII case ignored) stays as it is, without
        // the split and lowercasing below (31,000 instructions per title).
        let lowered = asciiLowercasedPrefixBytes(title, Int.max)
        guard lowered.containsBytes(Self.halamanBytes) || lowered.containsBytes(Self.pageBytes)
                || lowered.containsBytes(Self.halBytes) else { return title }
        var words = title.split(separator: " ", omittingEmptySubsequences: true)
        guard words.count >= 4 else { return title }
        let last = words[words.count - 1].lowercased()
        let previous = words[words.count - 2].lowercased()
        guard previous == "halaman" || previous == "page" || previous == "hal.",
              last == "all" || last.allSatisfy(\.isNumber) else { return title }
        words.removeLast(2)
        while let tail = words.last, ["-", "|", "–", "—"].contains(String(tail)) { words.removeLast() }
        return words.joined(separator: " ")
    }

    static let halamanBytes = Array("halaman".utf8), pageBytes = Array("page".utf8), halBytes = Array("hal.".utf8)

    static func decodeEntities(_ text: String) -> String {
        // A byte test: Foundation's contains cost 14,000 instructions per title. Without an "&" byte nothing below
        // can match; with one, the replacements decide as before.
        guard text.utf8.contains(0x26) else { return text }
        return text.replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">")
    }

    private func ruleDate(document: Document, rule: SiteRule, offset: Int?) -> ZonedDate? {
        for selector in rule.date {
            if let xpath = Selector.xpath(selector), let node = document.select(xpath).first {
                if let machine = node.attribute("datetime") ?? node.attribute("content"),
                   let date = DisplayDates.parseISO(machine, defaultOffset: offset) { return date }
                if let date = DisplayDates.parse(collapseWhitespace(node.textContent), defaultOffset: offset) { return date }
            }
        }
        return nil
    }

    private func ruleAuthorText(document: Document, rule: SiteRule) -> String? {
        for selector in rule.author {
            if let xpath = Selector.xpath(selector) {
                let names = document.select(xpath).map { collapseWhitespace($0.attribute("content") ?? $0.textContent) }
                    .filter { !$0.isEmpty }
                if !names.isEmpty { return names.joined(separator: ", ") }
            }
        }
        return nil
    }

    private func publishedDate(page: PageMetadata, offset: Int?) -> ZonedDate? {
        let machine = [page.jsonLD.datePublished, page.first("article:published_time", "og:published_time",
                       "datepublished", "pubdate", "publishdate", "publish-date", "dc.date.issued", "dc.date",
                       "dcterms.created", "sailthru.date", "parsely-pub-date", "date", "content_publisheddate"),
                       page.itempropDates["datePublished"]] + page.timeElements.map { Optional($0) }
        for candidate in machine {
            guard let candidate else { continue }
            if let date = DisplayDates.parseISO(candidate, defaultOffset: offset) ?? DisplayDates.parse(candidate, defaultOffset: offset) {
                return date
            }
        }
        return nil
    }

    private func modifiedDate(page: PageMetadata, offset: Int?) -> ZonedDate? {
        let machine = [page.jsonLD.dateModified, page.first("article:modified_time", "og:updated_time", "dc.date.modified",
                                                             "lastmod", "last-modified"),
                       page.itempropDates["dateModified"]]
        for candidate in machine {
            guard let candidate else { continue }
            if let date = DisplayDates.parseISO(candidate, defaultOffset: offset) { return date }
        }
        return nil
    }

    private func chooseAuthor(page: PageMetadata, ruleAuthor: String?, byline: String?, reporter: String?,
                              siteName: String?) -> String? {
        var candidates: [String] = []
        if let ruleAuthor { candidates.append(ruleAuthor) }
        if let reporter { candidates.append(reporter) }
        if !page.jsonLD.authors.isEmpty { candidates.append(page.jsonLD.authors.joined(separator: ", ")) }
        if let meta = page.first("author", "article:author", "content_author", "parsely-author", "sailthru.author",
                                 "dc.creator", "byl") {
            candidates.append(meta)
        }
        if let itemprop = page.itempropDates["author"] { candidates.append(itemprop) }
        if let byline { candidates.append(byline) }
        for raw in candidates {
            let cleaned = Self.cleanAuthor(raw)
            guard !cleaned.isEmpty, cleaned.lowercased() != "null", !cleaned.hasPrefix("http"),
                  cleaned.lowercased() != siteName?.lowercased() else { continue }
            return cleaned
        }
        return nil
    }

    /// "By Jane Doe" -> "Jane Doe"; "Rep: X / Red: Y" -> "X" (reporter, not editor); "Penulis: X" -> "X".
    static func cleanAuthor(_ raw: String) -> String {
        var text = collapseWhitespace(raw)
        let lowered = text.lowercased()
        if lowered.hasPrefix("rep:") || lowered.hasPrefix("rep :") {
            text = String(text[text.index(after: text.firstIndex(of: ":")!)...])
            if let slash = text.range(of: "/") { text = String(text[..<slash.lowerBound]) }
        }
        for prefix in ["by ", "oleh ", "oleh:", "penulis:", "penulis :", "reporter:", "reporter :", "written by ",
                       "pewarta:", "pewarta :"]
        where text.lowercased().hasPrefix(prefix) {
            text = String(text.dropFirst(prefix.count))
            break
        }
        // The editor and the copyright line follow the reporter, sometimes glued on ("…WardyahEditor: …").
        // Foundation's searches cost 6,000 instructions each: an ASCII text without the letters of any marker
        // (ASCII case ignored; "©" is not ASCII) cannot match, so they are skipped for it.
        let asciiBytes = text.utf8.allSatisfy { $0 < 0x80 } ? asciiLowercasedPrefixBytes(text, Int.max) : nil
        if asciiBytes.map({ $0.containsBytes(Self.editorBytes) || $0.containsBytes(Self.copyrightBytes) }) ?? true {
            for marker in ["editor:", "editor :", "copyright", "©"] {
                if let found = text.range(of: marker, options: .caseInsensitive), found.lowerBound > text.startIndex {
                    text = String(text[..<found.lowerBound])
                }
            }
        }
        // "Dwi Rahmawan - detikNews", "Fulan - Tribunnews.com": the outlet after the name.
        if text.utf8.count >= 3, text.bytesContain(" - "), let dash = text.range(of: " - ", options: .backwards) {
            let outlet = text[dash.upperBound...].lowercased()
            if !outlet.contains(" ") && (outlet.hasPrefix("detik") || outlet.hasSuffix(".com") || outlet.hasSuffix(".id")
                                         || outlet.hasSuffix(".co")) {
                text = String(text[..<dash.lowerBound])
            }
        }
        return text.trimmingCharacters(in: " ,|-")
    }

    static let editorBytes = Array("editor".utf8), copyrightBytes = Array("copyright".utf8)

    private func resolve(_ link: String?, base: String) -> String? {
        guard let raw = link else { return nil }
        let link = collapseWhitespace(raw)
        guard !link.isEmpty else { return nil }
        // Already absolute: no URL parsing needed.
        if link.hasPrefix("https://") || link.hasPrefix("http://") { return link }
        if let absolute = URL(string: link, relativeTo: URL(string: base))?.absoluteString { return absolute }
        return link
    }

    /// Words of a body line; CJK and Thai count a word per character (see CrawlerModel.WordCount).
    static func wordCount(_ line: String) -> Int { WordCount.count(line) }

    static func looksLikeDateLine(_ line: String) -> Bool {
        var digits = 0, spaces = 0
        for byte in line.utf8 {
            if byte >= 0x30 && byte <= 0x39 { digits += 1 } else if byte == 0x20 { spaces += 1 }
        }
        return digits >= 5 && spaces <= 8
    }

    /// "Menlu AS ... Foto/Ilustrasi/Sindonews", "Foto: Reuters", "(Foto: ANTARA/...)".
    static func isPhotoCaption(_ line: String) -> Bool {
        guard line.utf8.count < 600 else { return false }
        // ASCII lines on bytes (String prefix tests and the last word's copy cost 4,600 instructions a line);
        // elsewhere a combining mark after a match changes String's answer, so those take the String path.
        var copy = line
        if let ascii = copy.withUTF8({ bytes -> Bool? in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte }
            func hasPrefix(_ start: Int, _ word: StaticString) -> Bool {
                let count = word.utf8CodeUnitCount
                guard bytes.count - start >= count else { return false }
                for offset in 0 ..< count where lower(bytes[start + offset]) != word.utf8Start[offset] { return false }
                return true
            }
            if hasPrefix(0, "foto:") || hasPrefix(0, "foto :") || hasPrefix(0, "ilustrasi:") { return true }
            guard let space = bytes.lastIndex(of: 0x20) else { return false }
            let start = space + 1, end = min(bytes.count, start + 80)
            if hasPrefix(start, "foto/") || hasPrefix(start, "(foto") { return true }
            // The suffix of the last word's first 80 bytes.
            let suffix: StaticString = "/sindonews"
            let count = suffix.utf8CodeUnitCount
            guard end - start >= count else { return false }
            for offset in 0 ..< count where lower(bytes[end - count + offset]) != suffix.utf8Start[offset] { return false }
            return true
        }) {
            return ascii
        }
        let head = asciiLowercasedPrefix(line, 16)
        if head.hasPrefix("foto:") || head.hasPrefix("foto :") || head.hasPrefix("ilustrasi:") { return true }
        guard let space = line.utf8.lastIndex(of: 0x20) else { return false }
        let lastWord = asciiLowercasedPrefix(String(line[line.index(after: space)...]), 80)
        return lastWord.hasPrefix("foto/") || lastWord.hasPrefix("(foto") || lastWord.hasSuffix("/sindonews")
    }

    static func isStrongDateline(_ dateline: String) -> Bool {
        let lowered = dateline.lowercased()
        if [".com", ".co.id", "(antara", "(reuters"].contains(where: { lowered.bytesContain($0) }) {
            return true
        }
        let letters = dateline.filter(\.isLetter)
        return !letters.isEmpty && letters.allSatisfy(\.isUppercase)
    }
}

