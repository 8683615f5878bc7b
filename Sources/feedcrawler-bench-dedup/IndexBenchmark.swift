import Dedup
func runIndexBenchmark(directory: String, count: Int, lookups: Int, policy: NearDuplicatePolicy) throws -> Bool { false }
