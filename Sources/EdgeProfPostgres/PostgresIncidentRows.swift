import EdgeProfCore
import Foundation
import Logging
import PostgresNIO

/// Incidents in PostgreSQL, kept as the SQLite store keeps them: the incident as JSON beside its
/// model and state; an act replaces it only if the row is still what the act saw.
enum PostgresIncidentRows {
    static func all(model name: String?, _ connection: PostgresConnection, _ logger: Logger) async throws -> [Incident] {
        var incidents: [Incident] = []
        for try await (id, json) in try await connection.query(
            "SELECT id, json FROM incident WHERE \(name)::text IS NULL OR model = \(name) ORDER BY id", logger: logger
        ).decode((Int64, String).self) {
            var incident = try CanonicalJSON.decode(Incident.self, from: json)
            incident.id = id
            incidents.append(incident)
        }
        return incidents
    }

    static func apply(_ operation: GovernanceOperation, _ connection: PostgresConnection, _ logger: Logger, location: String) async throws {
        switch operation {
        case .openIncident(let incident):
            try await connection.query(
                "INSERT INTO incident (model, state, json) VALUES (\(incident.modelName), \(incident.state.rawValue), \(incident.storedJSON))", logger: logger)
        case .updateIncident(let update):
            var rows = 0
            for try await _ in try await connection.query(
                """
                UPDATE incident SET state = \(update.after.state.rawValue), json = \(update.after.storedJSON)
                WHERE id = \(update.before.id) AND json = \(update.before.storedJSON) RETURNING 1
                """, logger: logger
            ).decode(Int32.self) { rows += 1 }
            guard rows == 1 else {
                throw StoreError.failed(location: location, operation: "change incident \(update.before.id)", reason: "it changed meanwhile; decide again")
            }
        default:
            return
        }
    }
}

extension PostgresRegistryStore {
    public func incidents() async throws(StoreError) -> [Incident] {
        let logger = database.logger
        return try await database.withConnection("list incidents") { connection in try await PostgresIncidentRows.all(model: nil, connection, logger) }
    }
}
