// Options every subcommand takes, and the two things every subcommand does first with them: set up logging
// (once per process) and load the config (problems to stderr as file:line: message, exit 2).
import ArgumentParser
import CrawlerCore
import Logging
import Foundation

struct SharedOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Config file. Default: $FEEDCRAWLER_CONFIG, else /etc/feedcrawler/feedcrawler.toml.", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp(
        "Least severe level logged: trace, debug, info, notice, warning, error, critical.", valueName: "level"))
    var logLevel: String = "info"

    @Option(name: .long, help: ArgumentHelp(
        "Log line format on stderr: text (key=value) or json (one object per line).", valueName: "format"))
    var logFormat: String = "text"

    func validate() throws {
        guard LogSetup.level(named: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical; got '\(logLevel)'")
        }
        guard LogFormat(rawValue: logFormat.lowercased()) != nil else {
            throw ValidationError("--log-format must be text or json; got '\(logFormat)'")
        }
    }

    /// The config path in force: `--config`, else `$FEEDCRAWLER_CONFIG`, else the default path.
    var configPath: String {
        ConfigLoader.resolvePath(option: config, environment: ProcessInfo.processInfo.environment)
    }

    /// True when the user named a config file (option or environment) rather than relying on the default.
    var configWasNamed: Bool {
        if let config, !config.isEmpty { return true }
        return !(ProcessInfo.processInfo.environment[ConfigLoader.environmentVariable] ?? "").isEmpty
    }

    /// Installs the process's log handler and returns the root logger. Call once, first thing in `run()`.
    func bootstrapLogging(progress: TerminalProgress? = nil) -> Logger {
        LogSetup.bootstrap(level: LogSetup.level(named: logLevel) ?? .info,
                           format: LogFormat(rawValue: logFormat.lowercased()) ?? .text,
                           environment: ProcessInfo.processInfo.environment, progress: progress)
    }

    /// Loads and validates the config; on any problem prints them all (`file:line: message`) and exits 2.
    /// `checkEnvironment` (default) also checks the directories and site rules the file names.
    func loadConfig(logger: Logger, checkEnvironment: Bool = true) throws -> Config {
        do {
            let config = try ConfigLoader.load(path: configPath, checkEnvironment: checkEnvironment)
            logger.debug("Configuration loaded.", metadata: [
                "config": "\(configPath)", "feeds": "\(config.feeds.count)",
                "enabled": "\(config.feeds.filter(\.enabled).count)",
            ])
            return config
        } catch {
            writeToStandardError(error.description)
            throw ExitCode(ExitStatus.usage)
        }
    }

    /// For commands that can work without a config file (`extract`, `parse-feed` on a local file): the
    /// named config if one was named or the default file exists, else the built-in defaults.
    func loadConfigOrDefaults(logger: Logger) throws -> Config {
        if configWasNamed || FileManager.default.fileExists(atPath: configPath) {
            return try loadConfig(logger: logger)
        }
        logger.debug("No configuration file; using defaults.", metadata: ["config": "\(configPath)"])
        return Config()
    }
}
