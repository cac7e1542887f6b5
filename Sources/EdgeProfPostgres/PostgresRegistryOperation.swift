import EdgeProfCore
import Foundation
import Logging
import PostgresNIO

/// Writes one governance operation into PostgreSQL's registry tables, inside the commit's
/// transaction. The rules have already decided; this only records, and refuses what the schema
/// forbids (a second serving version, a stage that moved underneath).
enum PostgresRegistryOperation {
    /// `actor` is the change's actor: the registrant of a version is whoever registered it (the
    /// actor of its audit entry), never the `author` its metadata claims.
    static func apply(_ operation: GovernanceOperation, actor: String, _ connection: PostgresConnection, _ logger: Logger, location: String) async throws {
        switch operation {
        case .addActor(let added):
            try await connection.query(
                """
                INSERT INTO actor (name, roles_json, added_at, added_by)
                VALUES (\(added.name), \(try PostgresCollectorStore.json(added.roles)), \(added.addedAt), \(added.addedBy))
                """, logger: logger)
        case .registerVersion(let model, let metadata):
            let reference = model.reference
            if let existing = try await PostgresCollectorStore.fetchModel(reference, connection, logger) {
                throw StoreError.duplicateVersion(reference, existingSHA256: existing.artifactSHA256)
            }
            try await connection.query(
                """
                INSERT INTO model_version (name, version, artifact_sha256, artifact_path, artifact_bytes, registered_at, registered_by,
                    stage, stage_changed_at, metadata_json)
                VALUES (\(reference.name), \(reference.version.description), \(model.artifactSHA256), \(model.artifactPath),
                    \(model.artifactBytes), \(model.registeredAt), \(actor), 'development', \(model.registeredAt),
                    \(try PostgresCollectorStore.json(metadata)))
                """, logger: logger)
        case .approve(let approval):
            let id = try await versionID(approval.reference, connection, logger, location)
            try await connection.query(
                """
                INSERT INTO approval (model_version_id, stage, actor, role, at, reason, evidence_json)
                VALUES (\(id), \(approval.stage.rawValue), \(approval.actor), \(approval.role.rawValue), \(approval.at), \(approval.reason),
                    \(try PostgresCollectorStore.json(approval.evidence)))
                """, logger: logger)
        case .attach(let attachment):
            let id = try await versionID(attachment.reference, connection, logger, location)
            try await connection.query(
                """
                INSERT INTO attachment (model_version_id, kind, file_name, sha256, content, attached_at, attached_by)
                VALUES (\(id), \(attachment.kind), \(attachment.fileName), \(attachment.sha256), \(attachment.content),
                    \(attachment.attachedAt), \(attachment.attachedBy))
                """, logger: logger)
        case .transition(let transition):
            let id = try await versionID(transition.reference, connection, logger, location)
            if let from = transition.from {
                var moved = false
                for try await _ in try await connection.query(
                    """
                    UPDATE model_version SET stage = \(transition.to.rawValue), stage_changed_at = \(transition.at)
                    WHERE id = \(id) AND stage = \(from.rawValue) RETURNING id
                    """, logger: logger).decode(Int64.self)
                {
                    moved = true
                }
                guard moved else {
                    throw StoreError.failed(location: location, operation: "move \(transition.reference)", reason: "it is no longer in \(from.rawValue)")
                }
            }
            try await connection.query(
                """
                INSERT INTO stage_transition (model_version_id, from_stage, to_stage, at, actor, reason)
                VALUES (\(id), \(transition.from?.rawValue), \(transition.to.rawValue), \(transition.at), \(transition.actor), \(transition.reason))
                """, logger: logger)
        case .release(let record):
            let id = try await versionID(record.reference, connection, logger, location)
            try await connection.query(
                """
                INSERT INTO release (id, model_version_id, kind, at, json)
                VALUES (\(record.id), \(id), \(record.kind.rawValue), \(record.at), \(record.canonicalJSON))
                """, logger: logger)
        case .halt(let event):
            try await connection.query(
                """
                INSERT INTO halt_event (model, halted, at, actor, reason)
                VALUES (\(event.model), \(event.halted), \(event.at), \(event.actor), \(event.reason))
                """, logger: logger)
        case .proposePolicy(let record):
            var proposed = record
            proposed.state = .proposed
            proposed.approvals = []
            try await connection.query(
                "INSERT INTO governance_policy (version, sha256, state, json) VALUES (\(record.version), \(record.sha256), 'proposed', \(CanonicalJSON.string(proposed)))",
                logger: logger)
        case .approvePolicy(let approval):
            try await connection.query(
                """
                INSERT INTO policy_approval (version, actor, role, at, reason)
                VALUES (\(approval.version), \(approval.actor), \(approval.role.rawValue), \(approval.at), \(approval.reason))
                """, logger: logger)
        case .activatePolicy(let version, _):
            try await connection.query("UPDATE governance_policy SET state = 'superseded' WHERE state = 'active'", logger: logger)
            var activated = false
            for try await _ in try await connection.query(
                "UPDATE governance_policy SET state = 'active' WHERE version = \(version) AND state = 'proposed' RETURNING version", logger: logger
            ).decode(Int64.self) {
                activated = true
            }
            guard activated else {
                throw StoreError.failed(location: location, operation: "put policy v\(version) in force", reason: "it is no longer a proposal")
            }
        case .requestEmergency(let request):
            try await PostgresEmergencyRows.insert(request, connection, logger)
        case .revokeApproval(let revocation):
            let id = try await versionID(revocation.approval.reference, connection, logger, location)
            try await PostgresWithdrawalRows.revoke(revocation, versionID: id, connection, logger, location: location)
        case .startABTest(let test):
            try await PostgresABTestRows.start(test, connection, logger)
        case .stopABTest(let stop):
            try await PostgresABTestRows.stop(stop, connection, logger, location: location)
        case .acknowledgeAlert(let acknowledgement):
            var rows = 0
            for try await _ in try await connection.query(
                """
                UPDATE alert SET state = 'acknowledged', acknowledged_by = \(acknowledgement.actor), acknowledged_at = \(acknowledgement.at)
                WHERE id = \(acknowledgement.alertID) AND state = 'open' RETURNING 1
                """, logger: logger
            ).decode(Int32.self) { rows += 1 }
            guard rows == 1 else {
                throw StoreError.failed(location: location, operation: "acknowledge alert \(acknowledgement.alertID)", reason: "it is no longer open")
            }
        case .labelDevice(let device, let before, let after, _):
            try await PostgresFleet.relabel(device, from: before, to: after, connection, logger, location: location)
        case .annotate, .removeAnnotation:
            try await PostgresAnnotationRows.apply(operation, connection, logger, location: location)
        case .openIncident, .updateIncident:
            try await PostgresIncidentRows.apply(operation, connection, logger, location: location)
        case .eraseTelemetry(let erasure):
            var erased = 0
            for try await _ in try await connection.query(
                "DELETE FROM inference WHERE subject = \(erasure.subject) AND id <= \(erasure.throughRecord) RETURNING 1", logger: logger
            ).decode(Int32.self) { erased += 1 }
            guard erased == erasure.records else {
                throw StoreError.failed(location: location, operation: "erase a subject's telemetry", reason: "its records changed meanwhile; count them again")
            }
        case .setRoles, .deactivateActor, .reactivateActor, .issueToken, .revokeToken, .limitToken:
            try await PostgresWithdrawalRows.apply(operation, connection, logger, location: location)
        case .decideEmergency(let decision):
            try await PostgresEmergencyRows.decide(decision, connection, logger, location: location)
        }
    }

    private static func versionID(_ reference: ModelReference, _ connection: PostgresConnection, _ logger: Logger, _ location: String) async throws -> Int64 {
        guard let model = try await PostgresCollectorStore.fetchModel(reference, connection, logger) else {
            throw StoreError.failed(location: location, operation: "find \(reference)", reason: "no such version")
        }
        return model.id
    }
}
