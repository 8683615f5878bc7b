// Helpers shared by the test targets: temporary directories, the loopback test origin (Scripts/origin.py,
// a real HTTP/1.1 server), and running the built `feedcrawler` binary.
public import Foundation

/// The package's root directory (where Package.swift is), found from this file's path.
public let packageRoot: URL = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
    }
    fatalError("Package.swift not found above \(#filePath)")
}()

/// Set by Scripts/test-sanitizers: the binaries carry ASan or TSan, which make the suite several times slower
/// and multiply RSS. Memory bounds are skipped then, and time limits and deadlines stretch by `deadlineScale`.
public let underSanitizer = ProcessInfo.processInfo.environment["FEEDCRAWLER_SANITIZER"] != nil
/// Measured: a sanitized suite, its tests running in parallel on 2 cores, is 3-5 times slower.
public let deadlineScale = underSanitizer ? 5 : 1

/// A fresh directory under the system temp dir, removed when the value is released.
public final class TemporaryDirectory: @unchecked Sendable {
    public let url: URL
    public var path: String { url.path }

    public init(_ label: String = "feedcrawler-test") {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    public func file(_ relative: String) -> URL { url.appendingPathComponent(relative) }

    /// Writes a file (creating parent folders) and returns its URL.
    @discardableResult
    public func write(_ relative: String, _ contents: String) throws -> URL {
        let target = file(relative)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try contents.write(to: target, atomically: true, encoding: .utf8)
        return target
    }
}

/// The loopback test origin: `Scripts/origin.py` serving `root/<host>/...` on 127.0.0.1 at a free port.
/// Sites are addressed as `http://<name>.localhost:<port>/` (curl maps *.localhost to 127.0.0.1).
public final class TestOrigin: @unchecked Sendable {
    public let port: Int
    private let process: Process
    private let portDirectory: TemporaryDirectory

    public init(root: URL) throws {
        portDirectory = TemporaryDirectory("origin-port")
        let portFile = portDirectory.file("port")
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", packageRoot.appendingPathComponent("Scripts/origin.py").path,
                             "--root", root.path, "--port", "0", "--port-file", portFile.path]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Start-up takes ~50 ms; allow 10 s on a loaded 2-core machine.
        let deadline = Date().addingTimeInterval(10)
        var found: Int?
        while Date() < deadline {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let value = Int(text) {
                found = value
                break
            }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        guard let found else {
            process.terminate()
            throw TestSupportError.originDidNotStart
        }
        port = found
    }

    /// Base URL of a virtual host, e.g. `baseURL("sindonews")` -> "http://sindonews.localhost:41234".
    public func baseURL(_ site: String) -> String { "http://\(site).localhost:\(port)" }

    /// A URL on 127.0.0.1 directly (for the `_default` site and the `/_/` special endpoints).
    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

public enum TestSupportError: Error {
    case originDidNotStart
    case binaryNotFound(String)
    case sitesNotGenerated(String)
}

/// A temp directory of generated news sites (Scripts/make-load-sites: `sites` sites of `articles` pages each,
/// with feeds), to serve with TestOrigin.
public func generatedLoadSites(_ name: String, sites: Int, articles: Int) throws -> TemporaryDirectory {
    let directory = TemporaryDirectory(name)
    let generated = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), [
        "python3", packageRoot.appendingPathComponent("Scripts/make-load-sites").path, directory.path,
        "--sites", "\(sites)", "--articles", "\(articles)"])
    guard generated.status == 0 else { throw TestSupportError.sitesNotGenerated(generated.stderr) }
    return directory
}

/// What a finished child process printed.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// The built `feedcrawler` executable next to the test bundle (.build/<triple>/debug/feedcrawler).
public func feedcrawlerBinary() throws -> URL {
    let candidates: [URL] = {
        var list: [URL] = []
        if let override = ProcessInfo.processInfo.environment["FEEDCRAWLER_BINARY"] {
            list.append(URL(fileURLWithPath: override))
        }
        let bundleDir = Bundle.main.bundleURL.deletingLastPathComponent()
        list.append(bundleDir.appendingPathComponent("feedcrawler"))
        let argv0 = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        list.append(argv0.appendingPathComponent("feedcrawler"))
        list.append(argv0.deletingLastPathComponent().appendingPathComponent("feedcrawler"))
        list.append(packageRoot.appendingPathComponent(".build/debug/feedcrawler"))
        return list
    }()
    for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
        return candidate
    }
    throw TestSupportError.binaryNotFound(candidates.map(\.path).joined(separator: ", "))
}

/// Runs a program to completion and captures its output (both pipes drained concurrently).
public func runProcess(_ executable: URL, _ arguments: [String], environment: [String: String] = [:],
                       currentDirectory: URL? = nil) throws -> ProcessResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "JOURNAL_STREAM")
    env.removeValue(forKey: "NOTIFY_SOCKET")
    for (key, value) in environment { env[key] = value }
    process.environment = env
    if let currentDirectory { process.currentDirectoryURL = currentDirectory }
    let outPipe = Pipe(), errPipe = Pipe()
    process.standardOutput = outPipe
    process.standardError = errPipe
    process.standardInput = FileHandle.nullDevice
    try process.run()
    nonisolated(unsafe) var errData = Data()
    let done = DispatchSemaphore(value: 0)
    let reader = Thread {
        errData = errPipe.fileHandleForReading.readDataToEndOfFile()
        done.signal()
    }
    reader.start()
    let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
    done.wait()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus,
                         stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
}

/// Runs the built feedcrawler with arguments.
public func runFeedcrawler(_ arguments: [String], environment: [String: String] = [:],
                           currentDirectory: URL? = nil) throws -> ProcessResult {
    try runProcess(try feedcrawlerBinary(), arguments, environment: environment, currentDirectory: currentDirectory)
}

/// One `[[feeds]]` table of a test configuration; `extra` holds further `key = value` lines for it.
public struct TestFeed: Sendable {
    public var name: String
    public var url: String
    public var extra: [String]

    public init(_ name: String, _ url: String, _ extra: String...) {
        self.name = name
        self.url = url
        self.extra = extra
    }
}

/// Writes `feedcrawler.toml` into `directory` for a test run: spool and state inside the directory, loopback
/// allowed and no per-host delay (the origin is the test's own), then `settings` lines, then the feeds.
@discardableResult
public func writeCrawlerConfig(in directory: TemporaryDirectory, settings: [String] = [], feeds: [TestFeed]) throws -> URL {
    var lines = ["spool_dir = \"\(directory.path)/spool\"", "state_dir = \"\(directory.path)/state\"",
                 "allow_private_networks = true", "per_host_delay = \"0ms\""] + settings
    for feed in feeds {
        lines += ["", "[[feeds]]", "name = \"\(feed.name)\"", "url = \"\(feed.url)\""] + feed.extra
    }
    return try directory.write("feedcrawler.toml", lines.joined(separator: "\n") + "\n")
}
