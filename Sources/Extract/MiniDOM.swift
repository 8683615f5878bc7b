// A small mutable mirror of the libxml2 tree that the scorer can restructure cheaply (wrap text runs in
// paragraphs, retag, move and drop nodes) without touching libxml2's DOM or allocating per-node objects.
// Nodes live in flat arrays and refer to each other by Int32 index; -1 means "none".
import LibXML2

/// The element names the extractor cares about; everything else is `.other` (treated as inline text).
enum Tag: UInt8 {
    case text, other
    case html, body, div, p, span, a, article, section, header, footer, aside, nav, main
    case h1, h2, h3, h4, h5, h6
    case ul, ol, li, dl, dt, dd, menu
    case table, tbody, thead, tfoot, tr, td, th, caption, col, colgroup
    case pre, code, blockquote, br, hr, img, picture, figure, figcaption
    case form, fieldset, input, textarea, select, button, label, iframe, object, embed, video, audio
    case font, b, i, em, strong, small, sub, sup, abbr, cite, q, time, mark, s, u, del, ins, strike, tt, big
    case address, details, summary, center, kbd, samp, `var`, dfn, data, wbr, bdo, bdi, ruby, math, meter
    case output, progress, datalist, source, canvas, map

    static let byName: [String: Tag] = {
        var table: [String: Tag] = [:]
        let all: [Tag] = [.html, .body, .div, .p, .span, .a, .article, .section, .header, .footer, .aside, .nav,
                          .main, .h1, .h2, .h3, .h4, .h5, .h6, .ul, .ol, .li, .dl, .dt, .dd, .menu, .table, .tbody,
                          .thead, .tfoot, .tr, .td, .th, .caption, .col, .colgroup, .pre, .code, .blockquote, .br,
                          .hr, .img, .picture, .figure, .figcaption, .form, .fieldset, .input, .textarea, .select,
                          .button, .label, .iframe, .object, .embed, .video, .audio, .font, .b, .i, .em, .strong,
                          .small, .sub, .sup, .abbr, .cite, .q, .time, .mark, .s, .u, .del, .ins, .strike, .tt,
                          .big, .address, .details, .summary, .center, .kbd, .samp, .var, .dfn, .data, .wbr,
                          .bdo, .bdi, .ruby, .math, .meter, .output, .progress, .datalist, .source, .canvas, .map]
        for tag in all { table["\(tag)".replacingOccurrences(of: "`", with: "")] = tag }
        return table
    }()

    var isHeading: Bool { rawValue >= Tag.h1.rawValue && rawValue <= Tag.h6.rawValue }

    /// Readability's PHRASING_ELEMS (a, del, ins are phrasing only when all their children are).
    var isPhrasing: Bool {
        switch self {
        case .text, .abbr, .audio, .b, .bdo, .br, .button, .cite, .code, .data, .datalist, .dfn, .em, .embed, .i,
             .img, .input, .kbd, .label, .mark, .math, .meter, .object, .output, .progress, .q, .ruby, .samp,
             .select, .small, .span, .strong, .sub, .sup, .textarea, .time, .var, .wbr, .font:
            return true
        default: return false
        }
    }

    /// Readability's DIV_TO_P_ELEMS: children that keep a div from becoming a paragraph.
    var isDivToPBlock: Bool {
        switch self {
        case .blockquote, .dl, .div, .img, .ol, .p, .pre, .table, .ul: return true
        default: return false
        }
    }

    /// Elements that end a rendered paragraph (everything not rendered inline).
    var breaksParagraph: Bool {
        switch self {
        case .text, .other, .span, .a, .font, .b, .i, .em, .strong, .small, .sub, .sup, .abbr, .cite, .q, .time,
             .mark, .s, .u, .del, .ins, .strike, .tt, .big, .code, .kbd, .samp, .var, .dfn, .data, .wbr, .bdo, .bdi,
             .ruby, .label, .img, .picture, .input, .button, .select, .textarea, .math, .meter, .output, .progress,
             .datalist, .source, .canvas, .map, .audio, .video, .object, .embed, .iframe:
            return false
        default: return true
        }
    }
}

