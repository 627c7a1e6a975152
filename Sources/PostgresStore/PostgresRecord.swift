import PostgresNIO

/// One result row, read by column name: `let id: Int64 = try row["id"]`.
struct PostgresRecord {
    private let row: PostgresRandomAccessRow

    init(_ row: PostgresRow) {
        self.row = row.makeRandomAccess()
    }

    subscript<Value: PostgresDecodable>(_ column: String) -> Value {
        get throws { try row[column].decode(Value.self) }
    }
}

extension PostgresConnection {
    /// Every row of a query, read whole: the store's queries are bounded by their `LIMIT`s.
    func records(_ query: PostgresQuery, _ logger: Logger) async throws -> [PostgresRecord] {
        var records: [PostgresRecord] = []
        for try await row in try await self.query(query, logger: logger) {
            records.append(PostgresRecord(row))
        }
        return records
    }

    /// The first row of a query, if any.
    func record(_ query: PostgresQuery, _ logger: Logger) async throws -> PostgresRecord? {
        try await records(query, logger).first
    }

    /// The first column of the first row, if any.
    func value<Value: PostgresDecodable>(_ query: PostgresQuery, _ logger: Logger, as: Value.Type = Value.self) async throws -> Value? {
        for try await row in try await self.query(query, logger: logger) {
            return try row.decode(Value.self)
        }
        return nil
    }

    /// Runs a statement; with `RETURNING 1` (or any row-returning SQL), how many rows it returned:
    /// the store's way to learn how many rows an `INSERT ... ON CONFLICT DO NOTHING` or an
    /// `UPDATE` touched.
    @discardableResult
    func run(_ query: PostgresQuery, _ logger: Logger) async throws -> Int {
        var count = 0
        for try await _ in try await self.query(query, logger: logger) { count += 1 }
        return count
    }
}
