// Streaming (SAX2) XML reading for hot paths that do not need a tree: events with borrowed bytes, no libxml2
// nodes built or freed. Added for the Feeds stage (a 5,000-item RSS feed spent ~40% of `parse-feed` in
// libxml2's tree building and the per-character CDATA loop of its pull parser).
//
// libxml2's push parser is used on purpose: it hands a CDATA section to the callback in blocks after a byte scan
// for "]]>", where the pull parser (xmlReadMemory, xmlReader over memory alike) decodes CDATA one character at a
// time (~60 instructions a byte, 19% of parse-feed on feeds that put descriptions in CDATA). The document is
// pushed in 64 KiB chunks: libxml2 copies what it is given into its own buffer, and a whole 5.7 MB feed at once
// cost ~1,300 extra page faults (~3 ms of system time here), more than the extra look-ahead scans chunks need.
//
// Safety is the same as `Document.parseXML`: no network, no DTD loading, no entity substitution. More strictly,
// a document with a DOCTYPE is not streamed at all (`.hasDoctype`): entity declarations need the tree path's
// handling (never expanded, kept as references). Only the five predefined entities and character references are
// decoded, as XML requires.
internal import CLibXML2
internal import Glibc

/// Receives the events of `XMLStream.parse`. Every buffer is borrowed: valid only during the call.
public protocol XMLStreamHandler: AnyObject {
    /// An element starts. Return false to stop parsing (`parse` then returns `.stopped`).
    func startElement(_ element: XMLStreamElement) -> Bool
    /// The element started last and not yet ended ends. Return false to stop parsing.
    func endElement() -> Bool
    /// Character data (text, CDATA, decoded character and predefined entity references), in document order; one
    /// run of text may arrive in several pieces. Whitespace is never dropped. Comments and processing
    /// instructions are not reported.
    func characters(_ text: UnsafeBufferPointer<UInt8>)
}

/// An element's start tag, as borrowed views.
public struct XMLStreamElement {
    let localNamePointer: UnsafePointer<xmlChar>
    let uriPointer: UnsafePointer<xmlChar>?
    let attributeCount: Int
    let attributeFields: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?

    /// The local name (no prefix) as UTF-8.
    public var localName: UnsafeBufferPointer<UInt8> { XMLStream.bytes(localNamePointer) }

    /// The same within one parse for equal local names (libxml2 interns names): a cheap key for caches.
    public var localNameIdentity: UnsafeRawPointer { UnsafeRawPointer(localNamePointer) }

    /// The namespace URI as UTF-8; nil when the element is in no namespace.
    public var namespaceURI: UnsafeBufferPointer<UInt8>? { uriPointer.map(XMLStream.bytes) }

    /// The same within one parse for equal namespace URIs (interned); nil for no namespace.
    public var namespaceIdentity: UnsafeRawPointer? { uriPointer.map(UnsafeRawPointer.init) }

    /// Calls `body` with each attribute's local name, namespace URI (nil when none) and value, in source order.
    /// Namespace declarations (`xmlns`, `xmlns:p`) are not attributes. Values are as the tree path reads them:
    /// references decoded, whitespace normalised.
    public func forEachAttribute(_ body: (_ localName: UnsafeBufferPointer<UInt8>, _ namespaceURI: UnsafeBufferPointer<UInt8>?,
                                          _ value: UnsafeBufferPointer<UInt8>) -> Void) {
        guard let fields = attributeFields else { return }
        for index in 0..<attributeCount {
            // Five pointers per attribute: local name, prefix, URI, value start, value end.
            let base = fields + 5 * index
            guard let name = base[0], let start = base[3], let end = base[4] else { continue }
            let value = UnsafeBufferPointer(start: start, count: end - start)
            // Without entity substitution libxml2 hands "&" (written &amp; or &#38;) over as "&#38;" for a later
            // re-parse that only tree building does: decode it here, the one reference it leaves.
            if value.contains(UInt8(ascii: "&")) {
                XMLStream.decodingAmpersands(value) { body(XMLStream.bytes(name), base[2].map(XMLStream.bytes), $0) }
            } else {
                body(XMLStream.bytes(name), base[2].map(XMLStream.bytes), value)
            }
        }
    }
}

public enum XMLStream {
    /// How a streamed parse ended.
    public enum Outcome: Equatable, Sendable {
        /// The whole document was read and is well-formed.
        case completed
        /// The handler asked to stop.
        case stopped
        /// Not well-formed (libxml2's first message). Events up to the error were delivered.
        case malformed(message: String)
        /// The document has a DOCTYPE: not streamed (see the file comment); use `Document.parseXML`.
        case hasDoctype
    }

    /// Bytes handed to libxml2 per push.
    static let chunkBytes = 64 << 10

