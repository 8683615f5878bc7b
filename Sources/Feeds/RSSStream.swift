// The streamed RSS path: RSS 0.9x/2.0 and RDF read from libxml2's SAX events, without building a tree.
// Most feeds take it; it matters on big ones (libxml2's own work on the 5,000-item bench feed: ~318 M
// instructions to build and free a tree, ~152 M to stream it; see XMLStream for why). Anything it cannot answer exactly the way the tree path would, it does not guess at: `parse` returns
// nil and the caller parses the tree (RSSParser), so both paths give the same feed by construction:
//   - not RSS (Atom, sitemaps, ...), a DOCTYPE (entity declarations), not well-formed (the repair passes);
//   - a field that holds markup as child elements (needs the markup: innerMarkup), an Atom text construct or
//     person inside an RSS item, media:group, and so on: every such reader asks `StreamedElement`, which
//     answers nil and marks the parse as needing the tree.
// Item and channel fields are read by the same generic code as the tree path (RSSParser.parseItem/readChannel
// over `FeedElement`); only how elements are seen differs.
import CrawlerModel
import LibXML2

enum RSSStream {
    /// The feed, or nil when the tree path must read this document (see the file comment).
    /// - Parameter bytes: valid UTF-8 (FeedEncoding.prepareXML's output with encoding "UTF-8").
    /// - Parameter maxItems: the caller keeps only this many items (the channel's first, then those beside it):
    ///   items past it in either list are not read at all, so a 100,000-item feed costs little beyond the scan.
    static func parse(_ bytes: [UInt8], feedURL: String, dates: FeedDates, maxItems: Int? = nil) -> ParsedFeed? {
        let reader = RSSStreamReader(feedURL: feedURL, dates: dates, maxItems: maxItems)
        guard XMLStream.parse(bytes, url: feedURL, handler: reader) == .completed, !reader.needsTree else { return nil }
        return reader.feed
    }
}

extension RSSStream {
    /// A cheap look at the first element before streaming: only `<rss` and `<rdf:RDF` (any prefix, any case)
    /// past the XML declaration, comments and processing instructions. False for a DOCTYPE (the stream would
    /// stop there) and anything else, so Atom feeds and sitemaps do not pay for a started stream.
    static func rootLooksLikeRSS(_ bytes: [UInt8]) -> Bool {
        var index = 0
        let limit = min(bytes.count, 4096)
        while index < limit {
            guard let open = bytes[index..<limit].firstIndex(of: UInt8(ascii: "<")), open + 1 < limit else { return false }
            let next = bytes[open + 1]
            if next == UInt8(ascii: "?") {
                guard let end = FeedParser.find(Array("?>".utf8), in: bytes, from: open + 2), end < limit else { return false }
                index = end + 2
            } else if next == UInt8(ascii: "!") {
                guard bytes[open...].starts(with: "<!--".utf8),
                      let end = FeedParser.find(Array("-->".utf8), in: bytes, from: open + 4), end < limit else { return false }
                index = end + 3
            } else {
                var end = open + 1
                while end < limit, bytes[end] != UInt8(ascii: ">"), bytes[end] != UInt8(ascii: "/"), bytes[end] > 0x20 { end += 1 }
                var name = bytes[(open + 1)..<end].map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
                if let colon = name.firstIndex(of: UInt8(ascii: ":")) { name.removeSubrange(...colon) }
                return name.elementsEqual("rss".utf8) || name.elementsEqual("rdf".utf8)
            }
        }
        return false
    }
}

