// The fast body fingerprint must give exactly the values the frozen reference (ReferenceFingerprint.swift, the
// implementation every stored fingerprint was computed with) gives: the exact hash, the MinHash signature (values,
// shingle count, compact form, band keys), the SimHash and the word count. A difference would make stored
// fingerprints silently incomparable with new ones.
import Foundation
import Testing
@testable import Dedup

@Suite struct FingerprintEquivalenceTests {
    /// Compares every field callers read; returns a description of the first difference, nil when equal.
    static func difference(_ paragraphs: [String], shingleSize: Int = BodyFingerprint.defaultShingleSize) -> String? {
        let new = BodyFingerprint(paragraphs: paragraphs, shingleSize: shingleSize)
        let old = ReferenceFingerprint(paragraphs: paragraphs, shingleSize: shingleSize)
        if new.exact != old.exact { return "exact \(new.exact) != \(old.exact)" }
        if new.simHash != old.simHash { return "simHash \(new.simHash) != \(old.simHash)" }
        if new.wordCount != old.wordCount { return "wordCount \(new.wordCount) != \(old.wordCount)" }
        if new.minHash.values != old.minHash.values { return "minHash values differ" }
        if new.minHash.shingleCount != old.minHash.shingleCount {
            return "shingleCount \(new.minHash.shingleCount) != \(old.minHash.shingleCount)"
        }
        if new.minHash.compact != old.minHash.compact { return "compact differs" }
        if new.minHash.bandKeys(bands: 8, rows: 2) != old.minHash.bandKeys(bands: 8, rows: 2) { return "band keys differ" }
        let words = BodyFingerprint.normalizedWords(paragraphs)
        let oldWords = ReferenceFingerprint.normalizedWords(paragraphs)
        if words != oldWords { return "normalizedWords differ" }
        if BodyFingerprint.exact(paragraphs) != old.exact { return "static exact differs" }
        if BodyFingerprint.simHash(paragraphs, shingleSize: shingleSize) != old.simHash { return "static simHash differs" }
        if MinHashSignature(words: oldWords, shingleSize: shingleSize).values != old.minHash.values {
            return "MinHashSignature(words:) differs"
        }
        return nil
    }

    /// Checks every case and reports the first few differences with their input (a test failing on 1,000 cases
    /// at once says nothing more than one that names three).
    static func check(_ cases: [(name: String, paragraphs: [String])], shingleSizes: [Int] = [3]) {
        var failures = 0
        for (name, paragraphs) in cases {
            for size in shingleSizes {
                guard let difference = difference(paragraphs, shingleSize: size) else { continue }
                failures += 1
                if failures <= 3 {
                    let shown = paragraphs.map { $0.unicodeScalars.map { $0.value < 0x80 ? String($0) : "\\u{\(String($0.value, radix: 16))}" }.joined() }
                    Issue.record("\(name) (shingle size \(size)): \(difference); input: \(String(describing: shown).prefix(600))")
                }
            }
        }
        #expect(failures == 0, "\(failures) of \(cases.count * shingleSizes.count) cases differ")
    }

