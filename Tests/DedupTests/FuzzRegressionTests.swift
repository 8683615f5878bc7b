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

    @Test func stackedMobileAndAMPPrefixesAllGo() throws {
        #expect(try canonicalizer.canonicalize("https://amp.m.detik.com/news/d-1/judul")
                == canonicalizer.canonicalize("https://www.detik.com/news/d-1/judul"))
    }
}
