// A small mutable mirror of the libxml2 tree that the scorer can restructure cheaply (wrap text runs in
// paragraphs, retag, move and drop nodes) without touching libxml2's DOM or allocating per-node objects.
// Nodes live in flat arrays and refer to each other by Int32 index; -1 means "none".
import Glibc
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

    /// Each case's name as `"\(tag)"` spells it, by raw value (made once).
    static let names: [String] = (0 ... 255).map { raw in Tag(rawValue: UInt8(raw)).map { "\($0)" } ?? "" }

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

/// The attribute strings kept for diagnostics and sibling matching; everything else is in `MNode.hints`.
struct ElementAttributes {
    var className = ""
    var id = ""
    var itemprop = ""
}

/// Where an element's class and id values sit in `MiniDOM.attributeBytes` (Strings are made only when asked).
struct AttributeSpans {
    var classStart: Int32 = 0
    var classCount: Int32 = 0
    var idStart: Int32 = 0
    var idCount: Int32 = 0
    var itemprop = ""
}

/// Bits of `ElementAttributes.hints`: what Readability's class/id regular expressions would say, precomputed.
enum HintBits {
    static let classNegative: UInt32 = 1 << 0
    static let classPositive: UInt32 = 1 << 1
    static let idNegative: UInt32 = 1 << 2
    static let idPositive: UInt32 = 1 << 3
    static let unlikely: UInt32 = 1 << 4
    static let maybe: UInt32 = 1 << 5
    static let byline: UInt32 = 1 << 6
    static let share: UInt32 = 1 << 7
    static let styleHidden: UInt32 = 1 << 8
    static let itempropAuthor: UInt32 = 1 << 9
    static let fallbackImage: UInt32 = 1 << 10

    static let dateHint: UInt32 = 1 << 11
    /// Readability's _isProbablyVisible is false (hidden attribute, aria-hidden, display:none).
    static let invisible: UInt32 = 1 << 12
    static let modalDialog: UInt32 = 1 << 13
    static let unlikelyRole: UInt32 = 1 << 14
    static let relAuthor: UInt32 = 1 << 15
    static let hashLink: UInt32 = 1 << 16

    /// What one class or id value says, as `HintMatcher` output bits (before they become `HintBits`).
    static let wordNegative: UInt16 = 1, wordPositive: UInt16 = 2, wordUnlikely: UInt16 = 4, wordMaybe: UInt16 = 8,
               wordByline: UInt16 = 16, wordDate: UInt16 = 32, wordFallbackImage: UInt16 = 64,
               wordShare: UInt16 = 128, wordHid: UInt16 = 256

    /// The hint words of one class or id value (ASCII case ignored), as `word*` bits; "share" and "hid" only say
    /// the letters occur, `compute` then checks their word boundaries.
    static func words(_ value: UnsafeBufferPointer<UInt8>) -> UInt16 {
        HintMatcher.shared.scan(value)
    }

    /// `HintBits` from the `words` of an element's class and id values (`classBytes`/`idBytes` are the raw
    /// values, read only in the rare case a "share" or "hid" needs its boundaries checked).
    static func combine(classWords: UInt16, idWords: UInt16, classBytes: UnsafeBufferPointer<UInt8>,
                        idBytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var bits: UInt32 = 0
        if classWords & wordNegative != 0 || (classWords & wordHid != 0 && hasToken(lowerASCII(classBytes), "hid")) {
            bits |= classNegative
        }
        if classWords & wordPositive != 0 { bits |= classPositive }
        if classWords & wordFallbackImage != 0 { bits |= fallbackImage }
        if idWords & wordNegative != 0 || (idWords & wordHid != 0 && hasToken(lowerASCII(idBytes), "hid")) {
            bits |= idNegative
        }
        if idWords & wordPositive != 0 { bits |= idPositive }
        let combined = classWords | idWords
        if combined & wordUnlikely != 0 { bits |= unlikely }
        if combined & wordMaybe != 0 { bits |= maybe }
        if combined & wordByline != 0 { bits |= byline }
        if combined & wordDate != 0 { bits |= dateHint }
        // "class id" joined by a space, as Readability matches: the space is a word boundary, so a match never
        // spans both and each value can be checked on its own.
        if (classWords & wordShare != 0 && isShare(lowerASCII(classBytes)))
            || (idWords & wordShare != 0 && isShare(lowerASCII(idBytes))) {
            bits |= share
        }
        return bits
    }

