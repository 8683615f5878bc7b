import Foundation

// The generic main-text finder: Readability's published algorithm (paragraph scoring propagated to ancestors,
// class/id hints, link density, sibling merging, conditional cleaning), run on the MiniDOM mirror so every
// measure is a walk over flat arrays. Indonesian recirculation and comment hints are added to the class lists.

/// Readability's three relaxations, tried in order when the first pass finds too little text.
struct ScorerFlags {
    var stripUnlikely = true
    var weightClasses = true
    var cleanConditionally = true
}

/// Substring tests on a lowercased class/id string (what the original regular expressions do, without regex).
enum Hints {
    static let unlikely = ["-ad-", "ai2html", "banner", "breadcrumbs", "combx", "comment", "community", "cover-wrap",
                           "disqus", "extra", "footer", "gdpr", "header", "legends", "menu", "related", "remark",
                           "replies", "rss", "shoutbox", "sidebar", "skyscraper", "social", "sponsor", "supplemental",
                           "ad-break", "agegate", "pagination", "pager", "popup", "yom-remote",
                           // Indonesian outlets: "read also", related, recommended, popular, comments.
                           "baca-juga", "bacajuga", "baca_juga", "terkait", "rekomendasi", "terpopuler", "komentar",
                           "summary-article"]
    static let maybe = ["and", "article", "body", "column", "content", "main", "mathjax", "shadow"]
    static let negative = ["-ad-", "hidden", "banner", "combx", "comment", "com-", "contact", "footer", "gdpr",
                           "masthead", "media", "meta", "outbrain", "promo", "related", "scroll", "share", "shoutbox",
                           "sidebar", "skyscraper", "sponsor", "shopping", "tags", "widget",
                           "baca-juga", "bacajuga", "terkait", "rekomendasi", "terpopuler", "komentar"]
    static let positive = ["article", "body", "content", "entry", "hentry", "h-entry", "main", "page", "pagination",
                           "post", "text", "blog", "story"]
    static let byline = ["byline", "author", "dateline", "writtenby", "p-author"]
    static let unlikelyRoles: Set<String> = ["menu", "menubar", "complementary", "navigation", "alert", "alertdialog",
                                             "dialog"]

    static let unlikelyBytes = unlikely.map { Array($0.utf8) }
    static let maybeBytes = maybe.map { Array($0.utf8) }
    static let negativeBytes = negative.map { Array($0.utf8) }
    static let positiveBytes = positive.map { Array($0.utf8) }
    static let bylineBytes = byline.map { Array($0.utf8) }

    static func any(_ haystack: String, _ needles: [String]) -> Bool {
        if haystack.isEmpty { return false }
        for needle in needles where haystack.contains(needle) { return true }
        return false
    }

    /// Readability's "hid" token rule (^hid$| hid$| hid |^hid ).
    static func hasHidToken(_ lowered: String) -> Bool {
        lowered.split(separator: " ").contains("hid")
    }

    /// (\b|_)(share|sharedaddy)(\b|_)
    static func isShare(_ lowered: String) -> Bool {
        var searchRange = lowered.startIndex..<lowered.endIndex
        while let found = lowered.range(of: "share", range: searchRange) {
            let before = found.lowerBound == lowered.startIndex ? nil : lowered[lowered.index(before: found.lowerBound)]
            var after = found.upperBound
            if lowered[after...].hasPrefix("daddy") { after = lowered.index(after, offsetBy: 5) }
            let next = after == lowered.endIndex ? nil : lowered[after]
            let boundary: (Character?) -> Bool = { c in c == nil || c == "_" || !(c!.isLetter || c!.isNumber) }
            if boundary(before) && boundary(next) { return true }
            searchRange = found.upperBound..<lowered.endIndex
        }
        return false
    }
}

/// One step the scorer took, for `extract --explain`.
public struct ExplainEntry: Sendable, Equatable {
    public var action: String
    public var node: String
    public var reason: String
    public var textLength: Int
}

final class Scorer {
    let dom: MiniDOM
    let flags: ScorerFlags
    let articleTitle: String
    var explain: [ExplainEntry]?
    private(set) var byline: String?
    /// Per node (by index, over the mirror's whole capacity, so nodes created later fit).
    /// Per node (by index, up to the mirror's node limit, so nodes created later fit): one buffer for all the
    /// per-node numbers (five separate ones cost five allocations and page-fault rounds per pass).
    private let stats: PODBuffer<NodeNumbers>
    private(set) var chosen: String = ""

    init(dom: MiniDOM, flags: ScorerFlags, articleTitle: String, explain: Bool) {
        self.dom = dom
        self.flags = flags
        self.articleTitle = articleTitle
        self.explain = explain ? [] : nil
        stats = PODBuffer(repeating: NodeNumbers(), capacity: dom.nodeLimit)
    }

    // MARK: - Helpers

