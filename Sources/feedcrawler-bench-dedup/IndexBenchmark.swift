// Speed and size half of the dedup benchmark: a real state database (StateStore, same schema and settings as
// the daemon) holding `count` written articles with realistic URLs and their near-duplicate fingerprints,
// then timed stage-4 lookups against it: half of them for new, unrelated texts (the common case, nothing
// found) and half for syndicated copies of stored articles (must be found). Signatures are generated, not
// computed from text: unrelated texts have independent MinHash values, so random values are what an index
// of a million real articles holds, and generating them keeps the set-up to a minute.
import Dedup
import Foundation
import Spool
import Store

/// Deterministic pseudo-random numbers (SplitMix64).
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// The stored signature of generated article `index`.
func generatedSignature(_ index: Int) -> MinHashSignature {
    var random = SplitMix(state: UInt64(index) &* 0x1000_0000_01b3 &+ 7)
    let values = (0..<MinHashSignature.permutations).map { _ in UInt32(truncatingIfNeeded: random.next()) }
    return MinHashSignature(values: values, shingleCount: 100 + Int(random.next() % 700))
}

func peakRSSMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return -1 }
    return kilobytes / 1024
}

func databaseMegabytes(_ directory: String) -> Double {
    let names = [StateStore.fileName, StateStore.fileName + "-wal", StateStore.fileName + "-shm"]
    let bytes = names.compactMap { name -> Int? in
        (try? FileManager.default.attributesOfItem(atPath: directory + "/" + name))?[.size] as? Int
    }.reduce(0, +)
    return Double(bytes) / 1_048_576
}