    static func compute(className rawClass: String, id rawID: String) -> UInt32 {
        var className = rawClass, id = rawID
        return className.withUTF8 { classBytes in
            id.withUTF8 { idBytes in
                // Readability tests an empty class or id as no match at all (the fallback-image word is class-only).
                combine(classWords: classBytes.isEmpty ? 0 : words(classBytes),
                        idWords: idBytes.isEmpty ? 0 : words(idBytes) & ~wordFallbackImage,
                        classBytes: classBytes, idBytes: idBytes)
            }
        }
    }

    static func lowerASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
    }

    /// display:none or visibility:hidden in a style attribute (spaces and case ignored).
    static func styleHides(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard value.count < 600 else { return false }
        var compact: [UInt8] = []
        compact.reserveCapacity(value.count)
        for byte in value where byte != 0x20 { compact.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte) }
        return contains(compact, Array("display:none".utf8)) || contains(compact, Array("visibility:hidden".utf8))
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
        let needle = Array(token.utf8)
        var from = 0
        while let found = firstIndex(haystack, needle, from: from) {
            let end = found + needle.count
            if (found == 0 || haystack[found - 1] == 0x20) && (end == haystack.count || haystack[end] == 0x20) { return true }
            from = found + 1
        }
        return false
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

/// Aho-Corasick automaton over Readability's class/id words (`Hints`) plus the date, "fallback-image", "share"
/// and "hid" words: one table step per byte of a class or id value finds every word in it, where testing each
/// word at each position cost about 7,500 instructions per distinct class name (a quarter of the mirror walk).
struct HintMatcher: Sendable {
    static let shared = HintMatcher()

    /// Byte -> column (ASCII letters case-folded); column 0 is every byte no word contains.
    private let column: [UInt8]
    private let width: Int
    /// state * width + column -> next state (failure links already folded in).
    private let next: [UInt16]
    /// Per state: the `HintBits.word*` bits of every word that ends there.
    private let output: [UInt16]

    init() {
        var words: [([UInt8], UInt16)] = []
        func add(_ list: [String], _ bit: UInt16) { for word in list { words.append((Array(word.utf8), bit)) } }
        add(Hints.negative, HintBits.wordNegative); add(Hints.positive, HintBits.wordPositive)
        add(Hints.unlikely, HintBits.wordUnlikely); add(Hints.maybe, HintBits.wordMaybe)
        add(Hints.byline, HintBits.wordByline); add(["date", "time", "tanggal", "publish", "waktu"], HintBits.wordDate)
        add(["fallback-image"], HintBits.wordFallbackImage); add(["share"], HintBits.wordShare)
        add(["hid"], HintBits.wordHid)
        var column = [UInt8](repeating: 0, count: 256)
        var width = 1
        for (word, _) in words {
            for byte in word where column[Int(byte)] == 0 {
                column[Int(byte)] = UInt8(width)
                if byte >= 0x61 && byte <= 0x7A { column[Int(byte - 0x20)] = UInt8(width) }
                width += 1
            }
        }
        // The trie.
        var children: [[Int]] = [[Int](repeating: -1, count: width)]
        var output: [UInt16] = [0]
        for (word, bit) in words {
            var state = 0
            for byte in word {
                let c = Int(column[Int(byte)])
                if children[state][c] < 0 {
                    children[state][c] = children.count
                    children.append([Int](repeating: -1, count: width))
                    output.append(0)
                }
                state = children[state][c]
            }
            output[state] |= bit
        }
        // Breadth-first: failure links and the complete transition table.
        var next = [UInt16](repeating: 0, count: children.count * width)
        var failure = [Int](repeating: 0, count: children.count)
        var queue: [Int] = []
        for c in 0..<width {
            let child = children[0][c]
            if child > 0 { next[c] = UInt16(child); queue.append(child) }
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]; head += 1
            output[state] |= output[failure[state]]
            for c in 0..<width {
                let child = children[state][c]
                if child > 0 {
                    failure[child] = Int(next[failure[state] * width + c])
                    next[state * width + c] = UInt16(child)
                    queue.append(child)
                } else {
                    next[state * width + c] = next[failure[state] * width + c]
                }
            }
        }
        self.column = column
        self.width = width
        self.next = next
        self.output = output
    }

    func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt16 {
        column.withUnsafeBufferPointer { column in
            next.withUnsafeBufferPointer { next in
                output.withUnsafeBufferPointer { output in
                    var state = 0
                    var found: UInt16 = 0
                    for byte in bytes {
                        state = Int(next[state &* width &+ Int(column[Int(byte)])])
                        found |= output[state]
                    }
                    return found
                }
            }
        }
    }
}

