// Real crashes: a child process (this test binary, running only `childDeliversBacklog`) delivers a backlog
// through the real state store and spool and is killed with SIGKILL at random moments, then restarted. At the
// end every article must be in the spool exactly once, complete, with its sidecar, and nothing left in .tmp.
// (Issue 6's daemon-level kill test covers the whole pipeline; this one isolates the delivery protocol.)
import Foundation
import Glibc
import Testing
import TestSupport
@testable import Spool
@testable import Store

private let childEnvironmentKey = "FEEDCRAWLER_DELIVERY_CHILD"
private let backlogSize = 200

private func backlogDocument(n: Int, key: Int64) -> SpoolDocument {
    let article = newArticle(n)
    let sidecar = SpoolSidecar(id: article.articleID, url: article.url, canonicalURL: article.canonicalURL,
                               feed: article.feed, site: nil, title: "Article \(n)", published: nil,
                               fetchedAt: Date(timeIntervalSince1970: 1_700_000_000), author: nil, language: nil,
                               wordCount: 1, extractorVersion: "test")
    let body = String(repeating: "Kalimat \(n). ", count: 3000)
    return SpoolDocument(articleKey: key, text: "Article \(n)\n\n\(body)\n", sidecar: sidecar)
}

@Suite struct KillTests {
    /// The child's work; does nothing unless started by `deliveryIsExactlyOnceUnderSIGKILL`.
    @Test func childDeliversBacklog() throws {
        guard let root = ProcessInfo.processInfo.environment[childEnvironmentKey] else { return }
        let store = try StateStore(directory: root + "/state")
        let delivery = try SpoolDelivery(directory: root + "/spool", ledger: store)
        _ = try delivery.recover()
        _ = try store.enqueue((1...backlogSize).map { newArticle($0) })
        // Tell the parent that recovery and enqueuing are over and delivery starts now.
        _ = FileManager.default.createFile(atPath: root + "/ready", contents: Data())
        while true {
            // Batches of 1-6: small ones fsync each file, larger ones sync the filesystem once.
            let pending = try store.pendingArticles(limit: Int.random(in: 1...6))
            if pending.isEmpty { break }
            let batch = pending.map { record in
                backlogDocument(n: Int(record.articleID, radix: 16)!, key: record.key)
            }
            _ = delivery.deliver(batch)
        }
    }

    @Test func deliveryIsExactlyOnceUnderSIGKILL() throws {
        if ProcessInfo.processInfo.environment[childEnvironmentKey] != nil { return }
        let root = TemporaryDirectory("kill")
        var generator = SystemRandomNumberGenerator()
        var kills = 0
        var finished = false
        for round in 0..<50 {
            let child = Process()
            child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            child.arguments = ["--testing-library", "swift-testing", "--filter", "KillTests/childDeliversBacklog"]
            child.environment = ProcessInfo.processInfo.environment.merging([childEnvironmentKey: root.path]) { $1 }
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            unlink(root.path + "/ready")
            try child.run()
            // A random moment. Every other round it is counted from the child's "ready" signal (0-20 ms into
            // delivering); otherwise from the start (0-100 ms: start-up, recovery of the previous crash, or
            // delivery, depending on how the machine schedules it).
            if round % 2 == 1 {
                for _ in 0..<5000 where !FileManager.default.fileExists(atPath: root.path + "/ready") && child.isRunning {
                    usleep(1000)
                }
                usleep(UInt32.random(in: 0...20_000, using: &generator))
            } else {
                usleep(UInt32.random(in: 0...100_000, using: &generator))
            }
            if child.isRunning {
                kill(child.processIdentifier, SIGKILL)
                kills += 1
            }
            child.waitUntilExit()
            if child.terminationReason == .exit {
                #expect(child.terminationStatus == 0)
                finished = true
                break
            }
        }
        if !finished {
            let progress = try StateStore(directory: root.path + "/state").articleCounts()[.written] ?? 0
            print("delivery kill test: \(progress) of \(backlogSize) written before the last, unkilled run")
            // Let a last child run to completion.
            let child = Process()
            child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            child.arguments = ["--testing-library", "swift-testing", "--filter", "KillTests/childDeliversBacklog"]
            child.environment = ProcessInfo.processInfo.environment.merging([childEnvironmentKey: root.path]) { $1 }
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            try child.run()
            child.waitUntilExit()
            #expect(child.terminationReason == .exit && child.terminationStatus == 0)
        }
        #expect(kills > 0)
        print("delivery kill test: \(kills) SIGKILLs before completion")

        let store = try StateStore(directory: root.path + "/state")
        #expect(try store.articleCounts()[.written] == backlogSize)
        #expect(try store.articlesBeingWritten().isEmpty)
        let files = try FileManager.default.contentsOfDirectory(atPath: root.path + "/spool").filter { $0 != ".tmp" }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path + "/spool/.tmp").isEmpty)
        let texts = files.filter { $0.hasSuffix(".txt") }.compactMap { SpoolName(fileName: $0) }
        #expect(texts.count == backlogSize)
        #expect(files.count == 2 * backlogSize)
        #expect(Set(texts.map(\.articleID)).count == backlogSize)
        #expect(Set(texts.map(\.sequence)).count == backlogSize)
        for name in texts {
            let n = Int(name.articleID, radix: 16)!
            let expected = backlogDocument(n: n, key: 0)
            #expect(try String(contentsOfFile: root.path + "/spool/" + name.textFileName, encoding: .utf8) == expected.text)
            #expect(try String(contentsOfFile: root.path + "/spool/" + name.sidecarFileName, encoding: .utf8)
                == expected.sidecar.fileContents)
        }
    }
}