/// Attributes the scorer reads, captured once while mirroring.
struct ElementAttributes {
    var className = ""
    var id = ""
    var style = ""
    var role = ""
    var rel = ""
    var itemprop = ""
    var href = ""
    var hasHidden = false
    var ariaHidden = ""
    var ariaModal = ""
    /// Class/id/style signals, computed once while mirroring (see `HintBits`).
    var hints: UInt16 = 0
}

/// Bits of `ElementAttributes.hints`: what Readability's class/id regular expressions would say, precomputed.
enum HintBits {
    static let classNegative: UInt16 = 1 << 0
    static let classPositive: UInt16 = 1 << 1
    static let idNegative: UInt16 = 1 << 2
    static let idPositive: UInt16 = 1 << 3
    static let unlikely: UInt16 = 1 << 4
    static let maybe: UInt16 = 1 << 5
    static let byline: UInt16 = 1 << 6
    static let share: UInt16 = 1 << 7
    static let styleHidden: UInt16 = 1 << 8
    static let itempropAuthor: UInt16 = 1 << 9
    static let fallbackImage: UInt16 = 1 << 10

    static func compute(_ attributes: ElementAttributes) -> UInt16 {
        var bits: UInt16 = 0
        let className = lowerASCII(attributes.className)
        let id = lowerASCII(attributes.id)
        if !className.isEmpty {
            if containsAny(className, Hints.negativeBytes) || hasToken(className, "hid") { bits |= classNegative }
            if containsAny(className, Hints.positiveBytes) { bits |= classPositive }
            if contains(className, Array("fallback-image".utf8)) { bits |= fallbackImage }
        }
        if !id.isEmpty {
            if containsAny(id, Hints.negativeBytes) || hasToken(id, "hid") { bits |= idNegative }
            if containsAny(id, Hints.positiveBytes) { bits |= idPositive }
        }
        if !className.isEmpty || !id.isEmpty {
            let match = className + [0x20] + id
            if containsAny(match, Hints.unlikelyBytes) { bits |= unlikely }
            if containsAny(match, Hints.maybeBytes) { bits |= maybe }
            if containsAny(match, Hints.bylineBytes) { bits |= byline }
            if isShare(match) { bits |= share }
        }
        if !attributes.style.isEmpty {
            let style = lowerASCII(attributes.style).filter { $0 != 0x20 }
            if contains(style, Array("display:none".utf8)) || contains(style, Array("visibility:hidden".utf8)) {
                bits |= styleHidden
            }
        }
        if !attributes.itemprop.isEmpty, contains(lowerASCII(attributes.itemprop), Array("author".utf8)) {
            bits |= itempropAuthor
        }
        return bits
    }

    static func lowerASCII(_ text: String) -> [UInt8] {
        text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        firstIndex(haystack, needle, from: 0) != nil
    }

    static func firstIndex(_ haystack: [UInt8], _ needle: [UInt8], from start: Int) -> Int? {
        let n = needle.count, h = haystack.count
        guard n > 0, h >= n, start <= h - n else { return nil }
        let first = needle[0]
        var i = start
        while i <= h - n {
            if haystack[i] == first {
                var j = 1
                while j < n && haystack[i + j] == needle[j] { j += 1 }
                if j == n { return i }
            }
            i += 1
        }
        return nil
    }

    static func containsAny(_ haystack: [UInt8], _ needles: [[UInt8]]) -> Bool {
        for needle in needles where contains(haystack, needle) { return true }
        return false
    }

    /// A whole space-separated token ("hid").
    static func hasToken(_ haystack: [UInt8], _ token: String) -> Bool {
        haystack.split(separator: 0x20).contains { $0.elementsEqual(token.utf8) }
    }

    /// (\b|_)(share|sharedaddy)(\b|_)
    static func isShare(_ text: [UInt8]) -> Bool {
        let needle = Array("share".utf8)
        var from = 0
        func isWordByte(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || byte >= 0x80
        }
        while let found = firstIndex(text, needle, from: from) {
            var end = found + needle.count
            if end + 5 <= text.count && Array(text[end..<end + 5]) == Array("daddy".utf8) { end += 5 }
            let beforeOK = found == 0 || text[found - 1] == 0x5F || !isWordByte(text[found - 1])
            let afterOK = end == text.count || text[end] == 0x5F || !isWordByte(text[end])
            if beforeOK && afterOK { return true }
            from = found + 1
        }
        return false
    }
}

