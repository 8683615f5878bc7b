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

    /// The whole pipeline (libcurl, TLS library init, SQLite, the spool writer) under the same switch.
    @Test func fetchWorksWithoutWritableExecutableMemory() throws {
        let probe = try runProcess(URL(fileURLWithPath: "/usr/bin/env"),
                                   ["python3", "-c", "import ctypes,sys; sys.exit(0 if ctypes.CDLL(None).prctl(65, 1, 0, 0, 0) == 0 else 3)"])
        guard probe.status == 0 else { return }
        let origin = try TestOrigin(root: packageRoot.appendingPathComponent("Tests/Fixtures/sites"))
        defer { origin.stop() }
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
        let script = "import ctypes,os,sys; ctypes.CDLL(None).prctl(65, 1, 0, 0, 0); os.execv(sys.argv[1], sys.argv[1:])"
        let result = try runProcess(URL(fileURLWithPath: "/usr/bin/env"),
                                    ["python3", "-c", script, try feedcrawlerBinary().path, "fetch", "--config", config.path])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let written = (try? FileManager.default.contentsOfDirectory(atPath: "\(work.path)/spool")) ?? []
        #expect(written.filter { $0.hasSuffix(".txt") }.count == 2)
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
        guard run.status == 0 else {
            // ptrace may be forbidden in some sandboxes: then strace itself fails before the binary runs.
            #expect(!FileManager.default.fileExists(atPath: "\(work.path)/spool"), "fetch failed: \(run.stderr)")
            return
        }
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
        #expect(used.contains("connect"), "the trace looks empty: \(used.sorted())")
        let allowed = try Self.expandSyscallSet("@system-service")
        let denied = try Self.expandSyscallSet("@privileged")
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
