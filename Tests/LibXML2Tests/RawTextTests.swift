// parseHTML(rawText: .jsonLDOnly) must build the same tree as a whole parse, minus script and style text: every
// element, attribute, text node, comment and line number the same. Checked on hand-written pages full of the
// tokenizer's corner cases and on random token soup built from them (FEEDCRAWLER_RAWTEXT_FUZZ=N for more rounds).
import Foundation
import LibXML2
import Testing

@Suite struct RawTextTests {
    /// A description of the tree that leaves out the text inside script and style elements (except JSON-LD).
    static func shape(_ document: Document) -> String {
        var out = ""
        func visit(_ node: Node, depth: Int, insideRawText: Bool) {
            let indent = String(repeating: " ", count: depth)
            switch node.kind {
            case .element:
                let attributes = node.attributes.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
                out += "\(indent)<\(node.name) \(attributes)> line \(node.line)\n"
                let isRaw = node.name == "script" || node.name == "style"
                let isJSONLD = node.name == "script" && (node.attribute("type") ?? "").lowercased().contains("ld+json")
                if isJSONLD { out += "\(indent) json: \(node.textContent)\n" }
                for child in node.children { visit(child, depth: depth + 1, insideRawText: isRaw) }
            case .text:
                if !insideRawText { out += "\(indent)\"\(node.content ?? "")\"\n" }
            case .comment:
                out += "\(indent)<!--\(node.content ?? "")--> line \(node.line)\n"
            case .other:
                out += "\(indent)other \(node.content ?? "")\n"
            }
        }
        if let root = document.root { visit(root, depth: 0, insideRawText: false) }
        return out
    }

    static func expectSameTree(_ html: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let bytes = Array(html.utf8)
        let whole = try? Document.parseHTML(bytes, url: "http://example.com/", encoding: "UTF-8")
        let stripped = try? Document.parseHTML(bytes, url: "http://example.com/", encoding: "UTF-8", rawText: .jsonLDOnly)
        #expect((whole == nil) == (stripped == nil), "parse outcome differs for: \(html)", sourceLocation: sourceLocation)
        guard let whole, let stripped else { return }
        let expected = shape(whole), actual = shape(stripped)
        #expect(expected == actual, "tree differs for: \(html)", sourceLocation: sourceLocation)
    }

    static let cornerCases: [String] = [
        "<html><head><script>var a = '<p>x</p>';</script></head><body><p>one</p></body></html>",
        "<p>a</p><script src=\"x.js\"></script><p>b</p>",
        "<script>\n\nvar x = 1;\n</script>\n<p>line 4</p>",
        "<SCRIPT>x</Script ><p>after</p>",
        "<script>x</scripts><p>not yet</p></script><p>after</p>",
        "<script>x</script-x><p>y</p></script><p>z</p>",
        "<script></div>text</script><div>x</div>",
        "<div><script><p>kept?</p></script></div>",
        "<script><noscript>n</noscript></script><p>x</p>",
        "<style><body>b</style><p>x</p>",
        "<script><!-- <p>x</p> --></script><p>y</p>",
        "<script/><p>self-closed</p></script><p>after</p>",
        "<script src=\"a\"/><p>self-closed</p>",
        "<script src=a/><p>unquoted slash is part of the value</p></script><p>z</p>",
        "<p title=\"<script>\">x</p><script>y</script><p>z</p>",
        "<p title='</script>'>x</p><script>y</script>",
        "<div =\"<script>\">x</div><p>y</p>",
        "<!-- <script> --><p>x</p><script>y</script>",
        "<!-- unterminated <script>x</script>",
        "<!--> <script>x</script> -->",
        "<!---> <script>x</script> --><p>y</p>",
        "<!-- a --!> <script>x</script><p>y</p>",
        "<?xml version=\"1.0\"?><!DOCTYPE html><html><script>x</script></html>",
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0//EN\" \"http://www.w3.org/TR/x.dtd\"><script>x</script><p>y</p>",
        "<!DOCTYPE html SYSTEM 'a>b'><script>x</script><p>y</p>",
        "<p>x</p><!DOCTYPE html></p><script>y</script>",
        "<p>x<?php echo '<script>'; ?></p><script>y</script>",
        "<p>x<? <script>z</script>",
        "<script type=\"application/ld+json\">{\"headline\": \"<b>h</b>\"}</script><p>x</p>",
        "<script type='APPLICATION/LD+JSON'>{\"a\": 1}</script><script>drop</script>",
        "<style>p { color: red }</style><style></style><p>x</p>",
        "<script>a</script><script>b</script><style>c</style><p>x</p>",
        "<p>&lt;script&gt;x</p><script>y</script>",
        "<![CDATA[ <script>x</script> ]]><p>y</p>",
        "<_x><script>y</script><:z>",
        "<textarea><script>x</script></textarea><title><script>y</script></title>",
        "<p>unterminated <script>var x = 1;",
        "<script",
        "<script>",
        "<script src=\"unterminated",
        "<p>é ü 中文 <script>'é'</script> 🙂</p>",
        "\u{FEFF}<!DOCTYPE html><script>x</script><p>y</p>",
        "<script>x</script\n><p>y</p>",
        "<script>x</SCRIPT\t foo=\"bar\">y</script><p>z</p>",
        "<body><script>x</script><body><script>y</script></body>",
        "<html><script>x</script><html><p>y</p>",
        "<p>x</p></><script>y</script>",
        "<p\n class=\"a\"\n>x</p><script>\ny\n</script><p>z</p>",
        "<script>x</script><script>\n</script>",
        "<a href=x>y</a ><script>z</script>",
        "<div a=1 a=2><script>x</script></div>",
        "<" + String(repeating: "a", count: 120) + "script><script>x</script>",
    ]

