// JSON Feed 1.0 and 1.1 (jsonfeed.org). 1.1 renamed `author` to `authors` (an array); both are read.
import CrawlerModel
import Foundation

enum JSONFeedParser {
    static func parse(_ bytes: [UInt8], feedURL: String, dates: FeedDates = FeedDates()) throws(FeedParseError) -> ParsedFeed {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes), options: [])
        } catch {
            throw FeedParseError(.malformedJSON, "not valid JSON: \(error.localizedDescription)")
        }
        guard let root = object as? [String: Any] else {
            throw FeedParseError(.notAFeed, "JSON document is not an object")
        }
        let version = root["version"] as? String ?? ""
        guard version.contains("jsonfeed.org") || root["items"] is [Any] else {
            throw FeedParseError(.notAFeed, "JSON object is not a JSON Feed (no version, no items)")
        }
        var feed = ParsedFeed(kind: .jsonfeed)
        feed.title = string(root["title"]).flatMap { nonEmpty(PlainText.fromHTML($0)) }
        feed.link = string(root["home_page_url"]).flatMap { resolveFeedLink($0, base: feedURL) }
        for case let entry as [String: Any] in root["items"] as? [Any] ?? [] {
            var item = FeedItem()
            item.link = (string(entry["url"]) ?? string(entry["external_url"])).flatMap { resolveFeedLink($0, base: feedURL) }
            // Ids are strings by the spec; some feeds write numbers.
            if let id = string(entry["id"]) { item.id = id.trimmingFeedWhitespace }
            else if let number = entry["id"] as? NSNumber { item.id = number.stringValue }
            if item.id?.isEmpty ?? true { item.id = item.link }
            item.title = string(entry["title"]).flatMap { nonEmpty(PlainText.fromHTML($0)) }
            item.summary = string(entry["summary"]).flatMap { nonEmpty(PlainText.fromHTML($0)) }
                ?? string(entry["content_html"]).flatMap { nonEmpty(PlainText.fromHTML($0)) }
                ?? string(entry["content_text"]).flatMap { nonEmpty(PlainText.fromText($0)) }
            item.published = string(entry["date_published"]).flatMap(dates.date)
            item.updated = string(entry["date_modified"]).flatMap(dates.date)
            // Not inherited from the feed-level author (see AtomParser): `author` is the item's own byline.
            item.author = authorName(entry)
            feed.items.append(item)
        }
        return feed
    }

    private static func string(_ value: Any?) -> String? {
        guard let text = value as? String else { return nil }
        return text.isEmpty ? nil : text
    }

    private static func authorName(_ object: [String: Any]) -> String? {
        if let authors = object["authors"] as? [Any] {
            for case let author as [String: Any] in authors {
                if let name = string(author["name"]).flatMap({ nonEmpty(PlainText.fromText($0)) }) { return name }
            }
        }
        if let author = object["author"] as? [String: Any] {
            return string(author["name"]).flatMap { nonEmpty(PlainText.fromText($0)) }
        }
        return nil
    }
}