/// Follows the RSS structure the tree path reads: the root (rss, RDF), its first <channel> with the channel's
/// direct children, and <item> elements inside that channel or directly under the root, each with its direct
/// children. Everything deeper is only noted (`hasElementChild`).
///
/// The mutable state sits behind pointers the reader owns, not in class properties: libxml2 calls `characters`
/// for every run of text and for every `&lt;` in escaped HTML, and class property accesses cost a dynamic
/// exclusivity check each (it was a third of the streamed path's own instructions).
final class RSSStreamReader: XMLStreamHandler {
    struct State {
        let feedURL: String
        let dates: FeedDates
        let maxItems: Int
        var feed = ParsedFeed(kind: .rss)
        /// Items of the channel, then items beside it (RDF): the tree path's order.
        var channelItems: [FeedItem] = []
        var rootItems: [FeedItem] = []
        /// Depth of the element being read: 1 = the root.
        var depth = 0
        var rootBase = ""
        var sawChannel = false
        /// Depth of the channel element while inside it, else 0.
        var channelDepth = 0
        var channelBase = ""
        /// Depth of the current item element while inside one, else 0.
        var itemDepth = 0
        var itemContainerBase = ""
        var itemInChannel = false
        /// Namespace URI strings by libxml2's interned pointer: one String per namespace per parse. A feed uses a
        /// handful of namespaces, so a linear scan beats hashing the pointer for every element; capped, so that a
        /// hostile feed declaring a new namespace on every element cannot make the scan quadratic.
        var namespaces: [(identity: UnsafeRawPointer, uri: String)] = []
    }

    private let state: UnsafeMutablePointer<State>
    private let channel: UnsafeMutablePointer<ElementStore>
    private let item: UnsafeMutablePointer<ElementStore>

    init(feedURL: String, dates: FeedDates, maxItems: Int? = nil) {
        state = .allocate(capacity: 1)
        state.initialize(to: State(feedURL: feedURL, dates: dates, maxItems: max(0, maxItems ?? Int.max), rootBase: feedURL))
        channel = .allocate(capacity: 1)
        channel.initialize(to: ElementStore())
        item = .allocate(capacity: 1)
        item.initialize(to: ElementStore())
    }

    deinit {
        for store in [channel, item] {
            store.pointee.release()
            store.deinitialize(count: 1)
            store.deallocate()
        }
        state.deinitialize(count: 1)
        state.deallocate()
    }

    var needsTree: Bool { channel.pointee.needsTree || item.pointee.needsTree }
    var feed: ParsedFeed {
        var feed = state.pointee.feed
        feed.items = state.pointee.channelItems + state.pointee.rootItems
        return feed
    }

    func startElement(_ element: XMLStreamElement) -> Bool {
        state.pointee.depth += 1
        let depth = state.pointee.depth
        let itemDepth = state.pointee.itemDepth
        if itemDepth > 0 {
            if depth == itemDepth + 1 { item.pointee.append(element, namespace: namespace(of: element)) }
            else if depth == itemDepth + 2 { item.pointee.markLastHasElementChild() }
            return true
        }
        let channelDepth = state.pointee.channelDepth
        if channelDepth > 0 {
            if depth == channelDepth + 1 {
                if Self.isItem(element) { beginItem(element, containerBase: state.pointee.channelBase, inChannel: true) }
                else { channel.pointee.append(element, namespace: namespace(of: element)) }
            } else if depth == channelDepth + 2 {
                channel.pointee.markLastHasElementChild()
            }
            return true
        }
        switch depth {
        case 1:
            let name = element.localName
            guard name.elementsEqual("rss".utf8) || name.elementsEqual("RDF".utf8) || name.elementsEqual("rdf".utf8) else {
                return false  // another format: the tree path dispatches it
            }
            // The root's own xml:base, read through the (still empty) item store like every other element's.
            item.pointee.append(element, namespace: namespace(of: element))
            state.pointee.rootBase = StreamedElement(store: item, index: 0).base(inheriting: state.pointee.feedURL)
            item.pointee.reset()
        case 2:
            if !state.pointee.sawChannel, element.localName.elementsEqual("channel".utf8) {
                state.pointee.sawChannel = true
                state.pointee.channelDepth = depth
                channel.pointee.reset()
                channel.pointee.append(element, namespace: namespace(of: element))
                state.pointee.channelBase = StreamedElement(store: channel, index: 0).base(inheriting: state.pointee.rootBase)
            } else if Self.isItem(element) {
                beginItem(element, containerBase: state.pointee.rootBase, inChannel: false)
            }
        default:
            break
        }
        return true
    }

