// `feedcrawler extract FILE|URL`: the article exactly as it would be written to the spool (title, blank line,
// paragraphs); `--json` adds every sidecar field; `--explain` shows why each block was kept or dropped.
import ArgumentParser
import CrawlerCore
import CrawlerModel
import Dedup
import Extract
import Foundation
import Spool

struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Extract an article's clean text from an HTML file or URL, as the spool would receive it.",
        discussion: "Exit codes: 0 extracted, 1 the input could not be read or holds no article, 2 usage error."
    )

    @OptionGroup var options: SharedOptions

    @Argument(help: ArgumentHelp("An HTML file, '-' for stdin, or an http(s) URL.", valueName: "file-or-url"))
    var input: String

    @Option(name: .customLong("url"), help: ArgumentHelp(
        "The page's URL, for relative links and site rules (default: the fetched URL).", valueName: "base"))
    var baseURL: String?

    @Flag(name: .long, help: "Print a JSON object with the text and every sidecar metadata field.")
    var json = false

    @Flag(name: .long, help: "Explain which rule or signal chose the body and why each dropped block was dropped.")
    var explain = false

    // Benchmark mode (Scripts/bench-extract): `extract --batch INDIR OUTDIR` extracts every INDIR/*.html into
    // OUTDIR/<name>.txt in one process, so throughput measures extraction rather than process start-up;
    // `--parse-only` only parses (the libxml2 floor). Hidden: not an operator's tool.
    @Flag(name: .long, help: .hidden) var batch = false
    @Flag(name: .long, help: .hidden) var parseOnly = false
    @Argument(help: .hidden) var outputDirectory: String?

    func validate() throws {
        if batch {
            guard outputDirectory != nil else { throw ValidationError("--batch takes INDIR OUTDIR") }
            return
        }
        guard outputDirectory == nil else { throw ValidationError("unexpected argument '\(outputDirectory ?? "")'") }
        _ = try InputSource(argument: input)
        if let baseURL, ConfigLoader.feedURLProblem(baseURL) != nil {
            throw ValidationError("--url must be an absolute http or https URL; got '\(baseURL)'")
        }
    }

    func run() throws {
        let logger = options.bootstrapLogging()
        let config = try options.loadConfigOrDefaults(logger: logger)
        if batch, let outputDirectory {
            let rules = (try? config.siteRulesDir.map { path throws(SiteRulesError) in try SiteRules.load(directory: path) }) ?? nil
            let summary = try ExtractBatch.run(inputDirectory: input, outputDirectory: outputDirectory,
                                               extractor: Extractor(rules: rules ?? .builtIn), parseOnly: parseOnly)
            writeToStandardError("extract --batch: \(summary.pages) pages, \(summary.articles) articles, "
                                 + "\(summary.rejected) rejected", journalPriority: 6)
            return
        }
        let source = try InputSource(argument: input)
        let loaded: InputSource.Loaded
        do {
            loaded = try source.load(maxBytes: config.maxPageBytes, purpose: .article, config: config, logger: logger)
        } catch {
            writeToStandardError("feedcrawler extract: \(error.description)")
            throw ExitCode(ExitStatus.partialFailure)
        }
        // Without --url a file has no address: site rules cannot match and relative links stay relative.
        let base = baseURL ?? loaded.baseURL ?? ""
        let rules: SiteRules
        do {
            rules = try config.siteRulesDir.map { path throws(SiteRulesError) in try SiteRules.load(directory: path) } ?? .builtIn
        } catch {
            writeToStandardError("feedcrawler extract: site_rules_dir: \(error.description)")
            throw ExitCode(ExitStatus.usage)
        }
        let extractor = Extractor(rules: rules)
        let charset = loaded.charset
        let result: ExtractionResult
        if explain {
            let report = extractor.explain(html: loaded.bytes, url: base, charset: charset)
            print(Self.explanation(report), terminator: "")
            result = report.result
        } else {
            result = extractor.extract(html: loaded.bytes, url: base, charset: charset)
        }
        switch result {
        case .article(let article):
            if json {
                print(Self.json(article, url: base))
            } else if !explain {
                print(article.spoolText, terminator: "")
            }
        case .rejected(let reason):
            writeToStandardError("feedcrawler extract: \(input): rejected: \(reason)")
            throw ExitCode(ExitStatus.partialFailure)
        }
    }

    /// The sidecar the spool would get (id, canonical URL, metadata) plus the spool text under "text".
    /// `feed` is empty: no feed led here.
    static func json(_ article: ExtractedArticle, url: String) -> String {
        let canonicalizer = URLCanonicalizer()
        let canonical = article.metadata.canonicalURL.flatMap { try? canonicalizer.canonicalize($0) }
            ?? (try? canonicalizer.canonicalize(url)) ?? url
        let sidecar = SpoolSidecar(article: article, id: ArticleID(canonicalURL: canonical).hex, url: url,
                                   canonicalURL: canonical, feed: "", site: URL(string: url)?.host,
                                   fetchedAt: Date(), extractorVersion: Extractor.version)
        guard case .object(var members) = sidecar.json else { return sidecar.json.serialized }
        members.append(("text", .string(article.spoolText)))
        return JSONValue.object(members).serialized.trimmingCharacters(in: .newlines)
    }

    /// `--explain`: how the body was chosen, each step with its reason, then the text (or the rejection).
    static func explanation(_ report: ExtractionReport) -> String {
        var out = "method: \(report.method)\n"
        if let single = report.singlePageURL { out += "single-page URL: \(single)\n" }
        if let next = report.nextPageURL { out += "next page: \(next)\n" }
        out += "steps:\n"
        for step in report.steps {
            out += "  \(step.action) \(step.node) (\(step.textLength) chars): \(step.reason)\n"
        }
        switch report.result {
        case .article(let article):
            out += "--- text (\(article.wordCount) words) ---\n" + article.spoolText
        case .rejected(let reason):
            out += "--- rejected: \(reason) ---\n"
            if let candidate = report.candidate { out += candidate.spoolText }
        }
        return out
    }
}
