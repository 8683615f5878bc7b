// Any text as a link from a feed or page: canonicalising must give a URL or a CanonicalURLError, never trap, and
// be idempotent (a canonical URL canonicalises to itself, or dedup would see one article as two).
import Dedup

let canonicalizer = URLCanonicalizer()

func fuzzOne(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    guard let once = try? canonicalizer.canonicalize(text) else { return }
    guard let twice = try? canonicalizer.canonicalize(once) else {
        fatalError("canonical URL rejected on second pass: \(once)")
    }
    if twice != once {
        fatalError("canonicalisation not idempotent: \(once) -> \(twice)")
    }
}
