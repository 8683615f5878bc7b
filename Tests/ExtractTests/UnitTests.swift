// Unit tests for the pieces of the Extract stage: display and machine dates, boilerplate lines, datelines,
// <br><br> bodies, selectors and site-rule loading.
import CrawlerModel
import Extract
import Foundation
import Testing

@Suite struct DisplayDateTests {
    /// (text, expected RFC 3339 with the page's own offset)
    static let cases: [(String, String)] = [
        ("Sabtu, 30 Juli 2022 - 08:06 WIB", "2022-07-30T08:06:00+07:00"),
        ("Jum'at, 24 Juli 2026 - 14:00 WIB", "2026-07-24T14:00:00+07:00"),
        ("Jum’at, 24 Juli 2026 - 14:00 WIB", "2026-07-24T14:00:00+07:00"),
        ("30/07/2022, 08:06 WIB", "2022-07-30T08:06:00+07:00"),
        ("Kompas.com - 30/07/2022, 08:06 WIB", "2022-07-30T08:06:00+07:00"),
        ("24 Juli 2026 | 09.00 WIB", "2026-07-24T09:00:00+07:00"),
        ("Kamis, 23 Jul 2026 14:35 WIB", "2026-07-23T14:35:00+07:00"),
        ("Jurnalis-Jum'at, 24 Juli 2026 |15:18 WIB", "2026-07-24T15:18:00+07:00"),
        ("Diterbitkan 24 Juli 2026, 10:26 WIB", "2026-07-24T10:26:00+07:00"),
        ("Jumat   24 Jul 2026  16:32 WIB", "2026-07-24T16:32:00+07:00"),
        ("Senin, 17 Agu 2026 10:00 WITA", "2026-08-17T10:00:00+08:00"),
        ("17 Agt 2026 10:00 WIT", "2026-08-17T10:00:00+09:00"),
        ("5 Okt 2026 07:45 WIB", "2026-10-05T07:45:00+07:00"),
        ("Rabu, 9 Des 2026 - 23:59 WIB", "2026-12-09T23:59:00+07:00"),
        ("Ahad, 1 Februari 2026 | 06.30 WITA", "2026-02-01T06:30:00+08:00"),
        ("24 Jul 2026 - 06:10 WIB", "2026-07-24T06:10:00+07:00"),
        ("Terbit 24 Jul 2026 11:00 WIB", "2026-07-24T11:00:00+07:00"),
    ]

    @Test(arguments: cases)
    func displayDate(_ text: String, _ expected: String) throws {
        let date = try #require(DisplayDates.parse(text))
        #expect(DisplayDates.rfc3339(date) == expected)
    }

    @Test func instantIsRight() throws {
        // 08:06 WIB is 01:06 UTC.
        let date = try #require(DisplayDates.parse("Sabtu, 30 Juli 2022 - 08:06 WIB"))
        #expect(date.date == Date(timeIntervalSince1970: 1_659_143_160))
        #expect(date.utcOffsetSeconds == 25_200)
        let wita = try #require(DisplayDates.parse("30 Juli 2022 09:06 WITA"))
        #expect(wita.date == date.date)
        let wit = try #require(DisplayDates.parse("30 Juli 2022 10:06 WIT"))
        #expect(wit.date == date.date)
    }

    @Test func noZoneTakesTheSiteDefault() throws {
        let local = try #require(DisplayDates.parse("20 July 2026, 23:40", defaultOffset: 7 * 3600))
        #expect(DisplayDates.rfc3339(local) == "2026-07-20T23:40:00+07:00")
        let unknown = try #require(DisplayDates.parse("20 July 2026, 23:40"))
        #expect(unknown.utcOffsetSeconds == nil)
    }

    @Test func notADate() {
        #expect(DisplayDates.parse("Menteri Luar Negeri Amerika Serikat") == nil)
        #expect(DisplayDates.parse("32 Juli 2022 10:00 WIB") == nil)
        #expect(DisplayDates.parse("") == nil)
    }

