import Foundation
import Testing
import CrawlerModel
@testable import Spool

@Suite struct SpoolFormatTests {
    @Test func namesArePaddedToAtLeastThreeDigits() throws {
        #expect(SpoolName(sequence: 0, articleID: "ae2aeaaf8fd23bf0")?.textFileName == "000_ae2aeaaf8fd23bf0.txt")
        #expect(SpoolName(sequence: 42, articleID: "ae2aeaaf8fd23bf0")?.sidecarFileName == "042_ae2aeaaf8fd23bf0.json")
        #expect(SpoolName(sequence: 12345, articleID: "ae2aeaaf8fd23bf0")?.stem == "12345_ae2aeaaf8fd23bf0")
        #expect(SpoolName(sequence: 1, articleID: "AE2AEAAF8FD23BF0") == nil)
        #expect(SpoolName(sequence: 1, articleID: "ae2aeaaf8fd23bf") == nil)
        #expect(SpoolName(sequence: -1, articleID: "ae2aeaaf8fd23bf0") == nil)
        let parsed = try #require(SpoolName(fileName: "002_2a36ba19e29a81cb.txt"))
        #expect(parsed.sequence == 2 && parsed.articleID == "2a36ba19e29a81cb")
        #expect(SpoolName(fileName: "1234_2a36ba19e29a81cb.json")?.sequence == 1234)
        // Not in canonical padding, or not ours: not a spool name.
        #expect(SpoolName(fileName: "0002_2a36ba19e29a81cb.txt") == nil)
        #expect(SpoolName(fileName: "02_2a36ba19e29a81cb.txt") == nil)
        #expect(SpoolName(fileName: ".tmp") == nil)
        #expect(SpoolName(fileName: "k12_2a36ba19e29a81cb.txt") == nil)
    }

    @Test(arguments: [
        (1_659_143_160.0, 25_200, "2022-07-30T08:06:00+07:00"),
        (1_659_143_160.0, 0, "2022-07-30T01:06:00Z"),
        (1_659_143_160.9, 0, "2022-07-30T01:06:00Z"),
        (0.0, -18_000, "1969-12-31T19:00:00-05:00"),
        (951_782_400.0, 0, "2000-02-29T00:00:00Z"),
        (1_659_143_160.0, 19_800, "2022-07-30T06:36:00+05:30"),
    ])
    func rfc3339(seconds: Double, offset: Int, expected: String) {
        #expect(RFC3339.format(Date(timeIntervalSince1970: seconds), utcOffsetSeconds: offset) == expected)
    }

    @Test func sidecarHasExactlyTheContractKeysInOrder() throws {
        let sidecar = SpoolSidecar(
            id: "ae2aeaaf8fd23bf0", url: "https://international.sindonews.com/read/846981/41/x?showpage=all",
            canonicalURL: "https://international.sindonews.com/read/846981/41/x", feed: "sindonews-international",
            site: "SINDOnews", title: "Menlu AS-Rusia \"Berbicara\"\nVia Telepon",
            published: ZonedDate(date: Date(timeIntervalSince1970: 1_659_143_160), utcOffsetSeconds: 25_200),
            fetchedAt: Date(timeIntervalSince1970: 1_659_150_000), author: nil, language: "id", wordCount: 312,
            extractorVersion: "1.0.0", tags: ["AS", "Rusia"])
        let text = sidecar.fileContents
        #expect(text.hasSuffix("}\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(object.keys) == Set(SpoolSidecar.fixedKeys + SpoolSidecar.extraKeys))
        // Order: the twelve contract keys first, as listed, then the extras.
        let order = (SpoolSidecar.fixedKeys + SpoolSidecar.extraKeys).map { key in
            text.utf8.firstRange(of: Array("\"\(key)\":".utf8))!.lowerBound
        }
        #expect(order == order.sorted())
        #expect(object["published"] as? String == "2022-07-30T08:06:00+07:00")
        #expect(object["fetched_at"] as? String == "2022-07-30T03:00:00Z")
        #expect(object["author"] is NSNull)
        #expect(object["word_count"] as? Int == 312)
        #expect(object["title"] as? String == "Menlu AS-Rusia \"Berbicara\"\nVia Telepon")
        #expect(object["tags"] as? [String] == ["AS", "Rusia"])
        #expect(object["paywalled"] as? Bool == false)
    }

    @Test func sidecarFromExtractedArticle() {
        let article = ExtractedArticle(
            title: "Judul", paragraphs: ["Satu dua tiga.", "Empat lima."],
            metadata: ArticleMetadata(author: "Reporter", language: "id", dateline: "WASHINGTON -", siteName: "SINDOnews"))
        let sidecar = SpoolSidecar(article: article, id: "0123456789abcdef", url: "https://a.example/x",
                                   canonicalURL: "https://a.example/x", feed: "f", fetchedAt: Date(timeIntervalSince1970: 0),
                                   extractorVersion: "1")
        #expect(sidecar.wordCount == 5)
        #expect(sidecar.site == "a.example")
        #expect(sidecar.published == nil)
        #expect(sidecar.json.serialized.contains("\"published\": null"))
        #expect(sidecar.dateline == "WASHINGTON -")
    }

    @Test func jsonStringsEscapeControlCharacters() throws {
        #expect(JSONValue.string("a\u{1}b\u{2028}\\\"").serialized == "\"a\\u0001b\\u2028\\\\\\\"\"")
        #expect(JSONValue.string("tab\tnl\ncr\r\u{8}\u{C}\u{1F}\u{2029}é\u{2027}€ end").serialized ==
                "\"tab\\tnl\\ncr\\r\\b\\f\\u001f\\u2029é\u{2027}€ end\"")
        #expect(JSONValue.string("").serialized == "\"\"")
        #expect(JSONValue.string("\u{E2}\u{2028}").serialized == "\"\u{E2}\\u2028\"")  // â, then U+2028
        // Whatever the text, the output parses back to it.
        var generator = SystemRandomNumberGenerator()
        let pieces = ["a", " ", "\"", "\\", "\n", "\u{1}", "\u{7F}", "é", "\u{2028}", "\u{2029}", "€", "😀", "\u{E2}"]
        for _ in 0..<300 {
            let text = (0..<Int.random(in: 0...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let data = Data(JSONValue.string(text).serialized.utf8)
            #expect(try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed) as? String == text)
        }
    }
}