    func endElement() -> Bool {
        let depth = state.pointee.depth
        state.pointee.depth -= 1
        if state.pointee.itemDepth > 0 {
            guard depth == state.pointee.itemDepth else { return true }
            state.pointee.itemDepth = 0
            // Past the limit in its list, an item can never be kept (see `RSSStream.parse`).
            let kept = state.pointee.itemInChannel ? state.pointee.channelItems.count : state.pointee.rootItems.count
            guard kept < state.pointee.maxItems else { return true }
            let element = StreamedElement(store: item, index: 0)
            let parsed = RSSParser.parseItem(element, base: element.base(inheriting: state.pointee.itemContainerBase),
                                             dates: state.pointee.dates)
            if item.pointee.needsTree { return false }
            if state.pointee.itemInChannel { state.pointee.channelItems.append(parsed) }
            else { state.pointee.rootItems.append(parsed) }
            return true
        }
        if state.pointee.channelDepth > 0, depth == state.pointee.channelDepth {
            state.pointee.channelDepth = 0
            RSSParser.readChannel(StreamedElement(store: channel, index: 0), base: state.pointee.channelBase,
                                  into: &state.pointee.feed)
            if channel.pointee.needsTree { return false }
        }
        return true
    }

    func characters(_ text: UnsafeBufferPointer<UInt8>) {
        let depth = state.pointee.depth
        let itemDepth = state.pointee.itemDepth
        if itemDepth > 0 {
            if depth == itemDepth + 1 { item.pointee.appendText(text) }
        } else if state.pointee.channelDepth > 0, depth == state.pointee.channelDepth + 1 {
            channel.pointee.appendText(text)
        }
    }

    private func beginItem(_ element: XMLStreamElement, containerBase: String, inChannel: Bool) {
        state.pointee.itemDepth = state.pointee.depth
        state.pointee.itemContainerBase = containerBase
        state.pointee.itemInChannel = inChannel
        item.pointee.reset()
        item.pointee.append(element, namespace: namespace(of: element))
    }

    private static func isItem(_ element: XMLStreamElement) -> Bool { element.localName.elementsEqual("item".utf8) }

    private func namespace(of element: XMLStreamElement) -> String? {
        guard let identity = element.namespaceIdentity, let uri = element.namespaceURI else { return nil }
        for known in state.pointee.namespaces where known.identity == identity { return known.uri }
        let string = String(decoding: uri, as: UTF8.self)
        if state.pointee.namespaces.count < 32 { state.pointee.namespaces.append((identity, string)) }
        return string
    }
}

/// One container element (an item, the channel) and its direct children, flat: record 0 is the container,
/// records 1... its child elements in order. Attribute values and direct text live in one byte buffer reused
/// from item to item; names are libxml2's interned strings (valid for the whole parse). Owned through a pointer
/// by `RSSStreamReader`, which calls `release()` before freeing it.
struct ElementStore {
    struct Attribute {
        var name: UnsafeBufferPointer<UInt8>
        var namespace: UnsafeBufferPointer<UInt8>?
        var value: Range<Int>
    }

    struct Record {
        var name: UnsafeBufferPointer<UInt8>
        var namespace: String?
        var attributes: Range<Int>
        /// The element's own text (text and CDATA children, references decoded), in `bytes`.
        var text: Range<Int>
        var hasElementChild = false
    }

    var records: [Record] = []
    var attributes: [Attribute] = []
    /// Text and attribute values; grown by doubling, copied into with memcpy (Array.append(contentsOf:) cost
    /// ~70 instructions per call here, and libxml2 hands over text in many small pieces).
    private var bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: 4096)
    private var capacity = 4096
    private var count = 0
    /// Set when a reader asked for something only the tree can answer.
    var needsTree = false

    func release() { bytes.deallocate() }

    mutating func reset() {
        records.removeAll(keepingCapacity: true)
        attributes.removeAll(keepingCapacity: true)
        count = 0
    }

    private mutating func appendBytes(_ piece: UnsafeBufferPointer<UInt8>) {
        guard let source = piece.baseAddress, !piece.isEmpty else { return }
        if count + piece.count > capacity {
            var newCapacity = capacity * 2
            while newCapacity < count + piece.count { newCapacity *= 2 }
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            grown.update(from: bytes, count: count)
            bytes.deallocate()
            bytes = grown
            capacity = newCapacity
        }
        (bytes + count).update(from: source, count: piece.count)
        count += piece.count
    }

    mutating func append(_ element: XMLStreamElement, namespace: String?) {
        let firstAttribute = attributes.count
        element.forEachAttribute { name, attributeNamespace, value in
            let start = count
            appendBytes(value)
            attributes.append(Attribute(name: name, namespace: attributeNamespace, value: start..<count))
        }
        records.append(Record(name: element.localName, namespace: namespace, attributes: firstAttribute..<attributes.count,
                              text: count..<count))
    }

    /// Text for the record appended last (text arrives only while its element is the innermost stored one, so
    /// each record's text is one contiguous range).
    mutating func appendText(_ text: UnsafeBufferPointer<UInt8>) {
        guard !records.isEmpty else { return }
        appendBytes(text)
        records[records.count - 1].text = records[records.count - 1].text.lowerBound..<count
    }

    mutating func markLastHasElementChild() {
        guard !records.isEmpty else { return }
        records[records.count - 1].hasElementChild = true
    }

    func bytes(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: bytes + range.lowerBound, count: range.count)
    }
}

