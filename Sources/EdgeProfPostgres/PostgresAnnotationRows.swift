import EdgeProfCore
import Foundation
import Logging
import PostgresNIO

/// Model tags, aliases and entries in PostgreSQL, kept as the SQLite store keeps them: one row per
/// address with the annotation as canonical JSON.
enum PostgresAnnotationRows {
    static func all(model name: String?, kind: ModelAnnotation.Kind?, _ connection: PostgresConnection, _ logger: Logger) async throws -> [ModelAnnotation] {
        var annotations: [ModelAnnotation] = []
        let kindName = kind?.rawValue
        for try await json in try await connection.query(
            """
            SELECT json FROM model_annotation WHERE (\(name)::text IS NULL OR model = \(name)) AND (\(kindName)::text IS NULL OR kind = \(kindName))
            ORDER BY model, kind, version, key
            """, logger: logger
        ).decode(String.self) {
            annotations.append(try CanonicalJSON.decode(ModelAnnotation.self, from: json))
        }
        return annotations
    }

    static func apply(_ operation: GovernanceOperation, _ connection: PostgresConnection, _ logger: Logger, location: String) async throws {
        switch operation {
        case .annotate(let annotation):
            let address = annotation.address
            let json = CanonicalJSON.string(annotation)
            try await connection.query(
                """
                INSERT INTO model_annotation (model, kind, version, key, json) VALUES (\(address.model), \(address.kind.rawValue), \(address.version), \(address.key), \(json))
                ON CONFLICT (model, kind, version, key) DO UPDATE SET json = excluded.json
                """, logger: logger)
        case .removeAnnotation(let annotation):
            let address = annotation.address
            var removed = 0
            for try await _ in try await connection.query(
                """
                DELETE FROM model_annotation WHERE model = \(address.model) AND kind = \(address.kind.rawValue) AND version = \(address.version) AND key = \(address.key)
                RETURNING 1
                """, logger: logger
            ).decode(Int32.self) { removed += 1 }
            guard removed == 1 else {
                throw StoreError.failed(location: location, operation: "remove \(annotation.kind.rawValue) \(annotation.key) of \(annotation.model)", reason: "it is no longer there")
            }
        default:
            return
        }
    }
}

extension PostgresRegistryStore {
    public func modelEntries() async throws(StoreError) -> [ModelAnnotation] {
        let logger = database.logger
        return try await database.withConnection("list model entries") { connection in
            try await PostgresAnnotationRows.all(model: nil, kind: .entry, connection, logger)
        }
    }
}