/// Metadata the mirror walk picks up from the body.
struct BodySignals {
    var jsonLD: [String] = []
    var timeElements: [String] = []
    /// itemprop name, value (from content/datetime), or the mirror node whose text is the value (-1 if none).
    var itemprops: [(String, String, Int32)] = []
    /// Mirror nodes whose class or id mentions a date or time.
    var dateElements: [Int32] = []
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
    /// Elements: the attribute signals (`HintBits`), copied here so hot loops never touch the strings.
    var hints: UInt32 = 0
}

/// Per text node: the text and cheap precomputed measures.
struct TextInfo {
    /// The text's UTF-8 bytes live in `MiniDOM.textBytes[start ..< start + byteCount]` (one arena per page, so
    /// mirroring a text node allocates nothing of its own).
    var start: Int32
    var byteCount: Int32
    /// Characters (Unicode scalars) with whitespace runs counted once.
    var length: Int32
    var commas: Int32
    var isWhitespace: Bool
}

/// A fixed-capacity buffer of plain values behind a `let` reference: element access goes through a pointer, so
/// the hot loops pay neither bounds checks (debug builds assert) nor dynamic exclusivity checks of class arrays.
final class PODBuffer<Element> {
    let base: UnsafeMutablePointer<Element>
    let capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    subscript(index: Int) -> Element {
        unsafeAddress {
            assert(index >= 0 && index < count, "PODBuffer index out of range")
            return UnsafePointer(base + index)
        }
        unsafeMutableAddress {
            assert(index >= 0 && index < count, "PODBuffer index out of range")
            return base + index
        }
    }

    var isFull: Bool { count >= capacity }

    /// A buffer whose whole capacity holds `value`.
    convenience init(repeating value: Element, capacity: Int) {
        self.init(capacity: capacity)
        base.initialize(repeating: value, count: self.capacity)
        count = self.capacity
    }

    /// Appends unless full; returns the new element's index or -1.
    @discardableResult
    func append(_ element: Element) -> Int {
        guard count < capacity else { return -1 }
        (base + count).initialize(to: element)
        count += 1
        return count - 1
    }

    /// A copy with room for `capacity` elements (at least `count`).
    func copy(capacity wanted: Int? = nil) -> PODBuffer<Element> {
        let other = PODBuffer(capacity: max(wanted ?? capacity, count))
        other.base.initialize(from: base, count: count)
        other.count = count
        return other
    }
}

final class MiniDOM {
    let nodes: PODBuffer<MNode>
    let texts: PODBuffer<TextInfo>
    var textBytes: [UInt8] = [0x20]
    var attrs: [AttributeSpans] = []
    /// The class and id values of every mirrored element, back to back (see `AttributeSpans`).
    var attributeBytes: [UInt8] = []
    var root: Int32 = -1
    var body: Int32 = -1
    var htmlLang: String?
    /// Metadata seen while mirroring, so no XPath pass over the whole page is needed for it.
    var signals = BodySignals()

    /// Deeper subtrees are cut: hostile pages nest 100,000 levels; real articles stay far below this.
    static let maxDepth = 400
    /// Mirrored nodes per page at most (about 40 bytes each): a hostile 20 MB page of empty elements stays
    /// bounded in memory and time; real articles have a few thousand.
    static let maxNodes = 400_000

    convenience init(document: Document, byteCount: Int, nodeBound: Int? = nil) {
        self.init(top: document.root, byteCount: byteCount, nodeBound: nodeBound)
    }

    /// An upper bound on the nodes libxml2 builds from `html`, without walking the tree: every element and comment
    /// starts with a '<'; text nodes lie between them (at most one more than the '<'s), and the parser adds at most
    /// an implied <p> per text run plus html, head and body.
    static func nodeBound(_ html: [UInt8]) -> Int {
        var opens = 0
        html.withUnsafeBytes { bytes in
            // memchr is vectorised: a byte loop here cost 5 instructions a byte.
            guard var position = bytes.baseAddress else { return }
            let end = position + bytes.count
            while position < end, let found = memchr(position, 0x3C, end - position) {
                opens += 1
                position = UnsafeRawPointer(found) + 1
            }
        }
        return 3 * opens + 8
    }