struct MNode {
    var tag: Tag
    var parent: Int32 = -1
    var first: Int32 = -1
    var last: Int32 = -1
    var next: Int32 = -1
    var prev: Int32 = -1
    /// Text nodes: index into `texts`. Elements: index into `attrs` or -1.
    var payload: Int32 = -1
}

/// Per text node: the text and cheap precomputed measures.
struct TextInfo {
    var text: String
    /// Characters (Unicode scalars) with whitespace runs counted once.
    var length: Int32
    var commas: Int32
    var isWhitespace: Bool
}

final class MiniDOM {
    var nodes: [MNode] = []
    var texts: [TextInfo] = []
    var attrs: [ElementAttributes] = []
    var root: Int32 = -1
    var body: Int32 = -1
    var htmlLang: String?
    private var hintCache: [String: UInt16] = [:]

    /// Deeper subtrees are cut: hostile pages nest 100,000 levels; real articles stay far below this.
    static let maxDepth = 400

    convenience init(document: Document) {
        self.init(top: document.root)
    }

    /// Mirrors `top` and its subtree (a rule's body container, or the whole document).
    init(top: Node?) {
        guard let top else { return }
        nodes.reserveCapacity(4096)
        root = addElement(top, tag: Tag.byName[top.name] ?? .div, parent: -1)
        if Tag.byName[top.name] == .body { body = root }
        htmlLang = top.attribute("lang")
        var stack: [(node: Node, index: Int32)] = [(top, root)]
        var cursor: Node? = top.firstChild
        while true {
            if let node = cursor {
                cursor = node.nextSibling
                let parent = stack[stack.count - 1].index
                if node.isText {
                    guard let content = node.content, !content.isEmpty else { continue }
                    addText(content, parent: parent)
                    continue
                }
                guard node.isElement else { continue }
                let name = node.name
                let tag = Tag.byName[name] ?? .other
                if tag == .other, Self.skippedNames.contains(name) { continue }
                let index = addElement(node, tag: tag, parent: parent)
                if tag == .body, body < 0 { body = index }
                if stack.count < Self.maxDepth, let child = node.firstChild {
                    stack.append((node, index))
                    cursor = child
                }
            } else {
                guard stack.count > 1 else { break }
                cursor = stack.removeLast().node.nextSibling
            }
        }
        if body < 0 { body = root }
    }

    /// Never content: scripts, styles, head matter, embedded documents.
    static let skippedNames: Set<String> = ["script", "style", "noscript", "template", "head", "svg", "link",
                                            "meta", "title", "option", "optgroup", "param", "track"]

    private func addElement(_ node: Node, tag: Tag, parent: Int32) -> Int32 {
        var record = MNode(tag: tag)
        var attributes = ElementAttributes()
        var any = false
        if let value = node.attribute("class") { attributes.className = value; any = true }
        if let value = node.attribute("id") { attributes.id = value; any = true }
        if let value = node.attribute("style") { attributes.style = value; any = true }
        if let value = node.attribute("role") { attributes.role = value; any = true }
        if let value = node.attribute("hidden") { _ = value; attributes.hasHidden = true; any = true }
        if let value = node.attribute("aria-hidden") { attributes.ariaHidden = value; any = true }
        if tag == .a, let value = node.attribute("href") { attributes.href = value; any = true }
        if let value = node.attribute("rel") { attributes.rel = value; any = true }
        if let value = node.attribute("itemprop") { attributes.itemprop = value; any = true }
        if tag == .div || tag == .section, let value = node.attribute("aria-modal") { attributes.ariaModal = value; any = true }
        if any {
            if !attributes.className.isEmpty || !attributes.id.isEmpty || !attributes.style.isEmpty || !attributes.itemprop.isEmpty {
                // Templates repeat the same class lists hundreds of times: compute each combination once.
                let key = attributes.className + "\u{1}" + attributes.id + "\u{1}" + attributes.style + "\u{1}" + attributes.itemprop
                if let cached = hintCache[key] {
                    attributes.hints = cached
                } else {
                    attributes.hints = HintBits.compute(attributes)
                    hintCache[key] = attributes.hints
                }
            }
            record.payload = Int32(attrs.count)
            attrs.append(attributes)
        }
        let index = Int32(nodes.count)
        nodes.append(record)
        if parent >= 0 { appendChild(parent, index) }
        return index
    }

