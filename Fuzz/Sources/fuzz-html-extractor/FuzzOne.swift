// Any bytes as an article page: the extractor must return a result (article or a reason), never crash.
import Extract

let extractor = Extractor()

func fuzzOne(_ bytes: [UInt8]) {
    _ = extractor.extract(html: bytes, url: "https://fuzz.example/read/2026/11/23/123/judul-berita")
}
