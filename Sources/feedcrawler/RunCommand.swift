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
        Self.useOneMallocArena()
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

    /// One malloc arena instead of glibc's default of one per allocating thread (up to 8 per core): freed memory
    /// stays in the arena of the thread that allocated it, and Swift tasks hop threads, so the 10,000-feed soak
    /// (Scripts/soak) held 38.7 MB of anonymous memory for ~12 MB in use; with one arena 22.9 MB. Per-thread
    /// caches (tcache) still serve most small allocations without the arena lock. mallopt is in <malloc.h>,
    /// which Swift's Glibc module does not import, so it is looked up by name (as Spool does for syncfs).
    static func useOneMallocArena() {
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let arenaMax: Int32 = -8  // M_ARENA_MAX
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(arenaMax, 1)
    }
}
