// Stage 4 of dedup: MinHash over word shingles of the normalised body, with an LSH band index.
//
// Why MinHash and not the SimHash-64 also in BodyFingerprint (measured by Scripts/bench-dedup on
// Tests/Fixtures/dedup-eval): a syndicated copy that lost a few paragraphs sits ~8-16 SimHash bits away from
// its original, where unrelated texts also start to appear at a million stored fingerprints (a random pair
// is within 16 bits with probability ~1e-4, i.e. ~100 false hits per lookup), and no band index on 64 bits
// finds pairs that far apart without reading thousands of candidates. MinHash estimates the shingle overlap
// itself; its LSH bands find pairs with overlap >= ~0.5 almost surely while unrelated texts (overlap ~0)
// practically never share a band, so a lookup reads a handful of rows.
//
// Stability: every hash here is fixed (FNV-1a + SplitMix64, constants below): the same text gives the same
// signature on any machine and in any release, so signatures stored in the state database stay comparable.
import CMinHashKernel

/// A MinHash signature: for each of `permutations` hash functions, the minimum over the text's distinct
/// word shingles.
public struct MinHashSignature: Sendable, Equatable {
    /// Hash functions per signature. 64 gives a Jaccard estimate with standard deviation <= 0.0625.
    public static let permutations = 64

    /// One 32-bit minimum per hash function (`permutations` values); empty for an empty text.
    public let values: [UInt32]
    /// Distinct shingles the text has (the set size MinHash samples from).
    public let shingleCount: Int

    /// - Parameters:
    ///   - words: normalised words (BodyFingerprint.normalizedWords).
    ///   - shingleSize: words per shingle (texts shorter than that are one shingle).
    public init(words: [String], shingleSize: Int = BodyFingerprint.defaultShingleSize) {
        self = BodyFingerprint.shingleHashes(words: words, shingleSize: shingleSize).withUnsafeBufferPointer {
            MinHashSignature(shingles: $0)
        }
    }

    /// From shingle hashes (BodyFingerprint.shingleHashes; repeats are ignored). A repeat cannot change a
    /// minimum, so the minima run over the hashes as they are (`minima`), and the distinct ones are only counted
    /// (an open-addressing set of indices into `hashes`, whose values are already well mixed).
    init(shingles hashes: UnsafeBufferPointer<UInt64>) {
        guard !hashes.isEmpty else {
            values = []
            shingleCount = 0
            return
        }
        values = Self.minima(hashes, vectorised: Self.avx2Available)
        shingleCount = Self.distinctCount(hashes)
    }

    /// Distinct values in `hashes`. The table holds index + 1 (0 marks an empty slot) in 32 bits, at most half
    /// full: half the memory to clear that a table of the hashes themselves needed.
    static func distinctCount(_ hashes: UnsafeBufferPointer<UInt64>) -> Int {
        guard hashes.count < Int(UInt32.max) / 2 else { return Set(hashes).count }
        var capacity = 16
        while capacity < 2 * hashes.count { capacity <<= 1 }
        let mask = capacity - 1
        return withUnsafeTemporaryAllocation(of: UInt32.self, capacity: capacity) { table in
            table.initialize(repeating: 0)
            var distinct = 0
            for index in hashes.indices {
                let shingle = hashes[index]
                var slot = Int(truncatingIfNeeded: shingle) & mask
                while true {
                    let entry = table[slot]
                    if entry == 0 {
                        table[slot] = UInt32(truncatingIfNeeded: index &+ 1)
                        distinct &+= 1
                        break
                    }
                    if hashes[Int(entry) &- 1] == shingle { break }
                    slot = (slot &+ 1) & mask
                }
            }
            return distinct
        }
    }

    /// Whether the AVX2 kernel runs here (asked once: CPUID and the OS's saved register state).
    static let avx2Available = fc_minhash_avx2_available() == 1

    /// Each permutation's minimum over the shingle hashes: by the AVX2 kernel (CMinHashKernel, eight
    /// permutations per instruction, ~5x fewer instructions) when `vectorised`, else by the scalar loop, which
    /// defines the values (MinHashTests compares the two).
    static func minima(_ hashes: UnsafeBufferPointer<UInt64>, vectorised: Bool) -> [UInt32] {
        var minima = [UInt32](repeating: .max, count: permutations)
        if vectorised, hashes.count > 0 {
            let done = minima.withUnsafeMutableBufferPointer { minima in
                multipliers.withUnsafeBufferPointer { multipliers in
                    addends.withUnsafeBufferPointer { addends in
                        fc_minhash_minima_avx2(hashes.baseAddress, hashes.count, multipliers.baseAddress,
                                               addends.baseAddress, permutations, minima.baseAddress)
                    }
                }
            }
            if done == 1 { return minima }
        }
        // Four permutations per pass: four independent running minima instead of one compare chain.
        for index in stride(from: 0, to: permutations, by: 4) {
            let m0 = multipliers[index], m1 = multipliers[index + 1]
            let m2 = multipliers[index + 2], m3 = multipliers[index + 3]
            let a0 = addends[index], a1 = addends[index + 1]
            let a2 = addends[index + 2], a3 = addends[index + 3]
            var min0 = UInt32.max, min1 = UInt32.max, min2 = UInt32.max, min3 = UInt32.max
            for shingle in hashes {
                // A multiply-add family over the (already well-mixed) shingle hash; the high 32 bits are the
                // well-distributed ones of a product mod 2^64.
                min0 = min(min0, UInt32(truncatingIfNeeded: (shingle &* m0 &+ a0) >> 32))
                min1 = min(min1, UInt32(truncatingIfNeeded: (shingle &* m1 &+ a1) >> 32))
                min2 = min(min2, UInt32(truncatingIfNeeded: (shingle &* m2 &+ a2) >> 32))
                min3 = min(min3, UInt32(truncatingIfNeeded: (shingle &* m3 &+ a3) >> 32))
            }
            minima[index] = min0
            minima[index + 1] = min1
            minima[index + 2] = min2
            minima[index + 3] = min3
        }
        return minima
    }