    @discardableResult
    func addText(_ content: String, parent: Int32) -> Int32 {
        var record = MNode(tag: .text)
        record.payload = Int32(texts.count)
        texts.append(Self.measure(content))
        let index = Int32(nodes.count)
        nodes.append(record)
        if parent >= 0 { appendChild(parent, index) }
        return index
    }

    static func measure(_ content: String) -> TextInfo {
        var length: Int32 = 0
        var commas: Int32 = 0
        var inSpace = false
        var sawText = false
        var previous: UInt8 = 0
        var previous2: UInt8 = 0
        for byte in content.utf8 {
            if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C {
                if !inSpace { length += 1; inSpace = true }
            } else if byte & 0xC0 != 0x80 {
                length += 1
                inSpace = false
                sawText = true
                if byte == 0x2C { commas += 1 }
            } else {
                // Fullwidth comma U+FF0C (EF BC 8C) and Arabic comma U+060C (D8 8C).
                if byte == 0x8C && ((previous == 0xBC && previous2 == 0xEF) || previous == 0xD8) { commas += 1 }
                // A NBSP (C2 A0) is whitespace for the scorer too.
                if byte == 0xA0 && previous == 0xC2 { length -= 1; if !inSpace { length += 1; inSpace = true } }
            }
            previous2 = previous
            previous = byte
        }
        return TextInfo(text: content, length: length, commas: commas, isWhitespace: !sawText)
    }

    // MARK: - Structure

    func tag(_ index: Int32) -> Tag { nodes[Int(index)].tag }
    func parent(_ index: Int32) -> Int32 { nodes[Int(index)].parent }
    func firstChild(_ index: Int32) -> Int32 { nodes[Int(index)].first }
    func nextSibling(_ index: Int32) -> Int32 { nodes[Int(index)].next }

    func attributes(_ index: Int32) -> ElementAttributes? {
        let node = nodes[Int(index)]
        guard node.tag != .text, node.payload >= 0 else { return nil }
        return attrs[Int(node.payload)]
    }

    func text(_ index: Int32) -> TextInfo? {
        let node = nodes[Int(index)]
        guard node.tag == .text else { return nil }
        return texts[Int(node.payload)]
    }

    /// "class id", as Readability matches its patterns against.
    func matchString(_ index: Int32) -> String {
        guard let attributes = attributes(index) else { return "" }
        if attributes.id.isEmpty { return attributes.className }
        if attributes.className.isEmpty { return " " + attributes.id }
        return attributes.className + " " + attributes.id
    }

    func detach(_ index: Int32) {
        let i = Int(index)
        let node = nodes[i]
        guard node.parent >= 0 else { return }
        if node.prev >= 0 { nodes[Int(node.prev)].next = node.next } else { nodes[Int(node.parent)].first = node.next }
        if node.next >= 0 { nodes[Int(node.next)].prev = node.prev } else { nodes[Int(node.parent)].last = node.prev }
        nodes[i].parent = -1
        nodes[i].next = -1
        nodes[i].prev = -1
    }

    func appendChild(_ parent: Int32, _ child: Int32) {
        detach(child)
        let p = Int(parent), c = Int(child)
        nodes[c].parent = parent
        let last = nodes[p].last
        nodes[c].prev = last
        if last >= 0 { nodes[Int(last)].next = child } else { nodes[p].first = child }
        nodes[p].last = child
    }

    func insertBefore(_ child: Int32, _ reference: Int32) {
        detach(child)
        let r = Int(reference)
        let parent = nodes[r].parent
        guard parent >= 0 else { return }
        let prev = nodes[r].prev
        let c = Int(child)
        nodes[c].parent = parent
        nodes[c].next = reference
        nodes[c].prev = prev
        nodes[r].prev = child
        if prev >= 0 { nodes[Int(prev)].next = child } else { nodes[Int(parent)].first = child }
    }