    @Test func machineDates() throws {
        let cases: [(String, Int?, String)] = [
            ("2022-07-30T08:06:00+07:00", nil, "2022-07-30T08:06:00+07:00"),
            ("2026-07-24T12:40+07:00", nil, "2026-07-24T12:40:00+07:00"),
            ("2022-07-30T01:06:00.000Z", nil, "2022-07-30T01:06:00Z"),
            ("2026-07-24 15:16:40", 25_200, "2026-07-24T15:16:40+07:00"),
            ("2026-03-26 12:14:10", 25_200, "2026-03-26T12:14:10+07:00"),
            ("20220730T080600+0700", nil, "2022-07-30T08:06:00+07:00"),
            ("2022-07-30", 25_200, "2022-07-30T00:00:00+07:00"),
        ]
        for (text, offset, expected) in cases {
            let date = try #require(DisplayDates.parseISO(text, defaultOffset: offset), "\(text)")
            #expect(DisplayDates.rfc3339(date) == expected, "\(text)")
        }
        #expect(DisplayDates.parseISO("yesterday") == nil)
        #expect(DisplayDates.parseISO("2022-13-01") == nil)
    }
}

@Suite struct BoilerplateTests {
    @Test(arguments: ["Baca Juga: Rusia Siap Bahas Pertukaran Tahanan", "Baca juga: Harga emas hari ini",
                      "Lihat Juga: Video banjir", "Simak juga video 'Banjir Rob'", "ADVERTISEMENT",
                      "SCROLL TO CONTINUE WITH CONTENT",
                      "Artikel ini telah tayang di Kompas.com dengan judul \"X\", Klik untuk baca: https://x",
                      "Pewarta: Fulan", "Editor: Fulanah", "(ian)", "(tim/tim)", "(lau/pta)", "Halaman 1 2 3",
                      "Halaman 1/2", "Halaman 2 dari 3", "1 2 Tampilkan Semua",
                      "Dapatkan berita terkini dan kejutan menarik dari SINDOnews.com, Klik Disini",
                      "Ikuti berita terkini dari Tribunnews di Google News", "Download aplikasi Kompas.com",
                      "[Gambas:Video 20detik]", "Simak breaking news dan berita pilihan kami langsung di ponselmu.",
                      "Follow Berita Okezone di Google News", "(Tribunnews.com/Fahdi Fahlevi)",
                      "Pilihan Editor: Harga Beras Naik", "Scroll ke bawah untuk melanjutkan membaca",
                      "Sumber: Reuters", "Halaman Selanjutnya", "(mcr8/jpnn)", "[bal]", "(IDN Times/Fulan)",
                      "Baca artikel detiknews, \"Judul\" selengkapnya https://news.detik.com/x",
                      "(Reporting by Jane Doe; Editing by John Roe)"])
    func dropped(_ line: String) {
        #expect(Boilerplate.dropReason(line) != nil, "\(line)")
    }

    @Test(arguments: ["WASHINGTON - Menteri Luar Negeri Amerika Serikat (AS) Antony Blinken dan koleganya.",
                      "Editor mana pun akan setuju bahwa tulisan ini panjang sekali dan berisi banyak hal.",
                      "Halaman depan koran itu memuat foto presiden.", "(AS) menolak tawaran itu",
                      "The share price rose 3 percent on Monday.", "Advertisement revenue fell sharply this year.",
                      "Warga mengikuti kabar itu lewat Instagram dan bertanya kepada polisi setempat kemarin.",
                      "(Dalam konteks ini, AS/NATO tidak terlibat langsung.)"])
    func kept(_ line: String) {
        #expect(Boilerplate.dropReason(line) == nil, "\(line)")
    }

