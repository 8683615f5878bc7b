// The only importer of CLibXML2. Owns every xmlDoc; hands out Node views that keep their document alive.
//
// Threading contract: a Document and its Nodes belong to the thread (or synchronous call) that parsed it. They
// are deliberately not Sendable. libxml2's global setup runs once, in `LibXML2.initialize()`, before any
// concurrent use; its error state is thread-local, so parses on different threads do not interfere.
internal import CLibXML2
internal import CParseArena
internal import Glibc

public enum LibXML2 {
    /// Call once before parsing on several threads (parsing calls it too; the first call wins).
    public static func initialize() { _ = setUp }

    private static let setUp: Void = {
        // Before xmlInitParser, so that every libxml2 allocation goes through it: outside withParseArena the
        // functions are malloc, realloc, free and strdup.
        precondition(xmlMemSetup(fc_arena_free, fc_arena_malloc, fc_arena_realloc, fc_arena_strdup) == 0,
                     "libxml2 refused its allocator")
        xmlInitParser()
        fc_xml_silence_generic_errors()
        // Never load an external entity or DTD, whatever the document or the options say: XXE and
        // network access from the parser are impossible, not merely switched off.
        xmlSetExternalEntityLoader { _, _, _ in nil }
    }()

    /// Runs `body` with libxml2's allocations on this thread carved from a region that is released in one go when
    /// `body` returns (frees inside are no-ops): parsing a page and dropping its tree then costs a fraction of
    /// malloc's per-node bookkeeping. Every Document parsed inside must be gone before `body` returns (a
    /// Document that outlives its region stops the process rather than read released memory). Scopes nest; the
    /// outermost one's `byteLimit` holds: past it, allocations go to malloc as outside a region. libxml2 allocates
    /// 8-16 times a page's size while parsing it (measured: 108 KB for a 6.8 KB page, 13 MB for a 1.6 MB one), so
    /// the default fits pages up to ~3 MB and bounds what a region holds beyond the tree (realloc'd buffers).
    public static func withParseArena<T, E: Error>(byteLimit: Int = 32 << 20, _ body: () throws(E) -> T) throws(E) -> T {
        initialize()  // its one-time allocations must not land in a region
        fc_arena_enter(max(0, byteLimit))
        defer {
            // libxml2 keeps the thread's last error (with a copied message) after a parse: clear it while its
            // memory is still the region's, or a later reset would free a pointer into a released block.
            xmlResetLastError()
            fc_arena_leave()
        }
        return try body()
    }

    /// The open parse region's number on this thread (nil outside withParseArena).
    static var parseArenaScope: UInt64? {
        let scope = fc_arena_scope()
        return scope == 0 ? nil : scope
    }

    /// Bytes carved from the open parse region on this thread so far (0 outside withParseArena): for tests.
    public static var parseArenaBytesUsed: Int { fc_arena_bytes_used() }

    /// Whether the open parse region on this thread reached its byte limit (false outside withParseArena).
    public static var parseArenaSpilled: Bool { fc_arena_spilled() != 0 }

    /// The libxml2 version this binary runs with, e.g. "20914".
    public static var version: String {
        guard let version = __xmlParserVersion()?.pointee else { return "unknown" }
        return String(cString: version)
    }
}

public enum XMLParseError: Error, Equatable, CustomStringConvertible {
    /// The input had no bytes, or nothing libxml2 could build a tree from.
    case empty
    /// Not well-formed XML; carries libxml2's message and line.
    case malformed(message: String, line: Int)
    /// The input is larger than the parser accepts (Int32 length).
    case tooLarge

    public var description: String {
        switch self {
        case .empty: return "empty document"
        case .malformed(let message, let line): return "malformed XML at line \(line): \(message)"
        case .tooLarge: return "document too large to parse"
        }
    }
}

/// A parsed XML or HTML document. Frees the tree when the last reference (including any Node) goes away.
public final class Document {
    let pointer: xmlDocPtr
    public let isHTML: Bool
    /// The parse region (LibXML2.withParseArena) the tree was allocated in, if any.
    private let arenaScope: UInt64?

    private init(pointer: xmlDocPtr, isHTML: Bool) {
        self.pointer = pointer
        self.isHTML = isHTML
        arenaScope = LibXML2.parseArenaScope
    }

    deinit {
        guard let arenaScope else { return xmlFreeDoc(pointer) }
        precondition(LibXML2.parseArenaScope == arenaScope, "a libxml2 Document outlived the parse region it was built in")
        // The region releases the tree at its end; only parts that went to malloc (the region was full) need a
        // real free, which xmlFreeDoc then does (its frees of region memory are no-ops).
        if LibXML2.parseArenaSpilled { xmlFreeDoc(pointer) }
    }