    /// Puts `replacement` where `old` is; `old` is detached.
    func replace(_ old: Int32, with replacement: Int32) {
        insertBefore(replacement, old)
        detach(old)
    }

    func createElement(_ tag: Tag) -> Int32 {
        nodes.append(MNode(tag: tag))
        return Int32(nodes.count - 1)
    }

    func setTag(_ index: Int32, _ tag: Tag) { nodes[Int(index)].tag = tag }

    func children(_ index: Int32) -> [Int32] {
        var result: [Int32] = []
        var child = nodes[Int(index)].first
        while child >= 0 { result.append(child); child = nodes[Int(child)].next }
        return result
    }

    func elementChildren(_ index: Int32) -> [Int32] {
        var result: [Int32] = []
        var child = nodes[Int(index)].first
        while child >= 0 {
            if nodes[Int(child)].tag != .text { result.append(child) }
            child = nodes[Int(child)].next
        }
        return result
    }

    func isAncestor(_ ancestor: Int32, of node: Int32) -> Bool {
        var current = nodes[Int(node)].parent
        while current >= 0 {
            if current == ancestor { return true }
            current = nodes[Int(current)].parent
        }
        return false
    }

    /// Next node in document order after `index`, never leaving `scope`'s subtree; skips the subtree when asked.
    @inline(__always)
    func following(_ index: Int32, within scope: Int32, skipChildren: Bool = false) -> Int32 {
        if !skipChildren, nodes[Int(index)].first >= 0 { return nodes[Int(index)].first }
        var current = index
        while current >= 0 && current != scope {
            let next = nodes[Int(current)].next
            if next >= 0 { return next }
            current = nodes[Int(current)].parent
        }
        return -1
    }

    /// Visits every node of the subtree (including the root) in document order.
    func forEachInSubtree(_ top: Int32, _ visit: (Int32) -> Void) {
        var current = top
        while current >= 0 {
            visit(current)
            current = following(current, within: top)
        }
    }

    /// Readability's _getInnerText(e).length: whitespace runs counted once, trimmed.
    func innerTextLength(_ top: Int32) -> Int {
        var total = 0
        var leading = true
        var trailingSpace = false
        forEachInSubtree(top) { index in
            let node = nodes[Int(index)]
            guard node.tag == .text else { return }
            let info = texts[Int(node.payload)]
            if info.isWhitespace {
                if !leading { trailingSpace = true }
                return
            }
            total += Int(info.length)
            leading = false
            trailingSpace = false
        }
        _ = trailingSpace
        return total
    }

    func hasNonWhitespaceText(_ top: Int32) -> Bool {
        var current = top
        while current >= 0 {
            let node = nodes[Int(current)]
            if node.tag == .text, !texts[Int(node.payload)].isWhitespace { return true }
            current = following(current, within: top)
        }
        return false
    }

    /// The subtree's text with whitespace collapsed (for short checks and headings).
    func innerText(_ top: Int32) -> String {
        var out = ""
        forEachInSubtree(top) { index in
            let node = nodes[Int(index)]
            if node.tag == .text { out += texts[Int(node.payload)].text }
        }
        return collapseWhitespace(out)
    }
}

/// Collapses whitespace runs (including NBSP) to single spaces and trims.
func collapseWhitespace(_ text: String) -> String {
    if text.utf8.allSatisfy({ $0 < 0x80 }) {
        // ASCII: byte-level collapse, no Unicode property lookups.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var pending = false
        for byte in text.utf8 {
            if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) { pending = !bytes.isEmpty; continue }
            if pending { bytes.append(0x20); pending = false }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
    var out = ""
    out.reserveCapacity(text.utf8.count)
    var pending = false
    for scalar in text.unicodeScalars {
        if scalar.properties.isWhitespace || scalar.value == 0xA0 {
            pending = !out.isEmpty
        } else {
            if pending { out.unicodeScalars.append(" "); pending = false }
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}