    func describe(_ node: Int32) -> String {
        // The name from a table: interpolating the enum case reflects on it (about 10,000 instructions).
        var text = Tag.names[Int(dom.tag(node).rawValue)]
        if let attributes = dom.attributes(node) {
            if !attributes.id.isEmpty { text += "#" + attributes.id }
            if !attributes.className.isEmpty {
                if attributes.className.utf8.allSatisfy({ $0 < 0x80 }) {
                    // ASCII: the split on bytes (the Character split cost 8,000 instructions per page).
                    let words = attributes.className.utf8.split(separator: 0x20).prefix(3)
                    text += "." + words.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ".")
                } else {
                    text += "." + attributes.className.split(separator: " ").prefix(3).joined(separator: ".")
                }
            }
        }
        return text
    }

    private func note(_ action: String, _ node: Int32, _ reason: String) {
        guard explain != nil else { return }
        explain!.append(ExplainEntry(action: action, node: describe(node), reason: reason,
                                     textLength: dom.innerTextLength(node)))
    }

    func classWeight(_ node: Int32) -> Int {
        guard flags.weightClasses else { return 0 }
        let hints = dom.hints(node)
        var weight = 0
        if hints & HintBits.classNegative != 0 { weight -= 25 }
        if hints & HintBits.classPositive != 0 { weight += 25 }
        if hints & HintBits.idNegative != 0 { weight -= 25 }
        if hints & HintBits.idPositive != 0 { weight += 25 }
        return weight
    }

    private func ensureCapacity() {
        let count = dom.nodes.count
        _ = count
    }

    private func initializeNode(_ node: Int32) {
        ensureCapacity()
        var score: Double
        switch dom.tag(node) {
        case .div: score = 5
        case .pre, .td, .blockquote: score = 3
        case .address, .ol, .ul, .dl, .dd, .dt, .li, .form: score = -3
        case .h1, .h2, .h3, .h4, .h5, .h6, .th: score = -5
        default: score = 0
        }
        score += Double(classWeight(node))
        stats[Int(node)].score = score
        stats[Int(node)].initialized = true
    }

    private func isInitialized(_ node: Int32) -> Bool {
        Int(node) < stats.count && stats[Int(node)].initialized
    }

    /// Elements only, document order (Readability's _getNextNode).
    private func nextElement(_ node: Int32, skipChildren: Bool) -> Int32 {
        if !skipChildren {
            var child = dom.firstChild(node)
            while child >= 0 {
                if dom.tag(child) != .text { return child }
                child = dom.nextSibling(child)
            }
        }
        var current = node
        while current >= 0 {
            var sibling = dom.nextSibling(current)
            while sibling >= 0 {
                if dom.tag(sibling) != .text { return sibling }
                sibling = dom.nextSibling(sibling)
            }
            current = dom.parent(current)
        }
        return -1
    }

    private func isPhrasingContent(_ node: Int32) -> Bool {
        let tag = dom.tag(node)
        if tag.isPhrasing { return true }
        if tag == .a || tag == .del || tag == .ins {
            var child = dom.firstChild(node)
            while child >= 0 {
                if !isPhrasingContent(child) { return false }
                child = dom.nextSibling(child)
            }
            return true
        }
        return false
    }

    private func isWhitespaceNode(_ node: Int32) -> Bool {
        if let info = dom.text(node) { return info.isWhitespace }
        return dom.tag(node) == .br
    }

    /// Skips whitespace text (Readability's _nextNode).
    private func nextNonWhitespace(_ node: Int32) -> Int32 {
        var current = node
        while current >= 0, let info = dom.text(current), info.isWhitespace { current = dom.nextSibling(current) }
        return current
    }

    private func hasAncestorTag(_ node: Int32, _ tag: Tag, maxDepth: Int = 3) -> Bool {
        var depth = 0
        var current = dom.parent(node)
        while current >= 0 {
            if maxDepth > 0 && depth > maxDepth { return false }
            if dom.tag(current) == tag { return true }
            current = dom.parent(current)
            depth += 1
        }
        return false
    }

    /// Text length and link-weighted length of a subtree, walking it once.
    func linkDensity(_ top: Int32) -> Double {
        var total = 0
        var linked = 0.0
        var stack: [(Int32, Double)] = [(top, dom.tag(top) == .a ? linkCoefficient(top) : 0)]
        while let (node, coefficient) = stack.popLast() {
            if let info = dom.text(node) {
                if !info.isWhitespace {
                    total += Int(info.length)
                    linked += Double(info.length) * coefficient
                }
                continue
            }
            var child = dom.firstChild(node)
            while child >= 0 {
                let childCoefficient = dom.tag(child) == .a && coefficient == 0 ? linkCoefficient(child) : coefficient
                stack.append((child, childCoefficient))
                child = dom.nextSibling(child)
            }
        }
        return total == 0 ? 0 : linked / Double(total)
    }

    private func linkCoefficient(_ anchor: Int32) -> Double {
        dom.hints(anchor) & HintBits.hashLink != 0 ? 0.3 : 1
    }

    private func textAndCommas(_ top: Int32) -> (length: Int, commas: Int) {
        var length = 0, commas = 0
        dom.forEachInSubtree(top) { node in
            if let info = dom.text(node), !info.isWhitespace {
                length += Int(info.length)
                commas += Int(info.commas)
            }
        }
        return (length, commas)
    }

    /// The title's tokens, made once per scorer (every h1/h2 before the first match is compared with them);
    /// nil when the title needs the Character-level path.
    private lazy var titleTokenList: SimilarityTokens? = SimilarityTokens(articleTitle)

    /// Readability's _textSimilarity of the title and a heading. Byte tokens when both texts allow them (see
    /// `SimilarityTokens`): the Character-level split cost 57,000 instructions per text, over a quarter of the
    /// scorer's time on a typical page; same value either way.
    private func textSimilarity(_ a: String, _ b: String) -> Double {
        if a == articleTitle, let tokensA = titleTokenList, let tokensB = SimilarityTokens(b) {
            return Self.textSimilarity(tokensA, tokensB)
        }
        return Self.textSimilaritySlow(a, b)
    }

    static func textSimilarity(_ tokensA: SimilarityTokens, _ tokensB: SimilarityTokens) -> Double {
        guard !tokensA.isEmpty, !tokensB.isEmpty else { return 0 }
        var uniqueCharacters = 0, uniqueCount = 0
        for index in 0 ..< tokensB.count where !tokensA.contains(tokensB, index) {
            uniqueCharacters += tokensB.characters(index)
            uniqueCount += 1
        }
        // Joined by single spaces: the characters plus one per gap.
        let uniqueLength = uniqueCount == 0 ? 0 : uniqueCharacters + uniqueCount - 1
        let distance = Double(uniqueLength) / Double(tokensB.totalCharacters + tokensB.count - 1)
        return 1 - distance
    }

    /// The Character-level form (the reference `SimilarityTokens` is tested against).
    static func textSimilaritySlow(_ a: String, _ b: String) -> Double {
        let tokensA = Set(Self.tokens(a.lowercased()))
        let tokensB = Self.tokens(b.lowercased())
        guard !tokensA.isEmpty, !tokensB.isEmpty else { return 0 }
        let uniqueB = tokensB.filter { !tokensA.contains($0) }
        let distance = Double(uniqueB.joined(separator: " ").count) / Double(tokensB.joined(separator: " ").count)
        return 1 - distance
    }

    static func tokens(_ text: String) -> [String] {
        text.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init)
    }

    // MARK: - The grab

    /// Finds the article container; returns a new detached div holding the chosen nodes, or -1.
    func grabArticle() -> Int32 {
        var elementsToScore: [Int32] = []
        var shouldRemoveTitleHeader = true
        var node = dom.root
        while node >= 0 {
            let tag = dom.tag(node)
            let hints = dom.hints(node)
            if hints != 0 {
                if hints & HintBits.invisible != 0 {
                    note("drop", node, "hidden")
                    let next = nextElement(node, skipChildren: true); dom.detach(node); node = next; continue
                }
                if hints & HintBits.modalDialog != 0 {
                    note("drop", node, "modal dialog")
                    let next = nextElement(node, skipChildren: true); dom.detach(node); node = next; continue
                }
                if byline == nil, hints & (HintBits.relAuthor | HintBits.itempropAuthor | HintBits.byline) != 0,
                   checkByline(node) {
                    note("drop", node, "byline")
                    let next = nextElement(node, skipChildren: true); dom.detach(node); node = next; continue
                }
            }
            if shouldRemoveTitleHeader, tag == .h1 || tag == .h2, !articleTitle.isEmpty {
                let heading = dom.innerText(node)
                if textSimilarity(articleTitle, heading) > 0.75 {
                    shouldRemoveTitleHeader = false
                    note("drop", node, "repeats the title")
                    let next = nextElement(node, skipChildren: true); dom.detach(node); node = next; continue
                }
            }
            if flags.stripUnlikely, hints != 0 {
                if hints & HintBits.unlikely != 0 && hints & HintBits.maybe == 0
                    && tag != .body && tag != .a && !hasAncestorTag(node, .table, maxDepth: 0)
                    && !hasAncestorTag(node, .code, maxDepth: 0) {
                    note("drop", node, "unlikely class/id")
                    let next = nextElement(node, skipChildren: true); dom.detach(node); node = next; continue
                }
                if hints & HintBits.unlikelyRole != 0 {
                    note("drop", node, "unlikely role")
                    let next = nextElement(node, skipChildren: true); dom.detach(node); node = next; continue
                }
            }
            if tag == .div || tag == .section || tag == .header || tag.isHeading, isElementWithoutContent(node) {
                let next = nextElement(node, skipChildren: true); dom.detach(node); node = next; continue
            }
            switch tag {
            case .section, .h2, .h3, .h4, .h5, .h6, .p, .td, .pre: elementsToScore.append(node)
            default: break
            }
            if tag == .div {
                wrapPhrasingRuns(node)
                if hasSingleParagraphChild(node), linkDensity(node) < 0.25 {
                    let paragraph = dom.firstElementChild(node)
                    dom.replace(node, with: paragraph)
                    node = paragraph
                    elementsToScore.append(node)
                } else if !hasChildBlockElement(node) {
                    dom.setTag(node, .p)
                    elementsToScore.append(node)
                }
            }
            node = nextElement(node, skipChildren: false)
        }

        // Score paragraphs into their ancestors. The tree no longer changes until the siblings are gathered,
        // so every subtree's text, comma and link totals are summed once, bottom-up.
        computeTotals()
        var candidates: [Int32] = []
        for element in elementsToScore {
            guard dom.parent(element) >= 0 else { continue }
            let length = Int(stats[Int(element)].text), commas = Int(stats[Int(element)].commas)
            if length < 25 { continue }
            // Up to five ancestors, walked in place (an array of them per element cost a malloc and free each).
            var ancestor = dom.parent(element)
            if ancestor < 0 { continue }
            let contentScore = 1.0 + Double(commas + 1) + Double(min(length / 100, 3))
            var level = 0
            while ancestor >= 0 && level < 5 {
                if dom.parent(ancestor) < 0 { break }
                if !isInitialized(ancestor) {
                    initializeNode(ancestor)
                    candidates.append(ancestor)
                }
                let divider = level == 0 ? 1.0 : level == 1 ? 2.0 : Double(level * 3)
                stats[Int(ancestor)].score += contentScore / divider
                ancestor = dom.parent(ancestor)
                level += 1
            }
        }

        // Scale by link density and keep the five best.
        var top: [Int32] = []
        for candidate in candidates {
            let text = stats[Int(candidate)].text
            let density = text == 0 ? 0 : Double(stats[Int(candidate)].link) / Double(text)
            let scaled = stats[Int(candidate)].score * (1 - density)
            stats[Int(candidate)].score = scaled
            if let position = top.firstIndex(where: { scaled > stats[Int($0)].score }) {
                top.insert(candidate, at: position)
                if top.count > 5 { top.removeLast() }
            } else if top.count < 5 {
                top.append(candidate)
            }
        }

        var topCandidate: Int32 = top.first ?? -1
        var createdTop = false
        if topCandidate < 0 || dom.tag(topCandidate) == .body {
            topCandidate = dom.createElement(.div)
            guard topCandidate >= 0 else { return -1 }
            createdTop = true
            for child in dom.children(dom.body) { dom.appendChild(topCandidate, child) }
            dom.appendChild(dom.body, topCandidate)
            initializeNode(topCandidate)
            chosen = "whole body (no paragraph container scored)"
        } else {
            chosen = "scored container \(describe(topCandidate)) score=\(Int(stats[Int(topCandidate)].score))"
            var alternatives: [[Int32]] = []
            for other in top.dropFirst() where stats[Int(other)].score / stats[Int(topCandidate)].score >= 0.75 {
                var chain: [Int32] = []
                var up = dom.parent(other)
                while up >= 0 { chain.append(up); up = dom.parent(up) }
                alternatives.append(chain)
            }
            if alternatives.count >= 3 {
                var parent = dom.parent(topCandidate)
                while parent >= 0 && dom.tag(parent) != .body {
                    let containing = alternatives.filter { $0.contains(parent) }.count
                    if containing >= 3 { topCandidate = parent; break }
                    parent = dom.parent(parent)
                }
            }
            if !isInitialized(topCandidate) { initializeNode(topCandidate) }

            var parent = dom.parent(topCandidate)
            var lastScore = stats[Int(topCandidate)].score
            let threshold = lastScore / 3
            while parent >= 0 && dom.tag(parent) != .body {
                if !isInitialized(parent) { parent = dom.parent(parent); continue }
                let parentScore = stats[Int(parent)].score
                if parentScore < threshold { break }
                if parentScore > lastScore { topCandidate = parent; break }
                lastScore = parentScore
                parent = dom.parent(parent)
            }

            parent = dom.parent(topCandidate)
            while parent >= 0 && dom.tag(parent) != .body && dom.elementChildren(parent).count == 1 {
                topCandidate = parent
                parent = dom.parent(topCandidate)
            }
            if !isInitialized(topCandidate) { initializeNode(topCandidate) }
            if chosen.hasSuffix("score=\(Int(stats[Int(top[0])].score))") == false || topCandidate != top[0] {
                chosen += " -> widened to \(describe(topCandidate))"
            }
        }

        // Gather the top candidate and its worthy siblings.
        let article = dom.createElement(.div)
        guard article >= 0 else { return -1 }
        let topScore = stats[Int(topCandidate)].score
        let siblingThreshold = max(10, topScore * 0.2)
        let parentOfTop = dom.parent(topCandidate)
        let siblings = parentOfTop >= 0 ? dom.elementChildren(parentOfTop) : [topCandidate]
        let topHasClass = !(dom.attributes(topCandidate)?.className.isEmpty ?? true)
        for sibling in siblings {
            var append = false
            if sibling == topCandidate {
                append = true
            } else {
                var bonus = 0.0
                if topHasClass, dom.sameClass(sibling, as: topCandidate) { bonus += topScore * 0.2 }
                if isInitialized(sibling), stats[Int(sibling)].score + bonus >= siblingThreshold {
                    append = true
                } else if dom.tag(sibling) == .p {
                    let density = linkDensity(sibling)
                    let content = dom.innerText(sibling)
                    let length = content.count
                    if length > 80 && density < 0.25 {
                        append = true
                    } else if length < 80 && length > 0 && density == 0 && Self.hasSentenceEnd(content) {
                        append = true
                    }
                }
                if append { note("keep", sibling, "sibling of the top candidate") }
            }
            if append {
                switch dom.tag(sibling) {
                case .div, .article, .section, .p: break
                default: dom.setTag(sibling, .div)
                }
                dom.appendChild(article, sibling)
            }
        }
        _ = createdTop
        prepArticle(article)
        return article
    }

    struct NodeNumbers {
        var score: Double = 0
        /// Text, comma and link-weighted text totals of the subtree (`computeTotals`).
        var text: Int32 = 0
        var commas: Int32 = 0
        var link: Float = 0
        var initialized = false
    }

    private func computeTotals() {
        let count = dom.nodes.count
        _ = count
        var order: [Int32] = []
        order.reserveCapacity(count)
        dom.forEachInSubtree(dom.root) { order.append($0) }
        for node in order.reversed() {
            let i = Int(node)
            if let info = dom.text(node) {
                if !info.isWhitespace { stats[i].text = info.length; stats[i].commas = info.commas }
            } else if dom.tag(node) == .a {
                stats[i].link = Float(stats[i].text) * Float(linkCoefficient(node))
            }
            let parent = dom.parent(node)
            if parent >= 0 && node != dom.root {
                let p = Int(parent)
                stats[p].text += stats[i].text
                stats[p].commas += stats[i].commas
                stats[p].link += stats[i].link
            }
        }
    }

    static func hasSentenceEnd(_ text: String) -> Bool {
        // /\.( |$)/
        // ASCII text on bytes (a byte is a Character there; the Character walk cost 6,000 instructions a call).
        var copy = text
        if let ascii = copy.withUTF8({ bytes -> Bool? in
            var previousWasDot = false
            for byte in bytes {
                if byte >= 0x80 || byte == 0x0D { return nil }
                if previousWasDot && byte == 0x20 { return true }
                previousWasDot = byte == 0x2E
            }
            return previousWasDot
        }) {
            return ascii
        }
        var previousWasDot = false
        for character in text {
            if previousWasDot && character == " " { return true }
            previousWasDot = character == "."
        }
        return previousWasDot
    }

    private func checkByline(_ node: Int32) -> Bool {
        let text = dom.innerText(node)
        guard !text.isEmpty, text.count < 100 else { return false }
        byline = text
        return true
    }

    private func isElementWithoutContent(_ node: Int32) -> Bool {
        if dom.hasNonWhitespaceText(node) { return false }
        let children = dom.elementChildren(node)
        if children.isEmpty { return true }
        var brHr = 0
        dom.forEachInSubtree(node) { index in
            let tag = dom.tag(index)
            if tag == .br || tag == .hr { brHr += 1 }
        }
        return children.count == brHr
    }

    private func wrapPhrasingRuns(_ node: Int32) {
        var paragraph: Int32 = -1
        var child = dom.firstChild(node)
        while child >= 0 {
            let next = dom.nextSibling(child)
            if isPhrasingContent(child) {
                if paragraph >= 0 {
                    dom.appendChild(paragraph, child)
                } else if !isWhitespaceNode(child) {
                    paragraph = dom.createElement(.p)
                    guard paragraph >= 0 else { return }
                    dom.replace(child, with: paragraph)
                    dom.appendChild(paragraph, child)
                }
            } else if paragraph >= 0 {
                trimTrailingWhitespace(paragraph)
                paragraph = -1
            }
            child = next
        }
    }

    private func trimTrailingWhitespace(_ paragraph: Int32) {
        while true {
            let last = dom.nodes[Int(paragraph)].last
            guard last >= 0, isWhitespaceNode(last) else { return }
            dom.detach(last)
        }
    }

    private func hasSingleParagraphChild(_ node: Int32) -> Bool {
        var elementCount = 0
        var child = dom.firstChild(node)
        var paragraph = false
        while child >= 0 {
            if let info = dom.text(child) {
                if !info.isWhitespace { return false }
            } else {
                elementCount += 1
                paragraph = dom.tag(child) == .p
                if elementCount > 1 { return false }
            }
            child = dom.nextSibling(child)
        }
        return elementCount == 1 && paragraph
    }

    private func hasChildBlockElement(_ node: Int32) -> Bool {
        var current = dom.following(node, within: node)
        while current >= 0 {
            if dom.tag(current).isDivToPBlock { return true }
            current = dom.following(current, within: node)
        }
        return false
    }

    // MARK: - <br><br> to paragraphs, done once on the whole body before grabbing

    func replaceBreakChains() {
        var brs: [Int32] = []
        dom.forEachInSubtree(dom.body) { if dom.tag($0) == .br { brs.append($0) } }
        for br in brs where dom.parent(br) >= 0 {
            var next = nextNonWhitespace(dom.nextSibling(br))
            var replaced = false
            while next >= 0 && dom.tag(next) == .br {
                replaced = true
                let after = dom.nextSibling(next)
                dom.detach(next)
                next = nextNonWhitespace(after)
            }
            guard replaced else { continue }
            let paragraph = dom.createElement(.p)
            guard paragraph >= 0 else { return }
            dom.replace(br, with: paragraph)
            next = dom.nextSibling(paragraph)
            while next >= 0 {
                if dom.tag(next) == .br {
                    let following = nextNonWhitespace(dom.nextSibling(next))
                    if following >= 0 && dom.tag(following) == .br { break }
                }
                if !isPhrasingContent(next) { break }
                let sibling = dom.nextSibling(next)
                dom.appendChild(paragraph, next)
                next = sibling
            }
            trimTrailingWhitespace(paragraph)
            let parent = dom.parent(paragraph)
            if parent >= 0 && dom.tag(parent) == .p { dom.setTag(parent, .div) }
        }
    }

    // MARK: - Cleaning the chosen content

    private struct Stats {
        var text: Int32 = 0
        var commas: Int32 = 0
        var link: Float = 0
        var paragraphs: Int32 = 0
        var images: Int32 = 0
        var listItems: Int32 = 0
        var inputs: Int32 = 0
        var embeds: Int32 = 0
        var heading: Int32 = 0
        var textish: Int32 = 0
        var list: Int32 = 0
        var tables: Int32 = 0
        var dataTables: Int32 = 0
        var tableMarkers: Int32 = 0
        var rows: Int32 = 0
        var cellsInRow: Int32 = 0
        var maxCells: Int32 = 0
    }

    private var dataTable: Set<Int32> = []

    private func prepArticle(_ article: Int32) {
        cleanConditionally(article, tags: [.form, .fieldset], markTables: true)
        clean(article, [.object, .embed, .footer, .aside])
        for top in dom.elementChildren(article) {
            var node = dom.following(top, within: top)
            while node >= 0 {
                if dom.tag(node) != .text {
                    if dom.hints(node) & HintBits.share != 0, dom.innerTextLength(node) < 500 {
                        note("drop", node, "share widget")
                        let next = dom.following(node, within: top, skipChildren: true)
                        dom.detach(node)
                        node = next
                        continue
                    }
                }
                node = dom.following(node, within: top)
            }
        }
        clean(article, [.iframe, .input, .textarea, .select, .button])
        // Headers with negative class weight.
        var headers: [Int32] = []
        dom.forEachInSubtree(article) { if dom.tag($0) == .h1 || dom.tag($0) == .h2 { headers.append($0) } }
        for header in headers where classWeight(header) < 0 {
            note("drop", header, "heading with negative class hints")
            dom.detach(header)
        }
        cleanConditionally(article, tags: [.table, .ul, .div], markTables: false)
        removeRecirculationBlocks(article)
    }

    /// Phrases that open a block of links to other stories ("Baca juga", "Berita terkait", "Read more").
    static let recirculationHeads = ["baca juga", "baca:", "lihat juga", "simak juga", "berita terkait", "artikel terkait",
                                     "berita lainnya", "rekomendasi", "read more", "related", "see also", "also read",
                                     "more from", "recommended"]

    static func startsWithRecirculationHead(_ text: String) -> Bool {
        // On bytes: the lowercased head trimmed of the same scalars `trimmingPunctuationAndSpaces` drops (its
        // String copies cost 2,500 instructions a block).
        var head = asciiLowercasedPrefixBytes(text, 24)
        func trimmedLength(_ bytes: ArraySlice<UInt8>, atEnd: Bool) -> Int {
            let count = bytes.count, start = bytes.startIndex
            func byte(_ offset: Int) -> UInt8 { bytes[start + (atEnd ? count - 1 - offset : offset)] }
            guard count > 0 else { return 0 }
            switch byte(0) {
            case 0x20, 0x3A, 0x2D, 0x7C, 0x3E: return 1
            default: break
            }
            if count >= 2 {
                // U+00A0, U+00BB, U+00AB, U+00B7 (C2 xx).
                let lead = atEnd ? byte(1) : byte(0), second = atEnd ? byte(0) : byte(1)
                if lead == 0xC2 && (second == 0xA0 || second == 0xBB || second == 0xAB || second == 0xB7) { return 2 }
            }
            if count >= 3 {
                // U+2039, U+203A, U+2013, U+2014, U+2022 (E2 80 xx).
                let lead = atEnd ? byte(2) : byte(0), middle = byte(1), last = atEnd ? byte(0) : byte(2)
                if lead == 0xE2 && middle == 0x80 && (last == 0xB9 || last == 0xBA || last == 0x93 || last == 0x94 || last == 0xA2) {
                    return 3
                }
            }
            return 0
        }
        var start = 0, end = head.count
        while start < end, case let cut = trimmedLength(head[start ..< end], atEnd: false), cut > 0 { start += cut }
        while start < end, case let cut = trimmedLength(head[start ..< end], atEnd: true), cut > 0 { end -= cut }
        if start > 0 || end < head.count { head = Array(head[start ..< end]) }
        return recirculationHeadList.matches(head)
    }

    /// The String form `startsWithRecirculationHead` is tested against.
    static func startsWithRecirculationHeadReference(_ text: String) -> Bool {
        let head = asciiLowercasedPrefix(text, 24).trimmingPunctuationAndSpaces()
        return recirculationHeadList.matches(Array(head.utf8))
    }

    private static let recirculationHeadList = PrefixList(recirculationHeads)

    /// Whether the subtree's text (as `innerText` would give it) opens with a "read also" phrase, reading only
    /// as much of the subtree as the first 24 characters need.
    private func startsWithRecirculationHead(_ node: Int32) -> Bool {
        Self.startsWithRecirculationHead(dom.innerTextHead(node, bytes: 24))
    }

    /// Readability keeps lists of links inside the story; news pages put "Baca juga" link blocks there. A short
    /// block that opens with such a phrase and is mostly links goes, and so does a link list right after a heading
    /// or line that says it.
    private func removeRecirculationBlocks(_ article: Int32) {
        var doomed: [Int32] = []
        // Nothing is detached until the walk ends, so every subtree's text length is summed once, bottom-up
        // (innerTextLength per node walked each subtree again: quadratic in the depth).
        subtreeTextLengths(article)
        var node = dom.following(article, within: article)
        while node >= 0 {
            let tag = dom.tag(node)
            guard tag != .text else { node = dom.following(node, within: article); continue }
            let length = Int(stats[Int(node)].text)
            if length > 0 && length < 400 && (tag == .div || tag == .ul || tag == .ol || tag == .p || tag == .section
                                                || tag == .aside || tag == .table || tag == .blockquote) {
                if startsWithRecirculationHead(node), linkDensity(node) >= 0.5 {
                    note("drop", node, "recirculation block (link list after a 'read also' phrase)")
                    doomed.append(node)
                    node = dom.following(node, within: article, skipChildren: true)
                    continue
                }
                if tag == .ul || tag == .ol, linkDensity(node) >= 0.8 {
                    var previous = dom.nodes[Int(node)].prev
                    while previous >= 0, let info = dom.text(previous), info.isWhitespace { previous = dom.nodes[Int(previous)].prev }
                    if previous >= 0, stats[Int(previous)].text <= 40, startsWithRecirculationHead(previous) {
                        note("drop", node, "link list after a 'read also' heading")
                        doomed.append(previous)
                        doomed.append(node)
                        node = dom.following(node, within: article, skipChildren: true)
                        continue
                    }
                }
            }
            node = dom.following(node, within: article)
        }
        for node in doomed { dom.detach(node) }
    }

    /// Drops every element of the given tags, tag by tag in the given order (one walk finds them all; a match
    /// inside an element an earlier tag already dropped is gone with it, as if each tag had its own walk).
    /// `innerTextLength` of every node of the subtree, in the scorer's `stats` buffer (free once the grab has
    /// scored: only cleaning runs after it).
    private func subtreeTextLengths(_ top: Int32) {
        var order: [Int32] = []
        dom.forEachInSubtree(top) { order.append($0) }
        for node in order { stats[Int(node)].text = 0 }
        for node in order.reversed() {
            let i = Int(node)
            if let info = dom.text(node), !info.isWhitespace { stats[i].text = info.length }
            let parent = dom.parent(node)
            if parent >= 0 && node != top { stats[Int(parent)].text += stats[i].text }
        }
    }

    private func clean(_ article: Int32, _ tags: [Tag]) {
        var matches = [[Int32]](repeating: [], count: tags.count)
        dom.forEachInSubtree(article) { node in
            let tag = dom.tag(node)
            guard tag != .text, let position = tags.firstIndex(of: tag) else { return }
            matches[position].append(node)
        }
        for (position, found) in matches.enumerated() {
            let visible = position == 0 ? found : found.filter { dom.isAncestor(article, of: $0) }
            for match in visible {
                if explain != nil, dom.innerTextLength(match) > 0 {
                    note("drop", match, Tag.names[Int(tags[position].rawValue)] + " element")
                }
                dom.detach(match)
            }
        }
    }

    /// Readability's _cleanConditionally for several tags in one bottom-up sweep: every node's counts are final
    /// (its removed descendants excluded) by the time it is judged.
    private func cleanConditionally(_ article: Int32, tags tagList: [Tag], markTables: Bool) {
        // A lookup table by raw value: Set<Tag>.contains hashed once per node (158,000 times on the dev set).
        var tags = [Bool](repeating: false, count: 256)
        for tag in tagList { tags[Int(tag.rawValue)] = true }
        // Nothing to judge (and, when marking, no table to mark): skip the counting sweep. Most articles hold
        // no form or fieldset, so the first of the two calls usually ends here.
        var judged = false
        dom.forEachInSubtree(article) { node in
            let tag = dom.tag(node)
            if node != article && (tags[Int(tag.rawValue)] || (markTables && tag == .table)) { judged = true }
        }
        guard judged else { return }
        var order: [Int32] = []
        dom.forEachInSubtree(article) { order.append($0) }
        // Indexed by node; only entries of nodes in `order` are ever read.
        // Stats live in a compact array in processing order; `slot` maps a node to its entry (-1: none yet,
        // or removed), so memory follows the article's size, not the page's.
        var stats: [Stats] = []
        stats.reserveCapacity(order.count)
        var slot = [Int32](repeating: -1, count: dom.nodes.count)
        var removed: [Int32] = []
        for node in order.reversed() {
            let tag = dom.tag(node)
            var own = Stats()
            if let info = dom.text(node) {
                if !info.isWhitespace { own.text = info.length; own.commas = info.commas }
            } else {
                var child = dom.firstChild(node)
                while child >= 0 {
                    if let info = dom.text(child) {
                        if !info.isWhitespace { own.text += info.length; own.commas += info.commas }
                    } else if slot[Int(child)] >= 0 {
                        let childStats = stats[Int(slot[Int(child)])]
                        let childTag = dom.tag(child)
                        own.text += childStats.text
                        own.commas += childStats.commas
                        own.link += childTag == .a ? Float(childStats.text) * Float(linkCoefficient(child)) : childStats.link
                        own.paragraphs += childStats.paragraphs + (childTag == .p ? 1 : 0)
                        own.images += childStats.images + (childTag == .img ? 1 : 0)
                        own.listItems += childStats.listItems + (childTag == .li ? 1 : 0)
                        own.inputs += childStats.inputs + (childTag == .input ? 1 : 0)
                        own.embeds += childStats.embeds + (childTag == .object || childTag == .embed || childTag == .iframe ? 1 : 0)
                        own.heading += childTag.isHeading ? childStats.text : childStats.heading
                        own.textish += Self.isTextish(childTag) ? childStats.text : childStats.textish
                        own.list += childTag == .ul || childTag == .ol ? childStats.text : childStats.list
                        own.tables += childStats.tables + (childTag == .table ? 1 : 0)
                        own.dataTables += childStats.dataTables + (dataTable.contains(child) ? 1 : 0)
                        switch childTag {
                        case .col, .colgroup, .tfoot, .thead, .th, .caption: own.tableMarkers += 1
                        case .td: own.cellsInRow += 1
                        case .tr: own.rows += 1; own.maxCells = max(own.maxCells, childStats.cellsInRow)
                        default: break
                        }
                        own.tableMarkers += childStats.tableMarkers
                        if childTag != .tr {
                            own.rows += childStats.rows
                            own.maxCells = max(own.maxCells, childStats.maxCells)
                        }
                    }
                    child = dom.nextSibling(child)
                }
                if tag == .th { own.cellsInRow += 0 }
            }
            if markTables && tag == .table {
                if own.tableMarkers > 0 { dataTable.insert(node) }
                else if own.tables > 0 || own.rows == 1 || own.maxCells == 1 {}
                else if own.rows >= 10 || own.maxCells > 4 || own.rows * own.maxCells > 10 { dataTable.insert(node) }
            }
            if node != article, tags[Int(tag.rawValue)], flags.cleanConditionally, shouldRemove(node, tag, own) {
                removed.append(node)
                continue  // its counts never reach the parent
            }
            slot[Int(node)] = Int32(stats.count)
            stats.append(own)
        }
        for node in removed { dom.detach(node) }
    }

    private static func isTextish(_ tag: Tag) -> Bool {
        tag == .span || tag == .li || tag == .td || tag.isDivToPBlock
    }

    private func shouldRemove(_ node: Int32, _ tag: Tag, _ stats: Stats) -> Bool {
        if tag == .table && dataTable.contains(node) { return false }
        var up = dom.parent(node)
        while up >= 0 {
            if dom.tag(up) == .code { return false }
            if dom.tag(up) == .table && dataTable.contains(up) { return false }
            up = dom.parent(up)
        }
        if stats.dataTables > 0 { return false }
        let weight = classWeight(node)
        if weight < 0 {
            note("drop", node, "negative class hints (weight \(weight))")
            return true
        }
        guard stats.commas < 10 else { return false }
        let text = Int(stats.text)
        let isList = tag == .ul || tag == .ol || (text > 0 && Double(stats.list) / Double(text) > 0.9)
        if text < 20 {
            let inner = dom.innerText(node).lowercased()
            if ["ad", "advertising", "advertisement", "iklan", "loading", "loading...", "loading…"].contains(inner) {
                note("drop", node, "ad/loading label")
                return true
            }
        }
        let p = Int(stats.paragraphs), img = Int(stats.images), li = Int(stats.listItems) - 100
        let input = Int(stats.inputs), embeds = Int(stats.embeds)
        let linkDensity = text == 0 ? 0 : Double(stats.link) / Double(text)
        let headingDensity = text == 0 ? 0 : Double(stats.heading) / Double(text)
        let textDensity = text == 0 ? 0 : Double(stats.textish) / Double(text)
        var isFigureChild = false
        up = dom.parent(node)
        var depth = 0
        while up >= 0 && depth <= 3 { if dom.tag(up) == .figure { isFigureChild = true; break }; up = dom.parent(up); depth += 1 }
        var reason: String?
        if !isFigureChild && img > 1 && Double(p) / Double(img) < 0.5 { reason = "more images than paragraphs" }
        else if !isList && li > p { reason = "more list items than paragraphs" }
        else if input > p / 3 { reason = "form inputs" }
        else if !isList && !isFigureChild && headingDensity < 0.9 && text < 25 && (img == 0 || img > 2) && linkDensity > 0 {
            reason = "short linked block"
        } else if !isList && weight < 25 && linkDensity > 0.2 || weight >= 25 && linkDensity > 0.5 {
            // String(format:) goes through Foundation: only worth it when someone reads the reason.
            reason = explain == nil ? "link density" : String(format: "link density %.2f", linkDensity)
        }
        else if (embeds == 1 && text < 75) || embeds > 1 { reason = "embed" }
        else if img == 0 && textDensity == 0 { reason = "no text blocks" }
        if let reason {
            if text > 0 { note("drop", node, reason) }
            return true
        }
        return false
    }
}