    /// Parses HTML leniently (browsers' recovery), never touching the network.
    /// - Parameters:
    ///   - encoding: the charset to decode with (from HTTP or the caller); nil sniffs BOM and
    ///     `<meta charset>`, then falls back to UTF-8 when the bytes are valid UTF-8, else windows-1252.
    public static func parseHTML(_ bytes: some Collection<UInt8>, url: String? = nil, encoding: String? = nil) throws(XMLParseError) -> Document {
        try parseHTML(bytes, url: url, encoding: encoding, rawText: .all)
    }

    /// What `parseHTML` keeps of the text inside `<script>` and `<style>` elements.
    public enum RawText: Sendable, Equatable {
        /// Everything, as libxml2 reads it.
        case all
        /// Only the text of scripts whose start tag mentions `ld+json` (JSON-LD metadata). Other script and style
        /// elements keep their attributes and place but hold only the newlines of their text (line numbers do not
        /// move). Parses much faster: on news pages that text is about half of the bytes, and libxml2 reads it a
        /// character at a time. Applied to pages decoded as valid UTF-8; other pages are parsed whole.
        case jsonLDOnly
    }

    /// `parseHTML(_:url:encoding:)`, choosing what is kept of script and style text (see `RawText`).
    public static func parseHTML(_ bytes: some Collection<UInt8>, url: String? = nil, encoding: String? = nil,
                                 rawText: RawText) throws(XMLParseError) -> Document {
        LibXML2.initialize()
        var buffer = Array(bytes)
        guard !buffer.isEmpty else { throw .empty }
        guard buffer.count < Int(Int32.max) else { throw .tooLarge }
        let charset = encoding.flatMap(CharsetSniffer.normalize) ?? CharsetSniffer.sniffHTML(buffer)
        if rawText == .jsonLDOnly && charset == "UTF-8" && CharsetSniffer.isValidUTF8(buffer),
           let stripped = buffer.withUnsafeBufferPointer(RawTextStripper.strip) {
            buffer = stripped
        }
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                            | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue)
        let doc: htmlDocPtr? = buffer.withUnsafeBufferPointer { raw in
            raw.baseAddress!.withMemoryRebound(to: CChar.self, capacity: raw.count) { chars in
                htmlReadMemory(chars, Int32(raw.count), url, charset, options)
            }
        }
        guard let doc else { throw .empty }
        guard xmlDocGetRootElement(doc) != nil else {
            xmlFreeDoc(doc)
            throw .empty
        }
        return Document(pointer: doc, isHTML: true)
    }

    /// Parses XML safely: no entity substitution, no DTD loading, no network. Undeclared and unknown
    /// entities stay unexpanded, so billion-laughs and XXE documents cost nothing and leak nothing.
    /// - Parameter recover: keep going past well-formedness errors (feeds in the wild are often broken).
    public static func parseXML(_ bytes: some Collection<UInt8>, url: String? = nil, encoding: String? = nil, recover: Bool = true) throws(XMLParseError) -> Document {
        LibXML2.initialize()
        let buffer = Array(bytes)
        guard !buffer.isEmpty else { throw .empty }
        guard buffer.count < Int(Int32.max) else { throw .tooLarge }
        guard let context = xmlNewParserCtxt() else { throw .empty }
        defer { xmlFreeParserCtxt(context) }
        var options = XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue | XML_PARSE_NOBLANKS.rawValue
        if recover { options |= XML_PARSE_RECOVER.rawValue }
        let doc: xmlDocPtr? = buffer.withUnsafeBufferPointer { raw in
            raw.baseAddress!.withMemoryRebound(to: CChar.self, capacity: raw.count) { chars in
                xmlCtxtReadMemory(context, chars, Int32(raw.count), url, encoding, Int32(options))
            }
        }
        let lastError = context.pointee.lastError
        let message = lastError.message.map { String(String(cString: $0).split(whereSeparator: \.isNewline).first ?? "") }
        guard let doc else {
            if let message { throw .malformed(message: message, line: Int(lastError.line)) }
            throw .empty
        }
        if !recover && context.pointee.wellFormed == 0 {
            xmlFreeDoc(doc)
            throw .malformed(message: message ?? "not well-formed", line: Int(lastError.line))
        }
        guard xmlDocGetRootElement(doc) != nil else {
            xmlFreeDoc(doc)
            if let message { throw .malformed(message: message, line: Int(lastError.line)) }
            throw .empty
        }
        return Document(pointer: doc, isHTML: false)
    }

    /// The document element (`<html>`, `<rss>`, `<feed>`, ...).
    public var root: Node? {
        xmlDocGetRootElement(pointer).map { Node($0, self) }
    }

    /// The encoding libxml2 decoded the input with, as declared or detected (nil when it assumed UTF-8).
    public var declaredEncoding: String? {
        pointer.pointee.encoding.map { String(cString: $0) }
    }

    /// Runs an XPath 1.0 expression and returns the element/text nodes it selects, in document order.
    /// - Parameter namespaces: prefix -> URI bindings usable in the expression.
    public func select(_ expression: String, from context: Node? = nil, namespaces: [String: String] = [:]) -> [Node] {
        guard let xpath = xmlXPathNewContext(pointer) else { return [] }
        defer { xmlXPathFreeContext(xpath) }
        for (prefix, uri) in namespaces { xmlXPathRegisterNs(xpath, prefix, uri) }
        if let context { xpath.pointee.node = context.pointer }
        guard let result = xmlXPathEvalExpression(expression, xpath) else { return [] }
        defer { xmlXPathFreeObject(result) }
        guard result.pointee.type == XPATH_NODESET, let set = result.pointee.nodesetval else { return [] }
        let count = Int(set.pointee.nodeNr)
        var nodes: [Node] = []
        nodes.reserveCapacity(count)
        for index in 0..<count {
            if let node = set.pointee.nodeTab[index] { nodes.append(Node(node, self)) }
        }
        return nodes
    }
}

