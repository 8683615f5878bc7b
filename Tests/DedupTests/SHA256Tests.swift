import Testing
@testable import Dedup

@Suite struct SHA256Tests {
    /// FIPS 180-4 / NIST CAVP example vectors.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
        ("The quick brown fox jumps over the lazy dog",
         "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592"),
    ])
    func knownVectors(input: String, expected: String) {
        #expect(SHA256.hash(input).hex == expected)
    }

    @Test func oneMillionA() {
        let digest = SHA256.hash([UInt8](repeating: 0x61, count: 1_000_000))
        #expect(digest.hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Lengths around the 55/56/64-byte padding boundaries, hashed whole and in two pieces, must agree.
    @Test func incrementalMatchesOneShotAcrossBlockBoundaries() {
        let data = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        for length in [0, 1, 54, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 200] {
            let whole = SHA256.hash(data.prefix(length))
            for split in [0, length / 3, length] {
                var hasher = SHA256()
                hasher.update(data.prefix(split))
                hasher.update(data[split..<length])
                #expect(hasher.finalize() == whole, "length \(length) split \(split)")
            }
        }
    }

    /// Non-contiguous input takes the byte-by-byte path; it must agree with the block path.
    @Test func nonContiguousInputMatches() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let lazy = (0..<1000).lazy.map { UInt8(truncatingIfNeeded: $0 &* 7) }
        var mixed = SHA256()
        mixed.update(bytes.prefix(100))
        mixed.update(lazy.dropFirst(100))
        #expect(SHA256.hash(lazy) == SHA256.hash(bytes))
        #expect(mixed.finalize() == SHA256.hash(bytes))
    }

    @Test func prefix64IsBigEndianFirstEightBytes() {
        let digest = SHA256.hash("abc")
        #expect(digest.prefix64 == 0xba78_16bf_8f01_cfea)
        #expect(Hex.encode(digest.prefix64) == "ba7816bf8f01cfea")
        #expect(Hex.encode(UInt64(1)) == "0000000000000001")
    }
}
