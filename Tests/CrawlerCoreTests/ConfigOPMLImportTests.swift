// OPML subscription lists to [[feeds]] entries, as a library call and through `feedcrawler import-opml`.
import Testing
import Foundation
import TestSupport
@testable import CrawlerCore

@Suite struct ConfigOPMLImportTests {
    static let opml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <opml version="2.0"><head><title>Subscriptions</title></head><body>
        <outline text="Berita">
          <outline type="rss" text="Kompas.com - Nasional" title="Kompas.com - Nasional" xmlUrl="https://rss.kompas.com/nasional"/>
          <outline type="rss" text="détik" xmlUrl="https://rss.detik.com/index.php/detikcom"/>
          <outline type="rss" xmlURL="https://www.antaranews.com/rss/terkini.xml"/>
          <outline type="rss" text="Kompas again" xmlUrl="https://RSS.kompas.com/nasional/"/>
          <outline type="rss" text="Old" xmlUrl="ftp://example.com/feed"/>
        </outline>
        <outline text="folder without feed"/>
        </body></opml>
        """

    @Test func readsEveryOutlineWithAFeedURL() throws {
        let feeds = try OPMLImport.feeds(fromOPML: Array(Self.opml.utf8))
        #expect(feeds == [
            OPMLFeed(title: "Kompas.com - Nasional", url: "https://rss.kompas.com/nasional"),
            OPMLFeed(title: "détik", url: "https://rss.detik.com/index.php/detikcom"),
            OPMLFeed(title: nil, url: "https://www.antaranews.com/rss/terkini.xml"),
            OPMLFeed(title: "Kompas again", url: "https://RSS.kompas.com/nasional/"),
            OPMLFeed(title: "Old", url: "ftp://example.com/feed"),
        ])
    }

    @Test func rejectsWhatIsNotOPML() {
        #expect(throws: OPMLImportError.self) { try OPMLImport.feeds(fromOPML: Array("<rss/>".utf8)) }
        #expect(throws: OPMLImportError.self) { try OPMLImport.feeds(fromOPML: Array("not xml at all".utf8)) }
        #expect(throws: OPMLImportError.self) { try OPMLImport.feeds(fromOPML: []) }
    }

    @Test func entriesSkipKnownDuplicateAndUnsupportedFeeds() throws {
        let feeds = try OPMLImport.feeds(fromOPML: Array(Self.opml.utf8))
        let existing = [FeedConfig(name: "detik", url: "https://rss.detik.com/index.php/detikcom/")]
        let result = OPMLImport.entries(for: feeds, existing: existing)
        #expect(result.addedNames == ["kompas-com-nasional", "antaranews-com"])
        #expect(result.skipped.map(\.reason) == [
            "already configured as detik", "listed twice", "url has scheme \"ftp\"; only http and https are fetched",
        ])
        #expect(result.toml == """
            # Kompas.com - Nasional
            [[feeds]]
            name = "kompas-com-nasional"
            url = "https://rss.kompas.com/nasional"

            [[feeds]]
            name = "antaranews-com"
            url = "https://www.antaranews.com/rss/terkini.xml"

            """)
        // Appended to a config, the entries load.
        let config = try ConfigLoader.parse(text: result.toml, file: "imported.toml")
        #expect(config.feeds.map(\.name) == result.addedNames)
    }

    @Test func namesAreValidAndUnique() {
        #expect(OPMLImport.slugify("Tempo.co: Nasional — Berita Terkini") == "tempo-co-nasional-berita-terkini")
        #expect(OPMLImport.slugify("Café Ñandú") == "cafe-nandu")
        #expect(OPMLImport.slugify("???") == "")
        #expect(OPMLImport.slugify(String(repeating: "a", count: 100)).count == OPMLImport.maxNameLength)
        let result = OPMLImport.entries(for: [
            OPMLFeed(title: "Same", url: "https://a.example/rss"),
            OPMLFeed(title: "Same", url: "https://b.example/rss"),
            OPMLFeed(title: "???", url: "https://www.c.example:8443/rss"),
        ], existing: [FeedConfig(name: "same", url: "https://z.example/")])
        #expect(result.addedNames == ["same-2", "same-3", "c-example"])
    }

    @Test func appendWritesAValidConfigAndKeepsTheFileMode() throws {
        let directory = TemporaryDirectory("opml")
        let configURL = try directory.write("feedcrawler.toml", """
            spool_dir = "./spool"
            state_dir = "./state"

            [[feeds]]
            name = "detik"
            url = "https://rss.detik.com/index.php/detikcom"
            """)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: configURL.path)
        let opml = try directory.write("subs.opml", Self.opml)
        let printed = try runFeedcrawler(["import-opml", opml.path, "--config", configURL.path])
        #expect(printed.status == 0, "\(printed.stderr)")
        #expect(printed.stdout.contains("name = \"kompas-com-nasional\""))
        #expect(!printed.stdout.contains("name = \"detik\""))

        let appended = try runFeedcrawler(["import-opml", opml.path, "--config", configURL.path, "--append"],
                                          currentDirectory: directory.url)
        #expect(appended.status == 0, "\(appended.stderr)")
        let config = try ConfigLoader.load(path: configURL.path)
        #expect(config.feeds.map(\.name) == ["detik", "kompas-com-nasional", "antaranews-com"])
        let mode = try FileManager.default.attributesOfItem(atPath: configURL.path)[.posixPermissions] as? Int
        #expect(mode == 0o640)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)

        // Running it again adds nothing.
        let again = try runFeedcrawler(["import-opml", opml.path, "--config", configURL.path, "--append"])
        #expect(again.status == 0)
        #expect(try ConfigLoader.load(path: configURL.path).feeds.count == 3)
    }
}
