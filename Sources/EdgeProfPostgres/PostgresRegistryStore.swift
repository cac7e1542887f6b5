import EdgeProfCore
import Foundation
import Logging
import PostgresNIO

/// The model registry in a lab's PostgreSQL: the same governance tables, rules and audit chain
/// as the SQLite registry. Commits are serialised across every collector sharing the database by
/// one transaction-scoped advisory lock, under which the audit head is checked and extended.
public struct PostgresRegistryStore: RegistryStore {
    let database: PostgresCollectorStore
    /// Test fault point, as in the SQLite store: a commit creates this file and waits inside its
    /// transaction so a test can kill the process there.
    private let pauseBeforeCommitMarker = ProcessInfo.processInfo.environment["EDGEPROF_FAULT_PAUSE_BEFORE_COMMIT"]

    /// The advisory lock every registry commit holds (ingest uses per-key locks, never this one).
    static let commitLock: Int64 = 7_453_422

    init(database: PostgresCollectorStore) {
        self.database = database
    }

    public var location: String { database.location }
    private var logger: Logger { database.logger }

    /// Read in one REPEATABLE READ transaction, so that versions, approvals and the audit head
    /// are of the same moment (a commit between two of the reads would otherwise pair new rows
    /// with an old head, and a decision on them would pass the head check).
    public func auditSequence() async throws(StoreError) -> Int64 {
        let logger = logger
        return try await database.withConnection("read the audit head") { connection in
            var head: Int64 = 0
            for try await value in try await connection.query("SELECT COALESCE(MAX(sequence), 0)::BIGINT FROM audit_entry", logger: logger).decode(Int64.self) {
                head = value
            }
            return head
        }
    }

    public func snapshot(model name: String) async throws(StoreError) -> RegistrySnapshot {
        let location = location
        let logger = logger
        return try await database.transaction("read the registry of \(name)") { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            let versions = try await Self.versionRecords(connection, logger, where: name)
            let byID = Dictionary(uniqueKeysWithValues: versions.map { ($0.model.id, $0.reference) })
            let ids = versions.map(\.model.id)
            var approvals: [Approval] = []
            for try await row in try await connection.query(
                "SELECT * FROM approval WHERE model_version_id = ANY(\(ids)) ORDER BY at, model_version_id, stage", logger: logger)
            {
                let row = row.makeRandomAccess()
                guard let reference = byID[try row["model_version_id"].decode(Int64.self)],
                      let stage = ApprovalStage(rawValue: try row["stage"].decode(String.self)),
                      let role = GovernanceRole(rawValue: try row["role"].decode(String.self)) else { continue }
                approvals.append(Approval(
                    reference: reference, stage: stage, actor: try row["actor"].decode(String.self), role: role,
                    at: try row["at"].decode(Date.self), reason: try row["reason"].decode(String.self),
                    evidence: try PostgresCollectorStore.decodeJSON(row["evidence_json"].decode(String.self))))
            }
            var attachments: [Attachment] = []
            for try await row in try await connection.query("SELECT * FROM attachment WHERE model_version_id = ANY(\(ids)) ORDER BY id", logger: logger) {
                let row = row.makeRandomAccess()
                guard let reference = byID[try row["model_version_id"].decode(Int64.self)] else { continue }
                attachments.append(Attachment(
                    reference: reference, kind: try row["kind"].decode(String.self), fileName: try row["file_name"].decode(String.self),
                    sha256: try row["sha256"].decode(String.self), content: try row["content"].decode(String.self),
                    attachedAt: try row["attached_at"].decode(Date.self), attachedBy: try row["attached_by"].decode(String.self)))
            }
            var transitions: [StageTransition] = []
            for try await row in try await connection.query("SELECT * FROM stage_transition WHERE model_version_id = ANY(\(ids)) ORDER BY id", logger: logger) {
                let row = row.makeRandomAccess()
                guard let reference = byID[try row["model_version_id"].decode(Int64.self)],
                      let to = LifecycleStage(rawValue: try row["to_stage"].decode(String.self)) else { continue }
                transitions.append(StageTransition(
                    reference: reference, from: try row["from_stage"].decode(String?.self).flatMap(LifecycleStage.init(rawValue:)), to: to,
                    at: try row["at"].decode(Date.self), actor: try row["actor"].decode(String.self), reason: try row["reason"].decode(String.self)))
            }
            var releases: [ReleaseRecord] = []
            for try await (id, json) in try await connection.query(
                "SELECT id, json FROM release WHERE model_version_id = ANY(\(ids)) ORDER BY at, id", logger: logger
            ).decode((String, String).self) {
                guard CanonicalJSON.sha256(Data(json.utf8)) == id else {
                    throw StoreError.failed(location: location, operation: "read release \(id)", reason: "its content no longer matches its address (tampered)")
                }
                releases.append(try CanonicalJSON.decode(ReleaseRecord.self, from: json))
            }
            var halts: [HaltEvent] = []
            for try await (model, halted, at, actor, reason) in try await connection.query(
                "SELECT model, halted, at, actor, reason FROM halt_event WHERE model = \(name) ORDER BY id", logger: logger
            ).decode((String, Bool, Date, String, String).self) {
                halts.append(HaltEvent(model: model, halted: halted, at: at, actor: actor, reason: reason))
            }
            return RegistrySnapshot(
                name: name, actors: try await Self.actors(connection, logger), versions: versions, approvals: approvals,
                attachments: attachments, transitions: transitions, releases: releases, halts: halts,
                auditHead: try await Self.lastAuditEntry(connection, logger)?.sequence ?? 0,
                policies: try await PostgresPolicyRows.all(connection, logger, location: location),
                registeredVersions: try await PostgresPolicyRows.versionCount(connection, logger),
                emergencies: try await PostgresEmergencyRows.all(model: name, connection, logger),
                revokedApprovals: try await PostgresWithdrawalRows.revocations(of: ids, connection, logger),
                abTests: try await PostgresABTestRows.all(model: name, connection, logger),
                incidents: try await PostgresIncidentRows.all(model: name, connection, logger),
                annotations: try await PostgresAnnotationRows.all(model: name, kind: nil, connection, logger))
        }
    }

