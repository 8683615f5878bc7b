// gzip (RFC 1952) / DEFLATE (RFC 1951) decompression for sitemaps served as `.xml.gz` files. Those arrive as
// gzip bytes with no Content-Encoding, so libcurl hands them over compressed. Pure Swift, after Mark Adler's
// puff.c (the reference decoder): no zlib dependency for the one place we need it, and the output size is
// capped while decoding, so a gzip bomb (kilobytes that inflate to gigabytes) stops at the cap.
enum Gzip {
    enum Failure: Error, Equatable {
        /// Not gzip, or a corrupt stream (message says where).
        case corrupt(String)
        /// The decompressed size would pass the cap.
        case tooLarge
    }

    /// True when the bytes start with the gzip magic number.
    static func isGzip(_ bytes: [UInt8]) -> Bool { bytes.count >= 18 && bytes[0] == 0x1F && bytes[1] == 0x8B }

    /// Decompresses every gzip member in `bytes` (concatenated members are allowed by RFC 1952).
    /// - Parameter maxOutput: the largest decompressed size accepted, in bytes.
    static func decompress(_ bytes: [UInt8], maxOutput: Int) throws(Failure) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(min(maxOutput, bytes.count * 4))
        var position = 0
        while position + 18 <= bytes.count, bytes[position] == 0x1F, bytes[position + 1] == 0x8B {
            guard bytes[position + 2] == 8 else { throw .corrupt("compression method \(bytes[position + 2]) is not deflate") }
            let flags = bytes[position + 3]
            var cursor = position + 10
            if flags & 0x04 != 0 {  // FEXTRA
                guard cursor + 2 <= bytes.count else { throw .corrupt("truncated header") }
                cursor += 2 + (Int(bytes[cursor]) | Int(bytes[cursor + 1]) << 8)
            }
            for flag: UInt8 in [0x08, 0x10] where flags & flag != 0 {  // FNAME, FCOMMENT: zero-terminated
                while cursor < bytes.count, bytes[cursor] != 0 { cursor += 1 }
                cursor += 1
            }
            if flags & 0x02 != 0 { cursor += 2 }  // FHCRC
            guard cursor < bytes.count else { throw .corrupt("truncated header") }
            let memberStart = output.count
            var inflater = Inflater(input: bytes, position: cursor, maxOutput: maxOutput)
            swap(&inflater.output, &output)
            try inflater.inflate()
            swap(&inflater.output, &output)
            // Trailer: CRC-32 (not checked: XML parsing catches garbage) and the size modulo 2^32.
            position = inflater.position
            guard position + 8 <= bytes.count else { throw .corrupt("truncated trailer") }
            let size = UInt32(bytes[position + 4]) | UInt32(bytes[position + 5]) << 8
                | UInt32(bytes[position + 6]) << 16 | UInt32(bytes[position + 7]) << 24
            guard size == UInt32(truncatingIfNeeded: output.count - memberStart) else {
                throw .corrupt("size in trailer does not match")
            }
            position += 8
        }
        guard position > 0 else { throw .corrupt("not gzip") }
        return output
    }
}

/// A DEFLATE decoder over a byte array. One use: `inflate()` from `position`, leaves `position` after the
/// last block (rounded up to a byte).
private struct Inflater {
    let input: [UInt8]
    var position: Int
    let maxOutput: Int
    var output: [UInt8] = []
    var bitBuffer: UInt32 = 0
    var bitCount = 0

    init(input: [UInt8], position: Int, maxOutput: Int) {
        self.input = input
        self.position = position
        self.maxOutput = maxOutput
    }

    /// Canonical Huffman code: how many codes of each length, and the symbols ordered by code.
    struct Huffman {
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int]

