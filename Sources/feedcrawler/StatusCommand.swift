// `feedcrawler status`: per-feed state from the state database and the daemon's heartbeat. Exit 0 when a
// daemon is running and its main loop ticked within `--stale-after`; 1 when it is stale, stopped or absent
// (so `feedcrawler status >/dev/null` works as a health check); 2 for usage or configuration errors.
import ArgumentParser
import CrawlerCore

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each feed's last poll, outcome, next due time and articles today, and the daemon's health.",
        discussion: "Exit codes: 0 the daemon is running and responsive, 1 it is stale, stopped or not running, "
            + "2 usage or configuration error."
    )

    @OptionGroup var options: SharedOptions

    @Option(help: ArgumentHelp("Seconds without a heartbeat after which the daemon counts as stuck or dead.",
                               valueName: "seconds"))
    var staleAfter: Int = 30

    func run() throws {
        let logger = options.bootstrapLogging()
        let config = try options.loadConfig(logger: logger, checkEnvironment: false)
        let report: StatusReport
        do {
            report = try StatusReport.load(config: config, staleAfterSeconds: staleAfter)
        } catch {
            writeToStandardError("feedcrawler status: cannot read the state in \(config.stateDir): \(error)")
            throw ExitCode(ExitStatus.usage)
        }
        for line in report.lines() { print(line) }
        if !report.daemonIsHealthy { throw ExitCode(ExitStatus.partialFailure) }
    }
}
