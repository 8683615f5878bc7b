// `feedcrawler extract FILE|URL`: the article exactly as it would be written to the spool (title, blank line,
// paragraphs); `--json` adds every sidecar field; `--explain` shows why each block was kept or dropped.
import ArgumentParser
import CrawlerCore

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

    func validate() throws {
        _ = try InputSource(argument: input)
    }

    func run() throws {
        let logger = options.bootstrapLogging()
        let config = try options.loadConfigOrDefaults(logger: logger)
        let source = try InputSource(argument: input)
        let loaded: InputSource.Loaded
        do {
            loaded = try source.load(maxBytes: config.maxPageBytes, config: config, logger: logger)
        } catch {
            writeToStandardError("feedcrawler extract: \(error.description)")
            throw ExitCode(ExitStatus.partialFailure)
        }
        let base = baseURL ?? loaded.baseURL
        // TODO(extract): call the Extract target's entry point once it lands, e.g.
        //   let result = Extractor.extract(html: loaded.bytes, url: base, contentType: loaded.contentType)
        //   print(json ? <sidecar JSON> : result.article.spoolText, terminator: "")
        _ = (base, json, explain)
        writeToStandardError("feedcrawler extract: the extractor is not available in this build yet")
        throw ExitCode(ExitStatus.partialFailure)
    }
}