extension MiniDOM {
    func firstElementChild(_ index: Int32) -> Int32 {
        var child = firstChild(index)
        while child >= 0 {
            if tag(child) != .text { return child }
            child = nextSibling(child)
        }
        return -1
    }
}

/// `Scorer.tokens(text.lowercased())` on UTF-8 bytes: the lowercased tokens (runs of letters, digits and "_") as
/// byte ranges, with their lengths in Characters. Only for texts where every scalar is a Character of its own
/// before and after lowercasing and lowercases to one scalar (ASCII, Latin-1 and Latin Extended, general
/// punctuation, CJK ideographs; the set `characterCount` trusts): then a Character's letter/number test is its
/// scalar's, Character counts are scalar counts, and equal Strings are equal bytes (no combining marks, no
/// canonical singletons inside tokens). Anything else gives nil and the caller takes the Character path.
struct SimilarityTokens {
    private var lowered: [UInt8] = []
    /// Per token: start and end in `lowered`, and its Character count.
    private var starts: [Int32] = []
    private var ends: [Int32] = []
    private var lengths: [Int32] = []
    private(set) var totalCharacters = 0

    var count: Int { starts.count }
    var isEmpty: Bool { starts.isEmpty }
    func characters(_ index: Int) -> Int { Int(lengths[index]) }

