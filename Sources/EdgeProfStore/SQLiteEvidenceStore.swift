import EdgeProfCore
import Foundation
import GRDB

/// The embedded store: one SQLite file in WAL mode (readers never wait for the writer),
/// with a busy timeout so two edgeprof processes can share it.
public final class SQLiteEvidenceStore: EvidenceStore, RegistryStore, Sendable {
    public let location: String
    let pool: DatabasePool
    /// Test fault point: when set, a governance commit creates this file and waits inside its
    /// transaction (tests kill the process there to prove the commit is all or nothing).
    let pauseBeforeCommitMarker = ProcessInfo.processInfo.environment["EDGEPROF_FAULT_PAUSE_BEFORE_COMMIT"]

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String) throws(StoreError) {
        location = path
        do {
            try PrivateDatabaseFile.prepare(path)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            configuration.foreignKeysEnabled = true
            pool = try OpeningLock.holding(path) {
                let pool = try DatabasePool(path: path, configuration: configuration)
                try Schema.refuseNewer(pool, location: path)
                try Schema.migrator.migrate(pool)
                try pool.write(Self.fillMissingHeadlines)
                try pool.write(Self.fillFleetFromRuns)
                return pool
            }
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw .unavailable(location: path, reason: error.message ?? error.description)
        } catch {
            throw .unavailable(location: path, reason: "\(error.localizedDescription)")
        }
    }

    public func model(_ reference: ModelReference) throws(StoreError) -> RegisteredModel? {
        try read("look up \(reference)") { db in try Self.fetchModel(reference, db) }
    }

    public func models() throws(StoreError) -> [RegisteredModel] {
        try read("list models") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM model_version ORDER BY name, major, minor, patch, version")
                .compactMap(Self.model(from:))
        }
    }

    public func save(_ run: RecordedRun, model: RegisteredModel, context: RunContext) throws(StoreError) -> Int64 {
        try write("store a run of \(model.reference)") { db in try Self.insert(run, model: model, context: context, origin: nil, db) }
    }

    /// Where an uploaded run came from, kept with it so a retried upload is recognised.
    struct RunOrigin {
        var bench: String
        var idempotencyKey: String
        var contentSHA256: String
    }

    /// Inserts a run with all its raw timings; the caller's transaction makes it all or nothing.
    static func insert(_ run: RecordedRun, model: RegisteredModel, context: RunContext, origin: RunOrigin?, _ db: Database) throws -> Int64 {
        let key = run.evidenceKey()
        try db.cachedStatement(sql: """
                INSERT INTO run (model_version_id, status, partial_reason, device_class, port, started_at, finished_at,
                    evidence_key, artifact_sha256, board, serial, firmware_build, protocol, tick_hz,
                    board_json, model_json, request_json, totals_json, link_json, warmup_iterations, discarded_iterations,
                    energy_source, energy_note, firmware_json, bench, idempotency_key, content_sha256, headline_json, shadow_json,
                    place, wiring)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(
            arguments: [
                model.id, run.status.rawValue, run.partialReason, context.deviceClass, context.port,
                context.startedAt.stored, context.finishedAt.stored, key.id, key.artifactSHA256, key.board, key.serial,
                key.firmwareBuild, key.protocolName, Int64(clamping: run.board.tickHz), try JSONColumn.encode(run.board),
                try JSONColumn.encode(run.model), try JSONColumn.encode(run.request),
                try run.totals.map(JSONColumn.encode), try JSONColumn.encode(run.link), run.warmupIterations,
                run.discardedIterations, run.energySource, run.energyNote, try run.firmwareSize.map(JSONColumn.encode),
                origin?.bench, origin?.idempotencyKey, origin?.contentSHA256, try JSONColumn.encode(RunHeadline(run)),
                try run.shadow.map(JSONColumn.encode), context.place, context.wiring,
            ])
        let runID = db.lastInsertedRowID
        let iteration = try db.cachedStatement(
            sql: """
                INSERT INTO iteration (run_id, idx, start_ticks, end_ticks, energy_nj, inferences, token_count, first_token_ticks)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for measured in run.iterations {
            try iteration.execute(arguments: [
                runID, Int64(measured.index), Int64(bitPattern: measured.startTicks),
                Int64(bitPattern: measured.endTicks), measured.energyNanojoules.map { Int64(bitPattern: $0) },
                measured.inferences.map { Int64($0) }, measured.tokenTicks.count, measured.tokenTicks.first.map { Int64(bitPattern: $0) },
            ])
            try insertTokens(measured, runID: runID, db)
        }
        try recordSighting(of: run, runID: runID, model: model.reference, context: context, bench: origin?.bench, db)
        return runID
    }

    /// Computes the headline of every run stored before runs kept one (schema v17), from its raw
    /// timings; run at every open, where the partial index of schema v21 makes it one lookup.
    static func fillMissingHeadlines(_ db: Database) throws {
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM run WHERE headline_json IS NULL")
        let update = try db.makeStatement(sql: "UPDATE run SET headline_json = ? WHERE id = ?")
        for row in rows {
            let run = try recordedRun(from: row, db)
            try update.execute(arguments: [try JSONColumn.encode(RunHeadline(run)), row["id"] as Int64])
        }
    }

    /// Per-token readings go in multi-row INSERTs of up to `tokenRowsPerStatement` rows: the
    /// readings are most of a run's rows, and one statement per row is most of its cost.
    private static let tokenRowsPerStatement = 128

    private static func insertTokens(_ iteration: RecordedIteration, runID: Int64, _ db: Database) throws {
        var start = 0
        let ticks = iteration.tokenTicks
        while start < ticks.count {
            let count = min(tokenRowsPerStatement, ticks.count - start)
            let placeholders = Array(repeating: "(?, ?, ?, ?)", count: count).joined(separator: ", ")
            let statement = try db.cachedStatement(sql: "INSERT INTO token (run_id, iteration, idx, ticks) VALUES \(placeholders)")
            var values: [(any DatabaseValueConvertible)?] = []
            values.reserveCapacity(count * 4)
            for index in start..<(start + count) {
                values.append(runID)
                values.append(Int64(iteration.index))
                values.append(Int64(index))
                values.append(Int64(bitPattern: ticks[index]))
            }
            try statement.execute(arguments: StatementArguments(values))
            start += count
        }
    }

    public func runs(of model: RegisteredModel, deviceClass: String?) throws(StoreError) -> [StoredRun] {
        try read("read the runs of \(model.reference)") { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM run WHERE model_version_id = ? AND (? IS NULL OR device_class = ?) ORDER BY id
                    """,
                arguments: [model.id, deviceClass, deviceClass])
            return try rows.map { try Self.storedRun(from: $0, model: model.reference, db) }
        }
    }

    public func run(id: Int64) throws(StoreError) -> StoredRun? {
        try read("read run \(id)") { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM run WHERE id = ?", arguments: [id]),
                  let modelRow = try Row.fetchOne(db, sql: "SELECT * FROM model_version WHERE id = ?", arguments: [row["model_version_id"] as Int64]),
                  let model = Self.model(from: modelRow)
            else { return nil }
            return try Self.storedRun(from: row, model: model.reference, db)
        }
    }

    public func auditTrail() throws(StoreError) -> [AuditEntry] {
        try read("read the audit trail") { db in
            try String.fetchAll(db, sql: "SELECT json FROM audit_entry ORDER BY rowid").map(JSONColumn.decode)
        }
    }

    /// Appends a sealed entry after the last one, inside the caller's transaction.
    @discardableResult
    static func appendAudit(
        _ db: Database, at date: Date, actor: String, action: String, subject: String, before: String? = nil,
        after: String? = nil, reason: String? = nil, policy: String? = nil
    ) throws -> AuditEntry {
        let last = try String.fetchOne(db, sql: "SELECT json FROM audit_entry ORDER BY sequence DESC LIMIT 1").map { (json: String) throws -> AuditEntry in try JSONColumn.decode(json) }
        let entry = AuditChain.seal(after: last, at: date, actor: actor, action: action, subject: subject, before: before, after: after, reason: reason, policy: policy)
        try db.execute(sql: "INSERT INTO audit_entry (sequence, json) VALUES (?, ?)", arguments: [entry.sequence, try JSONColumn.encode(entry)])
        return entry
    }

    // MARK: - Rows

    static func fetchModel(_ reference: ModelReference, _ db: Database) throws -> RegisteredModel? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM model_version WHERE name = ? AND version = ?"),
            arguments: [reference.name, reference.version.description]
        ).flatMap(model(from:))
    }

    static func model(from row: Row) -> RegisteredModel? {
        guard let version = try? SemanticVersion(parsing: row["version"]) else { return nil }
        return RegisteredModel(
            id: row["id"], reference: ModelReference(name: row["name"], version: version),
            artifactSHA256: row["artifact_sha256"], artifactPath: row["artifact_path"],
            artifactBytes: row["artifact_bytes"], registeredAt: row["registered_at"])
    }

    /// A stored run from its row; without `tokens` its iterations carry no token ticks (the
    /// monitor needs iteration timings and energy only, and tokens are most of a run's rows).
    static func storedRun(from row: Row, model: ModelReference, _ db: Database, tokens withTokens: Bool = true) throws -> StoredRun {
        let context = RunContext(
            deviceClass: row["device_class"], port: row["port"], startedAt: row["started_at"], finishedAt: row["finished_at"],
            place: row["place"], wiring: row["wiring"])
        return StoredRun(id: row["id"], model: model, context: context, run: try recordedRun(from: row, db, tokens: withTokens))
    }

    /// The run a row and its iteration and token rows record; without `tokens`, no token ticks.
    static func recordedRun(from row: Row, _ db: Database, tokens withTokens: Bool = true) throws -> RecordedRun {
        let runID: Int64 = row["id"]
        var tokens: [Int64: [UInt64]] = [:]
        // Cached statements and columns read by position: a run's rows are read on every upload
        // the monitor judges, and a prepared statement or a column looked up by name costs more
        // than the row itself (GRDB's authorizer, case-insensitive names).
        if withTokens {
            let cursor = try Row.fetchCursor(
                db.cachedStatement(sql: "SELECT iteration, ticks FROM token WHERE run_id = ? ORDER BY iteration, idx"), arguments: [runID])
            while let tokenRow = try cursor.next() {
                tokens[tokenRow[0], default: []].append(UInt64(bitPattern: tokenRow[1]))
            }
        }
        let iterations = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT idx, start_ticks, end_ticks, energy_nj, inferences FROM iteration WHERE run_id = ? ORDER BY idx"),
            arguments: [runID]
        ).map { iteration -> RecordedIteration in
            let index: Int64 = iteration[0]
            return RecordedIteration(
                index: UInt32(clamping: index), startTicks: UInt64(bitPattern: iteration[1]),
                endTicks: UInt64(bitPattern: iteration[2]), tokenTicks: tokens[index] ?? [],
                energyNanojoules: (iteration[3] as Int64?).map { UInt64(bitPattern: $0) },
                inferences: (iteration[4] as Int64?).map { UInt32(clamping: $0) })
        }
        return RecordedRun(
            request: try JSONColumn.decode(row["request_json"]), board: try JSONColumn.decode(row["board_json"]),
            model: try JSONColumn.decode(row["model_json"]), iterations: iterations,
            warmupIterations: row["warmup_iterations"], discardedIterations: row["discarded_iterations"],
            totals: try (row["totals_json"] as String?).map(JSONColumn.decode),
            status: RunStatus(rawValue: row["status"]) ?? .partial, partialReason: row["partial_reason"],
            link: try JSONColumn.decode(row["link_json"]), energySource: row["energy_source"], energyNote: row["energy_note"],
            firmwareSize: try (row["firmware_json"] as String?).map(JSONColumn.decode),
            shadow: try (row["shadow_json"] as String?).map(JSONColumn.decode))
    }

    // MARK: - Errors

    func read<T>(_ operation: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try pool.read(body) } catch { throw mapped(error, operation) }
    }

    func write<T>(_ operation: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try pool.write(body) } catch { throw mapped(error, operation) }
    }

    func mapped(_ error: any Error, _ operation: String) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? DatabaseError {
            return .failed(location: location, operation: operation, reason: error.message ?? error.description)
        }
        return .failed(location: location, operation: operation, reason: "\(error)")
    }
}

/// JSON text columns for the Codable parts of a run.
enum JSONColumn {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ text: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}