/// An element of an `ElementStore`, read the way `Node` reads in the tree (see XMLSupport's Node extension).
/// Valid while its reader is parsing.
struct StreamedElement: FeedElement {
    let store: UnsafeMutablePointer<ElementStore>
    let index: Int

    // Fields are read one by one (copying the whole Record would retain and release its namespace String on
    // every access).
    private var name: UnsafeBufferPointer<UInt8> { store.pointee.records[index].name }
    private var attributeRange: Range<Int> { store.pointee.records[index].attributes }
    private var text: UnsafeBufferPointer<UInt8> { store.pointee.bytes(store.pointee.records[index].text) }
    private var hasElementChild: Bool { store.pointee.records[index].hasElementChild }

    var namespaceURI: String? { store.pointee.records[index].namespace }

    func withNameBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R { body(name) }

    func hasName(_ candidate: String) -> Bool { name.elementsEqual(candidate.utf8) }

    func attribute(_ localName: String) -> String? {
        for attribute in store.pointee.attributes[attributeRange] where attribute.name.elementsEqual(localName.utf8) {
            return String(decoding: store.pointee.bytes(attribute.value), as: UTF8.self)
        }
        return nil
    }

    func attribute(_ localName: String, namespace: String) -> String? {
        for attribute in store.pointee.attributes[attributeRange] where attribute.name.elementsEqual(localName.utf8) {
            guard let uri = attribute.namespace, uri.elementsEqual(namespace.utf8) else { continue }
            return String(decoding: store.pointee.bytes(attribute.value), as: UTF8.self)
        }
        return nil
    }

    var xmlBase: String? {
        guard !attributeRange.isEmpty else { return nil }
        return attribute("base", namespace: Namespace.xml)
    }

    /// As `Node.htmlFieldText`; markup held as child elements needs the tree.
    var htmlFieldText: String? {
        if hasElementChild {
            store.pointee.needsTree = true
            return nil
        }
        return nonEmpty(PlainText.fromHTML(utf8: text))
    }

    /// As `Node.trimmedText` (`literalText` trimmed of ASCII whitespace and NBSP), trimmed on the bytes.
    var trimmedText: String? {
        let text = text
        var start = 0, end = text.count
        while start < end {
            let byte = text[start]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { start += 1 }
            else if byte == 0xC2, start + 1 < end, text[start + 1] == 0xA0 { start += 2 }
            else { break }
        }
        while end > start {
            let byte = text[end - 1]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { end -= 1 }
            else if byte == 0xA0, end - 2 >= start, text[end - 2] == 0xC2 { end -= 2 }
            else { break }
        }
        return start == end ? nil : String(decoding: UnsafeBufferPointer(rebasing: text[start..<end]), as: UTF8.self)
    }

    /// As `Node.personText`.
    var personText: String? {
        if hasElementChild { return htmlFieldText }
        return nonEmpty(PlainText.fromText(utf8: text))
    }

    /// The container's children; a child's own children were not kept (reading them needs the tree).
    func forEachElementChild(_ body: (StreamedElement) -> Void) {
        if index == 0 {
            for child in 1..<max(1, store.pointee.records.count) { body(StreamedElement(store: store, index: child)) }
        } else if hasElementChild {
            store.pointee.needsTree = true
        }
    }

    var atomTextConstruct: String? {
        store.pointee.needsTree = true
        return nil
    }

    var atomPersonName: String? {
        store.pointee.needsTree = true
        return nil
    }
}