    private init(copying other: MiniDOM) {
        // Node indices stay below nodeLimit: the rest of the original (bound-sized) capacity is never used.
        nodes = other.nodes.copy(capacity: other.nodeLimit)
        texts = other.texts.copy()
        scanLimit = other.scanLimit
        nodeLimit = other.nodeLimit
        textBytes = other.textBytes
        attrs = other.attrs
        attributeBytes = other.attributeBytes
        root = other.root
        body = other.body
        htmlLang = other.htmlLang
        signals = other.signals
    }

    /// An independent copy (arrays are copied on first write), for the scorer's relaxed retries.
    func copy() -> MiniDOM { MiniDOM(copying: self) }

    /// Mirrored nodes stop here; the rest of the capacity is for the nodes the scorer creates (at most one per
    /// mirrored node: a paragraph per text run or <br> chain).
    let scanLimit: Int

    /// Mirrors `top` and its subtree (a rule's body container, or the whole document). `byteCount` is the page's
    /// size: every mirrored node stems from at least one source byte, which bounds the buffers.
    init(top: Node?, byteCount: Int, nodeBound: Int? = nil) {
        // Sizing: the caller's bound for the whole page (free: counted on the source bytes), else an exact count of
        // the subtree (a pointer walk, but over a tree libxml2 just built and the cache no longer holds: it cost
        // as much as the mirroring walk itself). Capped for hostile pages.
        let present = nodeBound ?? (top?.countDescendants(maxDepth: Self.maxDepth) ?? 0)
        scanLimit = min(present + 1, Self.maxNodes)
        _ = byteCount
        // Unused capacity is never touched, so an overestimate costs address space, not memory.
        nodes = PODBuffer(capacity: 2 * scanLimit + 256)
        texts = PODBuffer(capacity: scanLimit + 1)
        guard let top else {
            nodeLimit = min(nodes.capacity, 256)
            return
        }
        texts.append(TextInfo(start: 0, byteCount: 1, length: 1, commas: 0, isWhitespace: true))  // all blank nodes
        textBytes.reserveCapacity(65_536)
        attributeBytes.reserveCapacity(16_384)
        let topTag = Tag.byName[top.name] ?? .div
        root = addElement(top.scanItem, tag: topTag, parent: -1)
        if topTag == .body { body = root }
        htmlLang = top.attribute("lang")
        // Parent indices of the open elements (-2 marks a skipped element whose subtree is not mirrored).
        var stack: [Int32] = [root]
        stack.reserveCapacity(64)
        top.scanDescendants(maxDepth: Self.maxDepth, enter: { item in
            let parent = stack[stack.count - 1]
            if nodes.count >= scanLimit {
                if item.isElement { stack.append(-2) }
                return .skip
            }
            if item.isText {
                _ = item.withContentBytes { bytes in
                    if bytes.count > 0 { addText(bytes, parent: parent) }
                }
                return .skip
            }
            let code = item.withNameBytes(Self.tagCode)
            if code == Self.skipCode {
                let node = item.node(in: top.document)
                if node.hasName("script"), node.attribute("type")?.lowercased() == "application/ld+json" {
                    signals.jsonLD.append(node.textContent)
                }
                stack.append(-2)
                return .skip
            }
            let tag = Tag(rawValue: code) ?? .other
            let index = addElement(item, tag: tag, parent: parent)
            if tag == .body, body < 0 { body = index }
            stack.append(index)
            return .descend
        }, leave: {
            stack.removeLast()
        })
        if body < 0 { body = root }
        nodeLimit = min(nodes.capacity, 2 * nodes.count + 256)
    }

    /// Node indices stay below this: the mirrored nodes and room for as many created ones (a paragraph per text
    /// run or <br> chain at most), so per-node buffers (the scorer's) are sized to the page, not to the bound.
    private(set) var nodeLimit = 0

    /// Never content: scripts, styles, head matter, embedded documents.
    static let skippedNames: Set<String> = ["script", "style", "noscript", "template", "head", "svg", "link",
                                            "meta", "title", "option", "optgroup", "param", "track"]
    static let skipCode: UInt8 = 255

