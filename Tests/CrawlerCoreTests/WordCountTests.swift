import CrawlerModel
import Testing

struct WordCountTests {
    @Test func spaceSeparatedScriptsCountTokens() {
        #expect(WordCount.count("Menteri Luar Negeri AS, Antony Blinken.") == 6)
        #expect(WordCount.count("  many   spaces\tand\nlines ") == 4)
        #expect(WordCount.count("") == 0)
    }

    @Test func scriptsWithoutSpacesCountCharacters() {
        #expect(WordCount.count("トレンドマイクロは発表した") == 13)
        #expect(WordCount.count("สวัสดีครับ") == 10)
        #expect(WordCount.count("iOS/Android版を発売") == 1 + 4)
    }
}
