import EdgeProfCore
import Foundation
import Logging
import PostgresNIO

/// Withdrawals and grants in PostgreSQL: a revoked approval leaves `approval` for
/// `approval_revocation`; roles and deactivation change the actor's row; tokens are issued,
/// revoked and shortened. Each update must touch exactly one row.
enum PostgresWithdrawalRows {
    static func revocations(of versionIDs: [Int64], _ connection: PostgresConnection, _ logger: Logger) async throws -> [ApprovalRevocation] {
        var revocations: [ApprovalRevocation] = []
        for try await json in try await connection.query(
            "SELECT json FROM approval_revocation WHERE model_version_id = ANY(\(versionIDs)) ORDER BY id", logger: logger
        ).decode(String.self) {
            revocations.append(try CanonicalJSON.decode(ApprovalRevocation.self, from: json))
        }
        return revocations
    }

    static func revoke(_ revocation: ApprovalRevocation, versionID: Int64, _ connection: PostgresConnection, _ logger: Logger, location: String) async throws {
        let approval = revocation.approval
        try await requireOneRow(
            """
            DELETE FROM approval WHERE model_version_id = \(versionID) AND stage = \(approval.stage.rawValue) AND actor = \(approval.actor)
            RETURNING 1
            """, connection, logger, location, "revoke \(approval.stage.rawValue) of \(approval.reference)")
        try await connection.query(
            """
            INSERT INTO approval_revocation (model_version_id, revoked_at, json)
            VALUES (\(versionID), \(revocation.revokedAt), \(CanonicalJSON.string(revocation)))
            """, logger: logger)
    }

    static func apply(_ operation: GovernanceOperation, _ connection: PostgresConnection, _ logger: Logger, location: String) async throws {
        switch operation {
        case .setRoles(let name, _, let roles, _):
            try await requireOneRow(
                "UPDATE actor SET roles_json = \(try PostgresCollectorStore.json(roles)) WHERE name = \(name) RETURNING 1",
                connection, logger, location, "change the roles of \(name)")
        case .deactivateActor(let name, let deactivation):
            try await requireOneRow(
                """
                UPDATE actor SET deactivated_at = \(deactivation.at), deactivated_by = \(deactivation.by), deactivation_reason = \(deactivation.reason)
                WHERE name = \(name) AND deactivated_at IS NULL RETURNING 1
                """, connection, logger, location, "deactivate \(name)")
        case .reactivateActor(let name, _):
            try await requireOneRow(
                """
                UPDATE actor SET deactivated_at = NULL, deactivated_by = NULL, deactivation_reason = NULL
                WHERE name = \(name) AND deactivated_at IS NOT NULL RETURNING 1
                """, connection, logger, location, "reactivate \(name)")
        case .issueToken(let grant, let sha256):
            try await connection.query(
                """
                INSERT INTO api_token (id, sha256, actor, kind, bench, created_at, expires_at)
                VALUES (\(grant.id), \(sha256), \(grant.actor), \(grant.kind.rawValue), \(grant.bench), \(grant.createdAt), \(grant.expiresAt))
                """, logger: logger)
        case .revokeToken(let id, let at, _):
            try await requireOneRow(
                "UPDATE api_token SET revoked_at = \(at) WHERE id = \(id) AND revoked_at IS NULL RETURNING 1", connection, logger, location, "revoke token \(id)")
        case .limitToken(let id, let expiresAt):
            try await requireOneRow(
                "UPDATE api_token SET expires_at = \(expiresAt) WHERE id = \(id) AND revoked_at IS NULL RETURNING 1", connection, logger, location, "shorten token \(id)")
        default:
            return
        }
    }

    private static func requireOneRow(
        _ query: PostgresQuery, _ connection: PostgresConnection, _ logger: Logger, _ location: String, _ operation: String
    ) async throws {
        var rows = 0
        for try await _ in try await connection.query(query, logger: logger).decode(Int32.self) { rows += 1 }
        guard rows == 1 else { throw StoreError.failed(location: location, operation: operation, reason: "it changed meanwhile") }
    }
}
