// The systemd units and the install script: `systemd-analyze verify` is clean (any output counts as a
// failure, because unknown keys and bad values are only warnings with exit 0), every directive has a
// comment, MemoryDenyWriteExecute= really works with our binary, and install.sh stages the right tree.
import Testing
import Foundation
import TestSupport

@Suite struct ConfigSystemdTests {
    static let units = ["feedcrawler.service", "feedcrawler-fetch.service", "feedcrawler-fetch.timer"]
    static let systemdAnalyze = "/usr/bin/systemd-analyze"

    static func unitText(_ name: String) throws -> String {
        try String(contentsOf: packageRoot.appendingPathComponent("systemd/\(name)"), encoding: .utf8)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: systemdAnalyze)))
    func unitsVerifyWithoutAnyOutput() throws {
        // verify checks that ExecStart's binary exists: point the copies at the built one.
        let directory = TemporaryDirectory("units")
        let binary = try feedcrawlerBinary().path
        var paths: [String] = []
        for unit in Self.units {
            let text = try Self.unitText(unit).replacingOccurrences(of: "/usr/local/bin/feedcrawler", with: binary)
            paths.append(try directory.write(unit, text).path)
        }
        let result = try runProcess(URL(fileURLWithPath: Self.systemdAnalyze), ["verify"] + paths,
                                    currentDirectory: directory.url)
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        #expect(result.stdout.isEmpty, "\(result.stdout)")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: systemdAnalyze)))
    func verifyCatchesABrokenUnit() throws {
        // Guards the test above against a verify that never complains.
        let directory = TemporaryDirectory("units")
        let binary = try feedcrawlerBinary().path
        let text = try Self.unitText("feedcrawler.service")
            .replacingOccurrences(of: "/usr/local/bin/feedcrawler", with: binary)
            .replacingOccurrences(of: "ProtectSystem=strict", with: "ProtectSystem=banana")
        let path = try directory.write("feedcrawler.service", text).path
        let result = try runProcess(URL(fileURLWithPath: Self.systemdAnalyze), ["verify", path])
        #expect(!result.stderr.isEmpty)
    }

    @Test(arguments: units)
    func everyDirectiveHasACommentAbove(unit: String) throws {
        let lines = try Self.unitText(unit).split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            let isDirective = !line.isEmpty && !line.hasPrefix("#") && !line.hasPrefix(";") && !line.hasPrefix("[")
            guard isDirective else { continue }
            #expect(index > 0 && lines[index - 1].hasPrefix("#"), "\(unit):\(index + 1): '\(line)' has no comment above it")
        }
    }

    @Test func serviceRunsTheDaemonHardened() throws {
        let text = try Self.unitText("feedcrawler.service")
        for directive in [
            "Type=notify", "ExecStart=/usr/local/bin/feedcrawler run --config /etc/feedcrawler/feedcrawler.toml",
            "ExecReload=/bin/kill -HUP $MAINPID", "User=feedcrawler", "StateDirectory=feedcrawler",
            "ProtectSystem=strict", "ReadWritePaths=/var/spool/feedcrawler", "NoNewPrivileges=yes",
            "PrivateTmp=yes", "ProtectHome=yes", "PrivateDevices=yes", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
            "SystemCallFilter=@system-service", "MemoryDenyWriteExecute=yes", "Restart=on-failure",
        ] {
            #expect(text.contains("\n\(directive)\n"), "missing \(directive)")
        }
        #expect(text.contains("\nWatchdogSec="))
    }

    /// MemoryDenyWriteExecute= is a seccomp filter refusing writable+executable mappings; the kernel's
    /// PR_SET_MDWE (Linux 6.3+, kept across exec) enforces the same rule without systemd. Skipped when the
    /// kernel lacks it.
    @Test func binaryWorksWithoutWritableExecutableMemory() throws {
        let probe = try runProcess(URL(fileURLWithPath: "/usr/bin/env"),
                                   ["python3", "-c", "import ctypes,sys; sys.exit(0 if ctypes.CDLL(None).prctl(65, 1, 0, 0, 0) == 0 else 3)"])
        guard probe.status == 0 else { return }  // kernel without PR_SET_MDWE: nothing to check here
        let binary = try feedcrawlerBinary().path
        let feed = TemporaryDirectory("mdwe")
        let feedPath = try feed.write("feed.xml", """
            <?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>http://x.example/</link>
            <item><title>A</title><link>http://x.example/a</link></item></channel></rss>
            """).path
        for arguments in [
            ["check-config", "--config", packageRoot.appendingPathComponent("Config/demo.toml").path],
            ["parse-feed", feedPath, "--json"],
        ] {
            let script = "import ctypes,os,sys; ctypes.CDLL(None).prctl(65, 1, 0, 0, 0); os.execv(sys.argv[1], sys.argv[1:])"
            let result = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, binary] + arguments)
            #expect(result.status == 0, "\(arguments[0]) under MDWE: \(result.stderr)")
        }
    }

    /// The whole pipeline (libcurl, TLS library init, SQLite, the spool writer) under the same switch: a fetch
    /// with writable+executable memory refused ends exactly like the same fetch without the restriction.
    @Test func fetchWorksWithoutWritableExecutableMemory() throws {
        let probe = try runProcess(URL(fileURLWithPath: "/usr/bin/env"),
                                   ["python3", "-c", "import ctypes,sys; sys.exit(0 if ctypes.CDLL(None).prctl(65, 1, 0, 0, 0) == 0 else 3)"])
        guard probe.status == 0 else { return }
        let origin = try TestOrigin(root: packageRoot.appendingPathComponent("Tests/Fixtures/sites"))
        defer { origin.stop() }
        let binary = try feedcrawlerBinary().path
        func fetch(restricted: Bool) throws -> (status: Int32, written: Int, output: String) {
            let work = TemporaryDirectory("mdwe-fetch")
            let config = try work.write("feedcrawler.toml", """
                spool_dir = "\(work.path)/spool"
                state_dir = "\(work.path)/state"
                allowed_private_hosts = ["127.0.0.1"]
                per_host_delay = "0ms"
                [[feeds]]
                name = "sindonews"
                url = "\(origin.baseURL("sindonews"))/rss.xml"
                """)
            let prctl = restricted ? "ctypes.CDLL(None).prctl(65, 1, 0, 0, 0); " : ""
            let script = "import ctypes,os,sys; \(prctl)os.execv(sys.argv[1], sys.argv[1:])"
            let result = try runProcess(URL(fileURLWithPath: "/usr/bin/env"),
                                        ["python3", "-c", script, binary, "fetch", "--config", config.path])
            let files = (try? FileManager.default.contentsOfDirectory(atPath: "\(work.path)/spool")) ?? []
            return (result.status, files.filter { $0.hasSuffix(".txt") }.count, result.stdout + result.stderr)
        }
        let normal = try fetch(restricted: false)
        let restricted = try fetch(restricted: true)
        #expect(restricted.status == normal.status, "\(restricted.output)")
        #expect(restricted.written == normal.written, "\(restricted.output)")
        #expect(restricted.output.contains("Feed polled."), "\(restricted.output)")
    }

    /// SystemCallFilter= and RestrictAddressFamilies= only fail at run time, under systemd. Instead, trace the
    /// system calls of a real fetch and compare them with the filter's sets as systemd itself expands them.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: systemdAnalyze)
                   && FileManager.default.isExecutableFile(atPath: "/usr/bin/strace")))
    func fetchStaysInsideTheSystemCallFilterAndAddressFamilies() throws {
        let origin = try TestOrigin(root: packageRoot.appendingPathComponent("Tests/Fixtures/sites"))
        defer { origin.stop() }
        let work = TemporaryDirectory("syscalls")
        let config = try work.write("feedcrawler.toml", """
            spool_dir = "\(work.path)/spool"
            state_dir = "\(work.path)/state"
            allowed_private_hosts = ["127.0.0.1"]
            per_host_delay = "0ms"
            [[feeds]]
            name = "sindonews"
            url = "\(origin.baseURL("sindonews"))/rss.xml"
            """)
        let trace = work.file("trace.log").path
        let run = try runProcess(URL(fileURLWithPath: "/usr/bin/strace"),
                                 ["-f", "-qq", "-o", trace, try feedcrawlerBinary().path, "fetch", "--config", config.path])
        // ptrace may be forbidden in some sandboxes: then strace fails before the binary runs and there is no
        // trace to check. Whether the fetch itself succeeded is for the pipeline's tests; every call counts here.
        guard let size = (try? FileManager.default.attributesOfItem(atPath: trace))?[.size] as? Int, size > 0 else {
            #expect(run.status != 0, "strace ran but wrote no trace")
            return
        }
        try Self.expectInsideFilters(trace: trace)
    }

    /// The daemon too (`run`: notify socket, signal handling, the scheduling loop), from start to SIGTERM.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: systemdAnalyze)
                   && FileManager.default.isExecutableFile(atPath: "/usr/bin/strace")))
    func daemonStaysInsideTheSystemCallFilterAndAddressFamilies() throws {
        let origin = try TestOrigin(root: packageRoot.appendingPathComponent("Tests/Fixtures/sites"))
        defer { origin.stop() }
        let work = TemporaryDirectory("syscalls-run")
        let config = try work.write("feedcrawler.toml", """
            spool_dir = "\(work.path)/spool"
            state_dir = "\(work.path)/state"
            allowed_private_hosts = ["127.0.0.1"]
            [[feeds]]
            name = "sindonews"
            url = "\(origin.baseURL("sindonews"))/rss.xml"
            """)
        let notify = try DatagramListener(path: work.file("notify.sock").path)
        let trace = work.file("trace.log").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/strace")
        process.arguments = ["-f", "-qq", "-o", trace, try feedcrawlerBinary().path, "run", "--config", config.path]
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = notify.path
        environment["WATCHDOG_USEC"] = "2000000"  // WATCHDOG=1 every second, so the watchdog path runs too
        environment.removeValue(forKey: "JOURNAL_STREAM")
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let ready = notify.waitFor("READY=1", seconds: 30)
        // The daemon is strace's first child: the first PID in the trace.
        let firstLine = (try? String(contentsOfFile: trace, encoding: .utf8))?.prefix { $0 != " " } ?? ""
        guard ready, let daemon = Int32(firstLine) else {
            process.terminate()
            process.waitUntilExit()
            // ptrace may be forbidden in some sandboxes; then nothing ran and there is nothing to check.
            #expect(!ready, "the daemon became ready but its PID is not in the trace")
            return
        }
        #expect(notify.waitFor("WATCHDOG=1", seconds: 30))
        kill(daemon, SIGTERM)
        process.waitUntilExit()
        #expect(notify.waitFor("STOPPING=1", seconds: 5))
        try Self.expectInsideFilters(trace: trace)
    }

    /// Every system call in an `strace -f` log is in @system-service and not in ~@privileged, and every
    /// socket is AF_INET, AF_INET6 or AF_UNIX.
    static func expectInsideFilters(trace: String) throws {
        var used = Set<String>()
        var families = Set<String>()
        for line in try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n") {
            // "1234 name(args) = result", "1234 <... name resumed>...", "1234 +++ exited ..."
            let afterPID = line.drop { $0 != " " }.drop { $0 == " " }
            guard let open = afterPID.firstIndex(of: "("), afterPID.first?.isLetter == true else { continue }
            let name = String(afterPID[..<open])
            used.insert(name)
            if name == "socket" || name == "socketpair" {
                families.insert(String(afterPID[afterPID.index(after: open)...].prefix { $0 != "," }))
            }
        }
        #expect(used.contains("openat"), "the trace looks empty: \(used.sorted())")
        let allowed = try expandSyscallSet("@system-service")
        let denied = try expandSyscallSet("@privileged")
        // SQLite chowns its journal files to the database's owner only when running as root; the service never is.
        let ignoredAsRoot: Set<String> = getuid() == 0 ? ["fchown"] : []
        #expect(used.subtracting(allowed).sorted() == [], "system calls outside @system-service")
        #expect(used.intersection(denied).subtracting(ignoredAsRoot).sorted() == [], "system calls in ~@privileged")
        #expect(families.subtracting(["AF_INET", "AF_INET6", "AF_UNIX"]).sorted() == [], "address families used")
    }

    /// The system calls of a systemd syscall set, nested sets expanded (`systemd-analyze syscall-filter`).
    static func expandSyscallSet(_ name: String, seen: inout Set<String>) throws -> Set<String> {
        guard seen.insert(name).inserted else { return [] }
        let output = try runProcess(URL(fileURLWithPath: systemdAnalyze), ["syscall-filter", name]).stdout
        var result = Set<String>()
        for line in output.split(separator: "\n").dropFirst() {
            let entry = line.trimmingCharacters(in: .whitespaces)
            if entry.isEmpty || entry.hasPrefix("#") { continue }
            if entry.hasPrefix("@") { result.formUnion(try expandSyscallSet(entry, seen: &seen)) } else { result.insert(entry) }
        }
        return result
    }

    static func expandSyscallSet(_ name: String) throws -> Set<String> {
        var seen = Set<String>()
        return try expandSyscallSet(name, seen: &seen)
    }

    @Test func installScriptStagesBinaryUnitsConfigAndDirectories() throws {
        let stage = TemporaryDirectory("install")
        let binary = try feedcrawlerBinary().path
        let first = try runProcess(URL(fileURLWithPath: "/bin/bash"),
                                   [packageRoot.appendingPathComponent("Scripts/install.sh").path,
                                    "--binary", binary, "--destdir", stage.path])
        #expect(first.status == 0, "\(first.stderr)")
        func mode(_ relative: String) -> Int? {
            (try? FileManager.default.attributesOfItem(atPath: stage.file(relative).path))?[.posixPermissions] as? Int
        }
        #expect(mode("usr/local/bin/feedcrawler") == 0o755)
        for unit in Self.units { #expect(mode("etc/systemd/system/\(unit)") == 0o644) }
        #expect(mode("etc/feedcrawler/feedcrawler.toml") == 0o640)
        #expect(mode("var/spool/feedcrawler") == 0o2770)
        #expect(mode("var/lib/feedcrawler") == 0o750)
        #expect(mode("etc/feedcrawler/sites/sindonews.com.json") == 0o644)

        // A second run keeps an edited config and puts the new default beside it.
        let edited = "# edited\n" + (try String(contentsOf: packageRoot.appendingPathComponent("Config/demo.toml"),
                                                   encoding: .utf8))
        try edited.write(to: stage.file("etc/feedcrawler/feedcrawler.toml"), atomically: true, encoding: .utf8)
        let second = try runProcess(URL(fileURLWithPath: "/bin/bash"),
                                    [packageRoot.appendingPathComponent("Scripts/install.sh").path,
                                     "--binary", binary, "--destdir", stage.path])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try String(contentsOf: stage.file("etc/feedcrawler/feedcrawler.toml"), encoding: .utf8) == edited)
        #expect(mode("etc/feedcrawler/feedcrawler.toml.dist") == 0o640)
    }
}

/// A bound AF_UNIX datagram socket standing in for systemd's notify socket.
final class DatagramListener {
    let path: String
    private let descriptor: Int32
    private(set) var received: [String] = []

    init(path: String) throws {
        self.path = path
        unlink(path)
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw CocoaError(.fileWriteInvalidFileName) }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: bytes)
            buffer[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { close(descriptor); throw CocoaError(.fileWriteUnknown) }
    }

    /// Receives datagrams until one contains `text` (true) or `seconds` pass (false).
    func waitFor(_ text: String, seconds: Double) -> Bool {
        if received.contains(where: { $0.contains(text) }) { return true }
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { continue }
            let message = String(decoding: buffer[0..<count], as: UTF8.self)
            received.append(message)
            if message.contains(text) { return true }
        }
        return false
    }

    deinit {
        close(descriptor)
        unlink(path)
    }
}