    @Test func trailingInitials() {
        #expect(Boilerplate.strippingTrailingInitials("Demikian kata dia. (ian)") == "Demikian kata dia.")
        #expect(Boilerplate.strippingTrailingInitials("Demikian kata dia. (nds/krs)") == "Demikian kata dia.")
        #expect(Boilerplate.strippingTrailingInitials("Kata Presiden Amerika Serikat (AS)") == "Kata Presiden Amerika Serikat (AS)")
        #expect(Boilerplate.strippingTrailingInitials("Kata dia. [bal]") == "Kata dia.")
        #expect(Boilerplate.strippingTrailingInitials("Kata dia. (mcr8/jpnn)") == "Kata dia.")
        #expect(Boilerplate.strippingTrailingInitials("Harga naik (2024)") == "Harga naik (2024)")
        #expect(Boilerplate.isDeskInitials("(tim/tim)"))
        #expect(!Boilerplate.isDeskInitials("(AS)"))
        #expect(!Boilerplate.isDeskInitials("(30/7/2022)"))
    }
}

@Suite struct DatelineTests {
    @Test(arguments: [
        ("TRIBUNNEWS.COM, WASHINGTON - Menteri Luar Negeri Amerika Serikat", "TRIBUNNEWS.COM, WASHINGTON -"),
        ("WASHINGTON - Menteri Luar Negeri Amerika Serikat (AS) Antony Blinken", "WASHINGTON -"),
        ("Jakarta (ANTARA) - Pemerintah menargetkan produksi beras", "Jakarta (ANTARA) -"),
        ("JAKARTA, KOMPAS.com - Presiden Joko Widodo", "JAKARTA, KOMPAS.com -"),
        ("Jakarta, CNN Indonesia -- Badan Meteorologi", "Jakarta, CNN Indonesia --"),
        ("Liputan6.com, Jakarta - Harga emas", "Liputan6.com, Jakarta -"),
        ("REPUBLIKA.CO.ID, JAKARTA -- Menteri", "REPUBLIKA.CO.ID, JAKARTA --"),
        ("Jakarta - Polisi menangkap", "Jakarta -"),
        ("TRIBUN-MEDAN.com, SIANTAR - Warga", "TRIBUN-MEDAN.com, SIANTAR -"),
    ])
    func detected(_ paragraph: String, _ expected: String) {
        #expect(Dateline.detect(paragraph) == expected)
    }

    @Test(arguments: ["Menteri Luar Negeri Amerika Serikat - yang baru dilantik - berbicara.",
                      "Ini adalah pembicaraan pertama. Kata dia - tanpa rincian - tidak ada.",
                      "the well-known case of a tree-lined street", "Blinken menegaskan kembali bahwa seruan mereka."])
    func notDetected(_ paragraph: String) {
        #expect(Dateline.detect(paragraph) == nil)
    }
}

@Suite struct BodyShapeTests {
    func extract(_ html: String, url: String = "https://example.com/news/1") -> ExtractedArticle? {
        let report = Extractor(minimumWords: 1).explain(html: Array(html.utf8), url: url)
        if case .article(let article) = report.result { return article }
        return nil
    }

    @Test func breakChainsBecomeParagraphs() throws {
        let sentence = "Kalimat panjang yang cukup untuk dihitung sebagai isi artikel, dengan koma, dan lagi koma"
        let html = """
        <html><body><div class="nav"><a href="/">Home</a> <a href="/a">A</a></div>
        <div class="content">\(sentence) satu.<br><br>\(sentence) dua.<br/><br/>\(sentence) tiga.<br>
        <br>\(sentence) empat.</div></body></html>
        """
        let article = try #require(extract(html))
        #expect(article.paragraphs == ["\(sentence) satu.", "\(sentence) dua.", "\(sentence) tiga.", "\(sentence) empat."])
    }

