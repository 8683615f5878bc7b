// CharsetSniffer's word-at-a-time UTF-8 check must judge every input as the standard library's decoder does: it
// decides whether a page without a usable declaration is read as UTF-8 or windows-1252.
import LibXML2
import Testing

@Suite struct CharsetSnifferTests {
    @Test func utf8ValidationAgreesWithTheStandardLibrary() {
        func reference(_ bytes: [UInt8]) -> Bool {
            var iterator = bytes.makeIterator()
            var decoder = UTF8()
            while true {
                switch decoder.decode(&iterator) {
                case .scalarValue: continue
                case .emptyInput: return true
                case .error: return false
                }
            }
        }
        // Every one- and two-byte sequence, every lead byte with the boundary continuation bytes.
        for first in 0...255 {
            for second in 0...255 {
                let pair: [UInt8] = [UInt8(first), UInt8(second)]
                #expect(CharsetSniffer.isValidUTF8(pair) == reference(pair))
            }
            for second: UInt8 in [0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0] {
                for third: UInt8 in [0x7F, 0x80, 0xBF, 0xC0] {
                    for fourth: UInt8 in [0x41, 0x80, 0xBF, 0xC0] {
                        let sequence: [UInt8] = [UInt8(first), second, third, fourth]
                        let padded = Array(repeating: UInt8(0x61), count: 13) + sequence + Array(repeating: UInt8(0x62), count: 17)
                        #expect(CharsetSniffer.isValidUTF8(sequence) == reference(sequence))
                        #expect(CharsetSniffer.isValidUTF8(padded) == reference(padded))
                        #expect(CharsetSniffer.isValidUTF8(Array(sequence.prefix(3))) == reference(Array(sequence.prefix(3))))
                    }
                }
            }
        }
        let text = Array("Jakarta – Indonesia 🙂 中文 ".utf8)
        var long: [UInt8] = []
        for _ in 0..<40 { long += text }
        #expect(CharsetSniffer.isValidUTF8(long))
        #expect(CharsetSniffer.isValidUTF8([]))
        for cut in stride(from: 1, to: long.count, by: 7) {
            let truncated = Array(long.prefix(cut))
            #expect(CharsetSniffer.isValidUTF8(truncated) == reference(truncated))
        }
    }
}
