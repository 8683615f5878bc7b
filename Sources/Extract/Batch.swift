// Batch extraction for benchmarks (`feedcrawler extract --batch INDIR OUTDIR`): one process for a whole folder,
// so throughput measures extraction, not process start-up.
import CrawlerModel
import Foundation
import Glibc
import LibXML2

public enum ExtractBatch {
    public struct Summary: Sendable, Equatable {
        public var pages: Int
        public var articles: Int
        public var rejected: Int

        public init(pages: Int, articles: Int, rejected: Int) {
            self.pages = pages
            self.articles = articles
            self.rejected = rejected
        }
    }

    /// Extracts every `*.html` in `inputDirectory` into `outputDirectory/<name>.txt`: the spool text, or an empty
    /// file for a rejected page (the spool would get nothing either, so scores measure what users receive). With `parseOnly` the pages are
    /// only parsed (the libxml2 floor) and empty files are written. `baseURL` gives each page's URL from its name.
    public static func run(inputDirectory: String, outputDirectory: String, extractor: Extractor, parseOnly: Bool = false,
                           baseURL: (String) -> String = { "http://localhost/\($0)" }) throws -> Summary {
        let names = try FileManager.default.contentsOfDirectory(atPath: inputDirectory).filter { $0.hasSuffix(".html") }.sorted()
        try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        var summary = Summary(pages: 0, articles: 0, rejected: 0)
        for name in names {
            let id = String(name.dropLast(5))
            let bytes = try readFile(inputDirectory + "/" + name)
            var text = ""
            if parseOnly {
                _ = try? Document.parseHTML(bytes, url: baseURL(id))
            } else {
                let report = extractor.run(html: bytes, url: baseURL(id), charset: nil, explain: false)
                switch report.result {
                case .article(let article): text = Self.spoolText(article); summary.articles += 1
                case .rejected: summary.rejected += 1
                }
            }
            try writeFile(outputDirectory + "/" + id + ".txt", text)
            summary.pages += 1
        }
        return summary
    }

    /// A whole file read straight into an array with POSIX calls (Data(contentsOf:) plus a copy into [UInt8]
    /// cost 2% of the batch: the copy alone touched every page twice).
    private static func readFile(_ path: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: path]) }
        let size = Int(status.st_size)
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var offset = 0
            while offset < size {
                let count = read(descriptor, buffer.baseAddress! + offset, size - offset)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                offset += count
            }
            failed = offset != size
            initialized = offset
        }
        guard !failed else { throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: path]) }
        return bytes
    }

    /// Writes a benchmark output with plain POSIX calls: String.write(toFile:) fsyncs every file, which cost more
    /// CPU (in the kernel) than extracting the page. These files need no durability.
    private static func writeFile(_ path: String, _ text: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(descriptor) }
        var text = text
        let complete = text.withUTF8 { bytes -> Bool in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 { if errno == EINTR { continue }; return false }
                offset += written
            }
            return true
        }
        guard complete else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
    }

    /// `ExtractedArticle.spoolText`, byte for byte, through the extractor's byte-level `spoolLine` (its ASCII/Latin/CJK
    /// fast path skips the NFC and Unicode-property work that made `spoolText` cost as much as the extraction
    /// itself: 1.17 of 6.5 billion instructions over the dev set). The lines are already spool lines, so this
    /// mostly copies bytes.
    static func spoolText(_ article: ExtractedArticle) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(article.paragraphs.reduce(article.title.utf8.count + 2) { $0 + $1.utf8.count + 2 })
        func appendLine(_ raw: String) -> Bool {
            // The extractor's lines are spool lines already; an ASCII line of single-spaced words is certainly one
            // and is copied as it is, anything else goes through spoolLine again.
            var line = isPlainSpoolLine(raw) ? raw : spoolLine(raw)
            line.withUTF8 { out.append(contentsOf: $0) }
            return !line.isEmpty
        }
        _ = appendLine(article.title)
        out.append(0x0A)
        for paragraph in article.paragraphs {
            let mark = out.count
            out.append(0x0A)
            if appendLine(paragraph) { out.append(0x0A) } else { out.removeSubrange(mark...) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A line spoolLine would return unchanged (so it need not be rebuilt): no leading, trailing or double space,
    /// no other whitespace, nothing spoolLine drops, and only characters its fast path keeps as they are.
    static func isPlainSpoolLine(_ line: String) -> Bool {
        var line = line
        return line.withUTF8 { bytes in
            guard let first = bytes.first, let last = bytes.last else { return true }
            guard first != 0x20, last != 0x20 else { return false }
            var previousSpace = false
            var index = 0
            while index < bytes.count {
                let lead = bytes[index]
                if lead < 0x80 {
                    if lead == 0x20 {
                        if previousSpace { return false }
                        previousSpace = true
                    } else {
                        guard lead > 0x20 && lead != 0x7F else { return false }
                        previousSpace = false
                    }
                    index += 1
                    continue
                }
                previousSpace = false
                var value: UInt32
                var length: Int
                if lead >= 0xF0 {
                    guard index + 3 < bytes.count else { return false }
                    value = (UInt32(lead & 0x07) << 18) | (UInt32(bytes[index + 1] & 0x3F) << 12)
                        | (UInt32(bytes[index + 2] & 0x3F) << 6) | UInt32(bytes[index + 3] & 0x3F)
                    length = 4
                } else if lead >= 0xE0 {
                    guard index + 2 < bytes.count else { return false }
                    value = (UInt32(lead & 0x0F) << 12) | (UInt32(bytes[index + 1] & 0x3F) << 6) | UInt32(bytes[index + 2] & 0x3F)
                    length = 3
                } else {
                    guard index + 1 < bytes.count else { return false }
                    value = (UInt32(lead & 0x1F) << 6) | UInt32(bytes[index + 1] & 0x3F)
                    length = 2
                }
                // What spoolLine's fast path copies unchanged: not whitespace, not dropped, NFC-stable.
                if value < 0x300 {
                    guard value > 0xA0 && value != 0xAD else { return false }
                } else if value >= 0x2000 && value <= 0x206F {
                    guard value > 0x200D && value != 0x2028 && value != 0x2029 && value != 0x202F && value != 0x205F
                            && value != 0x2060 else { return false }
                } else if !isNFCStable(value) {
                    return false
                }
                index += length
            }
            return true
        }
    }
}