    /// Element names packed into 8 bytes plus the length: a cheap, allocation-free dictionary key.
    static func packedName(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var key: UInt64 = UInt64(min(bytes.count, 255)) << 56
        var shift: UInt64 = 0
        for index in 0..<min(bytes.count, 7) {
            key |= UInt64(bytes[index]) << shift
            shift += 8
        }
        return key
    }

    private static let tagCodes: [UInt64: UInt8] = {
        var table: [UInt64: UInt8] = [:]
        func add(_ name: String, _ code: UInt8) {
            var bytes = Array(name.utf8)
            bytes.withUnsafeMutableBufferPointer { table[packedName(UnsafeBufferPointer($0))] = code }
        }
        for (name, tag) in Tag.byName { add(name, tag.rawValue) }
        for name in skippedNames { add(name, skipCode) }
        return table
    }()

    /// `tagCodes` as an open-addressing table probed by a multiplicative hash of the packed name: the
    /// Dictionary's SipHash cost about 150 instructions per element of the page.
    private static let tagTable: (keys: [UInt64], codes: [UInt8]) = {
        var keys = [UInt64](repeating: 0, count: tagTableSize), codes = [UInt8](repeating: 0, count: tagTableSize)
        for (key, code) in tagCodes {
            var slot = tagSlot(key)
            while keys[slot] != 0 { slot = (slot + 1) & (tagTableSize - 1) }
            keys[slot] = key
            codes[slot] = code
        }
        return (keys, codes)
    }()
    private static let tagTableSize = 1024