/// CPU seconds (user + system) this process has used: rates per CPU-second do not depend on how busy the
/// shared machine is.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// - Parameter reuse: keep a database an earlier run built with the same `count` (skips the set-up).
func runIndexBenchmark(directory: String, count: Int, lookups: Int, policy: NearDuplicatePolicy,
                       reuse: Bool = false) throws -> Bool {
    let reusing = reuse && FileManager.default.fileExists(atPath: directory + "/" + StateStore.fileName)
    if !reusing { try? FileManager.default.removeItem(atPath: directory) }
    let store = try StateStore(directory: directory)
    let batch = 10_000
    var started = ContinuousClock.now
    var firstKey: Int64 = 1
    var articlesMB = 0.0
    if reusing {
        print("reusing the database in \(directory) (\(String(format: "%.1f", databaseMegabytes(directory))) MB)")
    } else {

    // 1. The articles, written (state as after delivery): the part of the database dedup does not add.
    for base in stride(from: 0, to: count, by: batch) {
        let range = base..<min(count, base + batch)
        let articles = range.map { index in
            let url = "https://regional.tribunnews.com/2026/11/\(10 + index % 20)/pemerintah-kabupaten-umumkan-program-baru-\(index)"
            return NewArticle(canonicalURL: url, articleID: String(format: "%016llx", UInt64(index) &* 0x9e37_79b9_7f4a_7c15),
                              feed: "feed-\(index % 50)", guid: url, url: url + "?utm_source=rss",
                              title: "Pemerintah kabupaten umumkan program baru untuk warga nomor \(index)")
        }
        let results = try store.enqueue(articles)
        let keys = results.compactMap { result -> Int64? in if case .enqueued(let key) = result { return key } else { return nil } }
        if base == 0 { firstKey = keys.first ?? 1 }
        let names = try store.beginWriting(zip(keys, articles).map { SpoolClaim(articleKey: $0, articleID: $1.articleID) })
        try store.finishWriting(Array(names.keys))
    }
    try store.compact()  // checkpoint: sizes below are the database file alone
    articlesMB = databaseMegabytes(directory)
    print("stored \(count) written articles in \(String(format: "%.1f", seconds(since: started))) s; database \(String(format: "%.1f", articlesMB)) MB without fingerprints")

    // 2. Their fingerprints (64-byte signature + \(policy.bands) LSH band rows each).
    started = ContinuousClock.now
    for base in stride(from: 0, to: count, by: batch) {
        let entries = (base..<min(count, base + batch)).map { (key: firstKey + Int64($0), signature: generatedSignature($0)) }
        try store.recordNearFingerprints(entries, policy: policy)
    }
    let insertedMB = databaseMegabytes(directory)
    print("stored \(count) fingerprints in \(String(format: "%.1f", seconds(since: started))) s; database \(String(format: "%.1f", insertedMB)) MB as inserted")
    }

    // 3. Lookups: even ones are new texts, odd ones copies of a stored article with a quarter of their MinHash
    // values changed (estimated Jaccard ~0.75, like a copy that lost paragraphs).
    var random = SplitMix(state: 42)
    var queries: [(MinHashSignature, expected: Int64?)] = []
    for number in 0..<lookups {
        if number % 2 == 0 {
            queries.append((generatedSignature(count + 1_000_000 + number), nil))
        } else {
            let index = Int(random.next() % UInt64(count))
            let stored = generatedSignature(index)
            var values = stored.values
            for slot in values.indices where random.next() % 4 == 0 { values[slot] = UInt32(truncatingIfNeeded: random.next()) }
            queries.append((MinHashSignature(values: values, shingleCount: stored.shingleCount), firstKey + Int64(index)))
        }
    }
    /// Runs `queries` and counts outcomes: (found, missed, wrong).
    func run(_ queries: ArraySlice<(MinHashSignature, expected: Int64?)>) -> (Int, Int, Int) {
        var found = 0, missed = 0, wrong = 0
        for (signature, expected) in queries {
            let match = (try? store.findNearDuplicate(of: signature, policy: policy))??.0.key
            switch (expected, match) {
            case (nil, nil): break
            case (nil, .some): wrong += 1
            case (.some(let key), let match?) where match == key: found += 1
            case (.some, nil): missed += 1
            case (.some, .some): wrong += 1
            }
        }
        return (found, missed, wrong)
    }
    // A warm-up pass over a tenth, so the figures below read the same (cached) pages.
    _ = run(queries[0..<(lookups / 10)])
    let newTexts = ArraySlice(queries.filter { $0.expected == nil })
    let copies = ArraySlice(queries.filter { $0.expected != nil })
    /// Times all queries, then the two kinds apart: a new text (the common case: most fetched articles are
    /// new) reads only the band index; a copy also reads its original's signature and article row.
    func measure(_ label: String) -> (rate: Double, wrong: Int) {
        var started = ContinuousClock.now
        var cpu = cpuSeconds()
        let (found, missed, wrong) = run(queries[...])
        let elapsed = seconds(since: started)
        let rate = Double(lookups) / elapsed
        let perCPU = Double(lookups) / max(1e-9, cpuSeconds() - cpu)
        print("\(label): \(lookups) lookups (half new texts, half copies) in \(String(format: "%.2f", elapsed)) s: "
              + "\(Int(rate)) lookups/s wall, \(Int(perCPU)) lookups per CPU-second (one thread)")
        print("  copies found \(found)/\(lookups / 2), missed \(missed); false matches \(wrong) (of \(lookups) lookups)")
        started = ContinuousClock.now
        cpu = cpuSeconds()
        _ = run(newTexts)
        let newRate = Double(newTexts.count) / seconds(since: started), newCPU = Double(newTexts.count) / max(1e-9, cpuSeconds() - cpu)
        started = ContinuousClock.now
        cpu = cpuSeconds()
        _ = run(copies)
        let copyRate = Double(copies.count) / seconds(since: started), copyCPU = Double(copies.count) / max(1e-9, cpuSeconds() - cpu)
        print("  new texts \(Int(newRate))/s wall (\(Int(newCPU)) per CPU-s), copies \(Int(copyRate))/s wall (\(Int(copyCPU)) per CPU-s)")
        return (perCPU, wrong)
    }
    let (rate, wrong) = measure(reusing ? "lookups" : "lookups, database as inserted")

    // 4. Daily maintenance: prune() nothing here (all recent), compact() returns free pages.
    if !reusing {
        started = ContinuousClock.now
        try store.compact()
        let compactedMB = databaseMegabytes(directory)
        print("compact(): \(String(format: "%.1f", seconds(since: started))) s; database \(String(format: "%.1f", compactedMB)) MB "
              + "(fingerprints \(String(format: "%.1f", compactedMB - articlesMB)) MB = \(Int((compactedMB - articlesMB) * 1_048_576 / Double(count))) bytes each)")
        _ = measure("lookups after compact()")
    }
    let rss = peakRSSMegabytes()  // includes the benchmark's own query set (~10 MB)
    print("peak RSS \(String(format: "%.1f", rss)) MB")
    return rate >= 10_000 && rss < 100 && wrong == 0
}
