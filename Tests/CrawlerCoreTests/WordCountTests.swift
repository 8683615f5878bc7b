@testable import CrawlerModel
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

struct SpoolLineFastPathTests {
    /// The shortcut for lines that are already lines must agree with the full normalisation.
    @Test func plainASCIILinesComeBackUnchangedAndOthersAreNormalised() {
        #expect(SpoolTextFormat.isPlainASCIILine("Jakarta - Presiden meresmikan jalan tol (2/3)."))
        for notPlain in ["", " leading", "trailing ", "double  space", "tab\there", "line\nbreak", "caf\u{E9}", "del\u{7F}"] {
            #expect(!SpoolTextFormat.isPlainASCIILine(notPlain), "\(notPlain.debugDescription)")
        }
        #expect(SpoolTextFormat.line("  double  space\t") == "double space")
        #expect(SpoolTextFormat.line("del\u{7F}ete") == "delete")
        // Every printable ASCII line with single spaces is its own normal form.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let words = (0..<Int.random(in: 1...8, using: &generator)).map { _ in
                String((0..<Int.random(in: 1...6, using: &generator)).map { _ in
                    Character(Unicode.Scalar(UInt8.random(in: 0x21...0x7E, using: &generator)))
                })
            }
            let line = words.joined(separator: " ")
            #expect(SpoolTextFormat.isPlainASCIILine(line))
            #expect(SpoolTextFormat.line(line + " ") == line)  // the full path gives the same line
        }
    }
}

struct PlainASCIILineTests {
    /// The word-at-a-time check agrees with the byte loop, around every byte value and word boundary.
    @Test func wordAtATimeAgreesWithByteLoop() {
        let pieces: [[UInt8]] = [[0x20], [0x20, 0x20], [0x1F], [0x7F], [0x7E], [0x21], [0x41], [0x80], [0xC3, 0xA9], [0x09], [0x00],
                                 Array("kata".utf8), Array("Jakarta - ".utf8)]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let bytes = (0..<Int.random(in: 0...12, using: &generator)).flatMap { _ in pieces.randomElement(using: &generator)! }
            let line = String(decoding: bytes, as: UTF8.self)
            #expect(SpoolTextFormat.isPlainASCIILine(line) == SpoolTextFormat.isPlainASCIILineByBytes(line), "\(line.debugDescription)")
        }
        for length in 1...40 {
            let line = String(repeating: "a", count: length)
            for position in 1..<max(1, length - 1) {
                var doubled = Array(line.utf8)
                doubled[position] = 0x20
                doubled[position + 1] = 0x20
                let text = String(decoding: doubled, as: UTF8.self)
                #expect(SpoolTextFormat.isPlainASCIILine(text) == SpoolTextFormat.isPlainASCIILineByBytes(text), "\(text)")
            }
        }
    }
}

struct WordCountBytesTests {
    /// The byte-level count agrees with the scalar-level definition on every kind of character.
    @Test func byteCountAgreesWithScalarCount() {
        let pieces = ["a", "kata", " ", "  ", "\t", "\n", "\u{A0}", "\u{2003}", "\u{3000}", "é", "ñandú", "日本語", "です",
                      "ภาษาไทย", "😀", "\u{1F1EE}\u{1F1E9}", "e\u{301}", "-", "\u{200B}", "Ж", "\u{10FFFF}", "\u{85}",
                      // Runs of eight and more ASCII bytes, with controls and DEL, for the eight-at-a-time path.
                      "Menteri Luar Negeri", "pemerintah", "\u{1}", "\u{1F}", "\u{7F}", "!", "~", "a b c d e f g h"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<4_000 {
            let text = (0..<Int.random(in: 0...40, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(WordCount.count(text) == WordCount.countByScalars(text), "\(text.debugDescription)")
        }
    }
}
