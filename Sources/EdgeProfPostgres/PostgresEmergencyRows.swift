import EdgeProfCore
import Foundation
import Logging
import PostgresNIO

/// Emergency deployment requests in PostgreSQL: the request as recorded (JSON) and the second
/// tech_lead's decision beside it.
enum PostgresEmergencyRows {
    static func all(model name: String, _ connection: PostgresConnection, _ logger: Logger) async throws -> [EmergencyRequest] {
        var requests: [EmergencyRequest] = []
        for try await (id, state, json, decidedBy, decidedAt, reason) in try await connection.query(
            "SELECT id, state, json, decided_by, decided_at, decision_reason FROM emergency_request WHERE model = \(name) ORDER BY id", logger: logger
        ).decode((Int64, String, String, String?, Date?, String?).self) {
            var request = try CanonicalJSON.decode(EmergencyRequest.self, from: json)
            guard let state = EmergencyRequest.State(rawValue: state) else { continue }
            request.id = id
            request.state = state
            request.decidedBy = decidedBy
            request.decidedAt = decidedAt
            request.decisionReason = reason
            requests.append(request)
        }
        return requests
    }

    static func insert(_ request: EmergencyRequest, _ connection: PostgresConnection, _ logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO emergency_request (model, state, json)
            VALUES (\(request.reference.name), 'pending', \(CanonicalJSON.string(request)))
            """, logger: logger)
    }

    static func decide(_ decision: EmergencyDecision, _ connection: PostgresConnection, _ logger: Logger, location: String) async throws {
        var decided = false
        for try await _ in try await connection.query(
            """
            UPDATE emergency_request SET state = \(decision.state.rawValue), decided_by = \(decision.actor), decided_at = \(decision.at),
                decision_reason = \(decision.reason)
            WHERE id = \(decision.requestID) AND state = 'pending' RETURNING id
            """, logger: logger
        ).decode(Int64.self) {
            decided = true
        }
        guard decided else {
            throw StoreError.failed(location: location, operation: "decide emergency request \(decision.requestID)", reason: "it is no longer pending")
        }
    }
}
