import EdgeProfCore
import Foundation
import GRDB

/// The governance half of the SQLite store: snapshots for the rules, and atomic commits of
/// their decisions with one audit entry per operation.
extension SQLiteEvidenceStore {
    public func auditSequence() throws(StoreError) -> Int64 {
        try read("read the audit head") { db in try Self.auditHead(db) }
    }

    public func snapshot(model name: String) throws(StoreError) -> RegistrySnapshot {
        try read("read the registry of \(name)") { db in
            let versionRows = try Row.fetchAll(db, sql: "SELECT * FROM model_version WHERE name = ? ORDER BY major, minor, patch, version", arguments: [name])
            let versions = try versionRows.compactMap(Self.versionRecord(from:))
            let byID = Dictionary(uniqueKeysWithValues: versions.map { ($0.model.id, $0.reference) })
            func reference(_ row: Row) -> ModelReference? { byID[row["model_version_id"] as Int64] }
            let ids = "SELECT id FROM model_version WHERE name = ?"
            let approvals = try Row.fetchAll(db, sql: "SELECT * FROM approval WHERE model_version_id IN (\(ids)) ORDER BY at, rowid", arguments: [name])
                .compactMap { row -> Approval? in
                    guard let reference = reference(row), let stage = ApprovalStage(rawValue: row["stage"]),
                          let role = GovernanceRole(rawValue: row["role"]) else { return nil }
                    return Approval(
                        reference: reference, stage: stage, actor: row["actor"], role: role, at: row["at"], reason: row["reason"],
                        evidence: try JSONColumn.decode(row["evidence_json"]))
                }
            let attachments = try Row.fetchAll(db, sql: "SELECT * FROM attachment WHERE model_version_id IN (\(ids)) ORDER BY id", arguments: [name])
                .compactMap { row -> Attachment? in
                    guard let reference = reference(row) else { return nil }
                    return Attachment(
                        reference: reference, kind: row["kind"], fileName: row["file_name"], sha256: row["sha256"], content: row["content"],
                        attachedAt: row["attached_at"], attachedBy: row["attached_by"])
                }
            let transitions = try Row.fetchAll(db, sql: "SELECT * FROM stage_transition WHERE model_version_id IN (\(ids)) ORDER BY id", arguments: [name])
                .compactMap { row -> StageTransition? in
                    guard let reference = reference(row), let to = LifecycleStage(rawValue: row["to_stage"]) else { return nil }
                    return StageTransition(
                        reference: reference, from: (row["from_stage"] as String?).flatMap(LifecycleStage.init(rawValue:)), to: to,
                        at: row["at"], actor: row["actor"], reason: row["reason"])
                }
            let releases = try Row.fetchAll(db, sql: "SELECT id, json FROM release WHERE model_version_id IN (\(ids)) ORDER BY at, rowid", arguments: [name])
                .map { row throws -> ReleaseRecord in
                    let id: String = row["id"]
                    let json: String = row["json"]
                    guard CanonicalJSON.sha256(Data(json.utf8)) == id else {
                        throw StoreError.failed(location: location, operation: "read release \(id)", reason: "its content no longer matches its address (tampered)")
                    }
                    return try CanonicalJSON.decode(ReleaseRecord.self, from: json)
                }
            let halts = try Row.fetchAll(db, sql: "SELECT * FROM halt_event WHERE model = ? ORDER BY id", arguments: [name]).map {
                HaltEvent(model: $0["model"], halted: $0["halted"], at: $0["at"], actor: $0["actor"], reason: $0["reason"])
            }
            return RegistrySnapshot(
                name: name, actors: try Self.actors(db), versions: versions, approvals: approvals, attachments: attachments,
                transitions: transitions, releases: releases, halts: halts, auditHead: try Self.auditHead(db), policies: try Self.policies(db, location: location),
                registeredVersions: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM model_version") ?? 0,
                emergencies: try Self.emergencies(model: name, db),
                revokedApprovals: try Row.fetchAll(
                    db, sql: "SELECT json FROM approval_revocation WHERE model_version_id IN (\(ids)) ORDER BY id", arguments: [name]
                ).map { try CanonicalJSON.decode(ApprovalRevocation.self, from: $0["json"]) },
                abTests: try Self.abTests(model: name, db), incidents: try Self.incidents(model: name, db),
                annotations: try Self.annotations(model: name, db))
        }
    }

    static func annotations(model name: String?, _ db: Database) throws -> [ModelAnnotation] {
        try String.fetchAll(
            db, sql: "SELECT json FROM model_annotation WHERE ? IS NULL OR model = ? ORDER BY model, kind, version, key", arguments: [name, name]
        ).map { try CanonicalJSON.decode(ModelAnnotation.self, from: $0) }
    }