    static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/", !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url
    }()

    // MARK: - Inline cases

    static let inline: [(name: String, paragraphs: [String])] = [
        ("empty", []),
        ("one empty paragraph", [""]),
        ("whitespace only", ["   \t\n  ", "\u{00A0}\u{2003}"]),
        ("one word", ["Kata"]),
        ("two words", ["dua kata"]),
        ("three words", ["tiga kata saja"]),
        ("indonesian", [
            "JAKARTA, KOMPAS.com - Presiden Joko Widodo meresmikan Bendungan Sadawarna di Subang, Jawa Barat, pada Kamis (4/1/2024).",
            "Bendungan senilai Rp 1,8 triliun itu diharapkan mengairi 4.600 hektare sawah. “Ini penting,” kata Jokowi.",
            "Baca juga: Jokowi Resmikan Bendungan",
            "Jum’at, 5 Januari 2024 - 10:15 WIB",
            "Warga menyambut baik pembangunan itu. (nds/krs)",
            "Artikel ini telah tayang di Kompas.com dengan judul \"Bendungan\".",
        ]),
        ("dateline variants", [
            "Liputan6.com, Jakarta - Harga cabai naik.", "Jakarta (ANTARA) - Harga bawang turun.", "Teks biasa - bukan dateline.",
        ]),
        ("dateline second paragraph", ["Foto: ilustrasi", "TRIBUNNEWS.COM, WASHINGTON – Teks kedua.", "SURABAYA — Teks ketiga."]),
        ("desk initials and credits", [
            "Akhir berita. (tim/tim)", "Kata Presiden (RI)", "Sabtu (30/7/2022)", "Penutup (Tribunnews.com/Fahdi)  ",
            "Lain (Kompas.com)", "Kurung (ABC)", "Kosong ()", "Banyak (a/b/c/d/e)", "Hanya (ant)\u{00A0}",
        ]),
        ("boilerplate with odd spacing", [
            "  \u{00A0}Baca juga: lain", "BACA JUGA lain", "\tEditor : Someone", "COPYRIGHT © ANTARA 2022", "© Copyright 2024",
            "Copyright\u{00A0}2024", "copyright (c) x", "Baca juga\u{0301} bukan", "Baca\r\njuga", "baca juga", "isi berita tetap ada",
        ]),
        ("cjk", ["北京时间1月4日，中国国家主席习近平在人民大会堂会见了来访的外国领导人。", "東京 — 日本の首相は記者会見で述べた。", "서울 - 한국 대통령은 말했다."]),
        ("arabic", ["القاهرة - قال الرئيس المصري عبد الفتاح السيسي إن مصر ستواصل دعمها.", "١٢٣ ٤٥٦ أرقام عربية"]),
        ("hebrew and cyrillic", ["ירושלים - ראש הממשלה אמר", "МОСКВА - Президент России заявил. ПРИВЕТ Мир"]),
        ("emoji", ["Hore 🎉🎉 menang! 👍🏽 Keluarga 👨‍👩‍👧‍👦 datang", "🇮🇩 Indonesia 🇮🇩", "a😀b c😀d"]),
        ("combining marks", [
            "Cafe\u{0301} de\u{0301}ja\u{0300} vu", "\u{0301}\u{0301} mark first", "e\u{20DD} enclosing", "क्षत्रिय हिन्दी",
            "x \u{0301} y", "ा spacing mark first",
        ]),
        ("turkish and special case mappings", [
            "İstanbul IĞDIR ılık İİİ", "STRASSE Straße ẞ", "ΣΟΦΟΣ Σ ΌΣΟΣ", "ǅemal ǈ ǋ", "K Kelvin Å Angstrom", "ŉ ǰ ﬀ",
        ]),
        ("ligatures and compatibility", ["ﬁnance ﬂow ﬃ", "ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３", "Ⅻ roman ⅻ", "x² H₂O ½ ¾"]),
        ("punctuation and digits", [
            "Rp1.500.000,- (30/7/2022) 08:06:59 WIB -- [a]{b}<c> @#$%^&*_=+|\\~`'\"?!;:",
            "3,14 2.718 1e10 0x1F 007 ٣ ৩ ๓", "a-b_c.d/e", "--- ... ,,,",
        ]),
        ("invisible and unusual spaces", [
            "nol\u{200B}lebar", "nbsp\u{00A0}spasi", "bom\u{FEFF}tanda", "soft\u{00AD}hyphen", "zwj\u{200D}zwnj\u{200C}x",
            "thin\u{2009}space\u{202F}narrow", "ideo\u{3000}graphic", "line\u{2028}sep\u{2029}par", "nel\u{0085}x",
            "ctrl\u{0001}\u{001F}\u{007F}chars", "tab\tnew\nline\rcr\r\ncrlf\u{000B}vt\u{000C}ff",
        ]),
        ("very long words", [
            String(repeating: "a", count: 5000), String(repeating: "Zé", count: 3000) + " ujung",
            String(repeating: "kata ", count: 2000), String(repeating: "漢", count: 4000),
        ]),
        ("many short paragraphs", (0..<300).map { "p\($0) kata \($0 % 7)" }),
        ("date lines", [
            "Sabtu, 30 Juli 2022 - 08:06 WIB", "30/07/2022 08:06", "Senin 1 Januari 2024 WITA", "Tahun 1999 UTC",
            "Selasa, 2 Mei 2023 | 19:00 WIT", "2024 gmt", "Rabu, 3 Mei 2023 12:00 WIB ini adalah kalimat yang sangat panjang sekali",
            "Kamis, ２０２３ 08:06 WIB", "Jumat, 2023\u{00A0}08:06 WIB", "12:30 1980",
        ]),
        ("repeated shingles", ["a b c a b c a b c a b c", "x x x x x x x x x x"]),
        // The word and shingle buffers are sized from the bytes: the densest texts (one-byte words, one-byte
        // separators), lowercase mappings longer than their scalar, and three-word shingles across paragraphs.
        ("densest words", [String(repeating: "a ", count: 3000) + "z", "b.c,d;e", String(repeating: "x\u{00A0}", count: 500)]),
        ("expanding lowercase", [String(repeating: "İ ", count: 2000), String(repeating: "İ", count: 3000), "ΣΑ İİ"]),
        ("words across paragraphs", ["a", "b", "c"]),
        ("two words in two paragraphs", ["Satu.", "(dua)"]),
        ("small then large paragraph", ["x", String(repeating: "İa ", count: 5000)]),
        // Short lines with non-ASCII scalars that isDateLine decides on bytes (inert ones) or leaves to the String
        // version (marks, prepends, non-ASCII digits and spaces next to the digits and the ':').
        ("date lines with non-ASCII", [
            "2020-08-01 18:00:00+00 │ 200 │ 4084", "TNW中文站2016年10月14日07:17", "2016年10月14日 07:17", "２０１６年 07:17",
            "Sabtu,\u{3000}30 Juli 2022 – 08:06 WIB", "30 Juli 2022\u{00A0}08:06", "Senin 2023 10:00 WİB", "📅 2024 12:30 🕐",
            "2024 1\u{0301}2:30", "2024\u{0301} 12:30 WIB", "2024 12:3\u{0600}0", "\u{0600}2024 12:30", "2024 ١٢:٣٠ wib",
            "2024 12:30\u{200D}", "🇮🇩 2019 utc", "2019 🇮🇩\u{1F3FB} 08:06", "Jum’at, 5 Januari 2024 - 10:15 WIB", "“2023” 10:45 —",
            "1999 utc\u{2028}x", "2020 gmt\u{0085}", "ǅ 2021 10:10", "2021 KL 10:10", "2022 wib\u{00AD}", "2000 ९:१२",
        ]),
    ]

    @Test func inlineCasesMatchTheReference() {
        Self.check(Self.inline, shingleSizes: [1, 2, 3, 4, 7])
    }

    // MARK: - Generated cases

    /// Deterministic pseudo-random paragraphs stitched from fragments that exercise every branch: ASCII and
    /// non-ASCII letters, marks, digits, separators, boilerplate openings, datelines, desk initials.
    static func generated(count: Int) -> [(name: String, paragraphs: [String])] {
        let fragments = [
            "kata", "Kata", "KATA", " ", "  ", "\t", "\n", "\r\n", "\u{00A0}", "\u{200B}", "\u{3000}", ",", ".", " - ",
            " -- ", " – ", " — ", "(", ")", "/", ":", "’", "“", "”", "0", "42", "2024", "08:06", "WIB", "é", "e\u{0301}",
            "\u{0301}", "İ", "ı", "ß", "ﬁ", "Σ", "ς", "K", "Ⅻ", "²", "漢字", "한국", "مرحبا", "١٢", "😀", "👨‍👩‍👧", "🇮🇩",
            "Baca juga: ", "Editor: ", "Copyright ", "© ", "JAKARTA, KOMPAS.com - ", "Jakarta (ANTARA) - ", "(ian/tim)",
            "(Tribunnews.com/Fahdi)", "(RI)", "(30/7/2022)", "Sabtu, 30 Juli 2022 - 08:06 WIB", "a", "b", "c", "ab",
            "Menteri", "berita", "\u{FEFF}", "\u{00AD}", "ǅ", "Ω", "\u{0085}", "\u{2028}", "ा", "e\u{20DD}", "Ａ", "ｚ",
        ]
        var state: UInt64 = 0x5eed
        func next() -> Int {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return Int(truncatingIfNeeded: (z ^ (z >> 31)) >> 1)
        }
        return (0..<count).map { index in
            let paragraphs = (0..<(next() % 6)).map { _ in
                (0..<(next() % 40)).map { _ in fragments[next() % fragments.count] }.joined()
            }
            return ("generated #\(index)", paragraphs)
        }
    }

    @Test func generatedCasesMatchTheReference() {
        Self.check(Self.generated(count: 1500), shingleSizes: [1, 3])
    }

    /// Paragraphs aimed at the byte-level decisions' edges: a boilerplate prefix or dateline in random case after
    /// odd leading whitespace and before an odd boundary scalar, desk initials before odd endings, short date-like
    /// lines with non-ASCII scalars.
    static func targeted(count: Int) -> [(name: String, paragraphs: [String])] {
        let leading = ["", " ", "  \t", "\u{00A0}", "\u{3000}", " \u{0301}", "\r\n", "\u{200B}", "\u{0600}", "\u{FEFF}"]
        let openings = BodyFingerprint.boilerplatePrefixes + [
            "JAKARTA, KOMPAS.com - ", "Jakarta (ANTARA) - ", "Liputan6.com, Jakarta -- ", "SURABAYA – ", "BANDUNG — ",
            "Jakarta, CNN Indonesia -- ", "(Reuters) - ", "kota kecil - ", "İSTANBUL - ", "ÉTÉ - ", "", "", "",
        ]
        let boundaries = ["", " ", ":", "\u{0301}", "\u{00A0}", "©", "\u{212A}", "İ", "“", "”", "漢", "😀", "\u{200D}",
                          "\u{0903}", "\u{1F3FB}", "é", "\r", "\n", "x"]
        let middles = ["kata biasa di sini", "Berita 2024 pukul 08:06 WIB", "Sabtu, 30 Juli 2022", "twitter with utc",
                       "١٢:٣٠ 2023 wib", "WİB 2022 10:00", "harga Rp1.500", "", "ab", "Mañana 20:15 GMT 1999"]
        let endings = ["", ".", " (ian/tim)", " (ian/tim) ", " (İan)", " (a/b) ”", "” ", " \u{00A0}", ")\u{0301}", "\u{0600} ",
                       " (Tribunnews.com/Fahdi)", " (kompas.com)\u{3000}", " (RI)", " (30/7/2022)", " (ant)\r\n",
                       " (x\u{0301})", " (\u{0600}ab)", "(abc", " (ANTARA)", " (tim/tim/tim/tim/tim)", " 😀", " (漢)"]
        var state: UInt64 = 0x7a9e7
        func pick<T>(_ items: [T]) -> T {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return items[Int(truncatingIfNeeded: (z ^ (z >> 31)) >> 1) % items.count]
        }
        func randomCase(_ text: String) -> String {
            String(text.map { pick([true, false]) ? Character($0.uppercased()) : $0 })
        }
        return (0..<count).map { index in
            let paragraphs = (0..<(1 + index % 4)).map { _ in
                pick(leading) + randomCase(pick(openings)) + pick(boundaries) + pick(middles) + pick(endings)
            }
            return ("targeted #\(index)", paragraphs)
        }
    }

    @Test func targetedCasesMatchTheReference() {
        Self.check(Self.targeted(count: 3000))
    }

    /// Each byte-level decision, where it decides, equals the String function it stands for (checked one by one,
    /// so a wrong decision cannot hide behind another filter).
    @Test func byteDecisionsAgreeWithTheStringFunctions() {
        let paragraphs = (Self.inline + Self.generated(count: 1500) + Self.targeted(count: 3000)).flatMap(\.paragraphs)
        var decided = [0, 0, 0, 0], differing: [String] = []
        for paragraph in paragraphs {
            var text = paragraph
            text.withUTF8 { utf8 in
                if let fast = NormalizedText.isBoilerplate(utf8) {
                    decided[0] += 1
                    if fast != BodyFingerprint.isBoilerplate(paragraph) { differing.append("isBoilerplate: \(paragraph.debugDescription)") }
                }
                if let fast = NormalizedText.isDateLine(utf8) {
                    decided[1] += 1
                    if fast != BodyFingerprint.isDateLine(paragraph) { differing.append("isDateLine: \(paragraph.debugDescription)") }
                }
                if let start = NormalizedText.datelineEnd(utf8) {
                    decided[2] += 1
                    let expected = BodyFingerprint.stripDateline(paragraph)
                    if String(decoding: UnsafeBufferPointer(rebasing: utf8[start...]), as: UTF8.self).utf8.elementsEqual(expected.utf8) == false {
                        differing.append("stripDateline: \(paragraph.debugDescription)")
                    }
                }
                if let end = NormalizedText.deskInitialsEnd(utf8) {
                    decided[3] += 1
                    let expected = BodyFingerprint.stripDeskInitials(paragraph)
                    if !String(decoding: UnsafeBufferPointer(rebasing: utf8[..<end]), as: UTF8.self).utf8.elementsEqual(expected.utf8) {
                        differing.append("stripDeskInitials: \(paragraph.debugDescription)")
                    }
                }
            }
        }
        #expect(differing.isEmpty, "\(differing.count) differ, e.g. \(differing.prefix(3))")
        // Most paragraphs are decided on bytes (else the fast paths would be dead code the test cannot see).
        #expect(decided.allSatisfy { $0 > paragraphs.count / 2 }, "decided on bytes: \(decided) of \(paragraphs.count)")
    }

    /// Short lines whose non-ASCII scalars are inert (box drawing, CJK, ideographic space, emoji) are decided on
    /// bytes, as the String version decides them; a mark on a digit or a prepend next to one is left to it.
    @Test func inertNonASCIIDateLinesAreDecidedOnBytes() {
        let decided = ["2020-08-01 18:00:00+00 │ 200 │ 4084", "TNW中文站2016年10月14日07:17", "Sabtu,\u{3000}30 Juli 2022 08:06 WIB",
                       "📅 2024 12:30", "2024 12:30 WİB 中文 │ x"]
        for line in decided {
            var text = line
            let fast = text.withUTF8 { NormalizedText.isDateLine($0) }
            #expect(fast == BodyFingerprint.isDateLine(line), "\(line.debugDescription)")
        }
        for line in ["2024 1\u{0301}2:30", "\u{0600}2024 12:30", "2024 ١٢:٣٠"] {
            var text = line
            #expect(text.withUTF8 { NormalizedText.isDateLine($0) } == nil, "\(line.debugDescription)")
        }
    }

    /// The byte search for the dateline dash finds what the String version finds: the same first dash at the same
    /// offsets, including dashes cut by the 256-byte head, dash bytes without their spaces, and runs of eight.
    @Test func firstDashAgreesWithTheStringSearch() {
        let dashes = [" - ", " -- ", " – ", " — ", "-", "--", " -", "- ", "–", " —", "\u{2013}", " \u{2012} ", " ―  "]
        var paragraphs = (Self.inline + Self.generated(count: 300) + Self.targeted(count: 600)).flatMap(\.paragraphs)
        for dash in dashes {
            for offset in [0, 1, 7, 8, 9, 60, 248, 250, 251, 252, 253, 254, 255, 256] {
                paragraphs.append(String(repeating: "a", count: offset) + dash + "sisa teks")
                paragraphs.append(String(repeating: "é", count: offset / 2) + dash)
                paragraphs.append(String(repeating: "x-", count: offset / 2) + dash + "y")
            }
        }
        var differing: [String] = []
        for paragraph in paragraphs {
            let expected = BodyFingerprint.firstDash(in: paragraph).map {
                paragraph.utf8.distance(from: paragraph.utf8.startIndex, to: $0.lowerBound)
                    ..< paragraph.utf8.distance(from: paragraph.utf8.startIndex, to: $0.upperBound)
            }
            var text = paragraph
            let found = text.withUTF8 { NormalizedText.firstDash($0) }
            if found != expected { differing.append(paragraph.debugDescription) }
        }
        #expect(differing.isEmpty, "\(differing.count) differ, e.g. \(differing.prefix(3))")
    }

    // MARK: - Real texts

    /// The dedup evaluation set: real Indonesian articles and their republishing variants.
    @Test func evaluationSetMatchesTheReference() throws {
        struct Document: Decodable { let id: String; let paragraphs: [String] }
        let path = Self.repositoryRoot.appendingPathComponent("Tests/Fixtures/dedup-eval/docs.jsonl")
        let text = try String(contentsOf: path, encoding: .utf8)
        let decoder = JSONDecoder()
        let documents = try text.split(separator: "\n").map { try decoder.decode(Document.self, from: Data($0.utf8)) }
        #expect(documents.count > 500)
        Self.check(documents.map { ($0.id, $0.paragraphs) })
    }

    /// The extraction dev set's truth texts (93 real pages in several languages and edge cases), when this machine
    /// has them: each as its lines, as one paragraph, and uppercased.
    @Test func extractionDevTruthsMatchTheReference() throws {
        let folder = URL(fileURLWithPath: "/work/shared/data/extraction-dev/truth")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        var cases: [(name: String, paragraphs: [String])] = []
        for name in names.sorted() where name.hasSuffix(".txt") {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            cases.append((name, lines))
            cases.append((name + " as one paragraph", [text]))
            cases.append((name + " uppercased", lines.map { $0.uppercased() }))
        }
        #expect(cases.count >= 300)
        Self.check(cases)
        Self.check(Array(cases.prefix(60)), shingleSizes: [1, 5])
    }
}