    @Test func inlineMarkupJoinsAndBlocksSplit() throws {
        let html = """
        <html><head><title>T</title></head><body><article><p>Satu <b>dua</b> tiga, <a href="/x">empat</a> lima enam tujuh delapan sembilan sepuluh.</p>
        <p>Kedua paragraf dengan teks yang cukup panjang, supaya dihitung oleh penilai, dan punya koma.</p>
        <p>Baca juga: <a href="/y">Berita lain</a></p><p>Ketiga paragraf yang juga cukup panjang untuk dinilai, ya, tentu.</p></article></body></html>
        """
        let article = try #require(extract(html))
        #expect(article.paragraphs == ["Satu dua tiga, empat lima enam tujuh delapan sembilan sepuluh.",
                                       "Kedua paragraf dengan teks yang cukup panjang, supaya dihitung oleh penilai, dan punya koma.",
                                       "Ketiga paragraf yang juga cukup panjang untuk dinilai, ya, tentu."])
    }

    @Test func rejectsEmptyAndBrokenInput() {
        #expect(Extractor().extract(html: [], url: "https://example.com/") == .rejected(reason: "unparseable"))
        #expect(Extractor().extract(html: Array("<html><body><div> </div></body></html>".utf8),
                                    url: "https://example.com/") == .rejected(reason: "no_content"))
        #expect(Extractor().extract(html: Array("<html><body><nav><a href='/'>Home</a></nav></body></html>".utf8),
                                    url: "https://example.com/") == .rejected(reason: "too_short"))
        let short = "<html><body><article><p>Terlalu pendek untuk menjadi artikel berita.</p></article></body></html>"
        #expect(Extractor().extract(html: Array(short.utf8), url: "https://example.com/") == .rejected(reason: "too_short"))
    }

    @Test func paywalledTeaserIsRejected() {
        let html = """
        <html><head><script type="application/ld+json">{"@type":"NewsArticle","headline":"H","isAccessibleForFree":false}</script></head>
        <body><article><p>Hanya pembuka artikel yang bisa dibaca gratis oleh pembaca, sisanya untuk pelanggan, ya.</p>
        <p>Berlangganan untuk membaca selengkapnya, dengan harga khusus, hari ini juga, sekarang.</p></article></body></html>
        """
        #expect(Extractor().extract(html: Array(html.utf8), url: "https://example.com/") == .rejected(reason: "paywalled"))
    }

    @Test func deepNestingDoesNotCrash() {
        let html = String(repeating: "<div>", count: 100_000) + "teks" + String(repeating: "</div>", count: 100_000)
        _ = Extractor().extract(html: Array(html.utf8), url: "https://example.com/")
    }
}

@Suite struct SiteRuleTests {
    @Test func selectorsTranslate() {
        #expect(Selector.xpath("div.detail-desc") == "//div[contains(concat(' ',normalize-space(@class),' '),' detail-desc ')]")
        #expect(Selector.xpath("#penulis a") == "//*[@id='penulis']//a")
        #expect(Selector.xpath("[class^=v-]") == "//*[starts-with(@class,'v-')]")
        #expect(Selector.xpath("div.a > p, p.baca") != nil)
        #expect(Selector.xpath("div:first-child") == nil)
        #expect(Selector.xpath("//div[@id='x']") == "//div[@id='x']")
    }

    @Test func bundledRulesLoadAndMatchHosts() throws {
        let rules = try SiteRules.load(directory: FixturePaths.siteRules.path)
        #expect(rules.rules.count >= 15)
        #expect(rules.rule(forHost: "international.sindonews.com")?.domain == "sindonews.com")
        #expect(rules.rule(forHost: "www.tribunnews.com")?.domain == "tribunnews.com")
        #expect(rules.rule(forHost: "news.detik.com")?.domain == "detik.com")
        #expect(rules.rule(forHost: "example.com") == nil)
        #expect(rules.rule(forHost: "notdetik.com") == nil)
    }

