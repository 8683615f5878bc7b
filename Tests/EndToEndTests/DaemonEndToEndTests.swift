// `feedcrawler run` for real: it crawls the demo sites on the loopback origin on its own schedule, speaks the
// systemd notify protocol when NOTIFY_SOCKET is set, and stops cleanly on SIGTERM.
import Foundation
import Glibc
import TestSupport
import Testing

/// A datagram socket standing in for systemd's notify socket; collects every message received.
final class NotifyListener: @unchecked Sendable {
    let path: String
    private let fd: Int32
    private let lock = NSLock()
    private var received: [String] = []
    private var thread: Thread?

    init(directory: TemporaryDirectory) throws {
        path = directory.file("notify.sock").path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !Thread.current.isCancelled {
                let count = recv(fd, &buffer, buffer.count, 0)
                if count > 0 {
                    let message = String(decoding: buffer[0..<count], as: UTF8.self)
                    lock.withLock { received.append(message) }
                }
            }
        }
        self.thread = thread
        thread.start()
    }

    var messages: [String] { lock.withLock { received } }

    func stop() {
        thread?.cancel()
        Thread.sleep(forTimeInterval: 0.3)
        close(fd)
    }
}

/// A loopback TCP port that was free a moment ago.
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard ok else { throw POSIXError(.EADDRNOTAVAIL) }
    return Int(UInt16(bigEndian: address.sin_port))
}

@Suite(.serialized)
struct DaemonEndToEndTests {
    @Test func daemonCrawlsNotifiesSystemdAndStopsCleanlyOnSigterm() throws {
        let origin = try TestOrigin(root: sitesDirectory)
        let work = TemporaryDirectory("e2e-daemon")
        // A free loopback port for the metrics endpoint: bind to 0, read it, release it.
        let metricsPort = try freeLoopbackPort()
        let config = try writeDemoConfig(in: work, origin: origin, extra: """
            metrics_file = "\(work.path)/feedcrawler.prom"
            metrics_listen = "127.0.0.1:\(metricsPort)"
            metrics_interval = "1s"
            """)
        let expectedCount = try loadExpectedArticles().count
        let listener = try NotifyListener(directory: work)
        defer { listener.stop() }

        let process = Process()
        process.executableURL = try feedcrawlerBinary()
        process.arguments = ["run", "--config", config.path]
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = listener.path
        environment["WATCHDOG_USEC"] = "2000000"  // 2 s: pings every second
        environment.removeValue(forKey: "JOURNAL_STREAM")
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()

        // Wait (up to 60 s on a loaded machine) for every demo article to be written.
        let spool = work.file("spool")
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, SpoolListing(spool).texts.count < expectedCount, process.isRunning {
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(SpoolListing(spool).texts.count == expectedCount)
        Thread.sleep(forTimeInterval: 1.5)  // long enough for a watchdog ping and a status update

        // Metrics: the textfile for node_exporter and the loopback endpoint say the same things.
        let metricsFile = try String(contentsOf: work.file("feedcrawler.prom"), encoding: .utf8)
        #expect(metricsFile.contains("# TYPE feedcrawler_articles_written_total counter"))
        #expect(metricsFile.contains("feedcrawler_articles_written_total \(expectedCount)"), "\(metricsFile)")
        #expect(metricsFile.contains("feedcrawler_polls_total{outcome=\"ok\"} 3"))
        #expect(metricsFile.contains("feedcrawler_fetch_duration_seconds_bucket{purpose=\"article\",le=\"+Inf\"} \(expectedCount)"))
        let scraped = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), [
            "python3", "-c", "import urllib.request,sys; sys.stdout.write(urllib.request.urlopen('http://127.0.0.1:\(metricsPort)/metrics', timeout=5).read().decode())"])
        #expect(scraped.status == 0, "\(scraped.stderr)")
        #expect(scraped.stdout.contains("feedcrawler_articles_written_total \(expectedCount)"))

        // `status` is a health check: 0 while the daemon's main loop ticks.
        let running = try runFeedcrawler(["status", "--config", config.path])
        #expect(running.status == 0, "\(running.stdout)\(running.stderr)")
        #expect(running.stdout.contains("daemon: running"))
        #expect(running.stdout.contains("sindonews") && running.stdout.contains("today=\(expectedCount)"))

        kill(process.processIdentifier, SIGTERM)
        let stopDeadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < stopDeadline { Thread.sleep(forTimeInterval: 0.05) }
        let stoppedInTime = !process.isRunning
        if !stoppedInTime { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(stoppedInTime, "daemon ignored SIGTERM")
        #expect(process.terminationStatus == 0, "exit \(process.terminationStatus): \(log)")

        let messages = listener.messages
        #expect(messages.contains("READY=1"), "\(messages)")
        #expect(messages.contains("WATCHDOG=1"), "\(messages)")
        #expect(messages.contains { $0.hasPrefix("STATUS=") }, "\(messages)")
        #expect(messages.contains("STOPPING=1"), "\(messages)")
        #expect(log.contains("Article written."))

        let listing = SpoolListing(spool)
        #expect(listing.strays.isEmpty && listing.textsWithoutSidecar.isEmpty)

        let stopped = try runFeedcrawler(["status", "--config", config.path])
        #expect(stopped.status == 1)
        #expect(stopped.stdout.contains("daemon: stopped"))
    }

    @Test func sighupAddsAFeedWithoutRestartAndABrokenConfigKeepsTheOldOneRunning() throws {
        let origin = try TestOrigin(root: sitesDirectory)
        let work = TemporaryDirectory("e2e-reload")
        let full = try String(contentsOf: try writeDemoConfig(in: work, origin: origin), encoding: .utf8)
        // Start with the first feed only: everything before the second [[feeds]] table.
        let firstFeedOnly = String(full[..<full.range(of: "[[feeds]]\nname = \"tribunnews\"")!.lowerBound])
        let config = try work.write("feedcrawler.toml", firstFeedOnly)
        let spool = work.file("spool")

        let process = Process()
        process.executableURL = try feedcrawlerBinary()
        process.arguments = ["run", "--config", config.path]
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        func waitForArticles(_ count: Int) -> Bool {
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline, process.isRunning {
                if SpoolListing(spool).texts.count >= count { return true }
                Thread.sleep(forTimeInterval: 0.2)
            }
            return false
        }
        #expect(waitForArticles(2), "first feed's two articles not written")
        #expect(SpoolListing(spool).texts.count == 2)

        // Add the other feeds and reload: their articles arrive without a restart.
        try full.write(to: config, atomically: true, encoding: .utf8)
        kill(process.processIdentifier, SIGHUP)
        #expect(waitForArticles(6), "added feeds not polled after SIGHUP")

        // A broken config is refused; the daemon keeps running the old one.
        try (full + "\nthis is not toml = = =\n").write(to: config, atomically: true, encoding: .utf8)
        kill(process.processIdentifier, SIGHUP)
        Thread.sleep(forTimeInterval: 2)
        #expect(process.isRunning)
        let health = try runFeedcrawler(["status", "--config", config.path, "--stale-after", "30"])
        _ = health  // the broken file cannot be loaded by `status` either; the heartbeat is checked below

        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(log)")
        #expect(log.contains("Configuration reloaded."))
        #expect(log.contains("Reload refused"), "\(log)")
        #expect(log.contains("feedcrawler.toml:"), "reload errors name file:line")
    }
}