    init?(_ text: String) {
        var text = text
        let built: Bool = text.withUTF8 { bytes in
            lowered.reserveCapacity(bytes.count)
            var tokenStart = -1
            var tokenLength: Int32 = 0
            func close() {
                guard tokenStart >= 0 else { return }
                starts.append(Int32(tokenStart)); ends.append(Int32(lowered.count)); lengths.append(tokenLength)
                totalCharacters += Int(tokenLength)
                tokenStart = -1
                tokenLength = 0
            }
            var index = 0
            let end = bytes.count
            while index < end {
                let lead = bytes[index]
                if lead < 0x80 {
                    let byte = lead >= 0x41 && lead <= 0x5A ? lead + 0x20 : lead
                    let isWord = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F
                    if isWord {
                        if tokenStart < 0 { tokenStart = lowered.count }
                        lowered.append(byte)
                        tokenLength += 1
                    } else {
                        close()
                    }
                    index += 1
                    continue
                }
                // One scalar from the trusted set, decoded.
                var scalarValue: UInt32
                var width: Int
                if lead >= 0xC2 && lead < 0xCC, index + 1 < end {
                    scalarValue = (UInt32(lead & 0x1F) << 6) | UInt32(bytes[index + 1] & 0x3F)
                    width = 2
                } else if (lead == 0xE2 || (lead >= 0xE4 && lead <= 0xE9)), index + 2 < end {
                    scalarValue = (UInt32(lead & 0x0F) << 12) | (UInt32(bytes[index + 1] & 0x3F) << 6)
                        | UInt32(bytes[index + 2] & 0x3F)
                    width = 3
                } else {
                    return false
                }
                guard Self.isOwnCharacter(scalarValue), let scalar = Unicode.Scalar(scalarValue) else { return false }
                let mapping = scalar.properties.lowercaseMapping.unicodeScalars
                guard mapping.count == 1, let lower = mapping.first, Self.isOwnCharacter(lower.value) else {
                    return false
                }
                if lower.value != scalarValue { width = 0 }  // re-encoded below
                if lower.properties.isAlphabetic || lower.properties.numericType != nil {
                    if tokenStart < 0 { tokenStart = lowered.count }
                    if width > 0 {
                        for offset in 0 ..< width { lowered.append(bytes[index + offset]) }
                    } else {
                        lowered.append(contentsOf: String(Character(lower)).utf8)
                    }
                    tokenLength += 1
                } else {
                    close()
                }
                index += lead >= 0xE0 ? 3 : 2
            }
            close()
            return true
        }
        guard built else { return nil }
    }

    /// U+0080 ..< U+0300, U+2000 ..< U+2070 without the joiners U+200C and U+200D, U+4E00 ..< U+A000: scalars
    /// that are a grapheme cluster of their own whatever stands around them (as in `characterCount`).
    static func isOwnCharacter(_ value: UInt32) -> Bool {
        (value >= 0x80 && value < 0x300) || (value >= 0x2000 && value < 0x2070 && value != 0x200C && value != 0x200D)
            || (value >= 0x4E00 && value < 0xA000)
    }

    /// Whether `other`'s token `index` equals one of these tokens.
    func contains(_ other: SimilarityTokens, _ index: Int) -> Bool {
        let otherStart = Int(other.starts[index]), otherLength = Int(other.ends[index]) - otherStart
        return lowered.withUnsafeBufferPointer { mine in
            other.lowered.withUnsafeBufferPointer { theirs in
                for token in 0 ..< starts.count where Int(ends[token] - starts[token]) == otherLength {
                    if memcmp(mine.baseAddress! + Int(starts[token]), theirs.baseAddress! + otherStart, otherLength) == 0 {
                        return true
                    }
                }
                return false
            }
        }
    }
}
