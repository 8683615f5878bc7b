// The stage-4 decision on the committed evaluation set (Tests/Fixtures/dedup-eval, see its generate.py): a
// change to normalisation, shingling, hashing or the policy that costs precision or recall fails here, not
// only in Scripts/bench-dedup.
import Foundation
import Testing
@testable import Dedup

@Suite struct EvaluationSetTests {
    struct Document: Decodable {
        let id: String
        let group: String
        let source: String
        let transforms: [String]
        let paragraphs: [String]
    }

    static let path: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/", !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url.appendingPathComponent("Tests/Fixtures/dedup-eval/docs.jsonl")
    }()

    @Test func defaultPolicyMeetsTheTargetsAndKeepsTheSeedsApart() throws {
        let text = try String(contentsOf: Self.path, encoding: .utf8)
        let decoder = JSONDecoder()
        let documents = try text.split(separator: "\n").map { try decoder.decode(Document.self, from: Data($0.utf8)) }
        #expect(documents.count > 500)
        let policy = NearDuplicatePolicy.default
        let signatures = documents.map { BodyFingerprint(paragraphs: $0.paragraphs).minHash }
        let compacts = signatures.map(\.compact)
        let keys = signatures.map { Set($0.bandKeys(bands: policy.bands, rows: policy.rows)) }
        var tp = 0, fp = 0, fn = 0
        for i in documents.indices {
            for j in documents.indices where j > i {
                let predicted = !keys[i].isDisjoint(with: keys[j])
                    && policy.isDuplicate(compacts[i], shingles: signatures[i].shingleCount, compacts[j], shingles: signatures[j].shingleCount)
                if documents[i].group == documents[j].group { if predicted { tp += 1 } else { fn += 1 } }
                else if predicted { fp += 1 }
            }
        }
        let precision = Double(tp) / Double(max(1, tp + fp))
        let recall = Double(tp) / Double(max(1, tp + fn))
        #expect(precision >= 0.99, "precision \(precision) (fp \(fp))")
        #expect(recall >= 0.95, "recall \(recall) (fn \(fn))")
        let seeds = documents.indices.filter { documents[$0].source.hasPrefix("seed/") && documents[$0].transforms.isEmpty }
        #expect(seeds.count == 2)
        if seeds.count == 2 {
            #expect(!policy.isDuplicate(compacts[seeds[0]], shingles: signatures[seeds[0]].shingleCount,
                                        compacts[seeds[1]], shingles: signatures[seeds[1]].shingleCount))
        }
    }
}
