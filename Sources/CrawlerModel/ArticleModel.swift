// The extracted article and its metadata: what the Extract stage returns and the Spool stage writes.
public import struct Foundation.Date

/// A point in time plus the UTC offset the source stated it in (seconds east of UTC), so a sidecar can
/// say "2022-07-30T08:06:00+07:00" as the site did, and consumers can still compare instants.
public struct ZonedDate: Sendable, Equatable, Codable {
    public var date: Date
    /// Seconds east of UTC as given by the source; nil when the source gave no zone and none was assumed.
    public var utcOffsetSeconds: Int?

    public init(date: Date, utcOffsetSeconds: Int?) {
        self.date = date
        self.utcOffsetSeconds = utcOffsetSeconds
    }
}

/// Everything the extractor learned about a page besides the body text. nil/empty where unknown.
public struct ArticleMetadata: Sendable, Equatable, Codable {
    public var title: String?
    public var published: ZonedDate?
    public var modified: ZonedDate?
    /// The reporter (not the editor) where the page tells them apart.
    public var author: String?
    /// rel=canonical or og:url, absolute.
    public var canonicalURL: String?
    /// BCP 47-ish primary tag, e.g. "id", "en".
    public var language: String?
    /// "TRIBUNNEWS.COM, WASHINGTON -": also kept at the start of the first paragraph.
    public var dateline: String?
    public var siteName: String?
    public var description: String?
    public var image: String?
    public var section: String?
    public var tags: [String]
    /// True when the page says the full text is not free.
    public var paywalled: Bool

    public init(title: String? = nil, published: ZonedDate? = nil, modified: ZonedDate? = nil, author: String? = nil,
                canonicalURL: String? = nil, language: String? = nil, dateline: String? = nil, siteName: String? = nil,
                description: String? = nil, image: String? = nil, section: String? = nil, tags: [String] = [],
                paywalled: Bool = false) {
        self.title = title
        self.published = published
        self.modified = modified
        self.author = author
        self.canonicalURL = canonicalURL
        self.language = language
        self.dateline = dateline
        self.siteName = siteName
        self.description = description
        self.image = image
        self.section = section
        self.tags = tags
        self.paywalled = paywalled
    }
}

/// The clean article: a title and body paragraphs (each one line of plain text, no empty ones).
public struct ExtractedArticle: Sendable, Equatable {
    public var title: String
    public var paragraphs: [String]
    public var metadata: ArticleMetadata

    public init(title: String, paragraphs: [String], metadata: ArticleMetadata) {
        self.title = title
        self.paragraphs = paragraphs
        self.metadata = metadata
    }

    /// Words in the body, for the sidecar's `word_count` (see `WordCount` for scripts without spaces).
    public var wordCount: Int {
        paragraphs.reduce(0) { $0 + WordCount.count($1) }
    }

    /// The spool text format: title on line 1, one blank line, paragraphs separated by exactly one blank
    /// line, LF line ends, Unicode NFC, one final newline.
    public var spoolText: String {
        var text = SpoolTextFormat.line(title)
        text += "\n"
        for paragraph in paragraphs {
            let line = SpoolTextFormat.line(paragraph)
            if line.isEmpty { continue }
            text += "\n" + line + "\n"
        }
        return text
    }
}

/// Normalisation shared by everything that produces spool text.
public enum SpoolTextFormat {
    /// One line: NFC, every run of whitespace (including newlines, NBSP, tabs) collapsed to one space,
    /// trimmed, zero-width and control characters dropped.
    public static func line(_ raw: String) -> String {
        // Most lines arrive already in this form (the extractor's paragraphs, titles): printable ASCII with
        // single inner spaces comes back as it is, without building a copy.
        if isPlainASCIILine(raw) { return raw }
        // Built as UTF-8 bytes, with ASCII decided without Unicode property lookups: this runs over every
        // paragraph of every article, and the property tables cost ~4% of a crawl's CPU.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.utf8.count)
        var pendingSpace = false
        for scalar in raw.precomposedStringWithCanonicalMappingCompat.unicodeScalars {
            let value = scalar.value
            let isWhitespace = value < 0x80 ? value == 0x20 || (0x09...0x0D).contains(value) : scalar.properties.isWhitespace
            if isWhitespace {
                pendingSpace = !bytes.isEmpty
                continue
            }
            switch value {
            case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD: continue  // zero-width, soft hyphen
            case 0..<0x20, 0x7F..<0xA0: continue  // controls (whitespace ones handled above)
            default: break
            }
            if pendingSpace { bytes.append(0x20); pendingSpace = false }
            if value < 0x80 {
                bytes.append(UInt8(value))
            } else if let encoded = UTF8.encode(scalar) {
                bytes.append(contentsOf: encoded)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// True when `raw` is printable ASCII (0x20-0x7E) with no leading, trailing or doubled space: already a
    /// line, and NFC.
    /// Checked eight bytes at a time: it runs over every paragraph of every article twice (extractor and spool
    /// text), and a byte loop was 0.6% of a crawl's instructions.
    static func isPlainASCIILine(_ raw: String) -> Bool {
        var copy = raw
        return copy.withUTF8 { bytes in
            guard let first = bytes.first, let last = bytes.last, first != 0x20, last != 0x20 else { return false }
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            var index = 0
            var previousWordEndsInSpace = false
            let base = UnsafeRawPointer(bytes.baseAddress!)
            while index + 8 <= bytes.count {
                let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                // Any byte >= 0x80, >= 0x7F (0x7F + 1 sets the high bit), or < 0x20 ((b | 0x80) - 0x20 clears it).
                if word & highs != 0 || (word &+ ones) & highs != 0 || ~((word | highs) &- 0x20 &* ones) & highs != 0 {
                    return false
                }
                // High bit of each byte that is a space (exact: the low seven bits of a non-space byte are
                // non-zero after the XOR, or its high bit is).
                let xored = word ^ (0x20 &* ones)
                let spaces = ~(((xored & ~highs) &+ ~highs) | xored) & highs
                if spaces & (spaces << 8) != 0 || (previousWordEndsInSpace && spaces & 0x80 != 0) { return false }
                previousWordEndsInSpace = spaces >> 63 != 0
                index += 8
            }
            var previous: UInt8 = previousWordEndsInSpace ? 0x20 : 0
            for byte in bytes[index...] {
                guard byte >= 0x20, byte < 0x7F, !(byte == 0x20 && previous == 0x20) else { return false }
                previous = byte
            }
            return true
        }
    }

    /// The same test a byte at a time: the reference the word-at-a-time version is tested against.
    static func isPlainASCIILineByBytes(_ raw: String) -> Bool {
        var copy = raw
        return copy.withUTF8 { bytes in
            var previous: UInt8 = 0x20  // a leading space counts as doubled
            for byte in bytes {
                guard byte >= 0x20, byte < 0x7F, !(byte == 0x20 && previous == 0x20) else { return false }
                previous = byte
            }
            return previous != 0x20
        }
    }
}

extension String {
    /// NFC via Foundation on Linux (swift-corelibs-foundation provides it).
    var precomposedStringWithCanonicalMappingCompat: String {
        // Fast path: pure ASCII is already NFC.
        if utf8.allSatisfy({ $0 < 0x80 }) { return self }
        return NFC.compose(self)
    }
}