    public func modelEntries() throws(StoreError) -> [ModelAnnotation] {
        try read("list model entries") { db in
            try String.fetchAll(db, sql: "SELECT json FROM model_annotation WHERE kind = 'entry' ORDER BY model")
                .map { try CanonicalJSON.decode(ModelAnnotation.self, from: $0) }
        }
    }

    public func versionRecords() throws(StoreError) -> [ModelVersionRecord] {
        try read("list model versions") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM model_version ORDER BY name, major, minor, patch, version").compactMap(Self.versionRecord(from:))
        }
    }

    public func commit(_ change: GovernanceChange) throws(StoreError) -> [AuditEntry] {
        let location = location
        let marker = pauseBeforeCommitMarker
        return try write("record \(change.operations.first?.audit.action ?? "a change")") { db in
            let head = try Self.auditHead(db)
            guard head == change.expectedAuditHead else {
                throw StoreError.conflict(location: location, expected: change.expectedAuditHead, found: head)
            }
            var entries: [AuditEntry] = []
            for operation in change.operations {
                try Self.apply(operation, actor: change.actor, db, location: location)
                let audit = operation.audit
                entries.append(try Self.appendAudit(
                    db, at: change.at, actor: change.actor, action: audit.action, subject: audit.subject, before: audit.before,
                    after: audit.after, reason: audit.reason, policy: change.policySHA256))
            }
            if let marker { Self.pause(marker) }
            return entries
        }
    }

    public func storeArtifact(_ bytes: [UInt8], sha256: String) throws(StoreError) {
        try write("store artifact \(sha256.prefix(12))…") { db in
            try db.execute(
                sql: "INSERT INTO artifact (sha256, bytes, stored_at) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
                arguments: [sha256, Data(bytes), Date().stored])
        }
    }

    public func artifact(sha256: String) throws(StoreError) -> [UInt8]? {
        try read("read artifact \(sha256.prefix(12))…") { db in
            try Data.fetchOne(db, sql: "SELECT bytes FROM artifact WHERE sha256 = ?", arguments: [sha256]).map { [UInt8]($0) }
        }
    }

    /// `actor` is the change's actor: the registrant of a version is whoever registered it (the
    /// actor of its audit entry), never the `author` its metadata claims.
    private static func apply(_ operation: GovernanceOperation, actor: String, _ db: Database, location: String) throws {
        switch operation {
        case .addActor(let added):
            try db.execute(
                sql: "INSERT INTO actor (name, roles_json, added_at, added_by) VALUES (?, ?, ?, ?)",
                arguments: [added.name, try JSONColumn.encode(added.roles), added.addedAt.stored, added.addedBy])
        case .registerVersion(let model, let metadata):
            if let existing = try fetchModel(model.reference, db) {
                throw StoreError.duplicateVersion(model.reference, existingSHA256: existing.artifactSHA256)
            }
            let version = model.reference.version
            try db.execute(
                sql: """
                    INSERT INTO model_version (name, version, major, minor, patch, artifact_sha256, artifact_path, artifact_bytes,
                        registered_at, registered_by, stage, stage_changed_at, metadata_json)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'development', ?, ?)
                    """,
                arguments: [
                    model.reference.name, version.description, Int64(clamping: version.major), Int64(clamping: version.minor),
                    Int64(clamping: version.patch), model.artifactSHA256, model.artifactPath, model.artifactBytes, model.registeredAt.stored,
                    actor, model.registeredAt.stored, try JSONColumn.encode(metadata),
                ])
        case .approve(let approval):
            try db.execute(
                sql: "INSERT INTO approval (model_version_id, stage, actor, role, at, reason, evidence_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    try versionID(approval.reference, db, location), approval.stage.rawValue, approval.actor, approval.role.rawValue,
                    approval.at.stored, approval.reason, try JSONColumn.encode(approval.evidence),
                ])
        case .attach(let attachment):
            try db.execute(
                sql: "INSERT INTO attachment (model_version_id, kind, file_name, sha256, content, attached_at, attached_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    try versionID(attachment.reference, db, location), attachment.kind, attachment.fileName, attachment.sha256,
                    attachment.content, attachment.attachedAt.stored, attachment.attachedBy,
                ])
        case .transition(let transition):
            let id = try versionID(transition.reference, db, location)
            if let from = transition.from {
                try db.execute(
                    sql: "UPDATE model_version SET stage = ?, stage_changed_at = ? WHERE id = ? AND stage = ?",
                    arguments: [transition.to.rawValue, transition.at.stored, id, from.rawValue])
                guard db.changesCount == 1 else {
                    throw StoreError.failed(location: location, operation: "move \(transition.reference)", reason: "it is no longer in \(from.rawValue)")
                }
            }
            try db.execute(
                sql: "INSERT INTO stage_transition (model_version_id, from_stage, to_stage, at, actor, reason) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [id, transition.from?.rawValue, transition.to.rawValue, transition.at.stored, transition.actor, transition.reason])
        case .release(let record):
            try db.execute(
                sql: "INSERT INTO release (id, model_version_id, kind, at, json) VALUES (?, ?, ?, ?, ?)",
                arguments: [record.id, try versionID(record.reference, db, location), record.kind.rawValue, record.at.stored, record.canonicalJSON])
        case .halt(let event):
            try db.execute(
                sql: "INSERT INTO halt_event (model, halted, at, actor, reason) VALUES (?, ?, ?, ?, ?)",
                arguments: [event.model, event.halted, event.at.stored, event.actor, event.reason])
        case .proposePolicy(let record):
            var proposed = record
            proposed.state = .proposed
            proposed.approvals = []
            try db.execute(
                sql: "INSERT INTO governance_policy (version, sha256, state, json) VALUES (?, ?, 'proposed', ?)",
                arguments: [record.version, record.sha256, CanonicalJSON.string(proposed)])
        case .approvePolicy(let approval):
            try db.execute(
                sql: "INSERT INTO policy_approval (version, actor, role, at, reason) VALUES (?, ?, ?, ?, ?)",
                arguments: [approval.version, approval.actor, approval.role.rawValue, approval.at.stored, approval.reason])
        case .activatePolicy(let version, _):
            try db.execute(sql: "UPDATE governance_policy SET state = 'superseded' WHERE state = 'active'")
            try db.execute(sql: "UPDATE governance_policy SET state = 'active' WHERE version = ? AND state = 'proposed'", arguments: [version])
            guard db.changesCount == 1 else {
                throw StoreError.failed(location: location, operation: "put policy v\(version) in force", reason: "it is no longer a proposal")
            }
        case .revokeApproval(let revocation):
            let approval = revocation.approval
            let id = try versionID(approval.reference, db, location)
            try db.execute(
                sql: "DELETE FROM approval WHERE model_version_id = ? AND stage = ? AND actor = ?", arguments: [id, approval.stage.rawValue, approval.actor])
            guard db.changesCount == 1 else {
                throw StoreError.failed(location: location, operation: "revoke \(approval.stage.rawValue) of \(approval.reference)", reason: "it is no longer signed")
            }
            try db.execute(
                sql: "INSERT INTO approval_revocation (model_version_id, revoked_at, json) VALUES (?, ?, ?)",
                arguments: [id, revocation.revokedAt.stored, CanonicalJSON.string(revocation)])
        case .setRoles(let name, _, let roles, _):
            try db.execute(sql: "UPDATE actor SET roles_json = ? WHERE name = ?", arguments: [try JSONColumn.encode(roles), name])
            try Self.requireOneRow(db, location, "change the roles of \(name)")
        case .deactivateActor(let name, let deactivation):
            try db.execute(
                sql: "UPDATE actor SET deactivated_at = ?, deactivated_by = ?, deactivation_reason = ? WHERE name = ? AND deactivated_at IS NULL",
                arguments: [deactivation.at.stored, deactivation.by, deactivation.reason, name])
            try Self.requireOneRow(db, location, "deactivate \(name)")
        case .reactivateActor(let name, _):
            try db.execute(
                sql: "UPDATE actor SET deactivated_at = NULL, deactivated_by = NULL, deactivation_reason = NULL WHERE name = ? AND deactivated_at IS NOT NULL",
                arguments: [name])
            try Self.requireOneRow(db, location, "reactivate \(name)")
        case .issueToken(let grant, let sha256):
            try db.execute(
                sql: "INSERT INTO api_token (id, sha256, actor, kind, bench, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [grant.id, sha256, grant.actor, grant.kind.rawValue, grant.bench, grant.createdAt.stored, grant.expiresAt?.stored])
        case .revokeToken(let id, let at, _):
            try db.execute(sql: "UPDATE api_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [at.stored, id])
            guard db.changesCount == 1 else { throw StoreError.failed(location: location, operation: "revoke token \(id)", reason: "it is no longer valid") }
        case .limitToken(let id, let expiresAt):
            try db.execute(sql: "UPDATE api_token SET expires_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [expiresAt.stored, id])
            guard db.changesCount == 1 else { throw StoreError.failed(location: location, operation: "shorten token \(id)", reason: "it is no longer valid") }
        case .acknowledgeAlert(let acknowledgement):
            try db.execute(
                sql: "UPDATE alert SET state = 'acknowledged', acknowledged_by = ?, acknowledged_at = ? WHERE id = ? AND state = 'open'",
                arguments: [acknowledgement.actor, acknowledgement.at.stored, acknowledgement.alertID])
            guard db.changesCount == 1 else {
                throw StoreError.failed(location: location, operation: "acknowledge alert \(acknowledgement.alertID)", reason: "it is no longer open")
            }
        case .labelDevice(let device, let before, let after, _):
            try db.execute(
                sql: "UPDATE fleet_device SET labels_json = ? WHERE device = ? AND labels_json = ?",
                arguments: [CanonicalJSON.string(after), device, CanonicalJSON.string(before)])
            try Self.requireOneRow(db, location, "label \(device)")
        case .startABTest(let test):
            try db.execute(sql: "INSERT INTO ab_test (model, state, json) VALUES (?, 'running', ?)", arguments: [test.model, CanonicalJSON.string(test)])
        case .eraseTelemetry(let erasure):
            try db.execute(sql: "DELETE FROM inference WHERE subject = ? AND id <= ?", arguments: [erasure.subject, erasure.throughRecord])
            guard db.changesCount == erasure.records else {
                throw StoreError.failed(location: location, operation: "erase a subject's telemetry", reason: "its records changed meanwhile; count them again")
            }
        case .openIncident(let incident):
            try db.execute(
                sql: "INSERT INTO incident (model, state, json) VALUES (?, ?, ?)", arguments: [incident.modelName, incident.state.rawValue, incident.storedJSON])
        case .updateIncident(let update):
            try db.execute(
                sql: "UPDATE incident SET state = ?, json = ? WHERE id = ? AND json = ?",
                arguments: [update.after.state.rawValue, update.after.storedJSON, update.before.id, update.before.storedJSON])
            try Self.requireOneRow(db, location, "change incident \(update.before.id)")
        case .annotate(let annotation):
            let address = annotation.address
            try db.execute(
                sql: """
                    INSERT INTO model_annotation (model, kind, version, key, json) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (model, kind, version, key) DO UPDATE SET json = excluded.json
                    """,
                arguments: [address.model, address.kind.rawValue, address.version, address.key, CanonicalJSON.string(annotation)])
        case .removeAnnotation(let annotation):
            let address = annotation.address
            try db.execute(
                sql: "DELETE FROM model_annotation WHERE model = ? AND kind = ? AND version = ? AND key = ?",
                arguments: [address.model, address.kind.rawValue, address.version, address.key])
            try Self.requireOneRow(db, location, "remove \(annotation.kind.rawValue) \(annotation.key) of \(annotation.model)")
        case .stopABTest(let stop):
            try db.execute(
                sql: "UPDATE ab_test SET state = 'stopped', stopped_by = ?, stopped_at = ?, stop_reason = ? WHERE id = ? AND state = 'running'",
                arguments: [stop.actor, stop.at.stored, stop.reason, stop.testID])
            try Self.requireOneRow(db, location, "stop A/B test \(stop.testID)")
        case .requestEmergency(let request):
            try db.execute(
                sql: "INSERT INTO emergency_request (model, state, json) VALUES (?, 'pending', ?)",
                arguments: [request.reference.name, CanonicalJSON.string(request)])
        case .decideEmergency(let decision):
            try db.execute(
                sql: "UPDATE emergency_request SET state = ?, decided_by = ?, decided_at = ?, decision_reason = ? WHERE id = ? AND state = 'pending'",
                arguments: [decision.state.rawValue, decision.actor, decision.at.stored, decision.reason, decision.requestID])
            guard db.changesCount == 1 else {
                throw StoreError.failed(location: location, operation: "decide emergency request \(decision.requestID)", reason: "it is no longer pending")
            }
        }
    }

    /// Every policy version with its approvals; a text that no longer matches its digest is
    /// reported as tampered rather than obeyed.
    private static func policies(_ db: Database, location: String) throws -> [PolicyRecord] {
        let approvals = try Row.fetchAll(db, sql: "SELECT * FROM policy_approval ORDER BY at, rowid").compactMap { row -> PolicyApproval? in
            guard let role = GovernanceRole(rawValue: row["role"]) else { return nil }
            return PolicyApproval(version: row["version"], actor: row["actor"], role: role, at: row["at"], reason: row["reason"])
        }
        return try Row.fetchAll(db, sql: "SELECT * FROM governance_policy ORDER BY version").map { row in
            var record = try CanonicalJSON.decode(PolicyRecord.self, from: row["json"])
            guard record.sha256 == row["sha256"], let state = PolicyRecord.State(rawValue: row["state"]) else {
                throw StoreError.failed(location: location, operation: "read policy v\(record.version)", reason: "its text no longer matches its sha256 (tampered)")
            }
            record.state = state
            record.approvals = approvals.filter { $0.version == record.version }
            return record
        }
    }

    /// The A/B tests of `name`, or of every model when nil, oldest first.
    static func abTests(model name: String?, _ db: Database) throws -> [ABTest] {
        try Row.fetchAll(db, sql: "SELECT * FROM ab_test WHERE ? IS NULL OR model = ? ORDER BY id", arguments: [name, name]).compactMap { row in
            guard let state = ABTest.State(rawValue: row["state"]) else { return nil }
            var test = try CanonicalJSON.decode(ABTest.self, from: row["json"])
            test.id = row["id"]
            test.state = state
            test.stoppedBy = row["stopped_by"]
            test.stoppedAt = row["stopped_at"]
            test.stopReason = row["stop_reason"]
            return test
        }
    }

    /// The incidents of `name`, or of every model when nil, oldest first.
    static func incidents(model name: String?, _ db: Database) throws -> [Incident] {
        try Row.fetchAll(db, sql: "SELECT * FROM incident WHERE ? IS NULL OR model = ? ORDER BY id", arguments: [name, name]).map { row in
            var incident = try CanonicalJSON.decode(Incident.self, from: row["json"])
            incident.id = row["id"]
            return incident
        }
    }

    public func incidents() throws(StoreError) -> [Incident] {
        try read("list incidents") { db in try Self.incidents(model: nil, db) }
    }

    public func abTests() throws(StoreError) -> [ABTest] {
        try read("list A/B tests") { db in try Self.abTests(model: nil, db) }
    }

    private static func emergencies(model name: String, _ db: Database) throws -> [EmergencyRequest] {
        try Row.fetchAll(db, sql: "SELECT * FROM emergency_request WHERE model = ? ORDER BY id", arguments: [name]).compactMap { row in
            guard let state = EmergencyRequest.State(rawValue: row["state"]) else { return nil }
            var request = try CanonicalJSON.decode(EmergencyRequest.self, from: row["json"])
            request.id = row["id"]
            request.state = state
            request.decidedBy = row["decided_by"]
            request.decidedAt = row["decided_at"]
            request.decisionReason = row["decision_reason"]
            return request
        }
    }

    private static func versionID(_ reference: ModelReference, _ db: Database, _ location: String) throws -> Int64 {
        guard let model = try fetchModel(reference, db) else {
            throw StoreError.failed(location: location, operation: "find \(reference)", reason: "no such version")
        }
        return model.id
    }

    private static func actors(_ db: Database) throws -> [RegistryActor] {
        try Row.fetchAll(db, sql: "SELECT * FROM actor ORDER BY name").map { row in
            var deactivation: ActorDeactivation?
            if let at = row["deactivated_at"] as Date? {
                deactivation = ActorDeactivation(at: at, by: row["deactivated_by"] ?? "", reason: row["deactivation_reason"] ?? "")
            }
            return RegistryActor(
                name: row["name"], roles: try JSONColumn.decode(row["roles_json"]), addedAt: row["added_at"], addedBy: row["added_by"],
                deactivation: deactivation)
        }
    }

    private static func requireOneRow(_ db: Database, _ location: String, _ operation: String) throws {
        guard db.changesCount == 1 else { throw StoreError.failed(location: location, operation: operation, reason: "the actor changed meanwhile") }
    }

    static func auditHead(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT MAX(sequence) FROM audit_entry") ?? 0
    }

    private static func versionRecord(from row: Row) throws -> ModelVersionRecord? {
        guard let model = model(from: row), let stage = LifecycleStage(rawValue: row["stage"]) else { return nil }
        return ModelVersionRecord(
            model: model, registeredBy: row["registered_by"], stage: stage,
            stageChangedAt: row["stage_changed_at"] ?? model.registeredAt, metadata: try JSONColumn.decode(row["metadata_json"]))
    }

    /// The fault point of `EDGEPROF_FAULT_PAUSE_BEFORE_COMMIT`: announce, then wait to be killed.
    private static func pause(_ marker: String) {
        _ = FileManager.default.createFile(atPath: marker, contents: Data("paused\n".utf8))
        Thread.sleep(forTimeInterval: 60)
    }
}