    @Test func badRulesAreReported() {
        #expect(throws: SiteRulesError.self) { try SiteRules.parse(Data("{\"body\": []}".utf8)) }
        #expect(throws: SiteRulesError.self) {
            try SiteRules.parse(Data("{\"domain\": \"x.com\", \"body\": [\"div::after\"]}".utf8))
        }
        #expect(throws: SiteRulesError.self) { try SiteRules.load(directory: "/nonexistent/rules") }
    }

    @Test func singlePageURLs() throws {
        let extractor = Extractor(rules: try SiteRules.load(directory: FixturePaths.siteRules.path))
        #expect(extractor.singlePageURL(for: "https://news.detik.com/berita/d-123/judul") == "https://news.detik.com/berita/d-123/judul?single=1")
        #expect(extractor.singlePageURL(for: "https://www.kompas.com/read/2022/07/30/1/judul?page=2") == "https://www.kompas.com/read/2022/07/30/1/judul?page=all")
        #expect(extractor.singlePageURL(for: "https://nasional.sindonews.com/read/845123/12/judul-1659143160/10") == "https://nasional.sindonews.com/read/845123/12/judul-1659143160?showpage=all")
        #expect(extractor.singlePageURL(for: "https://example.com/a") == nil)
    }

    @Test func stitchDropsRepeats() {
        let meta = ArticleMetadata()
        let one = ExtractedArticle(title: "T", paragraphs: ["a", "b"], metadata: meta)
        let two = ExtractedArticle(title: "T", paragraphs: ["b", "c"], metadata: meta)
        #expect(Extractor.stitch([one, two])?.paragraphs == ["a", "b", "c"])
    }
}

@Suite struct BuiltInRuleTests {
    @Test func builtInRulesMatchTheFiles() throws {
        // Regenerate with `python3 Config/sites/make-builtin.py` after editing Config/sites.
        let files = try SiteRules.load(directory: FixturePaths.siteRules.path)
        #expect(SiteRules.builtIn == files)
    }

    @Test func batchWritesOneFilePerPage() throws {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("batch-in-\(UUID().uuidString)")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("batch-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: input); try? FileManager.default.removeItem(at: output) }
        let page = "<html><head><title>Judul</title></head><body><article><p>" + String(repeating: "Kalimat berita yang cukup panjang, dengan koma. ", count: 10) + "</p></article></body></html>"
        try page.write(to: input.appendingPathComponent("a.html"), atomically: true, encoding: .utf8)
        try "<html><body></body></html>".write(to: input.appendingPathComponent("b.html"), atomically: true, encoding: .utf8)
        let summary = try ExtractBatch.run(inputDirectory: input.path, outputDirectory: output.path, extractor: Extractor())
        #expect(summary == ExtractBatch.Summary(pages: 2, articles: 1, rejected: 1))
        let text = try String(contentsOf: output.appendingPathComponent("a.txt"), encoding: .utf8)
        #expect(text.hasPrefix("Judul\n\nKalimat berita"))
        #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("b.txt").path))
    }
}

@Suite struct ReportTests {
    @Test func reportCarriesPaginationWithoutSteps() throws {
        let folder = FixturePaths.fixtures.appendingPathComponent("tribunnews-seed-two-pages")
        let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent("source.html")))
        let url = "https://www.tribunnews.com/internasional/2022/07/30/blinken-desak-rusia-terima-tawaran-pembebasan-griner-dan-whelan"
        let report = Extractor(rules: .builtIn).report(html: bytes, url: url)
        #expect(report.steps.isEmpty)
        #expect(report.nextPageURL == url + "?page=2")
        #expect(report.singlePageURL == url + "?page=all")
        #expect(report.method.hasPrefix("site rule tribunnews.com"))
        let explained = Extractor(rules: .builtIn).explain(html: bytes, url: url)
        #expect(!explained.steps.isEmpty)
        #expect(explained.result == report.result)
    }
}

@Suite struct TitleTests {
    @Test func siteSuffixAndPageMarkersGo() {
        #expect(Extractor.stripSiteSuffix("Judul Berita Panjang - Tribunnews.com", siteName: "Tribunnews.com", host: "www.tribunnews.com") == "Judul Berita Panjang")
        #expect(Extractor.stripSiteSuffix("Judul Berita Panjang Halaman all - Kompas.com", siteName: nil, host: "regional.kompas.com") == "Judul Berita Panjang")
        #expect(Extractor.stripSiteSuffix("Judul Berita Panjang - Halaman 2 - Tribunnews.com", siteName: nil, host: "www.tribunnews.com") == "Judul Berita Panjang")
        #expect(Extractor.stripSiteSuffix("Rusia - Ukraina Sepakat Gencatan Senjata", siteName: "SINDOnews.com", host: "international.sindonews.com") == "Rusia - Ukraina Sepakat Gencatan Senjata")
    }
}
