import EdgeProfCore
import Foundation
import Logging
import PostgresNIO

/// A/B tests in PostgreSQL, kept as the SQLite store keeps them: the test as started (JSON) and
/// its stop beside it.
enum PostgresABTestRows {
    static func all(model name: String?, _ connection: PostgresConnection, _ logger: Logger) async throws -> [ABTest] {
        var tests: [ABTest] = []
        for try await (id, state, json, stoppedBy, stoppedAt, reason) in try await connection.query(
            """
            SELECT id, state, json, stopped_by, stopped_at, stop_reason FROM ab_test
            WHERE \(name)::text IS NULL OR model = \(name) ORDER BY id
            """, logger: logger
        ).decode((Int64, String, String, String?, Date?, String?).self) {
            guard let state = ABTest.State(rawValue: state) else { continue }
            var test = try CanonicalJSON.decode(ABTest.self, from: json)
            test.id = id
            test.state = state
            test.stoppedBy = stoppedBy
            test.stoppedAt = stoppedAt
            test.stopReason = reason
            tests.append(test)
        }
        return tests
    }

    static func start(_ test: ABTest, _ connection: PostgresConnection, _ logger: Logger) async throws {
        try await connection.query("INSERT INTO ab_test (model, state, json) VALUES (\(test.model), 'running', \(CanonicalJSON.string(test)))", logger: logger)
    }

    static func stop(_ stop: ABTestStop, _ connection: PostgresConnection, _ logger: Logger, location: String) async throws {
        var rows = 0
        for try await _ in try await connection.query(
            """
            UPDATE ab_test SET state = 'stopped', stopped_by = \(stop.actor), stopped_at = \(stop.at), stop_reason = \(stop.reason)
            WHERE id = \(stop.testID) AND state = 'running' RETURNING 1
            """, logger: logger
        ).decode(Int32.self) { rows += 1 }
        guard rows == 1 else { throw StoreError.failed(location: location, operation: "stop A/B test \(stop.testID)", reason: "it is no longer running") }
    }
}

extension PostgresRegistryStore {
    public func abTests() async throws(StoreError) -> [ABTest] {
        let logger = database.logger
        return try await database.withConnection("list A/B tests") { connection in try await PostgresABTestRows.all(model: nil, connection, logger) }
    }
}
