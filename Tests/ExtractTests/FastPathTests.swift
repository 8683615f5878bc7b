// The byte-level fast paths must agree with the slow, obviously-right code they replace: spool lines against
// SpoolTextFormat.line, character counts against String.count, class/id hints against plain substring tests,
// bounded text reads against the full text, the batch's spool text against ExtractedArticle.spoolText.
import CrawlerModel
@testable import Extract
import Foundation
import LibXML2
import Testing

@Suite struct FastPathTests {
    /// Every scalar the spool-line fast path treats as NFC-stable, in runs with spaces, NBSPs, zero-width and
    /// combining characters around them: the fast path and SpoolTextFormat.line give the same line.
    @Test func spoolLineAgreesOnEveryStableScalar() {
        var stable: [Unicode.Scalar] = []
        for value in UInt32(0x300) ..< 0x1FB00 where isNFCStable(value) {
            if let scalar = Unicode.Scalar(value) { stable.append(scalar) }
        }
        #expect(stable.count > 40_000)
        var mismatches: [String] = []
        var index = 0
        while index < stable.count {
            var chunk = String.UnicodeScalarView()
            for scalar in stable[index ..< min(index + 64, stable.count)] {
                chunk.append(scalar)
                if scalar.value % 7 == 0 { chunk.append(" ") }
                if scalar.value % 11 == 0 { chunk.append("\u{A0}") }
            }
            let line = "  a" + String(chunk) + "\u{200B}b  "
            if spoolLine(line) != SpoolTextFormat.line(line) { mismatches.append(String(line.prefix(20))) }
            index += 64
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    /// Random lines of ASCII words, single and double spaces, tabs, controls, DEL, NBSPs and other scalars, long
    /// enough for the eight-bytes-at-a-time path to meet every boundary: same line as SpoolTextFormat.line.
    @Test func spoolLineAgreesOnRandomMixedLines() {
        let pieces = ["Presiden", "kata", "a", "b", "2026,", "(Antara)", "-", " ", " ", "  ", "\t", "\n", "\u{1}", "\u{7F}",
                      "\u{A0}", "é", "“kutip”", "\u{200B}", "数据", "~!@#$%^&*", "e\u{301}", "xxxxxxxxxxxxxxxx"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3_000 {
            let line = (0..<Int.random(in: 0...40, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(spoolLine(line) == SpoolTextFormat.line(line), "\(line.debugDescription)")
        }
    }

    @Test(arguments: [
        "plain ascii", "  spaces\t\tand\nnewlines  ", "Café déjà vu", "e\u{301}tude", "“quoted” — dash…", "数据显示，市场",
        "ひらがな と カタカナ", "が (\u{304B}\u{3099})", "Привет, мир", "Ελληνικά \u{0387}", "한국어 텍스트", "ｆｕｌｌｗｉｄｔｈ",
        "emoji 👍🏽 ok", "flag 🇮🇩 here", "zero\u{200B}width\u{FEFF}", "soft\u{AD}hyphen", "\u{1}control\u{7F}", "Ω \u{2126}",
        "ﬁ ligature", "\u{2028}line\u{2029}sep", "ا لعربية", "ไทย",
    ])
    func spoolLineAgrees(_ text: String) {
        #expect(spoolLine(text) == SpoolTextFormat.line(text))
    }

    @Test(arguments: [
        "", "ascii only", "crlf\r\nhere", "Café", "e\u{301}", "“quoted” — dash", "数据显示，市场", "👍🏽", "🇮🇩🇮🇩",
        "zwj\u{200D}join", "a\u{200C}b", "ひらがな", "한국어", "\u{1100}\u{1161}", "x\u{FE0F}",
    ])
    func characterCountAgrees(_ text: String) {
        #expect(characterCount(text) == text.count)
    }

    /// The title-vs-heading similarity on byte tokens equals the Character-level split's, or the texts are
    /// left to that split (nil tokens).
    @Test func textSimilarityAgreesWithTheCharacterSplit() {
        let texts = ["Harga BBM Naik Mulai Besok, Ini Daftarnya", "harga bbm naik mulai besok", "Harga BBM",
                     "BERITA TERKINI: Harga BBM naik 10% mulai besok!", "Café déjà vu à Paris", "CAFÉ DÉJÀ VU",
                     "“Kata dia,” — Presiden Jokowi", "kata dia presiden jokowi", "数据显示 市场 增长", "数据显示",
                     "snake_case and digits 2026 ²", "İstanbul İzmir", "e\u{301}tude", "Ελληνικά λέξεις",
                     "tab\tand\r\nnewline", "", "   ", "— – …", "ÀÉÎÕÜ àéîõü Ÿ ÿ", "Straße STRASSE", "ǅ ǆ Ǆ",
                     "a_b a b _", "ｆｕｌｌ width", "emoji 👍 ok", "zwj a\u{200D}b", "\u{2126}hm", "dots…and—dashes"]
        var compared = 0
        for a in texts {
            for b in texts {
                let slow = Scorer.textSimilaritySlow(a, b)
                guard let tokensA = SimilarityTokens(a), let tokensB = SimilarityTokens(b) else { continue }
                let fast = Scorer.textSimilarity(tokensA, tokensB)
                #expect(fast == slow || (fast.isNaN && slow.isNaN), "\(a) | \(b)")
                compared += 1
            }
        }
        #expect(compared >= 400)
        #expect(SimilarityTokens("e\u{301}tude") == nil)
        #expect(SimilarityTokens("İstanbul") == nil)
        #expect(SimilarityTokens("Ελληνικά") == nil)
    }

    /// The text measure (eight ASCII bytes a step where it can) against the plain byte-by-byte count.
    @Test func textMeasureAgreesWithTheByteLoop() {
        func reference(_ content: [UInt8]) -> (Int32, Int32, Bool) {
            var length: Int32 = 0, commas: Int32 = 0, inSpace = false, sawText = false
            var previous: UInt8 = 0, previous2: UInt8 = 0
            for byte in content {
                if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C {
                    if !inSpace { length += 1; inSpace = true }
                } else if byte & 0xC0 != 0x80 {
                    length += 1; inSpace = false; sawText = true
                    if byte == 0x2C { commas += 1 }
                } else {
                    if byte == 0x8C && ((previous == 0xBC && previous2 == 0xEF) || previous == 0xD8) { commas += 1 }
                    if byte == 0xA0 && previous == 0xC2 { length -= 1; if !inSpace { length += 1; inSpace = true } }
                }
                previous2 = previous; previous = byte
            }
            return (length, commas, !sawText)
        }
        let pieces = ["a", "kata", " ", "  ", ",", ", ", "\n", "\t", "\r\n", "\u{0C}", "\u{1}", "\u{A0}", "é", "，", "،",
                      "数据", "x,y", "        ", "panjang sekali", "\u{7F}", "!"]
        var generator = SystemRandomNumberGenerator()
        var mismatches: [String] = []
        for _ in 0 ..< 3_000 {
            var text = ""
            for _ in 0 ..< Int.random(in: 0 ... 24, using: &generator) { text += pieces.randomElement(using: &generator)! }
            let bytes = Array(text.utf8)
            let fast = bytes.withUnsafeBufferPointer { MiniDOM.measure($0) }
            let expected = reference(bytes)
            if fast.length != expected.0 || fast.commas != expected.1 || fast.isWhitespace != expected.2 {
                mismatches.append(text.debugDescription)
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test(arguments: [
        "Baca juga: judul lain", "  » Baca Juga » berita", "Baca:", "baca: ", "\u{A0}Berita terkait\u{A0}", "– Read more –",
        "• Lihat juga •", "\u{2039}Simak juga\u{203A}", "Rekomendasi", "Bukan baca juga", "", "   ", ":|-", "BACA:",
        "Related", "related-posts", "Read more about the story that goes on", "baca\u{301}: x", "«Baca juga»",
    ])
    func recirculationHeadAgrees(_ text: String) {
        #expect(Scorer.startsWithRecirculationHead(text) == Scorer.startsWithRecirculationHeadReference(text))
    }

    /// Readability's class/id rules written the plain way (substring tests on the lowercased values).
    static func referenceHints(className: String, id: String) -> UInt32 {
        let lowClass = className.lowercased(), lowID = id.lowercased()
        func any(_ text: String, _ words: [String]) -> Bool { !text.isEmpty && words.contains { text.contains($0) } }
        func hid(_ text: String) -> Bool { text.split(separator: " ", omittingEmptySubsequences: false).contains("hid") }
        func share(_ text: String) -> Bool {
            guard let regex = try? NSRegularExpression(pattern: "(\\b|_)(share|sharedaddy)(\\b|_)") else { return false }
            return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }
        let dates = ["date", "time", "tanggal", "publish", "waktu"]
        var bits: UInt32 = 0
        if any(lowClass, Hints.negative) || hid(lowClass) { bits |= HintBits.classNegative }
        if any(lowClass, Hints.positive) { bits |= HintBits.classPositive }
        if lowClass.contains("fallback-image") { bits |= HintBits.fallbackImage }
        if any(lowID, Hints.negative) || hid(lowID) { bits |= HintBits.idNegative }
        if any(lowID, Hints.positive) { bits |= HintBits.idPositive }
        if any(lowClass, Hints.unlikely) || any(lowID, Hints.unlikely) { bits |= HintBits.unlikely }
        if any(lowClass, Hints.maybe) || any(lowID, Hints.maybe) { bits |= HintBits.maybe }
        if any(lowClass, Hints.byline) || any(lowID, Hints.byline) { bits |= HintBits.byline }
        if any(lowClass, dates) || any(lowID, dates) { bits |= HintBits.dateHint }
        if share(lowClass + " " + lowID) { bits |= HintBits.share }
        return bits
    }

    @Test(arguments: [
        ("post-content entry-body", ""), ("", "main-article"), ("sidebar widget", "related-posts"),
        ("Baca-Juga box", "Komentar"), ("social-share", "sharedaddy"), ("shared-items", "reshare"),
        ("hid", "x hid y"), ("hidden-xs", ""), ("byline author-name", "dateline"), ("post-date", "waktu-publish"),
        ("img fallback-image", "fallback-image"), ("COMMENT-LIST", "FOOTER"), ("ad-break -ad-", "com-"),
        ("detail__body-text itp_bodycontent", "detikdetailtext"), ("read__content clearfix", "article_con"),
        ("terpopuler_list rekomendasi", "bacajuga"), ("share_", "_share"), ("sharebutton", "share-"),
    ])
    func hintsAgreeWithSubstringRules(_ attributes: (String, String)) {
        #expect(HintBits.compute(className: attributes.0, id: attributes.1)
                == Self.referenceHints(className: attributes.0, id: attributes.1),
                "class=\(attributes.0) id=\(attributes.1)")
    }

    @Test func boundedTextReadsAgreeWithTheFullText() throws {
        let html = """
            <html><body><div id="a">  Baca   juga:\n <a href="/x">Judul  berita</a> lain yang   panjang sekali dan
            lebih panjang lagi supaya lewat batas empat puluh byte &amp; seterusnya</div>
            <p id="b"><span>30 Juli</span> <b>2022</b>, 08:06 WIB</p>
            <div id="c">\(String(repeating: "kata ", count: 100))</div></body></html>
            """
        let document = try Document.parseHTML(Array(html.utf8), url: "https://example.com/")
        let dom = MiniDOM(document: document, byteCount: html.utf8.count, nodeBound: MiniDOM.nodeBound(Array(html.utf8)))
        var node = dom.root
        var checked = 0
        while node >= 0 {
            if dom.tag(node) != .text {
                let full = dom.innerText(node)
                let head = dom.innerTextHead(node, bytes: 24)
                #expect(full.hasPrefix(head) || head == full)
                #expect(head.utf8.count >= min(24, full.utf8.count))
                let short = dom.innerTextIfShort(node, maxBytes: 120)
                if full.utf8.count <= 120 { #expect(short == full) }
                if let short { #expect(short == full) }
                checked += 1
            }
            node = dom.following(node, within: dom.root)
        }
        #expect(checked >= 6)
    }

    @Test func nodeBoundCoversTheMirror() throws {
        let html = "<p>a<b>b</b>c<!-- x -->d &amp; e<br>f<table><tr><td>g</table>loose text"
        let bytes = Array(html.utf8)
        let document = try Document.parseHTML(bytes, url: "https://example.com/")
        let exact = try #require(document.root).countDescendants(maxDepth: MiniDOM.maxDepth)
        #expect(MiniDOM.nodeBound(bytes) >= exact)
    }

    @Test func batchSpoolTextIsTheArticlesSpoolText() throws {
        let extractor = Extractor(rules: .builtIn)
        var compared = 0
        for name in FixturePaths.cases() {
            let file = FixturePaths.fixtures.appendingPathComponent(name).appendingPathComponent("source.html")
            let report = extractor.report(html: [UInt8](try Data(contentsOf: file)), url: "https://example.com/\(name)")
            guard let article = report.candidate else { continue }
            #expect(ExtractBatch.spoolText(article) == article.spoolText, "\(name)")
            compared += 1
        }
        let unusual = ExtractedArticle(title: "  Judul\u{A0} ", paragraphs: ["a  b", "", " é\u{301} ", "plain line"],
                                       metadata: ArticleMetadata())
        #expect(ExtractBatch.spoolText(unusual) == unusual.spoolText)
        #expect(compared >= 5)
    }

    @Test func languageCountsMatchTheCharacterSplit() {
        #expect(Language.detect(["Ini adalah berita yang sangat penting dan akan dibaca oleh banyak orang."]) == "id")
        #expect(Language.detect(["This is the story of the day, and it was told by the people who were there."]) == "en")
        // Curly quotes and accented letters take the byte path; combining marks the character path.
        #expect(Language.detect(["“Kata dia,” yang dan di dari café"]) == "id")
        #expect(Language.detect(["the and of to in", "caf\u{65}\u{301} dan"]) == "en")
        #expect(Language.detect(["xyz"]) == nil)
    }
}