    /// Parses UTF-8 XML (the caller has validated or transcoded it; an encoding declaration is ignored), reporting
    /// events to `handler`.
    public static func parse(_ bytes: [UInt8], url: String? = nil, handler: some XMLStreamHandler) -> Outcome {
        LibXML2.initialize()
        guard !bytes.isEmpty else { return .malformed(message: "empty document") }
        let box = StreamBox(handler: handler)
        var sax = xmlSAXHandler()
        sax.initialized = XML_SAX2_MAGIC
        sax.startElementNs = { context, localName, _, uri, _, _, attributeCount, _, attributes in
            guard let context, let localName else { return }
            let box = Unmanaged<StreamBox>.fromOpaque(context).takeUnretainedValue()
            let element = XMLStreamElement(localNamePointer: localName, uriPointer: uri,
                                           attributeCount: Int(attributeCount), attributeFields: attributes)
            if !box.handler.startElement(element) { box.stop(.stopped) }
        }
        sax.endElementNs = { context, _, _, _ in
            guard let context else { return }
            let box = Unmanaged<StreamBox>.fromOpaque(context).takeUnretainedValue()
            if !box.handler.endElement() { box.stop(.stopped) }
        }
        let characters: charactersSAXFunc = { context, text, length in
            guard let context, let text, length > 0 else { return }
            Unmanaged<StreamBox>.fromOpaque(context).takeUnretainedValue().handler
                .characters(UnsafeBufferPointer(start: text, count: Int(length)))
        }
        sax.characters = characters
        sax.cdataBlock = characters
        // Whitespace is text like any other here (tree parses drop "blank" nodes; every field reader trims).
        sax.ignorableWhitespace = characters
        // A DOCTYPE stops the stream: its entity declarations belong to the tree path.
        sax.internalSubset = { context, _, _, _ in
            guard let context else { return }
            Unmanaged<StreamBox>.fromOpaque(context).takeUnretainedValue().stop(.hasDoctype)
        }
        // Only reported for declared entities (a DOCTYPE, already stopped): never expanded.
        sax.reference = { context, _ in
            guard let context else { return }
            Unmanaged<StreamBox>.fromOpaque(context).takeUnretainedValue().stop(.hasDoctype)
        }
        // No getEntity: an undeclared entity is then a well-formedness error (the predefined five are built in).

        let unmanaged = Unmanaged.passRetained(box)
        defer { unmanaged.release() }
        guard let context = xmlCreatePushParserCtxt(&sax, unmanaged.toOpaque(), nil, 0, url) else {
            return .malformed(message: "cannot create a parser")
        }
        defer { xmlFreeParserCtxt(context) }
        box.context = context
        // The same safe options as Document.parseXML, minus the tree-building ones (NOCDATA, NOBLANKS, COMPACT
        // would replace the handlers above), plus IGNORE_ENC: the bytes are UTF-8 whatever the declaration says.
        let options = XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_IGNORE_ENC.rawValue
        _ = xmlCtxtUseOptions(context, Int32(options))
        let result = bytes.withUnsafeBufferPointer { raw in
            raw.baseAddress!.withMemoryRebound(to: CChar.self, capacity: raw.count) { chars in
                var offset = 0
                while true {
                    let length = min(chunkBytes, raw.count - offset)
                    let last = offset + length == raw.count
                    let status = xmlParseChunk(context, chars + offset, Int32(length), last ? 1 : 0)
                    offset += length
                    if last || status != 0 || box.outcome != nil { return status }
                }
            }
        }
        if let outcome = box.outcome { return outcome }
        if result != 0 || context.pointee.wellFormed == 0 {
            let message = context.pointee.lastError.message
                .map { String(String(cString: $0).split(whereSeparator: \.isNewline).first ?? "") } ?? "not well-formed"
            return .malformed(message: message)
        }
        return .completed
    }

    static func bytes(_ pointer: UnsafePointer<xmlChar>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: pointer, count: strlen(UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self)))
    }

    /// `value` with every "&#38;" turned into "&".
    static func decodingAmpersands<R>(_ value: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let escape = Array("&#38;".utf8)
        var decoded: [UInt8] = []
        decoded.reserveCapacity(value.count)
        var index = 0
        while index < value.count {
            if value[index] == UInt8(ascii: "&"), index + escape.count <= value.count,
               value[index..<(index + escape.count)].elementsEqual(escape) {
                decoded.append(UInt8(ascii: "&"))
                index += escape.count
            } else {
                decoded.append(value[index])
                index += 1
            }
        }
        return decoded.withUnsafeBufferPointer(body)
    }
}

/// What the C callbacks reach through their context pointer.
private final class StreamBox {
    let handler: any XMLStreamHandler
    var context: xmlParserCtxtPtr?
    var outcome: XMLStream.Outcome?

    init(handler: any XMLStreamHandler) { self.handler = handler }

    func stop(_ reason: XMLStream.Outcome) {
        if outcome == nil { outcome = reason }
        if let context { xmlStopParser(context) }
    }
}
