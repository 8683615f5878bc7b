import Testing
@testable import Dedup

@Suite struct MinHashTests {
    let seedLike = [
        "WASHINGTON - Menteri Luar Negeri Amerika Serikat (AS) Antony Blinken dan koleganya dari Rusia Sergey Lavrov melakukan pembicaraan via telepon pada Jumat waktu setempat.",
        "Ini adalah pembicaraan pertama yang melibatkan diplomat top kedua negara sejak Rusia meluncurkan invasi ke negara tetangganya Ukraina pada Februari lalu.",
        "Menyebutnya sebagai percakapan yang jujur dan langsung, Blinken mengatakan ia mendorong Lavrov untuk menerima usulan substansial yang diajukan AS.",
        "Mengenai rencana yang dinyatakan Rusia untuk mencaplok bagian-bagian Ukraina, Blinken mengatakan dia mengatakan kepada Lavrov bahwa rencana itu tidak akan pernah diterima.",
        "Blinken menegaskan kembali bahwa seruan mereka tidak mencakup perantara perdamaian di Ukraina.",
        "Pembicaraan itu berlangsung sekitar 25 menit dan menurut pejabat Departemen Luar Negeri berjalan lugas.",
    ]
    // The same event written by another outlet (shares names and facts, not sentences).
    let otherOutlet = [
        "TRIBUNNEWS.COM, WASHINGTON - Menteri Luar Negeri Amerika Serikat Antony Blinken pada Jumat (29/7/2022) melakukan pembicaraan dengan Menteri Luar Negeri Rusia Sergei Lavrov melalui panggilan telepon selama 25 menit.",
        "Blinken mendesak Kremlin untuk menerima proposal yang diajukan Washington untuk menjamin pembebasan dua orang Amerika yang ditahan Rusia.",
        "Ini merupakan percakapan pertama keduanya sejak Rusia melancarkan serangan ke Ukraina pada 24 Februari lalu.",
        "Lavrov menyarankan kepada Blinken agar kedua belah pihak berdiplomasi secara diam-diam mengenai masalah pertukaran tahanan ini.",
    ]

    func similarity(_ a: [String], _ b: [String]) -> Double {
        MinHashSignature.estimatedJaccard(BodyFingerprint(paragraphs: a).minHash.compact,
                                          BodyFingerprint(paragraphs: b).minHash.compact)
    }

    @Test func syndicatedCopyIsNearAndOtherOutletIsFar() {
        var copy = Array(seedLike.dropLast())
        copy[0] = "TRIBUN-MEDAN.com, SIANTAR - " + copy[0].dropFirst("WASHINGTON - ".count)
        copy.insert("Baca Juga: Harga Cabai Rawit Turun", at: 2)
        copy.insert("Laporan Wartawan Tribun Medan, Alija Magribi", at: 0)
        copy.append("Artikel ini telah tayang di Tribunnews.com dengan judul Menlu AS-Rusia Berbicara")
        let policy = NearDuplicatePolicy.default
        let near = similarity(seedLike, copy)
        let far = similarity(seedLike, otherOutlet)
        #expect(near >= policy.threshold, "copy similarity \(near)")
        #expect(far < policy.threshold, "other outlet similarity \(far)")
        #expect(near > 0.7 && far < 0.15)
    }

