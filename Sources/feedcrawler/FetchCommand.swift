// `feedcrawler fetch`: one pass over all (or the named) feeds, then exit. Prints one line per feed and a
// total line on stdout; log events go to stderr.
import ArgumentParser
import CrawlerCore
import Foundation

struct FetchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Poll every enabled feed (or the named ones) once, write new articles to the spool, and exit.",
        discussion: "Exit codes: 0 every feed worked, 1 some feeds failed (the others were still processed), "
            + "2 usage or configuration error."
    )

    @OptionGroup var options: SharedOptions

    @Option(name: .customLong("feed"), help: ArgumentHelp(
        "Only poll this feed (its `name` in the config); repeat for several.", valueName: "name"))
    var feedNames: [String] = []

    func run() throws {
        MallocTuning.keepFreedMemoryForReuse()
        // On a terminal (not a pipe, not systemd), a progress line below the log lines.
        let progress = TerminalProgress.isWanted(environment: ProcessInfo.processInfo.environment)
            ? TerminalProgress() : nil
        let logger = options.bootstrapLogging(progress: progress)
        let config = try options.loadConfig(logger: logger)
        let configured = config.feeds.map(\.name)
        let unknown = feedNames.filter { !configured.contains($0) }
        guard unknown.isEmpty else {
            writeToStandardError("feedcrawler fetch: no feed named \(unknown.joined(separator: ", ")) in "
                + "\(options.configPath) (configured: \(configured.joined(separator: ", ")))")
            throw ExitCode(ExitStatus.usage)
        }
        let names = feedNames
        var onProgress: (@Sendable (FetchProgress) -> Void)?
        if let progress {
            onProgress = { update in progress.show(update.line) }
        }
        let showProgress = onProgress
        let outcome: Result<FetchRunReport, CrawlerStartError> = Blocking.run {
            do throws(CrawlerStartError) {
                return .success(try await runFetchOnce(config: config, feedNames: names, logger: logger,
                                                       progress: showProgress))
            } catch {
                return .failure(error)
            }
        }
        progress?.finish()
        let report: FetchRunReport
        switch outcome {
        case .success(let value):
            report = value
        case .failure(let error):
            // Nothing was polled: the spool or state directory could not be opened (a configuration problem).
            writeToStandardError("feedcrawler fetch: cannot start: \(error.description)")
            throw ExitCode(ExitStatus.usage)
        }
        for line in report.summaryLines { print(line) }
        if report.failedFeeds > 0 { throw ExitCode(ExitStatus.partialFailure) }
    }
}
