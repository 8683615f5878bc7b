// Any bytes as a fetched feed body: every feed kind (RSS, Atom, RDF, JSON Feed, sitemaps, HTML autodiscovery and
// HTML section pages) must come back as a feed or a typed FeedParseError, never a crash or a runaway allocation.
// The first byte picks the kind so the HTML section-page reader and the JSON-only path are reached too.
import CrawlerModel
import Feeds

func fuzzOne(_ bytes: [UInt8]) {
    guard let first = bytes.first else { return }
    let kinds: [FeedKind] = [.auto, .auto, .html, .jsonfeed]
    let kind = kinds[Int(first) % kinds.count]
    var options = FeedParseOptions()
    options.maxItems = 50
    _ = try? FeedParser.read(Array(bytes.dropFirst()), url: "https://fuzz.example/news/feed.xml", kind: kind,
                             options: options)
}