    @Test func signatureIsStableAndBandKeysFitTheIndex() {
        let first = BodyFingerprint(paragraphs: seedLike).minHash
        #expect(first == BodyFingerprint(paragraphs: seedLike).minHash)
        #expect(first.values.count == MinHashSignature.permutations && first.compact.count == 64)
        // Pinned: a change in shingling or hashing would silently make stored signatures incomparable.
        #expect(Hex.encode(first.compact.prefix(8)) == pinnedPrefix, "update only with a schema migration")
        let keys = first.bandKeys(bands: 8, rows: 2)
        #expect(keys.count == 8)
        for (band, key) in keys.enumerated() { #expect(key >> 28 == Int64(band) && key < Int64(Int32.max)) }
        #expect(first.bandKeys(bands: 33, rows: 2).isEmpty)
        #expect(MinHashSignature(words: []).values.isEmpty)
        #expect(MinHashSignature.estimatedJaccard([], []) == 0)
        #expect(MinHashSignature.estimatedJaccard(first.compact, first.compact) == 1)
    }
    let pinnedPrefix = "81885ae9ed12cb84"

    @Test func containmentFromJaccardAndSizes() {
        // B is half of A: J = 0.5, containment 1.
        #expect(abs(MinHashSignature.estimatedContainment(jaccard: 0.5, shingles: 200, 100) - 1) < 1e-9)
        #expect(MinHashSignature.estimatedContainment(jaccard: 0, shingles: 200, 100) == 0)
        #expect(MinHashSignature.estimatedContainment(jaccard: 0.5, shingles: 0, 100) == 0)
    }

    @Test func shortTextsAreNotCompared() {
        let policy = NearDuplicatePolicy.default
        let short = BodyFingerprint(paragraphs: ["Gempa terjadi pagi ini di Garut."]).minHash
        #expect(!policy.isDuplicate(short.compact, shingles: short.shingleCount, short.compact, shingles: short.shingleCount))
    }
}

@Suite struct NormalisationTests {
    @Test func syndicationWrappersNormaliseAway() {
        let body = ["Pemerintah menargetkan produksi beras nasional naik lima persen pada tahun depan.",
                    "Menteri Pertanian mengatakan perbaikan irigasi akan rampung sebelum musim tanam."]
        let reference = BodyFingerprint.exact(body)
        let variants: [[String]] = [
            ["Jakarta (ANTARA) - " + body[0], body[1], "Pewarta: Benardy Ferdiansyah", "Editor: Budisantoso Budiman", "COPYRIGHT © ANTARA 2022"],
            ["JAKARTA, KOMPAS.com - " + body[0], "Baca juga: Harga beras naik", body[1],
             "Dapatkan update berita pilihan dan breaking news setiap hari dari Kompas.com."],
            ["REPUBLIKA.CO.ID, JAKARTA -- " + body[0], body[1] + " (Tribunnews.com/Fahdi)"],
            ["Laporan Wartawan Tribun Medan, Alija Magribi", "Foto: ilustrasi", "TRIBUN-MEDAN.com, SIANTAR - " + body[0], body[1] + " (ian/tim)"],
            ["Oleh: Riana Dewi", "Liputan6.com, Jakarta - " + body[0], body[1], "Baca berita lainnya di Google News"],
        ]
        for variant in variants.dropLast(2) { #expect(BodyFingerprint.exact(variant) == reference, "\(variant)") }
        // A caption line stays (it is not recognisable as chrome), but the rest normalises away.
        #expect(BodyFingerprint.normalizedWords(variants[3]).count == BodyFingerprint.normalizedWords(body).count + 2)
        #expect(BodyFingerprint.exact(variants[4]) == reference)
    }

    @Test func contentInParenthesesAndOrdinarySentencesStay() {
        #expect(BodyFingerprint.stripDeskInitials("Sabtu (30/7/2022)") == "Sabtu (30/7/2022)")
        #expect(BodyFingerprint.stripDeskInitials("Kata Presiden (RI)") == "Kata Presiden (RI)")
        #expect(!BodyFingerprint.isBoilerplate("Oleh karena itu, pemerintah menunda kebijakan."))
    }

    /// NormalizedText.classify decides "the lowercase mapping differs" by the Changes_When_Lowercased bit: for
    /// every letter and digit of this standard library's Unicode data it must be the mapping test itself.
    @Test func changesWhenLowercasedIsTheMappingTest() {
        var differing: [String] = []
        var lettersAndDigits = 0
        for value in UInt32(0x80)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let properties = scalar.properties
            let expected: NormalizedText.ScalarClass
            switch properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark:
                expected = .keep
            default:
                if properties.isAlphabetic || properties.numericType != nil {
                    lettersAndDigits += 1
                    expected = properties.lowercaseMapping.unicodeScalars.elementsEqual([scalar]) ? .keep : .lowercase
                } else {
                    expected = .separator
                }
            }
            if NormalizedText.classify(scalar) != expected { differing.append(String(value, radix: 16)) }
        }
        #expect(lettersAndDigits > 100_000)
        #expect(differing.isEmpty, "\(differing.count) scalars differ, e.g. U+\(differing.prefix(5))")
    }
}

@Suite struct MinHashKernelTests {
    /// Deterministic pseudo-random hashes (SplitMix64).
    static func hashes(count: Int, seed: UInt64) -> [UInt64] {
        (0..<UInt64(count)).map { MinHashSignature.splitMix(seed &+ $0) }
    }

    /// The AVX2 kernel must give the scalar loop's minima exactly, for every set size around its group widths and
    /// for extreme hashes (0, all ones, only one half set), where a lost carry between the 32-bit halves would show.
    @Test func vectorisedMatchesScalar() throws {
        try #require(MinHashSignature.avx2Available, "this CPU has no AVX2: the kernel cannot be compared here")
        var sets: [[UInt64]] = [0, 1, 2, 3, 7, 8, 9, 63, 64, 65, 400, 5_000].map { Self.hashes(count: $0, seed: UInt64($0) &* 977) }
        sets.append([0, .max, 0xFFFF_FFFF, 0xFFFF_FFFF_0000_0000, 1, 1 << 63, 0x8000_0000])
        sets.append(MinHashSignature.multipliers + MinHashSignature.addends)
        for set in sets {
            set.withUnsafeBufferPointer { distinct in
                #expect(MinHashSignature.minima(distinct, vectorised: true) == MinHashSignature.minima(distinct, vectorised: false),
                        "\(distinct.count) hashes")
            }
        }
    }

    /// The signature goes through whichever path this CPU takes; repeats change neither the minima nor the count
    /// of distinct shingles.
    @Test func repeatsAreIgnored() {
        let hashes = Self.hashes(count: 300, seed: 42)
        let repeated = hashes + hashes.prefix(50) + [hashes[7], hashes[7]]
        let signature = repeated.withUnsafeBufferPointer { MinHashSignature(shingles: $0) }
        #expect(signature.shingleCount == 300)
        #expect(hashes.withUnsafeBufferPointer { MinHashSignature.minima($0, vectorised: false) } == signature.values)
    }

    @Test func distinctCountSeesEveryValue() {
        let values: [UInt64] = [0, 0, 1, .max, .max, 16, 32, 48, 1 << 40, 16]
        #expect(values.withUnsafeBufferPointer { MinHashSignature.distinctCount($0) } == 7)
        // Colliding slots (same low bits): counted apart.
        let colliding = (0..<UInt64(100)).map { $0 << 20 }
        #expect(colliding.withUnsafeBufferPointer { MinHashSignature.distinctCount($0) } == 100)
        #expect([UInt64]().withUnsafeBufferPointer { MinHashSignature.distinctCount($0) } == 0)
    }
}
