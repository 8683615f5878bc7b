import Testing
@testable import Dedup

@Suite struct BodyFingerprintTests {
    let body = [
        "Menteri Luar Negeri Amerika Serikat (AS) Antony Blinken dan koleganya dari Rusia Sergey Lavrov melakukan pembicaraan via telepon pada Jumat waktu setempat.",
        "Ini adalah pembicaraan pertama yang melibatkan diplomat top kedua negara sejak Rusia meluncurkan invasi ke negara tetangganya Ukraina pada Februari lalu.",
        "Blinken mengatakan dia menekan Lavrov untuk menerima proposal pembebasan dua warga Amerika yang ditahan di Rusia.",
    ]

    @Test func exactIgnoresDatelineBylineFooterCaseAndSpacing() {
        let original = ["WASHINGTON - " + body[0]] + body.dropFirst()
        let syndicated = ["Laporan Wartawan Tribunnews.com, Fahdi Fahlevi", "TRIBUN-MEDAN.com, SIANTAR - " + body[0].uppercased()]
            + body.dropFirst().map { "  " + $0.replacingOccurrences(" ", "   ") }
            + ["Artikel ini telah tayang di Kompas.com dengan judul \"Menlu\", Klik untuk baca: https://x.kompas.com/read/1",
               "Editor: Someone"]
        let antara = ["Jakarta (ANTARA) - " + body[0]] + body.dropFirst(1).dropLast() + [body[2] + " (ian/tim)"]
        let withDate = ["Sabtu, 30 Juli 2022 - 08:06 WIB"] + original
        let reference = BodyFingerprint.exact(body)
        #expect(BodyFingerprint.exact(original) == reference)
        #expect(BodyFingerprint.exact(syndicated) == reference)
        #expect(BodyFingerprint.exact(antara) == reference)
        #expect(BodyFingerprint.exact(withDate) == reference)
        #expect(reference.count == 64)
    }

    @Test func exactSeesRealEdits() {
        var edited = body
        edited[1] = "Ini bukan pembicaraan pertama."
        #expect(BodyFingerprint.exact(edited) != BodyFingerprint.exact(body))
    }

    @Test func ordinarySentencesAreNotTreatedAsDatelines() {
        let sentence = "Menurut dia, kebijakan ini - yang baru diumumkan - akan berlaku besok."
        #expect(BodyFingerprint.stripDateline(sentence) == sentence)
        #expect(BodyFingerprint.stripDateline("TRIBUNNEWS.COM, WASHINGTON - Teks.") == "Teks.")
        #expect(BodyFingerprint.stripDateline("Jakarta, CNN Indonesia -- Teks.") == "Teks.")
        #expect(BodyFingerprint.stripDeskInitials("Akhir berita. (tim/tim)") == "Akhir berita. ")
        #expect(BodyFingerprint.stripDeskInitials("Kata Presiden (RI)") == "Kata Presiden (RI)")
    }

    @Test func simHashIsCloseForSmallEditsAndFarForDifferentText() {
        var typo = body
        typo[2] = typo[2].replacingOccurrences("proposal", "proposl")
        let other = [
            "Pemerintah provinsi mengumumkan jadwal vaksinasi tahap kedua untuk warga lanjut usia di seluruh kabupaten.",
            "Petugas kesehatan akan mendatangi rumah warga yang tidak dapat hadir di pusat layanan kesehatan terdekat.",
            "Kepala dinas meminta masyarakat membawa kartu identitas dan mengikuti protokol yang berlaku.",
        ]
        let base = BodyFingerprint.simHash(body)
        let near = BodyFingerprint.hammingDistance(base, BodyFingerprint.simHash(typo))
        let far = BodyFingerprint.hammingDistance(base, BodyFingerprint.simHash(other))
        #expect(near < far)
        #expect(near <= 12)
        #expect(far >= 16)
        #expect(BodyFingerprint.hammingDistance(base, base) == 0)
        #expect(BodyFingerprint.hammingDistance(0, UInt64.max) == 64)
    }

    /// Stability across machines and runs: a fixed input always gives this SimHash.
    @Test func simHashIsDeterministic() {
        let first = BodyFingerprint(paragraphs: body)
        let second = BodyFingerprint(paragraphs: body)
        #expect(first == second)
        #expect(Hex.encode(first.simHash) == "184ccd91378a9cd6")
        #expect(first.exact == "b870a8ef6a7f4a2115d5627a96fbf9f3bd1b1c0c18e09612f70b6042596e2842")  // Python: sha256(" ".join(words))
        #expect(first.wordCount > 40)
        #expect(BodyFingerprint(paragraphs: []).simHash == 0)
        #expect(BodyFingerprint(paragraphs: ["Baca juga: lain"]).wordCount == 0)
    }
}

extension String {
    /// Plain replace without Foundation.
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
