import EdgeProfCore
import Foundation
import GRDB

/// The collector's embedded store: the same SQLite file and schema as the bench's evidence store
/// (WAL, busy timeout), reached asynchronously so no request blocks a server thread on the disk.
public final class SQLiteCollectorStore: CollectorStore {
    public let evidence: SQLiteEvidenceStore
    public var location: String { evidence.location }
    public var registry: any RegistryStore { evidence }
    private var pool: DatabasePool { evidence.pool }
    /// Group commit for the writes every upload makes.
    let batcher: WriteBatcher
    /// Runs the monitor has read (without token rows), so each upload decodes only what is new.
    let monitorRuns = StoredRunCache()

    public init(path: String) throws(StoreError) {
        let evidence = try SQLiteEvidenceStore(path: path)
        self.evidence = evidence
        batcher = WriteBatcher(pool: evidence.pool) { error, operation in evidence.mapped(error, operation) }
    }

    /// Uploads arriving together share one transaction (`WriteBatcher`), each in its savepoint.
    public func ingest(_ upload: RunUpload, contentSHA256: String, agentReport: AgentReport?) async throws(IngestRefusal) -> RunReceipt {
        let outcome: Result<RunReceipt, IngestRefusal>
        do {
            outcome = try await batcher.submit("store an uploaded run") { db in
                try Self.ingest(upload, contentSHA256: contentSHA256, agentReport: agentReport, db)
            }
        } catch {
            throw .store(error)
        }
        return try outcome.get()
    }

    private static func ingest(_ upload: RunUpload, contentSHA256: String, agentReport: AgentReport?, _ db: Database) throws -> Result<RunReceipt, IngestRefusal> {
        if let agentReport { try upsert(agentReport, db) }
        if let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT id, content_sha256 FROM run WHERE idempotency_key = ?"), arguments: [upload.idempotencyKey]) {
            let id: Int64 = row["id"]
            guard row["content_sha256"] as String? == contentSHA256 else {
                return .failure(.keyReused(key: upload.idempotencyKey, runID: id))
            }
            return .success(RunReceipt(runID: id, duplicate: true))
        }
        let reference = try ModelReference(parsing: upload.model)
        guard let model = try SQLiteEvidenceStore.fetchModel(reference, db) else {
            return .failure(.unknownModel(upload.model))
        }
        guard model.artifactSHA256 == upload.artifactSHA256 else {
            return .failure(.artifactMismatch(model: upload.model, registered: model.artifactSHA256, uploaded: upload.artifactSHA256))
        }
        let origin = SQLiteEvidenceStore.RunOrigin(bench: upload.bench, idempotencyKey: upload.idempotencyKey, contentSHA256: contentSHA256)
        let id = try SQLiteEvidenceStore.insert(upload.run, model: model, context: upload.context, origin: origin, db)
        return .success(RunReceipt(runID: id, duplicate: false))
    }

    public func runSummaries(_ query: RunQuery) async throws(StoreError) -> [CollectedRunSummary] {
        try await read("list runs") { db in try SQLiteEvidenceStore.runSummaries(query, db) }
    }

    public func metricsSnapshot() async throws(StoreError) -> MetricsSnapshot {
        try await read("read the metrics") { db in
            let devices = try Row.fetchAll(db, sql: MetricsSnapshot.latestRunPerDeviceSQL).compactMap { row -> MetricsSnapshot.Device? in
                guard let headlineJSON: String = row["headline_json"] else { return nil }
                return MetricsSnapshot.Device(
                    board: row["board"], serial: row["serial"], deviceClass: row["device_class"], model: row["model_name"], version: row["model_version"],
                    bench: row["bench"], finishedAt: row["finished_at"], headline: try JSONColumn.decode(headlineJSON))
            }
            let backlog = try Row.fetchOne(db, sql: MetricsSnapshot.webhookBacklogSQL)
            return MetricsSnapshot(devices: devices, webhookBacklog: backlog?["pending"] ?? 0, oldestPendingWebhook: backlog?["oldest"])
        }
    }

    public func run(id: Int64) async throws(StoreError) -> StoredRun? {
        try evidence.run(id: id)
    }

    public func models() async throws(StoreError) -> [RegisteredModel] {
        try evidence.models()
    }

    public func grant(tokenSHA256: String) async throws(StoreError) -> TokenGrant? {
        try await read("check a token") { db in
            try Row.fetchOne(db, sql: Self.grantQuery + " WHERE sha256 = ?", arguments: [tokenSHA256]).flatMap(Self.grant(from:))
        }
    }

    public func tokens() async throws(StoreError) -> [TokenGrant] {
        try await read("list tokens") { db in
            try Row.fetchAll(db, sql: Self.grantQuery + " ORDER BY created_at, id").compactMap(Self.grant(from:))
        }
    }

    public func recordAgentReport(_ report: AgentReport) async throws(StoreError) {
        try await write("record the report of bench \(report.bench)") { db in try Self.upsert(report, db) }
    }

    private static func upsert(_ report: AgentReport, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO agent_report (bench, spool_depth, reported_at) VALUES (?, ?, ?)
                ON CONFLICT(bench) DO UPDATE SET spool_depth = excluded.spool_depth, reported_at = excluded.reported_at
                """,
            arguments: [report.bench, report.spoolDepth, report.reportedAt.stored])
    }

    public func agentReports() async throws(StoreError) -> [AgentReport] {
        try await read("list agent reports") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM agent_report ORDER BY bench").map {
                AgentReport(bench: $0["bench"], spoolDepth: $0["spool_depth"], reportedAt: $0["reported_at"])
            }
        }
    }

    /// A token with its actor's deactivation: a deactivated actor's tokens stop working at once.
    private static let grantQuery = """
        SELECT api_token.*, actor.deactivated_at AS actor_deactivated_at
        FROM api_token LEFT JOIN actor ON actor.name = api_token.actor
        """

    private static func grant(from row: Row) -> TokenGrant? {
        guard let kind = TokenKind(rawValue: row["kind"]) else { return nil }
        return TokenGrant(
            id: row["id"], actor: row["actor"], kind: kind, bench: row["bench"], createdAt: row["created_at"],
            expiresAt: row["expires_at"], revokedAt: row["revoked_at"], actorDeactivatedAt: row["actor_deactivated_at"])
    }

    /// Reads and writes hold a GRDB connection only while `body` runs on this thread, never across
    /// a suspension: GRDB's async calls take a connection, then wait for a cooperative thread to
    /// use it, and with the registry's synchronous calls blocking those threads (2 of them on 2
    /// cores) a handful of concurrent requests deadlocked the collector.
    func read<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        try evidence.read(operation, body)
    }

    func write<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        try evidence.write(operation, body)
    }
}
