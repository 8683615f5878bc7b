// The parsed form of a TOML config file: tables of values, each key with the line it was written on, so
// every validation problem can say `file:line:`. Produced by `TOMLParser`; read by `ConfigLoader`'s
// validator and then dropped (the daemon keeps only the `Config` value built from it).
//
// Tables are classes because parsing extends them in place (`[[feeds]]` appends to the array of tables,
// `[a.b]` adds to `a`); nothing outside the config loader ever holds one.

/// One TOML value. Dates and times are not part of the supported subset (the parser rejects them).
enum TOMLValue {
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    case array([TOMLValue])
    case table(TOMLTable)

    var string: String? { if case .string(let value) = self { value } else { nil } }
    var integer: Int? { if case .integer(let value) = self { value } else { nil } }
    var float: Double? { if case .float(let value) = self { value } else { nil } }
    var boolean: Bool? { if case .boolean(let value) = self { value } else { nil } }
    var array: [TOMLValue]? { if case .array(let value) = self { value } else { nil } }
    var table: TOMLTable? { if case .table(let value) = self { value } else { nil } }

    /// The type with its article, for messages: "a string", "an integer", "an array", ...
    var typeDescription: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a floating-point number"
        case .boolean: "a boolean"
        case .array: "an array"
        case .table: "a table"
        }
    }
}

/// A TOML table: its keys in file order, each with its value and line.
final class TOMLTable {
    /// How the table came to exist, which decides what may still add to it (TOML forbids defining a table
    /// twice, reopening an inline table, and mixing `[a.b]` headers with `a.b = ...` dotted keys for one table).
    enum Origin {
        case root
        /// `[a]` or one element of `[[a]]`.
        case header
        /// Created as the parent of a header (`a` for `[a.b]`); a later `[a]` may still define it once.
        case implicit
        /// Created by a dotted key (`a` for `a.b = 1`).
        case dotted
        /// `{ ... }`: complete when written.
        case inline
    }

    struct Entry {
        let key: String
        var value: TOMLValue
        /// 1-based line of the key (for a table made by a header: the header's line).
        let line: Int
        /// Made by `[[key]]` headers (so further `[[key]]` headers append to it).
        var isArrayOfTables = false
    }

    /// Line of the table's header or `{`; nil for the root table.
    private(set) var line: Int?
    var origin: Origin
    private(set) var entries: [Entry] = []
    /// Key -> position in `entries`, built only once a table has many keys: a config's tables have a
    /// handful each, and a dictionary per `[[feeds]]` table would cost more memory than it saves time.
    private var positions: [String: Int]?
    private static let indexedFrom = 16

    init(line: Int?, origin: Origin) {
        self.line = line
        self.origin = origin
    }

    var keys: [String] { entries.map(\.key) }

    subscript(key: String) -> TOMLValue? {
        position(of: key).map { entries[$0].value }
    }

    /// The line `key` was written on; nil when the table has no such key.
    func line(of key: String) -> Int? {
        position(of: key).map { entries[$0].line }
    }

    func position(of key: String) -> Int? {
        if let positions { return positions[key] }
        return entries.firstIndex { $0.key == key }
    }

    // MARK: Building (TOMLParser only)

    func append(_ entry: Entry) {
        entries.append(entry)
        if positions != nil {
            positions?[entry.key] = entries.count - 1
        } else if entries.count >= Self.indexedFrom {
            var index: [String: Int] = [:]
            for (offset, existing) in entries.enumerated() { index[existing.key] = offset }
            positions = index
        }
    }

    /// Turns an implicitly created table into one defined by the header on `line`.
    func define(line: Int) {
        self.line = line
        origin = .header
    }

    /// Appends `table` to the array of tables at `position`.
    func appendToArrayOfTables(at position: Int, _ table: TOMLTable) {
        // Take the array out of the entry first so it is uniquely referenced and `append` does not copy it
        // (thousands of [[feeds]] tables would otherwise cost quadratic time).
        let taken = entries[position].value
        entries[position].value = .boolean(false)
        guard case .array(var elements) = consume taken else { return }
        elements.append(.table(table))
        entries[position].value = .array(elements)
    }

    /// Marks this table and every table created inside it by dotted keys as inline: complete, closed to
    /// later headers and dotted keys.
    func seal() {
        origin = .inline
        for entry in entries {
            if case .table(let child) = entry.value, child.origin == .dotted { child.seal() }
        }
    }
}
