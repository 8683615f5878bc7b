// The Prometheus text the metrics file and endpoint serve: label values escaped as the format requires.
@testable import CrawlerCore
import Testing

struct MetricsTests {
    @Test func labelValuesAreEscapedOnlyWhereTheyNeedIt() {
        let metrics = Metrics()
        metrics.increment("feedcrawler_article_failures_total", ["reason": "no_content"])
        metrics.increment("feedcrawler_article_failures_total", ["reason": "say \"hi\"\\now\nthen"])
        metrics.observe("feedcrawler_fetch_duration_seconds", seconds: 0.2, ["purpose": "article"])
        let text = metrics.render()
        #expect(text.contains(#"feedcrawler_article_failures_total{reason="no_content"} 1"#))
        #expect(text.contains(#"feedcrawler_article_failures_total{reason="say \"hi\"\\now\nthen"} 1"#))
        #expect(text.contains(#"feedcrawler_fetch_duration_seconds_count{purpose="article"} 1"#))
    }
}
