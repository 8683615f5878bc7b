// Turns a chosen subtree into paragraphs: block elements and <br> end a paragraph, inline markup joins.
import CrawlerModel

extension MiniDOM {
    /// The subtree's paragraphs in document order, each normalised to one spool line (NFC, collapsed spaces).
    func paragraphs(of top: Int32) -> [String] {
        var result: [String] = []
        var current = ""
        func flush() {
            if current.isEmpty { return }
            let line = SpoolTextFormat.line(current)
            if !line.isEmpty { result.append(line) }
            current = ""
        }
        // Explicit stack of (node, leaving) so the exit of a block element also ends its paragraph.
        var stack: [(Int32, Bool)] = [(top, false)]
        while let (node, leaving) = stack.popLast() {
            let record = nodes[Int(node)]
            if record.tag == .text {
                current += texts[Int(record.payload)].text
                continue
            }
            let breaks = record.tag.breaksParagraph
            if leaving {
                if breaks { flush() }
                continue
            }
            if record.tag == .br || record.tag == .hr { flush(); continue }
            if breaks { flush() }
            stack.append((node, true))
            // Children pushed in reverse so they pop in document order.
            var child = record.last
            while child >= 0 {
                stack.append((child, false))
                child = nodes[Int(child)].prev
            }
        }
        flush()
        return result
    }
}