    @inline(__always)
    private static func tagSlot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 54) }

    static func tagCode(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt8 {
        let key = packedName(bytes)
        // A packed key is never 0 for a non-empty name (its length byte); 0 marks an empty slot.
        guard !bytes.isEmpty else { return Tag.other.rawValue }
        let table = tagTable
        var slot = tagSlot(key)
        var found: UInt8?
        while table.keys[slot] != 0 {
            if table.keys[slot] == key { found = table.codes[slot]; break }
            slot = (slot + 1) & (tagTableSize - 1)
        }
        guard let code = found else { return Tag.other.rawValue }
        // Names longer than the packed prefix are checked in full.
        if bytes.count > 7 {
            let name = String(decoding: bytes, as: UTF8.self)
            if code == skipCode { return skippedNames.contains(name) ? skipCode : Tag.other.rawValue }
            return Tag.byName[name]?.rawValue ?? Tag.other.rawValue
        }
        return code
    }

    /// `other` is negative as a code: those attributes' values are never read.
    private enum AttributeName: UInt8 {
        case className, id, style, role, hidden, ariaHidden, href, rel, itemprop, ariaModal, datetime, content
        case other = 255

        var code: Int { self == .other ? -1 : Int(rawValue) }
    }

    private static func attributeName(_ bytes: UnsafeBufferPointer<UInt8>) -> AttributeName {
        func equals(_ literal: StaticString) -> Bool {
            guard literal.utf8CodeUnitCount == bytes.count else { return false }
            let pointer = literal.utf8Start
            for index in 0..<bytes.count where pointer[index] != bytes[index] { return false }
            return true
        }
        switch bytes.count {
        case 2: return equals("id") ? .id : .other
        case 3: return equals("rel") ? .rel : .other
        case 4: return equals("role") ? .role : equals("href") ? .href : .other
        case 5: return equals("class") ? .className : equals("style") ? .style : .other
        case 6: return equals("hidden") ? .hidden : .other
        case 7: return equals("content") ? .content : .other
        case 8: return equals("itemprop") ? .itemprop : equals("datetime") ? .datetime : .other
        case 10: return equals("aria-modal") ? .ariaModal : .other
        case 11: return equals("aria-hidden") ? .ariaHidden : .other
        default: return .other
        }
    }

    private func addElement(_ node: ScanItem, tag: Tag, parent: Int32) -> Int32 {
        var record = MNode(tag: tag)
        var spans = AttributeSpans()
        var itemprop = ""
        var datetime: String?
        var content: String?
        var bits: UInt32 = 0
        var classWords: UInt16 = 0, idWords: UInt16 = 0
        var ariaHiddenTrue = false, modalTrue = false, roleDialog = false
        var hasClassOrID = false
        func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
            guard literal.utf8CodeUnitCount == bytes.count else { return false }
            for index in 0..<bytes.count where literal.utf8Start[index] | 0x20 != bytes[index] | 0x20 { return false }
            return true
        }
        node.forEachAttributeBytes(code: { Self.attributeName($0).code }) { code, value in
            switch AttributeName(rawValue: UInt8(code)) ?? .other {
            case .className:
                // Only the words are needed now; the bytes go to the arena for diagnostics and sibling matching.
                classWords = HintBits.words(value)
                spans.classStart = Int32(attributeBytes.count); spans.classCount = Int32(value.count)
                attributeBytes.append(contentsOf: value)
                hasClassOrID = true
            case .id:
                idWords = HintBits.words(value)
                spans.idStart = Int32(attributeBytes.count); spans.idCount = Int32(value.count)
                attributeBytes.append(contentsOf: value)
                hasClassOrID = true
            case .style:
                if HintBits.styleHides(value) { bits |= HintBits.styleHidden }
            case .role:
                if equals(value, "dialog") { roleDialog = true }
                if Hints.unlikelyRoles.contains(String(decoding: value, as: UTF8.self)) { bits |= HintBits.unlikelyRole }
            case .hidden: bits |= HintBits.invisible
            case .ariaHidden: ariaHiddenTrue = equals(value, "true")
            case .ariaModal: modalTrue = equals(value, "true")
            case .href: if tag == .a, value.count > 1, value[0] == 0x23 { bits |= HintBits.hashLink }
            case .rel: if equals(value, "author") { bits |= HintBits.relAuthor }
            case .itemprop:
                itemprop = String(decoding: value, as: UTF8.self)
                if HintBits.contains(HintBits.lowerASCII(value), Array("author".utf8)) { bits |= HintBits.itempropAuthor }
            case .datetime: datetime = String(decoding: value, as: UTF8.self)
            case .content: content = String(decoding: value, as: UTF8.self)
            case .other: break
            }
        }
        if hasClassOrID && (classWords | idWords) != 0 {
            bits |= attributeBytes.withUnsafeBufferPointer { arena in
                HintBits.combine(classWords: classWords, idWords: idWords,
                                 classBytes: UnsafeBufferPointer(rebasing: arena[Int(spans.classStart) ..< Int(spans.classStart + spans.classCount)]),
                                 idBytes: UnsafeBufferPointer(rebasing: arena[Int(spans.idStart) ..< Int(spans.idStart + spans.idCount)]))
            }
        }
        if bits & HintBits.styleHidden != 0 || (ariaHiddenTrue && bits & HintBits.fallbackImage == 0) {
            bits |= HintBits.invisible
        }
        if modalTrue && roleDialog { bits |= HintBits.modalDialog }
        let any = hasClassOrID || !itemprop.isEmpty
        record.hints = bits
        if tag == .time, let value = datetime, signals.timeElements.count < 4 {
            signals.timeElements.append(value)
        }
        if !itemprop.isEmpty, signals.itemprops.count < 12 {
            let key = itemprop
            if key == "datePublished" || key == "dateModified" || key == "author" || key == "headline" {
                if let value = content ?? datetime {
                    signals.itemprops.append((key, value, -1))
                } else {
                    signals.itemprops.append((key, "", Int32(nodes.count)))
                }
            }
        }
        if bits & HintBits.dateHint != 0, signals.dateElements.count < 6 {
            signals.dateElements.append(Int32(nodes.count))
        }
        if any {
            spans.itemprop = itemprop
            record.payload = Int32(attrs.count)
            attrs.append(spans)
        }
        return appendNew(record, parent: parent)
    }

    /// Appends a fresh node as the last child of `parent` (no detaching needed: it has no links yet).
    @inline(__always)
    func appendNew(_ node: MNode, parent: Int32) -> Int32 {
        var record = node
        let index = Int32(nodes.count)
        guard !nodes.isFull else { return -1 }
        if parent >= 0 {
            record.parent = parent
            let last = nodes[Int(parent)].last
            record.prev = last
            if last >= 0 { nodes[Int(last)].next = index } else { nodes[Int(parent)].first = index }
            nodes[Int(parent)].last = index
        }
        nodes.append(record)
        return index
    }

    @discardableResult
    func addText(_ bytes: UnsafeBufferPointer<UInt8>, parent: Int32) -> Int32 {
        var record = MNode(tag: .text)
        let measured = Self.measure(bytes)
        if measured.isWhitespace {
            record.payload = 0
        } else {
            record.payload = Int32(texts.count)
            let start = Int32(textBytes.count)
            textBytes.append(contentsOf: bytes)
            texts.append(TextInfo(start: start, byteCount: Int32(bytes.count), length: measured.length,
                                  commas: measured.commas, isWhitespace: false))
        }
        return appendNew(record, parent: parent)
    }

    static func measure(_ content: UnsafeBufferPointer<UInt8>) -> (length: Int32, commas: Int32, isWhitespace: Bool) {
        var length: Int32 = 0
        var commas: Int32 = 0
        var inSpace = false
        var sawText = false
        let count = content.count
        guard let bytes = content.baseAddress else { return (0, 0, true) }
        // The byte before and the one before that are read back only at the rare continuation bytes that matter
        // (0x8C, 0xA0), instead of being carried through every step (the hottest loop of the mirror walk).
        let high: UInt64 = 0x8080_8080_8080_8080, low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        // Marked bytes of a mask: a multiply sums the eight 0/1 bytes into the top one (the baseline x86-64
        // target has no popcnt instruction: nonzeroBitCount is a dozen instructions there).
        @inline(__always) func marked(_ mask: UInt64) -> Int { Int(((mask >> 7) &* 0x0101_0101_0101_0101) >> 56) }
        var index = 0
        while index < count {
            // Eight ASCII bytes whose only whitespace is plain spaces (most of a page's text) in one step: bit 7 of
            // each byte of a mask marks the bytes that are spaces, commas, or bytes below 0x21.
            if index + 8 <= count {
                let word = UnsafeRawPointer(bytes + index).loadUnaligned(as: UInt64.self)
                if word & high == 0 {
                    // (byte | 0x80) - 0x21 keeps bit 7 exactly when byte >= 0x21; (x + 0x7F) sets it when x != 0
                    // (x < 0x80: no carry or borrow crosses a byte).
                    let controlOrSpace = ~((word | high) &- 0x2121_2121_2121_2121) & high
                    let space = ~((word ^ 0x2020_2020_2020_2020) &+ low) & high
                    if controlOrSpace == space {
                        let spaces = marked(space)
                        // A space counts when the byte before it (the previous step's state for the first) is not one.
                        let runStarts = space & ~((space << 8) | (inSpace ? 0x80 : 0))
                        length += Int32(8 - spaces + marked(runStarts))
                        if spaces < 8 { sawText = true }
                        inSpace = space & 0x8000_0000_0000_0000 != 0
                        let comma = ~((word ^ 0x2C2C_2C2C_2C2C_2C2C) &+ low) & high
                        commas += Int32(marked(comma))
                        index += 8
                        continue
                    }
                }
            }
            let byte = bytes[index]
            if byte < 0x80 {
                // Space, LF, tab, CR, FF: bits of a mask over 0 ... 0x20.
                if byte <= 0x20 && (UInt64(0x1_0000_3600) >> UInt64(byte)) & 1 != 0 {
                    if !inSpace { length += 1; inSpace = true }
                } else {
                    length += 1
                    inSpace = false
                    sawText = true
                    if byte == 0x2C { commas += 1 }
                }
            } else if byte >= 0xC0 {
                length += 1
                inSpace = false
                sawText = true
            } else if byte == 0x8C {
                // Fullwidth comma U+FF0C (EF BC 8C) and Arabic comma U+060C (D8 8C).
                if index >= 1 && (bytes[index - 1] == 0xD8 || (index >= 2 && bytes[index - 1] == 0xBC && bytes[index - 2] == 0xEF)) {
                    commas += 1
                }
            } else if byte == 0xA0 && index >= 1 && bytes[index - 1] == 0xC2 {
                // A NBSP (C2 A0) is whitespace for the scorer too.
                length -= 1
                if !inSpace { length += 1; inSpace = true }
            }
            index += 1
        }
        return (length, commas, !sawText)
    }

    // MARK: - Structure

    func tag(_ index: Int32) -> Tag { nodes[Int(index)].tag }
    func parent(_ index: Int32) -> Int32 { nodes[Int(index)].parent }
    func firstChild(_ index: Int32) -> Int32 { nodes[Int(index)].first }
    func nextSibling(_ index: Int32) -> Int32 { nodes[Int(index)].next }

    func attributes(_ index: Int32) -> ElementAttributes? {
        let node = nodes[Int(index)]
        guard node.tag != .text, node.payload >= 0 else { return nil }
        let spans = attrs[Int(node.payload)]
        return ElementAttributes(className: attributeString(spans.classStart, spans.classCount),
                                 id: attributeString(spans.idStart, spans.idCount), itemprop: spans.itemprop)
    }

    /// The element's class attribute bytes equal `other`'s (no Strings made).
    func sameClass(_ index: Int32, as other: Int32) -> Bool {
        let a = nodes[Int(index)], b = nodes[Int(other)]
        guard a.tag != .text, b.tag != .text, a.payload >= 0, b.payload >= 0 else {
            return false
        }
        let x = attrs[Int(a.payload)], y = attrs[Int(b.payload)]
        guard x.classCount == y.classCount else { return false }
        return attributeBytes[Int(x.classStart) ..< Int(x.classStart + x.classCount)]
            .elementsEqual(attributeBytes[Int(y.classStart) ..< Int(y.classStart + y.classCount)])
    }

    private func attributeString(_ start: Int32, _ count: Int32) -> String {
        count == 0 ? "" : String(decoding: attributeBytes[Int(start) ..< Int(start + count)], as: UTF8.self)
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
        guard nodes.count < nodeLimit else { return -1 }
        return Int32(nodes.append(MNode(tag: tag)))
    }

    func setTag(_ index: Int32, _ tag: Tag) { nodes[Int(index)].tag = tag }
    @inline(__always) func hints(_ index: Int32) -> UInt32 { nodes[Int(index)].hints }

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

    /// The start of `innerText(top)`: at least its first `bytes` bytes exactly (more when the text is longer),
    /// reading only as much of the subtree as that needs.
    func innerTextHead(_ top: Int32, bytes wanted: Int) -> String {
        // A prefix of the raw text normalises to a prefix of the whole text's normal form, except near its end
        // (a cut run of spaces, a base letter whose combining marks were cut off): keep a 32-byte margin.
        let enough = wanted + 32
        var out: [UInt8] = []
        var limit = 2 * enough
        var current = top
        while current >= 0 {
            let node = nodes[Int(current)]
            if node.tag == .text {
                let info = texts[Int(node.payload)]
                out.append(contentsOf: textBytes[Int(info.start) ..< Int(info.start + info.byteCount)])
                if out.count >= limit {
                    // Only the first `limit` bytes (to the end of the character cut) are normalised: a text node can
                    // hold a whole paragraph, and normalising all of it cost 5,000 instructions per call. The cut
                    // is a prefix of the raw text like the node boundary was, with as large a margin.
                    var cut = limit
                    while cut < out.count && out[cut] & 0xC0 == 0x80 { cut += 1 }
                    let line = out.withUnsafeBufferPointer { spoolLine(bytes: UnsafeBufferPointer(rebasing: $0[..<cut])) }
                    if line.utf8.count >= enough { return line }
                    limit = 2 * out.count
                }
            }
            current = following(current, within: top)
        }
        return out.withUnsafeBufferPointer { spoolLine(bytes: $0) }
    }

    /// `innerText(top)` when it can be at most `maxBytes` long, nil as soon as the subtree holds more than
    /// `maxBytes` printable ASCII characters (each stays at least one byte of the normal form).
    func innerTextIfShort(_ top: Int32, maxBytes: Int) -> String? {
        var out: [UInt8] = []
        var printable = 0
        var current = top
        while current >= 0 {
            let node = nodes[Int(current)]
            if node.tag == .text {
                let info = texts[Int(node.payload)]
                let slice = textBytes[Int(info.start) ..< Int(info.start + info.byteCount)]
                for byte in slice where byte > 0x20 && byte < 0x7F { printable += 1 }
                if printable > maxBytes { return nil }
                out.append(contentsOf: slice)
            }
            current = following(current, within: top)
        }
        return out.withUnsafeBufferPointer { spoolLine(bytes: $0) }
    }

    /// The subtree's text with whitespace collapsed (for short checks and headings).
    func innerText(_ top: Int32) -> String {
        var out: [UInt8] = []
        forEachInSubtree(top) { index in
            let node = nodes[Int(index)]
            if node.tag == .text {
                let info = texts[Int(node.payload)]
                out.append(contentsOf: textBytes[Int(info.start) ..< Int(info.start + info.byteCount)])
            }
        }
        return out.withUnsafeBufferPointer { spoolLine(bytes: $0) }
    }
}

/// Collapses whitespace runs (including NBSP) to single spaces and trims (the spool line normalisation).
func collapseWhitespace(_ text: String) -> String {
    spoolLine(text)
}
