// Inputs found by issue 7's fuzz-url-canonicalizer (Scripts/fuzz), kept as regression tests. The crashing files
// themselves are in Fuzz/crashes/fuzz-url-canonicalizer/.
import Dedup
import Testing

@Suite struct URLCanonicalizerFuzzRegressionTests {
    let canonicalizer = URLCanonicalizer()

    /// amp.m.detik.com lost only its first prefix, so its canonical URL (m.detik.com) canonicalised again to
    /// www.detik.com: the same article under two identities. (crash-3f9953f3241f7d4c68aadeaf83ca33a82a924944)
    @Test(arguments: ["https://amp.m.detik.com/newsl?sin'le=1", "https://m.amp.detik.com/news/d-1",
                      "https://mobile.m.kompas.com/read/2026/11/23/1/judul"])
    func canonicalisingIsIdempotent(_ raw: String) throws {
        let once = try canonicalizer.canonicalize(raw)
        #expect(try canonicalizer.canonicalize(once) == once)
    }

    /// A 253-byte mobile host became a 255-byte www host: accepted once, rejected the second time.
    /// (crash-d37497fb67c83eb27caac53e3f0f7c4e697a08d0: 81 invalid bytes decoded as U+FFFD, 3 bytes each)
    @Test func aHostLengthenedPastTheLimitIsRejected() throws {
        let raw = "https://m.dek." + String(repeating: "\u{FFFD}", count: 81) + "coms?single=t"
        #expect(raw.utf8.count > 250)
        if let once = try? canonicalizer.canonicalize(raw) {
            #expect(try canonicalizer.canonicalize(once) == once)
        }
        // The same in ASCII: m.<247 x>.com is 253 bytes; its registrable domain gets "www.": 255.
        let host = String(repeating: "x", count: 247) + ".com"
        #expect(("m." + host).utf8.count == 253)
        #expect(throws: CanonicalURLError.self) { try canonicalizer.canonicalize("https://m.\(host)/a") }
    }

    @Test func stackedMobileAndAMPPrefixesAllGo() throws {
        #expect(try canonicalizer.canonicalize("https://amp.m.detik.com/news/d-1/judul")
                == canonicalizer.canonicalize("https://www.detik.com/news/d-1/judul"))
    }
}
