// feedcrawler-bench-dedup: issue 5's benchmark, run by Scripts/bench-dedup.
//   feedcrawler-bench-dedup eval EVAL.jsonl [--verbose]   precision/recall curves on the evaluation set
//   feedcrawler-bench-dedup index DIR [--count N] [--lookups N] [--reuse]
//                                                         lookups/s against N stored fingerprints, DB size, RSS
// Exit status 0 when the measured figures meet the targets, 1 when not, 2 on usage errors.
import Dedup
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String, default value: Int) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let parsed = Int(arguments[index + 1])
    else { return value }
    return parsed
}

do {
    switch arguments.first {
    case "eval" where arguments.count >= 2:
        let ok = try runEvaluation(path: arguments[1], policy: .default, verbose: arguments.contains("--verbose"))
        exit(ok ? 0 : 1)
    case "index" where arguments.count >= 2:
        let ok = try runIndexBenchmark(directory: arguments[1], count: option("--count", default: 1_000_000),
                                       lookups: option("--lookups", default: 20_000), policy: .default,
                                       reuse: arguments.contains("--reuse"))
        exit(ok ? 0 : 1)
    default:
        FileHandle.standardError.write(Data("usage: feedcrawler-bench-dedup eval EVAL.jsonl [--verbose] | index DIR [--count N] [--lookups N] [--reuse]\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("feedcrawler-bench-dedup: \(error)\n".utf8))
    exit(1)
}
