// `feedcrawler import-opml FILE`: prints `[[feeds]]` tables for the subscriptions of an OPML export that the
// config does not have yet; `--append` adds them to the config file instead (validated first, written
// atomically with the file's owner and mode kept, so a running daemon never reads half a file).
import ArgumentParser
import CrawlerCore
import Foundation
import Glibc

struct ImportOPMLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-opml",
        abstract: "Turn an OPML subscription list into [[feeds]] tables (printed, or appended to the config).",
        discussion: """
            Subscriptions whose URL the config already has are skipped; new feeds are named from their titles.
            Exit codes: 0 done, 1 the OPML file could not be read, 2 usage or configuration error.
            """
    )

    @OptionGroup var options: SharedOptions

    @Argument(help: ArgumentHelp("An OPML file, or '-' for stdin.", valueName: "file"))
    var input: String

    @Flag(name: .long, help: "Append the new [[feeds]] tables to the config file instead of printing them.")
    var append = false

    /// OPML exports are small; refuse anything absurd (bytes).
    static let maxOPMLBytes = 16 << 20

    func validate() throws {
        if case .url = try InputSource(argument: input) {
            throw ValidationError("import-opml reads a file (or '-'), not a URL")
        }
    }

    func run() throws {
        let logger = options.bootstrapLogging()
        let path = options.configPath
        let existing: Config
        if append || options.configWasNamed || FileManager.default.fileExists(atPath: path) {
            existing = try options.loadConfig(logger: logger, checkEnvironment: false)
        } else {
            existing = Config()
        }
        let source = try InputSource(argument: input)
        let bytes: [UInt8]
        do {
            bytes = try source.load(maxBytes: Self.maxOPMLBytes, config: existing, logger: logger).bytes
        } catch {
            writeToStandardError("feedcrawler import-opml: \(error.description)")
            throw ExitCode(ExitStatus.partialFailure)
        }
        let subscriptions: [OPMLFeed]
        do {
            subscriptions = try OPMLImport.feeds(fromOPML: bytes)
        } catch {
            writeToStandardError("feedcrawler import-opml: \(input): \(error.description)")
            throw ExitCode(ExitStatus.partialFailure)
        }
        let result = OPMLImport.entries(for: subscriptions, existing: existing.feeds)
        for skipped in result.skipped {
            writeToStandardError("skipped \(skipped.url): \(skipped.reason)", journalPriority: 4)
        }
        guard append else {
            print(result.toml, terminator: "")
            writeToStandardError("\(result.addedNames.count) new feed(s), \(result.skipped.count) skipped", journalPriority: 6)
            return
        }
        guard !result.addedNames.isEmpty else {
            writeToStandardError("nothing to add to \(path)", journalPriority: 6)
            return
        }
        let original: String
        do { original = try String(contentsOfFile: path, encoding: .utf8) } catch {
            writeToStandardError("feedcrawler import-opml: cannot read \(path): \(error)")
            throw ExitCode(ExitStatus.usage)
        }
        let updated = original + (original.hasSuffix("\n") || original.isEmpty ? "" : "\n")
            + "\n# Imported from \(input == "-" ? "stdin" : input) by feedcrawler import-opml.\n" + result.toml
        do {
            _ = try ConfigLoader.parse(text: updated, file: path)
        } catch {
            writeToStandardError("feedcrawler import-opml: the result would not be a valid config; not written:\n\(error.description)")
            throw ExitCode(ExitStatus.usage)
        }
        if let problem = Self.replaceAtomically(path: path, contents: updated) {
            writeToStandardError("feedcrawler import-opml: cannot write \(path): \(problem)")
            throw ExitCode(ExitStatus.partialFailure)
        }
        writeToStandardError("added \(result.addedNames.count) feed(s) to \(path): \(result.addedNames.joined(separator: ", "))",
                             journalPriority: 6)
    }

    /// Writes `contents` to a temporary file beside `path` with the original's mode, owner and group, fsyncs
    /// it and renames it over `path`. Returns nil on success, else the reason.
    static func replaceAtomically(path: String, contents: String) -> String? {
        var original = stat()
        guard stat(path, &original) == 0 else { return String(cString: strerror(errno)) }
        let temporary = path + ".import-\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, original.st_mode & 0o7777)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        var failure: String?
        var bytes = Array(contents.utf8)
        var offset = 0
        while failure == nil, offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 { if errno != EINTR { failure = String(cString: strerror(errno)) } } else { offset += written }
        }
        // Keep who may read the config (root:feedcrawler 0640 after install.sh); ignore EPERM as non-root.
        if failure == nil, fchown(descriptor, original.st_uid, original.st_gid) != 0, errno != EPERM {
            failure = String(cString: strerror(errno))
        }
        if failure == nil, fchmod(descriptor, original.st_mode & 0o7777) != 0 { failure = String(cString: strerror(errno)) }
        if failure == nil, fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
        close(descriptor)
        if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if failure != nil { unlink(temporary) }
        bytes.removeAll()
        return failure
    }
}
