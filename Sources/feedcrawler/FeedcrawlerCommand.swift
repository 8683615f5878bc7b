// The `feedcrawler` command line: subcommands share `--config`, `--log-level` and `--log-format` through
// `SharedOptions`. Each subcommand only parses, loads the config, calls one CrawlerCore/stage function and
// prints; behaviour lives in the library where tests can reach it.
//
// Exit codes: 0 success; 1 the work ran but something failed (a feed, a fetch, a parse); 2 usage or config
// errors (ArgumentParser's own usage errors are mapped from its 64 to 2 for a single, documented code).
import ArgumentParser
import CrawlerCore
import Foundation
import Glibc

struct FeedcrawlerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feedcrawler",
        abstract: "Polls news feeds and writes each new article's clean text into a spool directory.",
        discussion: """
            Config file: --config FILE, else $FEEDCRAWLER_CONFIG, else /etc/feedcrawler/feedcrawler.toml.
            Exit codes: 0 success, 1 some work failed, 2 usage or configuration error.
            """,
        version: "0.1.0",
        subcommands: [
            FetchCommand.self, RunCommand.self, CheckConfigCommand.self, ExtractCommand.self,
            ParseFeedCommand.self, ImportOPMLCommand.self, StatusCommand.self,
        ]
    )

    /// Parses the process arguments, runs the chosen subcommand and exits with the documented codes.
    static func runMain() -> Never {
        do {
            var command = try parseAsRoot()
            try command.run()
            exit(withError: nil)
        } catch {
            if exitCode(for: error) == .validationFailure {
                writeToStandardError(fullMessage(for: error))
                Glibc.exit(ExitStatus.usage)
            }
            exit(withError: error)
        }
    }
}

/// The process exit codes.
enum ExitStatus {
    static let success: Int32 = 0
    /// The run completed but some feeds or inputs failed.
    static let partialFailure: Int32 = 1
    /// Bad command line or invalid configuration: nothing was attempted.
    static let usage: Int32 = 2
}

/// Writes `text` plus a newline to stderr (for messages that are not log events: usage and config problems).
/// Under systemd every line gets the `<N>` syslog priority prefix, so `journalctl -p err` shows config errors.
func writeToStandardError(_ text: String, journalPriority: Int = 3) {
    var out = text.hasSuffix("\n") ? String(text.dropLast()) : text
    if LogSetup.stderrIsJournal(environment: ProcessInfo.processInfo.environment) {
        out = out.split(separator: "\n", omittingEmptySubsequences: false).map { "<\(journalPriority)>\($0)" }
            .joined(separator: "\n")
    }
    LogSink.standardError.write(out + "\n")
}
