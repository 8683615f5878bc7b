// Quality half of the dedup benchmark: every pair of the evaluation set (Tests/Fixtures/dedup-eval) scored by
// SimHash-64 distance and by MinHash similarity (Jaccard and containment), precision/recall curves, and how
// much of the recall survives each LSH band layout (the index is what the store really queries).
import Dedup
import Foundation

struct EvalDocument: Decodable {
    let id: String
    let group: String
    let source: String
    let transforms: [String]
    let title: String
    let paragraphs: [String]
}

struct ScoredDocument {
    let document: EvalDocument
    let fingerprint: BodyFingerprint
    let compact: [UInt8]
}

struct Curve {
    struct Point { var threshold: Double; var tp = 0; var fp = 0; var fn = 0
        var precision: Double { tp + fp == 0 ? 1 : Double(tp) / Double(tp + fp) }
        var recall: Double { tp + fn == 0 ? 1 : Double(tp) / Double(tp + fn) }
    }
    var points: [Point]
}

func loadEvalSet(_ path: String) throws -> [EvalDocument] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let decoder = JSONDecoder()
    return try text.split(separator: "\n").map { try decoder.decode(EvalDocument.self, from: Data($0.utf8)) }
}

func format(_ value: Double, _ digits: Int = 4) -> String { String(format: "%.\(digits)f", value) }