    @Test func cornerCasesBuildTheSameTree() {
        for html in Self.cornerCases { Self.expectSameTree(html) }
    }

    @Test func scriptAndStyleTextIsDroppedButJSONLDKept() throws {
        let html = "<html><head><script type=\"application/ld+json\">{\"a\":1}</script><style>p{}</style></head>"
            + "<body><script>\nvar x;\n</script><p>t</p></body></html>"
        let document = try Document.parseHTML(Array(html.utf8), encoding: "UTF-8", rawText: .jsonLDOnly)
        let scripts = document.select("//script")
        #expect(scripts.count == 2)
        #expect(scripts.first?.textContent == "{\"a\":1}")
        #expect(scripts.last?.textContent == "\n\n")
        #expect(document.select("//style").first?.textContent == "")
        #expect(document.select("//p").first?.line == 3)
    }

    @Test func otherEncodingsAreParsedWhole() throws {
        // windows-1252 bytes (é = 0xE9): not UTF-8, so nothing is removed.
        let bytes: [UInt8] = Array("<p>caf".utf8) + [0xE9] + Array("</p><script>var x;</script>".utf8)
        let document = try Document.parseHTML(bytes, rawText: .jsonLDOnly)
        #expect(document.select("//script").first?.textContent == "var x;")
        let declared = try Document.parseHTML(Array("<script>y</script>".utf8), encoding: "windows-1252", rawText: .jsonLDOnly)
        #expect(declared.select("//script").first?.textContent == "y")
    }

    static let tokens: [String] = [
        "<script>", "<script src=\"x\">", "<SCRIPT type=text/javascript>", "</script>", "</SCRIPT >", "</scripts>",
        "</script", "<style>", "</style>", "</STYLE\n>", "<script type=\"application/ld+json\">", "<script/>",
        "<script src='a'/>", "<!--", "-->", "--!>", "-", "<!DOCTYPE html>", "<!doctype x PUBLIC \"a\" 'b>'>", "<?php x ?>",
        "<?", "<?é", "<div class=\"a>b\">", "</div>", "<p title='<script>'>", "<a href=x/>", "/>", "\"", "'", "<", ">",
        "</", "=", " ", "\n", "\t", "text", "&amp;", "&#60;", "&", "<br/>", "{\"k\":\"v\"}", "<noscript>", "</noscript>",
        "<body>", "<frameset>", "<_x>", "<:y>", "<![CDATA[", "]]>", "é", "中", "<p>", "</p>", "<ul><li>", "</>",
        "< p>", "<p\n>", "<textarea>", "<title>", "<html>", "<head>", "</head>", "<!", "<!-", "<div =\"<script>\">",
        "<img src=\"a\" alt='<style>'>", "<script>var s = '</scr' + 'ipt>';", "<style>a{}</style>",
    ]

    @Test func randomTokenSoupBuildsTheSameTree() {
        let rounds = Int(ProcessInfo.processInfo.environment["FEEDCRAWLER_RAWTEXT_FUZZ"] ?? "") ?? 3000
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<rounds {
            var html = ""
            for _ in 0..<(1 + next(40)) { html += Self.tokens[next(Self.tokens.count)] }
            Self.expectSameTree(html)
        }
    }

    /// Real pages (FEEDCRAWLER_DEVSET=../shared/data/extraction-dev): each page, and pages spliced from pieces of
    /// two pages cut at random bytes (inside tags, quotes, comments and scripts), build the same tree both ways.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["FEEDCRAWLER_DEVSET"] != nil))
    func devSetPagesBuildTheSameTree() throws {
        let folder = try #require(ProcessInfo.processInfo.environment["FEEDCRAWLER_DEVSET"]) + "/html"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".html") }.sorted()
        let pages = try names.map { try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder + "/" + $0))) }
        func check(_ bytes: [UInt8], _ label: String) {
            let whole = try? Document.parseHTML(bytes, url: "http://example.com/")
            let stripped = try? Document.parseHTML(bytes, url: "http://example.com/", rawText: .jsonLDOnly)
            #expect(whole.map(Self.shape) == stripped.map(Self.shape), "tree differs for \(label)")
        }
        for (name, page) in zip(names, pages) { check(page, name) }
        let splices = Int(ProcessInfo.processInfo.environment["FEEDCRAWLER_RAWTEXT_SPLICES"] ?? "") ?? 200
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(max(bound, 1)))
        }
        for round in 0..<splices {
            let first = pages[next(pages.count)], second = pages[next(pages.count)]
            // Cut points move to the next character boundary, so the pages stay UTF-8 and are stripped.
            func boundary(_ page: [UInt8], _ index: Int) -> Int {
                var index = index
                while index < page.count && page[index] & 0xC0 == 0x80 { index += 1 }
                return index
            }
            var spliced = Array(first.prefix(boundary(first, next(first.count))))
            spliced += second.suffix(from: boundary(second, next(second.count)))
            check(spliced, "splice \(round)")
        }
    }
}