    /// A signature from its values (e.g. generated ones in the benchmark); `values` should hold
    /// `permutations` values.
    public init(values: [UInt32], shingleCount: Int) {
        self.values = values
        self.shingleCount = shingleCount
    }

    /// The stored form: the low 8 bits of each value (b-bit minwise hashing, b = 8; 64 bytes). Enough to
    /// estimate the overlap; see `estimatedJaccard(_:_:)`.
    public var compact: [UInt8] { values.map { UInt8(truncatingIfNeeded: $0) } }

    /// Jaccard similarity estimated from two compact signatures: the fraction of equal bytes, corrected for
    /// the 1/256 chance that two different minima share their low byte. 0 when either is empty or they differ
    /// in length.
    public static func estimatedJaccard(_ a: [UInt8], _ b: [UInt8]) -> Double {
        guard !a.isEmpty, a.count == b.count else { return 0 }
        var equal = 0
        for index in a.indices where a[index] == b[index] { equal += 1 }
        let chance = 1.0 / 256
        return max(0, (Double(equal) / Double(a.count) - chance) / (1 - chance))
    }

    /// Containment of the smaller text in the larger, |A ∩ B| / min(|A|, |B|), from a Jaccard estimate and
    /// the two set sizes (|A ∩ B| = J (|A| + |B|) / (1 + J)). A copy that lost paragraphs keeps containment
    /// near 1 where its Jaccard drops.
    public static func estimatedContainment(jaccard: Double, shingles a: Int, _ b: Int) -> Double {
        guard a > 0, b > 0 else { return 0 }
        let intersection = jaccard * Double(a + b) / (1 + jaccard)
        return min(1, intersection / Double(min(a, b)))
    }

    /// LSH band keys: band i hashes values [i*rows, (i+1)*rows). Two texts with Jaccard J share at least one
    /// key with probability 1 - (1 - J^rows)^bands. Each key is `band << 28 | 28 hash bits`, so it fits a
    /// 4-byte SQLite integer for up to 8 bands; unrelated keys collide with probability 2^-28 per band.
    public func bandKeys(bands: Int, rows: Int) -> [Int64] {
        guard !values.isEmpty, bands > 0, rows > 0, bands * rows <= values.count else { return [] }
        return (0..<bands).map { band in
            var hash = StableHash()
            for value in values[(band * rows)..<((band + 1) * rows)] {
                for shift in stride(from: 0, to: 32, by: 8) { hash.combine(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
            }
            return Int64(band) << 28 | Int64(hash.finalized & 0x0FFF_FFFF)
        }
    }

    /// Fixed odd multipliers and addends (SplitMix64 outputs of 1...64 and 101...164): part of the stored
    /// format, never change them.
    static let multipliers: [UInt64] = (1...UInt64(permutations)).map { splitMix($0) | 1 }
    static let addends: [UInt64] = (101...UInt64(100 + permutations)).map { splitMix($0) }

    static func splitMix(_ seed: UInt64) -> UInt64 {
        var z = seed &* 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// How stage 4 decides, in one value the pipeline, the store and the benchmark share. The defaults are the
/// measured choice (docs in Scripts/bench-dedup's output and the issue 5 report).
public struct NearDuplicatePolicy: Sendable, Equatable {
    /// LSH bands and rows per band (bands * rows <= MinHashSignature.permutations).
    public var bands: Int
    public var rows: Int
    /// A candidate is a duplicate when the estimated Jaccard similarity of the shingle sets is at least this.
    public var threshold: Double
    /// Texts with fewer distinct shingles are not compared: a two-sentence brief overlaps another by chance.
    public var minimumShingles: Int

    public init(bands: Int = 8, rows: Int = 2, threshold: Double = 0.3, minimumShingles: Int = 30) {
        self.bands = bands
        self.rows = rows
        self.threshold = threshold
        self.minimumShingles = minimumShingles
    }

    public static let `default` = NearDuplicatePolicy()

    /// The similarity this policy thresholds: the estimated Jaccard similarity of the two shingle sets.
    /// (Containment was measured too: it forgives dropped paragraphs better, but its estimate from 64 bytes
    /// blows up chance agreement when one text is much shorter than the other; see the benchmark's curves.)
    public func similarity(_ a: [UInt8], shingles aCount: Int, _ b: [UInt8], shingles bCount: Int) -> Double {
        MinHashSignature.estimatedJaccard(a, b)
    }

    /// True when both texts are long enough to compare and similar enough to be one article.
    public func isDuplicate(_ a: [UInt8], shingles aCount: Int, _ b: [UInt8], shingles bCount: Int) -> Bool {
        aCount >= minimumShingles && bCount >= minimumShingles
            && similarity(a, shingles: aCount, b, shingles: bCount) >= threshold
    }
}