        /// Builds the code from per-symbol lengths; nil when over-subscribed (an invalid code).
        init?(lengths: ArraySlice<Int>) {
            symbols = [Int](repeating: 0, count: lengths.count)
            for length in lengths { counts[length] += 1 }
            var left = 1
            for length in 1...15 {
                left <<= 1
                left -= counts[length]
                if left < 0 { return nil }
            }
            var offsets = [Int](repeating: 0, count: 16)
            for length in 1..<15 { offsets[length + 1] = offsets[length] + counts[length] }
            for (symbol, length) in zip(0..., lengths) where length != 0 {
                symbols[offsets[length]] = symbol
                offsets[length] += 1
            }
        }
    }

    static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
                             131, 163, 195, 227, 258]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
                               2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12,
                                13, 13]
    static let fixedLengths: Huffman = {
        var lengths = [Int](repeating: 8, count: 288)
        for symbol in 144..<256 { lengths[symbol] = 9 }
        for symbol in 256..<280 { lengths[symbol] = 7 }
        return Huffman(lengths: lengths[...])!
    }()
    static let fixedDistances = Huffman(lengths: [Int](repeating: 5, count: 30)[...])!

    mutating func bits(_ need: Int) throws(Gzip.Failure) -> Int {
        var value = bitBuffer
        while bitCount < need {
            guard position < input.count else { throw .corrupt("truncated deflate stream") }
            value |= UInt32(input[position]) << UInt32(bitCount)
            position += 1
            bitCount += 8
        }
        bitBuffer = value >> UInt32(need)
        bitCount -= need
        return Int(value & ((1 << UInt32(need)) - 1))
    }

    mutating func inflate() throws(Gzip.Failure) {
        var last = false
        while !last {
            last = try bits(1) == 1
            switch try bits(2) {
            case 0: try stored()
            case 1: try codes(Self.fixedLengths, Self.fixedDistances)
            case 2: try dynamic()
            default: throw .corrupt("invalid block type")
            }
        }
        // Unused bits of the last byte are padding.
        bitBuffer = 0
        bitCount = 0
    }

    mutating func stored() throws(Gzip.Failure) {
        bitBuffer = 0
        bitCount = 0
        guard position + 4 <= input.count else { throw .corrupt("truncated stored block") }
        let length = Int(input[position]) | Int(input[position + 1]) << 8
        let complement = Int(input[position + 2]) | Int(input[position + 3]) << 8
        guard length == ~complement & 0xFFFF else { throw .corrupt("stored block length check failed") }
        position += 4
        guard position + length <= input.count else { throw .corrupt("truncated stored block") }
        guard output.count + length <= maxOutput else { throw .tooLarge }
        output.append(contentsOf: input[position..<(position + length)])
        position += length
    }

    mutating func decode(_ code: Huffman) throws(Gzip.Failure) -> Int {
        var value = 0, first = 0, index = 0
        for length in 1...15 {
            value |= try bits(1)
            let count = code.counts[length]
            if value - count < first { return code.symbols[index + value - first] }
            index += count
            first += count
            first <<= 1
            value <<= 1
        }
        throw .corrupt("invalid Huffman code")
    }

    mutating func codes(_ lengths: Huffman, _ distances: Huffman) throws(Gzip.Failure) {
        while true {
            let symbol = try decode(lengths)
            if symbol < 256 {
                guard output.count < maxOutput else { throw .tooLarge }
                output.append(UInt8(symbol))
            } else if symbol == 256 {
                return
            } else {
                let lengthIndex = symbol - 257
                guard lengthIndex < 29 else { throw .corrupt("invalid length symbol") }
                let length = Self.lengthBase[lengthIndex] + (try bits(Self.lengthExtra[lengthIndex]))
                let distanceSymbol = try decode(distances)
                guard distanceSymbol < 30 else { throw .corrupt("invalid distance symbol") }
                let distance = Self.distanceBase[distanceSymbol] + (try bits(Self.distanceExtra[distanceSymbol]))
                guard distance <= output.count else { throw .corrupt("distance before the start of the output") }
                guard output.count + length <= maxOutput else { throw .tooLarge }
                // Byte by byte: the source may overlap what is being written (runs).
                var from = output.count - distance
                for _ in 0..<length {
                    output.append(output[from])
                    from += 1
                }
            }
        }
    }

    mutating func dynamic() throws(Gzip.Failure) {
        let lengthCount = try bits(5) + 257
        let distanceCount = try bits(5) + 1
        let codeCount = try bits(4) + 4
        guard lengthCount <= 286, distanceCount <= 30 else { throw .corrupt("too many codes") }
        let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
        var codeLengths = [Int](repeating: 0, count: 19)
        for index in 0..<codeCount { codeLengths[order[index]] = try bits(3) }
        guard let lengthCode = Huffman(lengths: codeLengths[...]) else { throw .corrupt("invalid code-length code") }
        var lengths = [Int](repeating: 0, count: lengthCount + distanceCount)
        var index = 0
        while index < lengthCount + distanceCount {
            let symbol = try decode(lengthCode)
            if symbol < 16 {
                lengths[index] = symbol
                index += 1
                continue
            }
            var repeatValue = 0, repeatCount: Int
            switch symbol {
            case 16:
                guard index > 0 else { throw .corrupt("repeat with no previous length") }
                repeatValue = lengths[index - 1]
                repeatCount = 3 + (try bits(2))
            case 17: repeatCount = 3 + (try bits(3))
            default: repeatCount = 11 + (try bits(7))
            }
            guard index + repeatCount <= lengthCount + distanceCount else { throw .corrupt("too many lengths") }
            for _ in 0..<repeatCount {
                lengths[index] = repeatValue
                index += 1
            }
        }
        guard lengths[256] != 0 else { throw .corrupt("no end-of-block code") }
        guard let literalCode = Huffman(lengths: lengths[0..<lengthCount]),
              let distanceCode = Huffman(lengths: lengths[lengthCount...]) else { throw .corrupt("invalid literal/length or distance code") }
        try codes(literalCode, distanceCode)
    }
}
