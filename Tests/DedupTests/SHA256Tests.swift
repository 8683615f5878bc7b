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
        let digest = [UInt8](repeating: 0x61, count: 1_000_000).withUnsafeBufferPointer { SHA256.hash($0) }
        #expect(digest.hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Lengths around the 55/56/64-byte padding boundaries (expected values from Python's hashlib), and the
    /// digest's bytes in order: the hex form and the subscript must agree.
    @Test(arguments: [
        (0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (1, "ca358758f6d27e6cf45272937977a748fd88391db679ceda7dc7bf1f005ee879"),
        (54, "c802146d5788fb540fbf29d8ff485730ad10f4f13b78961c032e78691b582647"),
        (55, "8aa994584139d128848eeebc4e815639ba5ab6e6e39574195a63ac4f14f7c43b"),
        (56, "ad574708f75c044c9b85de64cb568ee7711ff4f36448c6242f053ba8f6cc2b63"),
        (57, "5b46e502092be01b1100193e089fdda95638c12e19a1d24f308eb2c3d3ae849d"),
        (63, "280ed3e8ff1df845b2e7dfe6ac6cee817bef20e783cc65abc41b818b4d2fe076"),
        (64, "c6ab9724ade5b6a7a1edfffb12f3aa9181351355af8fd08c919952ad211339dd"),
        (65, "788367c73c7ddf4c53f65e68cc0d943e6227ab55b0e78ba63ace822b1c6301c0"),
        (119, "3d610547d68216dedf7435a4fb6260353911f6b3fd3f18805ddb8be285d726fe"),
        (120, "1f80156a804cb7862ad113e8200e9d74499723e7c7854d5f48776d3148e09656"),
        (127, "192409cd280e14b743642ad1343fbd3e82d9305de72c078117745a679210cc3d"),
        (128, "cc548ca2dec1f6fe4f58b2e27aa9c7521607df1130d140b55a4dad0665302356"),
        (129, "81e89a7b2911aaa7795f9e3d4910cb47d6cd2b00d83b8399481527261a1a7519"),
        (200, "44cae5223d431caed4a9e32271d6abf17c3f2f4abac45fcdb48a99fcc6072a09"),
    ])
    func blockBoundaries(length: Int, expected: String) {
        let data = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let digest = data.withUnsafeBufferPointer { SHA256.hash($0) }
        #expect(digest.hex == expected)
        #expect(Hex.encode((0..<32).map { digest[$0] }) == expected)
    }

    /// The fingerprint's input is a slice of a larger buffer: only the slice's bytes count.
    @Test func hashesOnlyTheGivenBytes() {
        let text = Array("xxabcyy".utf8)
        let digest = text.withUnsafeBufferPointer { SHA256.hash(UnsafeBufferPointer(rebasing: $0[2..<5])) }
        #expect(digest == SHA256.hash("abc"))
        #expect(digest != SHA256.hash("abd"))
    }

    @Test func prefix64IsBigEndianFirstEightBytes() {
        let digest = SHA256.hash("abc")
        #expect(digest.prefix64 == 0xba78_16bf_8f01_cfea)
        #expect(Hex.encode(digest.prefix64) == "ba7816bf8f01cfea")
        #expect(Hex.encode(UInt64(1)) == "0000000000000001")
        #expect(Hex.encode(UInt64.max) == "ffffffffffffffff")
    }
}
