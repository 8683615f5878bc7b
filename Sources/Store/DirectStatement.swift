// The crawl's per-article statements (screening, the near-duplicate index, claims, confirmations, enqueues)
// bind and step their prepared statement directly. Through GRDB's argument layer each of them cost several
// times SQLite's own work: StatementArguments boxes every value as an existential and converts it to a
// DatabaseValue (~1,000 instructions per argument), Row decoding converts again, and every execution runs
// GRDB's observation hooks under a lock. The statements still come from GRDB's statement cache and run inside
// its transactions, on its serialized connection; this file is the only one in the package that calls SQLite.
//
// An SQL text used here is used only here: GRDB remembers the arguments it last bound to a cached statement,
// and would not know that they were replaced.
internal import GRDB
internal import GRDBSQLite

/// One execution of a cached statement of `db`: bind (1-based), then `step` until it returns false (or stop
/// early: the statement is reset before its next use).
struct DirectStatement {
    private let statement: Statement
    private let handle: OpaquePointer
    private let connection: OpaquePointer?

    /// SQLite copies bound text and blobs (SQLITE_TRANSIENT): the Swift values need not outlive the call.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    /// - Parameter cached: false for a one-off text (e.g. one placeholder per configured feed): GRDB's cache
    ///   would keep its prepared form, with the last bound values, for the connection's life.
    init(_ db: Database, sql: String, cached: Bool = true) throws {
        statement = cached ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
        handle = statement.sqliteStatement
        connection = db.sqliteConnection
        // The previous execution's outcome was reported by its own step(); reset only rearms the statement.
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    func bind(_ value: Int64, at index: Int32) { sqlite3_bind_int64(handle, index, value) }
    func bind(_ value: Int, at index: Int32) { sqlite3_bind_int64(handle, index, Int64(value)) }
    func bind(_ value: Double, at index: Int32) { sqlite3_bind_double(handle, index, value) }

    func bind(_ value: String?, at index: Int32) {
        guard let value else { sqlite3_bind_null(handle, index); return }
        var text = value
        text.withUTF8 { bytes in
            // An empty string is bound as empty text, not NULL (which a nil pointer would give).
            guard let start = bytes.baseAddress, !bytes.isEmpty else {
                _ = sqlite3_bind_text(handle, index, "", 0, Self.transient)
                return
            }
            start.withMemoryRebound(to: CChar.self, capacity: bytes.count) { chars in
                _ = sqlite3_bind_text(handle, index, chars, Int32(bytes.count), Self.transient)
            }
        }
    }

    func bind(bytes: [UInt8], at index: Int32) {
        bytes.withUnsafeBytes { raw in
            // A zero-length blob must not be bound as NULL (sqlite3_bind_blob does that for a nil pointer).
            if raw.isEmpty { _ = sqlite3_bind_zeroblob(handle, index, 0); return }
            _ = sqlite3_bind_blob(handle, index, raw.baseAddress, Int32(raw.count), Self.transient)
        }
    }

    /// True when a row is ready to read; false when the statement is done.
    func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code:
            let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            sqlite3_reset(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
        }
    }

    /// Runs a statement that returns no rows (or whose rows are not wanted).
    func execute() throws {
        while try step() {}
        reset()
    }

    /// Ends this execution: a statement left mid-way (a query read for its first row) would hold its read
    /// snapshot, and with it the WAL, until its next use.
    func reset() {
        sqlite3_reset(handle)
        // Bound text and blobs are copies held by the statement: released now rather than at the next use.
        sqlite3_clear_bindings(handle)
    }

    /// The first row as `read` decodes it, nil without a row; the statement is reset after.
    func firstRow<Value>(_ read: (DirectStatement) -> Value) throws -> Value? {
        defer { reset() }
        return try step() ? read(self) : nil
    }

    /// The first row's column 0 as an integer, nil without a row; the statement is reset after.
    func firstInt64() throws -> Int64? { try firstRow { $0.int64(0) } }

    /// The first row's column 0 as text, nil without a row or for NULL; the statement is reset after.
    func firstString() throws -> String? { try firstRow { $0.string(0) } ?? nil }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }
    func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }

    func string(_ column: Int32) -> String? {
        guard let text = sqlite3_column_text(handle, column) else { return nil }
        return String(decoding: UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, column))),
                      as: UTF8.self)
    }

    /// The column's bytes (empty for NULL or a zero-length blob).
    func bytes(_ column: Int32) -> [UInt8] {
        guard let blob = sqlite3_column_blob(handle, column) else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: blob, count: Int(sqlite3_column_bytes(handle, column))))
    }
}
