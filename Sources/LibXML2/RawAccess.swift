// Allocation-free reads for hot loops (the extractor mirrors every node of every page): names, text and
// attributes as borrowed UTF-8 bytes, valid only inside the closure. Added for the Extract stage.
internal import CLibXML2
internal import Glibc

extension Node {
    /// The element's local name as bytes (empty for non-elements).
    public func withNameBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard isElement, let name = pointer.pointee.name else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        return body(UnsafeBufferPointer(start: name, count: strlen(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))))
    }

    /// A text node's content as bytes; nil for other kinds.
    public func withContentBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        guard isText, let content = pointer.pointee.content else { return nil }
        return body(UnsafeBufferPointer(start: content, count: strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))))
    }

    /// Calls `body` with each attribute's name and (text) value bytes, in source order.
    public func forEachAttributeBytes(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Void) {
        guard isElement else { return }
        RawAttributes.forEach(pointer, body)
    }
}

/// One node seen by `Node.scanDescendants`: a borrowed view that creates nothing unless asked.
public struct ScanItem {
    let pointer: xmlNodePtr

    public var isElement: Bool { pointer.pointee.type == XML_ELEMENT_NODE }
    public var isText: Bool { pointer.pointee.type == XML_TEXT_NODE || pointer.pointee.type == XML_CDATA_SECTION_NODE }

    public func withNameBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard isElement, let name = pointer.pointee.name else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        return body(UnsafeBufferPointer(start: name, count: strlen(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))))
    }

    public func withContentBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        guard isText, let content = pointer.pointee.content else { return nil }
        return body(UnsafeBufferPointer(start: content, count: strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))))
    }

    /// The full Node (retains the document), for the rare case that needs more than bytes.
    public func node(in document: Document) -> Node { Node(pointer, document) }
}

/// What a scan does after entering an element.
public enum ScanStep { case descend, skip }

extension ScanItem {
    public func forEachAttributeBytes(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Void) {
        guard isElement else { return }
        RawAttributes.forEach(pointer, body)
    }
}

extension Node {
    /// Visits the descendants in document order without creating Node values: `enter` for every element and text
    /// node (returning whether to descend into an element), `leave` after an element's children. Iterative; elements
    /// deeper than `maxDepth` below this node are not entered.
    public func scanDescendants(maxDepth: Int, enter: (ScanItem) -> ScanStep, leave: () -> Void) {
        let top = pointer
        var depth = 0
        var current = top.pointee.children
        while let node = current {
            let type = node.pointee.type
            if type == XML_ELEMENT_NODE {
                if enter(ScanItem(pointer: node)) == .descend, depth < maxDepth, let child = node.pointee.children {
                    depth += 1
                    current = child
                    continue
                }
                leave()
            } else if type == XML_TEXT_NODE || type == XML_CDATA_SECTION_NODE {
                _ = enter(ScanItem(pointer: node))
            }
            // Next sibling, or climb (leaving each finished element) until one exists.
            var climb: xmlNodePtr? = node
            current = nil
            while let up = climb {
                if let next = up.pointee.next { current = next; break }
                guard let parent = up.pointee.parent, parent != top, depth > 0 else { break }
                depth -= 1
                leave()
                climb = parent
            }
        }
    }
}

enum RawAttributes {
    static func forEach(_ element: xmlNodePtr, _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Void) {
        var attr = element.pointee.properties
        let empty = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        while let current = attr {
            if let name = current.pointee.name {
                let nameBuffer = UnsafeBufferPointer(start: name, count: strlen(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self)))
                let child = current.pointee.children
                if let child, child.pointee.next == nil, child.pointee.type == XML_TEXT_NODE, let content = child.pointee.content {
                    body(nameBuffer, UnsafeBufferPointer(start: content, count: strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))))
                } else if child == nil {
                    body(nameBuffer, empty)
                } else {
                    // Several pieces (entity references kept unexpanded): hand over the joined text.
                    var joined: [UInt8] = []
                    var piece = child
                    while let part = piece {
                        if part.pointee.type == XML_TEXT_NODE, let content = part.pointee.content {
                            joined.append(contentsOf: UnsafeBufferPointer(start: content, count: strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))))
                        }
                        piece = part.pointee.next
                    }
                    joined.withUnsafeBufferPointer { body(nameBuffer, $0) }
                }
            }
            attr = current.pointee.next
        }
    }
}

extension Node {
    /// This node as a scan item (e.g. the root of a scan).
    public var scanItem: ScanItem { ScanItem(pointer: pointer) }
}

extension ScanItem {
    /// An attribute's value by exact (ASCII) name, nil when absent.
    public func attribute(_ name: String) -> String? {
        guard isElement else { return nil }
        var found: String?
        RawAttributes.forEach(pointer) { attributeName, value in
            if found == nil, attributeName.elementsEqual(name.utf8) { found = String(decoding: value, as: UTF8.self) }
        }
        return found
    }
}

extension Node {
    /// The number of element and text nodes below this one (down to `maxDepth` levels), counted in C-speed
    /// pointer walking: lets a caller size its buffers exactly before a scan.
    public func countDescendants(maxDepth: Int) -> Int {
        let top = pointer
        var count = 0
        var depth = 0
        var current = top.pointee.children
        while let node = current {
            let type = node.pointee.type
            if type == XML_ELEMENT_NODE || type == XML_TEXT_NODE || type == XML_CDATA_SECTION_NODE { count += 1 }
            if type == XML_ELEMENT_NODE, depth < maxDepth, let child = node.pointee.children {
                depth += 1
                current = child
                continue
            }
            var climb: xmlNodePtr? = node
            current = nil
            while let up = climb {
                if let next = up.pointee.next { current = next; break }
                guard let parent = up.pointee.parent, parent != top, depth > 0 else { break }
                depth -= 1
                climb = parent
            }
        }
        return count
    }
}

extension ScanItem {
    /// `forEachAttributeBytes` for callers that want a few attributes: `code` maps each name to a caller's code
    /// (negative: not wanted) and only wanted attributes have their value read. On a tree libxml2 has just built,
    /// reading a value (the attribute's text child, then its content) costs two cache misses. Added for Extract.
    public func forEachAttributeBytes(code: (UnsafeBufferPointer<UInt8>) -> Int,
                                      _ body: (Int, UnsafeBufferPointer<UInt8>) -> Void) {
        guard isElement else { return }
        var attr = pointer.pointee.properties
        while let current = attr {
            if let name = current.pointee.name {
                let nameBuffer = UnsafeBufferPointer(start: name, count: strlen(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self)))
                let wanted = code(nameBuffer)
                if wanted >= 0 {
                    RawAttributes.withValue(current) { body(wanted, $0) }
                }
            }
            attr = current.pointee.next
        }
    }
}

extension RawAttributes {
    /// An attribute's text value as bytes (joined when it has several text pieces), as `forEach` reads it.
    static func withValue(_ attribute: xmlAttrPtr, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        let child = attribute.pointee.children
        if let child, child.pointee.next == nil, child.pointee.type == XML_TEXT_NODE, let content = child.pointee.content {
            body(UnsafeBufferPointer(start: content, count: strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))))
        } else if child == nil {
            body(UnsafeBufferPointer<UInt8>(start: nil, count: 0))
        } else {
            var joined: [UInt8] = []
            var piece = child
            while let part = piece {
                if part.pointee.type == XML_TEXT_NODE, let content = part.pointee.content {
                    joined.append(contentsOf: UnsafeBufferPointer(start: content, count: strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))))
                }
                piece = part.pointee.next
            }
            joined.withUnsafeBufferPointer { body($0) }
        }
    }
}
