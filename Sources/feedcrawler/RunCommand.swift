// `feedcrawler run`: the daemon. Polls each feed on its schedule until SIGTERM/SIGINT; SIGHUP reloads the
// config (handled inside CrawlerCore's service). Under systemd it speaks the notify protocol.
import ArgumentParser
import CrawlerCore
import Glibc

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the crawler daemon until SIGTERM or SIGINT (SIGHUP reloads the configuration).",
        discussion: "Exit codes: 0 clean shutdown, 1 the daemon failed, 2 usage or configuration error."
    )

    @OptionGroup var options: SharedOptions

    /// SIGHUP: re-reads the config file; on problems returns every one as `file:line: message`.
    @Sendable static func reload(_ path: String) -> Result<Config, CrawlerDaemon.ReloadFailure> {
        do {
            return .success(try ConfigLoader.load(path: path, checkEnvironment: true))
        } catch {
            return .failure(CrawlerDaemon.ReloadFailure(lines: error.problems.map(\.description)))
        }
    }

    func run() throws {
        MallocTuning.useOneArena()
        let logger = options.bootstrapLogging()
        let config = try options.loadConfig(logger: logger)
        let configPath = options.configPath
        do {
            try Blocking.run {
                try await runDaemon(config: config, configPath: configPath, logger: logger, reload: Self.reload)
            }
        } catch {
            logger.critical("Daemon stopped on an error.", metadata: ["error": "\(error)"])
            throw ExitCode(ExitStatus.partialFailure)
        }
    }
}
