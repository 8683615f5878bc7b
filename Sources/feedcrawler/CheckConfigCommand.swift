// `feedcrawler check-config`: every problem as `file:line: message` on stderr and exit 2, or the effective
// configuration (defaults filled in, valid TOML) on stdout and exit 0.
import ArgumentParser
import CrawlerCore

struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the configuration and print it with every default filled in.",
        discussion: "Exit codes: 0 valid, 2 any problem (each printed as file:line: message on stderr)."
    )

    @OptionGroup var options: SharedOptions

    func run() throws {
        let logger = options.bootstrapLogging()
        let config = try options.loadConfig(logger: logger)
        print(ConfigPrinter.render(config, sourcePath: options.configPath), terminator: "")
    }
}