/// What a node is. Entity references are reported as `.other` and never expanded.
public enum NodeKind: Sendable, Equatable {
    case element, text, comment, other
}

/// A view of one node. Holds its Document alive. Valid until the node is removed with `remove()`.
public struct Node {
    let pointer: xmlNodePtr
    public let document: Document

    init(_ pointer: xmlNodePtr, _ document: Document) {
        self.pointer = pointer
        self.document = document
    }

    public var kind: NodeKind {
        switch pointer.pointee.type {
        case XML_ELEMENT_NODE: return .element
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE: return .text
        case XML_COMMENT_NODE: return .comment
        default: return .other
        }
    }

    public var isElement: Bool { pointer.pointee.type == XML_ELEMENT_NODE }
    public var isText: Bool {
        pointer.pointee.type == XML_TEXT_NODE || pointer.pointee.type == XML_CDATA_SECTION_NODE
    }

    /// Local name (HTML names are lowercase already). Empty for text nodes.
    public var name: String {
        guard isElement, let name = pointer.pointee.name else { return "" }
        return String(cString: name)
    }

    /// True when this is an element with this local name (ASCII, case-sensitive). Cheaper than `name ==`.
    public func hasName(_ candidate: String) -> Bool {
        guard isElement, let name = pointer.pointee.name else { return false }
        return candidate.withCString { strcmp(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self), $0) == 0 }
    }

    /// The namespace URI of an element, nil when it has none.
    public var namespaceURI: String? {
        guard isElement, let ns = pointer.pointee.ns, let href = ns.pointee.href else { return nil }
        return String(cString: href)
    }

    /// The namespace prefix of an element as written in the source, nil when unprefixed.
    public var namespacePrefix: String? {
        guard isElement, let ns = pointer.pointee.ns, let prefix = ns.pointee.prefix else { return nil }
        return String(cString: prefix)
    }

    /// The value of an attribute by local name, in no namespace or any namespace (first match).
    public func attribute(_ localName: String) -> String? {
        guard isElement else { return nil }
        var attr = pointer.pointee.properties
        while let current = attr {
            if let name = current.pointee.name,
               localName.withCString({ strcmp(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self), $0) == 0 }) {
                return Self.attributeValue(current)
            }
            attr = current.pointee.next
        }
        return nil
    }

    /// The value of an attribute in a namespace (e.g. xml:base is in "http://www.w3.org/XML/1998/namespace").
    public func attribute(_ localName: String, namespace: String) -> String? {
        guard isElement, let value = xmlGetNsProp(pointer, localName, namespace) else { return nil }
        defer { fc_xml_free(value) }
        return String(cString: value)
    }

    /// All attributes as (local name, value) pairs, in source order.
    public var attributes: [(name: String, value: String)] {
        guard isElement else { return [] }
        var result: [(String, String)] = []
        var attr = pointer.pointee.properties
        while let current = attr {
            if let name = current.pointee.name {
                result.append((String(cString: name), Self.attributeValue(current) ?? ""))
            }
            attr = current.pointee.next
        }
        return result
    }

    private static func attributeValue(_ attr: xmlAttrPtr) -> String? {
        // Attribute values are a list of text (and, unexpanded, entity-ref) children; take the text only.
        var text = ""
        var child = attr.pointee.children
        while let current = child {
            if current.pointee.type == XML_TEXT_NODE, let content = current.pointee.content {
                text += String(cString: content)
            }
            child = current.pointee.next
        }
        return text
    }

    public var parent: Node? {
        guard let parent = pointer.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
        return Node(parent, document)
    }
    public var firstChild: Node? { pointer.pointee.children.map { Node($0, document) } }
    public var nextSibling: Node? { pointer.pointee.next.map { Node($0, document) } }
    public var previousSibling: Node? { pointer.pointee.prev.map { Node($0, document) } }

    /// Direct children of every kind, in order.
    public var children: [Node] {
        var result: [Node] = []
        var child = pointer.pointee.children
        while let current = child {
            result.append(Node(current, document))
            child = current.pointee.next
        }
        return result
    }

    /// Direct element children, in order.
    public var elementChildren: [Node] {
        var result: [Node] = []
        var child = pointer.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { result.append(Node(current, document)) }
            child = current.pointee.next
        }
        return result
    }

    /// The first direct element child with this local name.
    public func child(named localName: String) -> Node? {
        var child = pointer.pointee.children
        while let current = child {
            let node = Node(current, document)
            if node.hasName(localName) { return node }
            child = current.pointee.next
        }
        return nil
    }

    /// The text of a text node; nil for other kinds.
    public var content: String? {
        guard isText, let content = pointer.pointee.content else { return nil }
        return String(cString: content)
    }

    /// All descendant text in document order (entity references are skipped, never expanded).
    /// Iterative, so a 100,000-deep tree cannot overflow the stack.
    public var textContent: String {
        if isText { return content ?? "" }
        var text = ""
        walkDescendants { node in
            if node.isText, let content = node.pointer.pointee.content { text += String(cString: content) }
            return .visitChildren
        }
        return text
    }

    /// What a walk does after visiting a node.
    public enum WalkStep { case visitChildren, skipChildren, stop }

    /// Visits every descendant (not self) in document order, depth-first, without recursion.
    public func walkDescendants(_ visit: (Node) -> WalkStep) {
        var current = pointer.pointee.children
        let top = pointer
        while let node = current {
            let step = visit(Node(node, document))
            if step == .stop { return }
            if step == .visitChildren, let child = node.pointee.children,
               node.pointee.type == XML_ELEMENT_NODE {
                current = child
                continue
            }
            // Climb until a next sibling exists, never above the start node.
            var climb: xmlNodePtr? = node
            while let up = climb {
                if let next = up.pointee.next { current = next; break }
                let parent = up.pointee.parent
                if parent == nil || parent == top { current = nil; break }
                climb = parent
            }
            if climb == nil { current = nil }
        }
    }

    /// Serialises the node (and its subtree) as markup, e.g. for Atom xhtml content.
    public var outerMarkup: String {
        guard let buffer = xmlBufferCreate() else { return "" }
        defer { xmlBufferFree(buffer) }
        if document.isHTML {
            htmlNodeDump(buffer, document.pointer, pointer)
        } else {
            xmlNodeDump(buffer, document.pointer, pointer, 0, 0)
        }
        guard let content = xmlBufferContent(buffer) else { return "" }
        return String(cString: content)
    }

    /// The children serialised as markup (the node's own tag excluded).
    public var innerMarkup: String {
        var result = ""
        var child = pointer.pointee.children
        while let current = child {
            result += Node(current, document).outerMarkup
            child = current.pointee.next
        }
        return result
    }

    /// Unlinks the node from the tree and frees it. Any other Node value for it or its descendants
    /// becomes invalid: callers collect nodes first, then remove them.
    public func remove() {
        xmlUnlinkNode(pointer)
        xmlFreeNode(pointer)
    }

    /// Source line of the node (libxml2's count, 1-based; 0 when unknown).
    public var line: Int { Int(xmlGetLineNo(pointer)) }
}

extension Node: Hashable {
    public static func == (lhs: Node, rhs: Node) -> Bool { lhs.pointer == rhs.pointer }
    public func hash(into hasher: inout Hasher) { hasher.combine(UnsafeRawPointer(pointer)) }
}