/// Runs the evaluation; returns false when the policy misses the targets (P >= 0.99, R >= 0.95, seeds apart).
func runEvaluation(path: String, policy: NearDuplicatePolicy, verbose: Bool) throws -> Bool {
    let documents = try loadEvalSet(path)
    let clock = ContinuousClock.now
    let scored = documents.map { document -> ScoredDocument in
        let fingerprint = BodyFingerprint(paragraphs: document.paragraphs)
        return ScoredDocument(document: document, fingerprint: fingerprint, compact: fingerprint.minHash.compact)
    }
    let fingerprintSeconds = seconds(since: clock)
    let words = scored.reduce(0) { $0 + $1.fingerprint.wordCount }
    print("fingerprints (normalise + SHA-256 + SimHash + MinHash): \(Int(Double(documents.count) / fingerprintSeconds)) documents/s, "
          + "\(Int(Double(words) / fingerprintSeconds / 1000))k words/s")
    var positives = 0, negatives = 0
    // Per pair scores; the pipeline compares only texts with enough shingles (policy.minimumShingles).
    var pairs: [(same: Bool, simDistance: Int, jaccard: Double, containment: Double, comparable: Bool, i: Int, j: Int)] = []
    for i in scored.indices {
        for j in scored.indices where j > i {
            let a = scored[i], b = scored[j]
            let same = a.document.group == b.document.group
            if same { positives += 1 } else { negatives += 1 }
            let jaccard = MinHashSignature.estimatedJaccard(a.compact, b.compact)
            let containment = MinHashSignature.estimatedContainment(
                jaccard: jaccard, shingles: a.fingerprint.minHash.shingleCount, b.fingerprint.minHash.shingleCount)
            let comparable = a.fingerprint.minHash.shingleCount >= policy.minimumShingles
                && b.fingerprint.minHash.shingleCount >= policy.minimumShingles
            pairs.append((same, BodyFingerprint.hammingDistance(a.fingerprint.simHash, b.fingerprint.simHash),
                          jaccard, containment, comparable, i, j))
        }
    }
    print("evaluation set: \(documents.count) documents, \(Set(documents.map(\.group)).count) articles, "
          + "\(positives) duplicate pairs, \(negatives) distinct pairs")

    func curve(_ thresholds: [Double], predict: (Int, Double) -> Bool) -> Curve {
        Curve(points: thresholds.map { threshold in
            var point = Curve.Point(threshold: threshold)
            for (index, pair) in pairs.enumerated() {
                let predicted = pair.comparable && predict(index, threshold)
                if pair.same { if predicted { point.tp += 1 } else { point.fn += 1 } }
                else if predicted { point.fp += 1 }
            }
            return point
        })
    }
    func printCurve(_ title: String, _ curve: Curve, mark: Double? = nil) {
        print("\n\(title)")
        print("  threshold  precision  recall   tp    fp    fn")
        for p in curve.points {
            let flag = mark.map { abs($0 - p.threshold) < 1e-9 } == true ? "  <- chosen" : ""
            print("  \(String(format: "%9.2f", p.threshold))  \(format(p.precision))     \(format(p.recall))  "
                  + "\(String(format: "%5d %5d %5d", p.tp, p.fp, p.fn))\(flag)")
        }
    }

    // SimHash-64: predicted duplicate when distance <= threshold.
    let simCurve = curve(stride(from: 0.0, through: 24, by: 2).map { $0 }) { pairs[$0].simDistance <= Int($1) }
    printCurve("SimHash-64 (3-word shingles): duplicate when Hamming distance <= threshold", simCurve)
    let thresholds = stride(from: 0.05, through: 0.9, by: 0.05).map { ($0 * 100).rounded() / 100 }
    let containmentCurve = curve(thresholds) { pairs[$0].containment >= $1 }
    printCurve("MinHash-64 (8-bit), estimated containment >= threshold (all pairs, no index)", containmentCurve)
    let jaccardCurve = curve(thresholds) { pairs[$0].jaccard >= $1 }
    printCurve("MinHash-64 (8-bit), estimated Jaccard >= threshold (all pairs, no index)", jaccardCurve)
    let bandKeys = scored.map { Set($0.fingerprint.minHash.bandKeys(bands: policy.bands, rows: policy.rows)) }
    let storeCurve = curve(thresholds) { index, threshold in
        pairs[index].jaccard >= threshold && !bandKeys[pairs[index].i].isDisjoint(with: bandKeys[pairs[index].j])
    }
    printCurve("As the store decides: shares one of \(policy.bands) LSH bands (\(policy.rows) rows) AND estimated Jaccard >= threshold",
               storeCurve, mark: policy.threshold)

    // What the indexes let through: a pair is found only when it shares a band key.
    print("\nIndex recall (pairs the lookup can find at all) and spurious candidates among distinct pairs:")
    print("  index                         dup pairs found   distinct pairs sharing a band   rows per fingerprint")
    let simBands = { (value: UInt64) in (0..<4).map { (value >> UInt64($0 * 16)) & 0xFFFF } }
    var simFound = 0, simSpurious = 0
    for pair in pairs {
        let shared = zip(simBands(scored[pair.i].fingerprint.simHash), simBands(scored[pair.j].fingerprint.simHash)).contains { $0 == $1 }
        if pair.same, shared { simFound += 1 } else if !pair.same, shared { simSpurious += 1 }
    }
    print("  SimHash 4 x 16 bits          \(format(Double(simFound) / Double(positives)))            \(simSpurious)                               4")
    var layouts = [(4, 2), (6, 2), (8, 2), (10, 2), (16, 2), (8, 3), (16, 3), (16, 4)]
    if !layouts.contains(where: { $0 == (policy.bands, policy.rows) }) { layouts.append((policy.bands, policy.rows)) }
    var chosenIndexRecall = 0.0
    for (bands, rows) in layouts {
        var found = 0, spurious = 0
        let keys = scored.map { Set($0.fingerprint.minHash.bandKeys(bands: bands, rows: rows)) }
        for pair in pairs {
            let shared = !keys[pair.i].isDisjoint(with: keys[pair.j])
            if pair.same, shared { found += 1 } else if !pair.same, shared { spurious += 1 }
        }
        let recall = Double(found) / Double(positives)
        if (bands, rows) == (policy.bands, policy.rows) { chosenIndexRecall = recall }
        let mark = (bands, rows) == (policy.bands, policy.rows) ? "  <- chosen" : ""
        print("  MinHash \(bands) bands x \(rows) rows     \(format(recall))            \(spurious)                               \(bands)\(mark)")
    }

    // The decision the store makes: shares a band AND Jaccard >= threshold (both texts long enough).
    let keys = scored.map { Set($0.fingerprint.minHash.bandKeys(bands: policy.bands, rows: policy.rows)) }
    var tp = 0, fp = 0, fn = 0
    var falsePositives: [String] = [], falseNegatives: [String] = []
    for pair in pairs {
        let a = scored[pair.i], b = scored[pair.j]
        let predicted = !keys[pair.i].isDisjoint(with: keys[pair.j])
            && policy.isDuplicate(a.compact, shingles: a.fingerprint.minHash.shingleCount,
                                  b.compact, shingles: b.fingerprint.minHash.shingleCount)
        let line = "\(a.document.id) \(b.document.id) containment=\(format(pair.containment, 3)) jaccard=\(format(pair.jaccard, 3)) "
            + "shingles=\(a.fingerprint.minHash.shingleCount)/\(b.fingerprint.minHash.shingleCount) \(a.document.transforms)\(b.document.transforms)"
        if pair.same { if predicted { tp += 1 } else { fn += 1; falseNegatives.append(line) } }
        else if predicted { fp += 1; falsePositives.append(line) }
    }
    let precision = tp + fp == 0 ? 1 : Double(tp) / Double(tp + fp)
    let recall = Double(tp) / Double(tp + fn)
    let seeds = scored.filter { $0.document.source.hasPrefix("seed/") && $0.document.transforms.isEmpty }
    var seedsApart = true
    if seeds.count == 2 {
        let similarity = policy.similarity(seeds[0].compact, shingles: seeds[0].fingerprint.minHash.shingleCount,
                                           seeds[1].compact, shingles: seeds[1].fingerprint.minHash.shingleCount)
        seedsApart = !policy.isDuplicate(seeds[0].compact, shingles: seeds[0].fingerprint.minHash.shingleCount,
                                         seeds[1].compact, shingles: seeds[1].fingerprint.minHash.shingleCount)
        print("\nThe two seeds (same event, two outlets): estimated Jaccard \(format(similarity, 3)) -> \(seedsApart ? "kept apart" : "MERGED")")
    }
    print("\nChosen: MinHash-64 8-bit, LSH \(policy.bands) bands x \(policy.rows) rows, estimated Jaccard >= \(policy.threshold), "
          + "min \(policy.minimumShingles) shingles")
    print("  precision \(format(precision))  recall \(format(recall))  (tp \(tp) fp \(fp) fn \(fn); index recall \(format(chosenIndexRecall)))")
    if verbose || fp + fn <= 40 {
        for line in falsePositives.prefix(20) { print("  false positive: \(line)") }
        for line in falseNegatives.prefix(20) { print("  false negative: \(line)") }
    }
    return precision >= 0.99 && recall >= 0.95 && seedsApart
}
