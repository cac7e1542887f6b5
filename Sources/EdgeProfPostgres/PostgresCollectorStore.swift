import EdgeProfCore
import Foundation
import Logging
import PostgresNIO

/// The collector's store in PostgreSQL, for a lab: several collector instances may share one
/// database. Same interface and behaviour as the SQLite store; every change is one transaction.
/// `client` must be running (`run()`, e.g. in the collector's service group) while it is used.
public final class PostgresCollectorStore: CollectorStore {
    public let location: String
    public let client: PostgresClient
    let logger: Logger
    private let url: String
    /// Runs the monitor has read (without token rows), so each upload decodes only what is new.
    let monitorRuns = StoredRunCache()

    public init(url: String, logger: Logger = Logger(label: "edgeprof.postgres")) throws(StoreError) {
        switch PostgresLocation.configuration(url) {
        case .success(let configuration):
            client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        case .failure(let error):
            throw .unavailable(location: PostgresLocation.redacted(url), reason: error.description)
        }
        location = PostgresLocation.redacted(url)
        self.url = url
        self.logger = logger
    }

    /// Connects once, outside the pool, so a wrong address, user or database fails at once with
    /// the server's own words instead of after the pool's retries.
    public func checkReachable() async throws(StoreError) {
        guard case .success(let configuration) = PostgresLocation.connection(url) else { return }
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: Logger(label: "edgeprof.postgres.check", factory: { _ in SwiftLogNoOpLogHandler() }))
            try await connection.close()
        } catch let error as PSQLError {
            let detail = error.serverInfo?[.message] ?? error.underlying.map { "\($0)" } ?? "\(error.code)"
            throw .unavailable(location: location, reason: "\(detail) (check the URL's host, port, user, password and database, and that PostgreSQL runs there)")
        } catch {
            throw .unavailable(location: location, reason: "\(error)")
        }
    }

    /// Brings the schema up to date (call once the client runs).
    public func migrate() async throws(StoreError) {
        try await checkReachable()
        try await transaction("migrate the schema") { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(7453421)", logger: self.logger)
            try await connection.query("CREATE TABLE IF NOT EXISTS edgeprof_migration (version INT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)", logger: self.logger)
            var applied = Set<Int>()
            for try await version in try await connection.query("SELECT version FROM edgeprof_migration", logger: self.logger).decode(Int.self) {
                applied.insert(version)
            }
            let known = PostgresSchema.migrations.map(\.version).max() ?? 0
            if let newest = applied.max(), newest > known {
                throw StoreError.newerSchema(location: self.location, found: String(newest), known: String(known))
            }
            for migration in PostgresSchema.migrations where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: self.logger)
                }
                try await connection.query("INSERT INTO edgeprof_migration (version, applied_at) VALUES (\(migration.version), \(Date()))", logger: self.logger)
            }
            // After every migration, so the rows are written in the schema they now have.
            if !applied.contains(12) { try await PostgresFleet.fillFromRuns(connection, self.logger) }
            try await Self.fillMissingHeadlines(connection, self.logger)
        }
    }

    // MARK: Registry

    /// The model registry in this database.
    public var registry: any RegistryStore { PostgresRegistryStore(database: self) }

    public func models() async throws(StoreError) -> [RegisteredModel] {
        try await withConnection("list models") { connection in
            var models: [RegisteredModel] = []
            let rows = try await connection.query("SELECT * FROM model_version ORDER BY name, id", logger: self.logger)
            for try await row in rows { if let model = try Self.model(row.makeRandomAccess()) { models.append(model) } }
            return models
        }
    }

    // MARK: Runs

    public func ingest(_ upload: RunUpload, contentSHA256: String, agentReport: AgentReport?) async throws(IngestRefusal) -> RunReceipt {
        let outcome: Result<RunReceipt, IngestRefusal>
        do {
            outcome = try await client.withTransaction(logger: logger) { connection -> Result<RunReceipt, IngestRefusal> in
                let outcome = try await Self.store(upload, contentSHA256: contentSHA256, connection, self.logger)
                // Last: the bench's report row stays locked only until the commit, not for the whole
                // ingest (first, it made every upload of a bench wait for the one before).
                if let agentReport { try await Self.upsert(agentReport, connection, self.logger) }
                return outcome
            }
        } catch {
            throw .store(mapped(error, "store an uploaded run"))
        }
        return try outcome.get()
    }

    /// The run stored once under its idempotency key, or why not.
    private static func store(
        _ upload: RunUpload, contentSHA256: String, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> Result<RunReceipt, IngestRefusal> {
        try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(upload.idempotencyKey)))", logger: logger)
        let existing = try await connection.query("SELECT id, content_sha256 FROM run WHERE idempotency_key = \(upload.idempotencyKey)", logger: logger)
        for try await (id, content) in existing.decode((Int64, String?).self) {
            return content == contentSHA256 ? .success(RunReceipt(runID: id, duplicate: true)) : .failure(.keyReused(key: upload.idempotencyKey, runID: id))
        }
        let reference = try ModelReference(parsing: upload.model)
        guard let model = try await fetchModel(reference, connection, logger) else { return .failure(.unknownModel(upload.model)) }
        guard model.artifactSHA256 == upload.artifactSHA256 else {
            return .failure(.artifactMismatch(model: upload.model, registered: model.artifactSHA256, uploaded: upload.artifactSHA256))
        }
        let id = try await insert(upload, model: model, contentSHA256: contentSHA256, connection, logger)
        return .success(RunReceipt(runID: id, duplicate: false))
    }

    static func insert(_ upload: RunUpload, model: RegisteredModel, contentSHA256: String, _ connection: PostgresConnection, _ logger: Logger) async throws -> Int64 {
        let run = upload.run
        let context = upload.context
        let key = run.evidenceKey()
        let rows = try await connection.query(
            """
            INSERT INTO run (model_version_id, status, partial_reason, device_class, port, started_at, finished_at, evidence_key,
                board, serial, tick_hz, board_json, model_json, request_json, totals_json, link_json, warmup_iterations,
                discarded_iterations, energy_source, energy_note, firmware_json, bench, idempotency_key, content_sha256, headline_json, shadow_json,
                place, wiring)
            VALUES (\(model.id), \(run.status.rawValue), \(run.partialReason), \(context.deviceClass), \(context.port),
                \(context.startedAt), \(context.finishedAt), \(key.id), \(run.board.board), \(run.board.serial),
                \(Int64(clamping: run.board.tickHz)), \(try json(run.board)), \(try json(run.model)), \(try json(run.request)),
                \(try run.totals.map(json)), \(try json(run.link)), \(Int64(run.warmupIterations)), \(Int64(run.discardedIterations)),
                \(run.energySource), \(run.energyNote), \(try run.firmwareSize.map(json)), \(upload.bench), \(upload.idempotencyKey),
                \(contentSHA256), \(try json(RunHeadline(run))), \(try run.shadow.map(json)), \(context.place), \(context.wiring))
            RETURNING id
            """, logger: logger)
        var runID: Int64 = 0
        for try await id in rows.decode(Int64.self) { runID = id }
        if !run.iterations.isEmpty {
            var binds = PostgresBindings()
            var rows: [String] = []
            for iteration in run.iterations {
                let first = binds.count + 1
                rows.append("(\(runID), $\(first), $\(first + 1), $\(first + 2), $\(first + 3), $\(first + 4), $\(first + 5), $\(first + 6))")
                binds.append(Int64(iteration.index))
                binds.append(Int64(bitPattern: iteration.startTicks))
                binds.append(Int64(bitPattern: iteration.endTicks))
                if let energy = iteration.energyNanojoules { binds.append(Int64(bitPattern: energy)) } else { binds.appendNull() }
                if let inferences = iteration.inferences { binds.append(Int64(inferences)) } else { binds.appendNull() }
                binds.append(Int64(iteration.tokenTicks.count))
                if let first = iteration.tokenTicks.first { binds.append(Int64(bitPattern: first)) } else { binds.appendNull() }
            }
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: "INSERT INTO iteration (run_id, idx, start_ticks, end_ticks, energy_nj, inferences, token_count, first_token_ticks) VALUES " + rows.joined(separator: ", "),
                    binds: binds),
                logger: logger)
        }
        var tokenIteration: [Int64] = []
        var tokenIndex: [Int64] = []
        var tokenTicks: [Int64] = []
        for iteration in run.iterations {
            for (index, ticks) in iteration.tokenTicks.enumerated() {
                tokenIteration.append(Int64(iteration.index))
                tokenIndex.append(Int64(index))
                tokenTicks.append(Int64(bitPattern: ticks))
            }
        }
        if !tokenTicks.isEmpty {
            try await connection.query(
                "INSERT INTO token (run_id, iteration, idx, ticks) SELECT \(runID), * FROM UNNEST(\(tokenIteration), \(tokenIndex), \(tokenTicks))",
                logger: logger)
        }
        try await PostgresFleet.recordSighting(of: run, runID: runID, model: model.reference, context: context, bench: upload.bench, connection, logger)
        return runID
    }

    public func runSummaries(_ query: RunQuery) async throws(StoreError) -> [CollectedRunSummary] {
        try await withConnection("list runs") { connection in
            let rows = try await connection.query(
                """
                SELECT run.id, run.bench, run.status, run.device_class, run.port, run.started_at, run.finished_at, run.place, run.wiring,
                    run.board_json, run.headline_json, model_version.name AS model_name, model_version.version AS model_version
                FROM run JOIN model_version ON model_version.id = run.model_version_id
                WHERE run.id > \(query.after)
                  AND (\(query.model?.name)::text IS NULL OR (model_version.name = \(query.model?.name) AND model_version.version = \(query.model?.version.description)))
                  AND (\(query.deviceClass)::text IS NULL OR run.device_class = \(query.deviceClass))
                  AND (\(query.bench)::text IS NULL OR run.bench = \(query.bench))
                  AND (\(query.device?.board)::text IS NULL OR (run.board = \(query.device?.board) AND run.serial = \(query.device?.serial)))
                ORDER BY run.id \(unescaped: query.newestFirst ? "DESC" : "ASC") LIMIT \(query.limit)
                """, logger: self.logger)
            var summaries: [CollectedRunSummary] = []
            for try await row in rows {
                let row = row.makeRandomAccess()
                guard let version = try? SemanticVersion(parsing: row["model_version"].decode(String.self)) else { continue }
                let board: BoardInfo = try Self.decodeJSON(row["board_json"].decode(String.self))
                summaries.append(CollectedRunSummary(
                    id: try row["id"].decode(Int64.self), model: ModelReference(name: try row["model_name"].decode(String.self), version: version),
                    bench: try row["bench"].decode(String?.self),
                    context: RunContext(
                        deviceClass: try row["device_class"].decode(String.self), port: try row["port"].decode(String.self),
                        startedAt: try row["started_at"].decode(Date.self), finishedAt: try row["finished_at"].decode(Date.self),
                        place: try row["place"].decode(String?.self), wiring: try row["wiring"].decode(String?.self)),
                    status: RunStatus(rawValue: try row["status"].decode(String.self)) ?? .partial, board: board,
                    headline: try Self.decodeJSON(row["headline_json"].decode(String.self))))
            }
            return summaries
        }
    }

    public func metricsSnapshot() async throws(StoreError) -> MetricsSnapshot {
        try await withConnection("read the metrics") { connection in
            var devices: [MetricsSnapshot.Device] = []
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: MetricsSnapshot.latestRunPerDeviceSQL), logger: self.logger) {
                let row = row.makeRandomAccess()
                guard let headline = try row["headline_json"].decode(String?.self) else { continue }
                devices.append(MetricsSnapshot.Device(
                    board: try row["board"].decode(String.self), serial: try row["serial"].decode(String.self),
                    deviceClass: try row["device_class"].decode(String.self), model: try row["model_name"].decode(String.self),
                    version: try row["model_version"].decode(String.self), bench: try row["bench"].decode(String?.self),
                    finishedAt: try row["finished_at"].decode(Date.self), headline: try Self.decodeJSON(headline)))
            }
            var pending = 0
            var oldest: Date?
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: MetricsSnapshot.webhookBacklogSQL), logger: self.logger) {
                let row = row.makeRandomAccess()
                pending = Int(try row["pending"].decode(Int64.self))
                oldest = try row["oldest"].decode(Date?.self)
            }
            return MetricsSnapshot(devices: devices, webhookBacklog: pending, oldestPendingWebhook: oldest)
        }
    }

    /// Computes the headline of every run stored before runs kept one (migration 11), from its raw timings.
    static func fillMissingHeadlines(_ connection: PostgresConnection, _ logger: Logger) async throws {
        let rows = try await connection.query(
            """
            SELECT run.*, model_version.name AS model_name, model_version.version AS model_version
            FROM run JOIN model_version ON model_version.id = run.model_version_id WHERE run.headline_json IS NULL
            """, logger: logger)
        var missing: [(PostgresRandomAccessRow, ModelReference)] = []
        for try await row in rows {
            let row = row.makeRandomAccess()
            if let version = try? SemanticVersion(parsing: row["model_version"].decode(String.self)) {
                missing.append((row, ModelReference(name: try row["model_name"].decode(String.self), version: version)))
            }
        }
        for (row, model) in missing {
            let stored = try await storedRun(row, model: model, connection, logger)
            try await connection.query("UPDATE run SET headline_json = \(try json(RunHeadline(stored.run))) WHERE id = \(stored.id)", logger: logger)
        }
    }

    public func run(id: Int64) async throws(StoreError) -> StoredRun? {
        try await withConnection("read run \(id)") { connection in
            let rows = try await connection.query(
                """
                SELECT run.*, model_version.name AS model_name, model_version.version AS model_version
                FROM run JOIN model_version ON model_version.id = run.model_version_id WHERE run.id = \(id)
                """, logger: self.logger)
            var found: PostgresRandomAccessRow?
            for try await row in rows { found = row.makeRandomAccess() }
            guard let row = found, let version = try? SemanticVersion(parsing: row["model_version"].decode(String.self)) else { return nil }
            return try await Self.storedRun(row, model: ModelReference(name: try row["model_name"].decode(String.self), version: version), connection, self.logger)
        }
    }

    /// A stored run from its row; without `tokens` its iterations carry no token ticks (the monitor's need).
    static func storedRun(_ row: PostgresRandomAccessRow, model: ModelReference, _ connection: PostgresConnection, _ logger: Logger, tokens withTokens: Bool = true) async throws -> StoredRun {
        let runID = try row["id"].decode(Int64.self)
        var tokens: [Int64: [UInt64]] = [:]
        if withTokens {
            let tokenRows = try await connection.query("SELECT iteration, ticks FROM token WHERE run_id = \(runID) ORDER BY iteration, idx", logger: logger)
            for try await (iteration, ticks) in tokenRows.decode((Int64, Int64).self) { tokens[iteration, default: []].append(UInt64(bitPattern: ticks)) }
        }
        var iterations: [RecordedIteration] = []
        let iterationRows = try await connection.query(
            "SELECT idx, start_ticks, end_ticks, energy_nj, inferences FROM iteration WHERE run_id = \(runID) ORDER BY idx", logger: logger)
        for try await (index, start, end, energy, inferences) in iterationRows.decode((Int64, Int64, Int64, Int64?, Int64?).self) {
            iterations.append(RecordedIteration(
                index: UInt32(index), startTicks: UInt64(bitPattern: start), endTicks: UInt64(bitPattern: end), tokenTicks: tokens[index] ?? [],
                energyNanojoules: energy.map { UInt64(bitPattern: $0) }, inferences: inferences.map { UInt32($0) }))
        }
        let run = RecordedRun(
            request: try decodeJSON(row["request_json"].decode(String.self)), board: try decodeJSON(row["board_json"].decode(String.self)),
            model: try decodeJSON(row["model_json"].decode(String.self)), iterations: iterations,
            warmupIterations: Int(try row["warmup_iterations"].decode(Int64.self)), discardedIterations: Int(try row["discarded_iterations"].decode(Int64.self)),
            totals: try row["totals_json"].decode(String?.self).map(decodeJSON), status: RunStatus(rawValue: try row["status"].decode(String.self)) ?? .partial,
            partialReason: try row["partial_reason"].decode(String?.self), link: try decodeJSON(row["link_json"].decode(String.self)),
            energySource: try row["energy_source"].decode(String?.self), energyNote: try row["energy_note"].decode(String?.self),
            firmwareSize: try row["firmware_json"].decode(String?.self).map(decodeJSON),
            shadow: try row["shadow_json"].decode(String?.self).map(decodeJSON))
        let context = RunContext(
            deviceClass: try row["device_class"].decode(String.self), port: try row["port"].decode(String.self),
            startedAt: try row["started_at"].decode(Date.self), finishedAt: try row["finished_at"].decode(Date.self),
            place: try row["place"].decode(String?.self), wiring: try row["wiring"].decode(String?.self))
        return StoredRun(id: runID, model: model, context: context, run: run)
    }

    // MARK: Tokens and agents

    public func grant(tokenSHA256: String) async throws(StoreError) -> TokenGrant? {
        try await withConnection("check a token") { connection in
            var grant: TokenGrant?
            for try await row in try await connection.query(
                """
                SELECT api_token.*, actor.deactivated_at AS actor_deactivated_at
                FROM api_token LEFT JOIN actor ON actor.name = api_token.actor WHERE sha256 = \(tokenSHA256)
                """, logger: self.logger)
            {
                grant = try Self.grant(row.makeRandomAccess())
            }
            return grant
        }
    }

    public func tokens() async throws(StoreError) -> [TokenGrant] {
        try await withConnection("list tokens") { connection in
            var grants: [TokenGrant] = []
            for try await row in try await connection.query(
                """
                SELECT api_token.*, actor.deactivated_at AS actor_deactivated_at
                FROM api_token LEFT JOIN actor ON actor.name = api_token.actor ORDER BY created_at, id
                """, logger: self.logger)
            {
                if let grant = try Self.grant(row.makeRandomAccess()) { grants.append(grant) }
            }
            return grants
        }
    }

    public func recordAgentReport(_ report: AgentReport) async throws(StoreError) {
        try await withConnection("record the report of bench \(report.bench)") { connection in try await Self.upsert(report, connection, self.logger) }
    }

    private static func upsert(_ report: AgentReport, _ connection: PostgresConnection, _ logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO agent_report (bench, spool_depth, reported_at) VALUES (\(report.bench), \(Int64(report.spoolDepth)), \(report.reportedAt))
            ON CONFLICT (bench) DO UPDATE SET spool_depth = excluded.spool_depth, reported_at = excluded.reported_at
            """, logger: logger)
    }

    public func agentReports() async throws(StoreError) -> [AgentReport] {
        try await withConnection("list agent reports") { connection in
            var reports: [AgentReport] = []
            let rows = try await connection.query("SELECT bench, spool_depth, reported_at FROM agent_report ORDER BY bench", logger: self.logger)
            for try await (bench, depth, time) in rows.decode((String, Int64, Date).self) {
                reports.append(AgentReport(bench: bench, spoolDepth: Int(depth), reportedAt: time))
            }
            return reports
        }
    }

    // MARK: Helpers

    static func fetchModel(_ reference: ModelReference, _ connection: PostgresConnection, _ logger: Logger) async throws -> RegisteredModel? {
        var found: RegisteredModel?
        let rows = try await connection.query(
            "SELECT * FROM model_version WHERE name = \(reference.name) AND version = \(reference.version.description)", logger: logger)
        for try await row in rows { found = try model(row.makeRandomAccess()) }
        return found
    }

    static func model(_ row: PostgresRandomAccessRow) throws -> RegisteredModel? {
        guard let version = try? SemanticVersion(parsing: row["version"].decode(String.self)) else { return nil }
        return RegisteredModel(
            id: try row["id"].decode(Int64.self), reference: ModelReference(name: try row["name"].decode(String.self), version: version),
            artifactSHA256: try row["artifact_sha256"].decode(String.self), artifactPath: try row["artifact_path"].decode(String.self),
            artifactBytes: try row["artifact_bytes"].decode(Int64.self), registeredAt: try row["registered_at"].decode(Date.self))
    }

    static func grant(_ row: PostgresRandomAccessRow) throws -> TokenGrant? {
        guard let kind = TokenKind(rawValue: try row["kind"].decode(String.self)) else { return nil }
        return TokenGrant(
            id: try row["id"].decode(String.self), actor: try row["actor"].decode(String.self), kind: kind, bench: try row["bench"].decode(String?.self),
            createdAt: try row["created_at"].decode(Date.self), expiresAt: try row["expires_at"].decode(Date?.self),
            revokedAt: try row["revoked_at"].decode(Date?.self), actorDeactivatedAt: try row["actor_deactivated_at"].decode(Date?.self))
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decodeJSON<T: Decodable>(_ text: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }

    @discardableResult
    func withConnection<T: Sendable>(_ operation: String, _ body: @Sendable (PostgresConnection) async throws -> T) async throws(StoreError) -> T {
        do { return try await client.withConnection(body) } catch { throw mapped(error, operation) }
    }

    @discardableResult
    func transaction<T: Sendable>(_ operation: String, _ body: (PostgresConnection) async throws -> sending T) async throws(StoreError) -> T {
        do { return try await client.withTransaction(logger: logger, body) } catch { throw mapped(error, operation) }
    }

    func mapped(_ error: any Error, _ operation: String) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? PostgresTransactionError {
            if let inner = error.closureError { return mapped(inner, operation) }
            if let inner = error.beginError ?? error.commitError { return mapped(inner, operation) }
        }
        if let error = error as? PSQLError {
            if error.code == .connectionError || error.code == .poolClosed || error.code == .serverClosedConnection {
                return .unavailable(location: location, reason: "cannot reach PostgreSQL (\(error.underlying.map { "\($0)" } ?? "\(error.code)"))")
            }
            return .failed(location: location, operation: operation, reason: error.serverInfo?[.message] ?? "\(error.code)")
        }
        return .failed(location: location, operation: operation, reason: "\(error)")
    }
}