    public func versionRecords() async throws(StoreError) -> [ModelVersionRecord] {
        let logger = logger
        return try await database.withConnection("list model versions") { connection in
            try await Self.versionRecords(connection, logger, where: nil)
        }
    }

    public func commit(_ change: GovernanceChange) async throws(StoreError) -> [AuditEntry] {
        let location = location
        let logger = logger
        let marker = pauseBeforeCommitMarker
        return try await database.transaction("record \(change.operations.first?.audit.action ?? "a change")") { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.commitLock))", logger: logger)
            var previous = try await Self.lastAuditEntry(connection, logger)
            let head = previous?.sequence ?? 0
            guard head == change.expectedAuditHead else {
                throw StoreError.conflict(location: location, expected: change.expectedAuditHead, found: head)
            }
            var entries: [AuditEntry] = []
            for operation in change.operations {
                try await PostgresRegistryOperation.apply(operation, actor: change.actor, connection, logger, location: location)
                let audit = operation.audit
                let entry = AuditChain.seal(
                    after: previous, at: change.at, actor: change.actor, action: audit.action, subject: audit.subject,
                    before: audit.before, after: audit.after, reason: audit.reason, policy: change.policySHA256)
                try await connection.query(
                    "INSERT INTO audit_entry (sequence, json) VALUES (\(entry.sequence), \(try PostgresCollectorStore.json(entry)))", logger: logger)
                entries.append(entry)
                previous = entry
            }
            if let marker {
                _ = FileManager.default.createFile(atPath: marker, contents: Data("paused\n".utf8))
                try await Task.sleep(for: .seconds(60))
            }
            return entries
        }
    }

    public func model(_ reference: ModelReference) async throws(StoreError) -> RegisteredModel? {
        let logger = logger
        return try await database.withConnection("look up \(reference)") { connection in
            try await PostgresCollectorStore.fetchModel(reference, connection, logger)
        }
    }

    public func models() async throws(StoreError) -> [RegisteredModel] {
        try await database.models()
    }

    public func runs(of model: RegisteredModel, deviceClass: String?) async throws(StoreError) -> [StoredRun] {
        let logger = logger
        return try await database.withConnection("read the runs of \(model.reference)") { connection in
            var rows: [PostgresRandomAccessRow] = []
            for try await row in try await connection.query(
                """
                SELECT * FROM run WHERE model_version_id = \(model.id)
                  AND (\(deviceClass)::text IS NULL OR device_class = \(deviceClass)) ORDER BY id
                """, logger: logger)
            {
                rows.append(row.makeRandomAccess())
            }
            var runs: [StoredRun] = []
            for row in rows { runs.append(try await PostgresCollectorStore.storedRun(row, model: model.reference, connection, logger)) }
            return runs
        }
    }

    public func auditTrail() async throws(StoreError) -> [AuditEntry] {
        let logger = logger
        return try await database.withConnection("read the audit trail") { connection in
            var entries: [AuditEntry] = []
            for try await json in try await connection.query("SELECT json FROM audit_entry ORDER BY sequence", logger: logger).decode(String.self) {
                entries.append(try PostgresCollectorStore.decodeJSON(json))
            }
            return entries
        }
    }

    public func storeArtifact(_ bytes: [UInt8], sha256: String) async throws(StoreError) {
        let logger = logger
        try await database.withConnection("store artifact \(sha256.prefix(12))…") { connection in
            try await connection.query(
                "INSERT INTO artifact (sha256, bytes, stored_at) VALUES (\(sha256), \(ByteBuffer(bytes: bytes)), \(Date())) ON CONFLICT (sha256) DO NOTHING",
                logger: logger)
        }
    }

    public func artifact(sha256: String) async throws(StoreError) -> [UInt8]? {
        let logger = logger
        return try await database.withConnection("read artifact \(sha256.prefix(12))…") { connection in
            var found: [UInt8]?
            for try await buffer in try await connection.query("SELECT bytes FROM artifact WHERE sha256 = \(sha256)", logger: logger).decode(ByteBuffer.self) {
                found = Array(buffer.readableBytesView)
            }
            return found
        }
    }

    // MARK: Rows

    /// Versions of model `name` (or of every model), ordered as the SQLite registry orders them.
    private static func versionRecords(_ connection: PostgresConnection, _ logger: Logger, where name: String?) async throws -> [ModelVersionRecord] {
        var records: [ModelVersionRecord] = []
        for try await row in try await connection.query(
            "SELECT * FROM model_version WHERE \(name)::text IS NULL OR name = \(name)", logger: logger)
        {
            let row = row.makeRandomAccess()
            guard let model = try PostgresCollectorStore.model(row), let stage = LifecycleStage(rawValue: try row["stage"].decode(String.self)) else { continue }
            records.append(ModelVersionRecord(
                model: model, registeredBy: try row["registered_by"].decode(String.self), stage: stage,
                stageChangedAt: try row["stage_changed_at"].decode(Date?.self) ?? model.registeredAt,
                metadata: try PostgresCollectorStore.decodeJSON(row["metadata_json"].decode(String.self))))
        }
        return records.sorted { a, b in
            let left = a.reference, right = b.reference
            if left.name != right.name { return left.name < right.name }
            let l = (left.version.major, left.version.minor, left.version.patch), r = (right.version.major, right.version.minor, right.version.patch)
            return l != r ? l < r : left.version.description < right.version.description
        }
    }

    private static func actors(_ connection: PostgresConnection, _ logger: Logger) async throws -> [RegistryActor] {
        var actors: [RegistryActor] = []
        for try await (name, roles, at, by, deactivatedAt, deactivatedBy, reason) in try await connection.query(
            "SELECT name, roles_json, added_at, added_by, deactivated_at, deactivated_by, deactivation_reason FROM actor ORDER BY name", logger: logger
        ).decode((String, String, Date, String, Date?, String?, String?).self) {
            let deactivation = deactivatedAt.map { ActorDeactivation(at: $0, by: deactivatedBy ?? "", reason: reason ?? "") }
            actors.append(RegistryActor(name: name, roles: try PostgresCollectorStore.decodeJSON(roles), addedAt: at, addedBy: by, deactivation: deactivation))
        }
        return actors
    }

    private static func lastAuditEntry(_ connection: PostgresConnection, _ logger: Logger) async throws -> AuditEntry? {
        var last: AuditEntry?
        for try await json in try await connection.query("SELECT json FROM audit_entry ORDER BY sequence DESC LIMIT 1", logger: logger).decode(String.self) {
            last = try PostgresCollectorStore.decodeJSON(json)
        }
        return last
    }
}
