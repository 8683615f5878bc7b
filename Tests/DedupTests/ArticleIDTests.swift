import Testing
import Dedup

@Suite struct ArticleIDTests {
    /// Values computed independently (Python hashlib: sha256(url).hexdigest()[:16]); they must never change,
    /// or every id already in a spool would stop matching.
    @Test(arguments: [
        ("https://www.kompas.com/", "e2df1c52d48d8a26"),
        ("https://nasional.kompas.com/read/2022/07/30/08060001/menlu-as-rusia", "76d4cd6275770508"),
    ])
    func stableIDs(url: String, hex: String) {
        let id = ArticleID(canonicalURL: url)
        #expect(id.hex == hex)
        #expect(id.hex.count == 16)
        #expect(ArticleID(hex: hex) == id)
    }

    @Test func variantsOfOneArticleShareAnID() throws {
        let canonicalizer = URLCanonicalizer()
        let variants = [
            "https://amp.kompas.com/nasional/read/2022/07/30/08060001/menlu-as-rusia",
            "https://nasional.kompas.com/read/2022/07/30/08060001/menlu-as-rusia?page=all",
            "http://nasional.kompas.com:80/read/2022/07/30/08060001/menlu-as-rusia?utm_source=x#comments",
            "HTTPS://Nasional.Kompas.com/read/2022/07/30/08060001/menlu-as-rusia/amp?source=widget&jxrecoid=9",
        ]
        let ids = try Set(variants.map { ArticleID(canonicalURL: try canonicalizer.canonicalize($0)) })
        #expect(ids == [ArticleID(hex: "76d4cd6275770508")!])
    }

    @Test func rejectsMalformedHex() {
        #expect(ArticleID(hex: "76D4CD6275770508") == nil)
        #expect(ArticleID(hex: "76d4cd627577050") == nil)
        #expect(ArticleID(hex: "76d4cd627577050g") == nil)
    }
}
