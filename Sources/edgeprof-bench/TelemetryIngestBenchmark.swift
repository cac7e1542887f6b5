import EdgeProfCore
import EdgeProfPostgres
import EdgeProfStore
import Foundation

/// Ingest of inference telemetry through the collector's stores (`ingestInferences`, a
/// transaction per batch of 1 000 records, as `POST /v1/inferences` stores them) against the
/// database's own bulk loader of exactly the same rows in the same run: sqlite3's `.import` for
/// SQLite, psql's `\copy` (COPY) for PostgreSQL (when EDGEPROF_BENCH_POSTGRES_URL names a server).
enum TelemetryIngestBenchmark {
    static let batches = 100
    static let recordsPerBatch = 1_000
    static let device = "bench-board:B-1"
    static let columns = "model, version, device, bench, arm, request_id, at, received_at, prediction, score, latency_ms, energy_mj, protected_json, features_json, subject"

    static func run() async {
        let records = batches * recordsPerBatch
        print("Telemetry ingest: \(batches) batches × \(recordsPerBatch) records = \(records) inference records (score, latency, energy, 2 protected attributes, 3 features)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-telemetry-bench-\(UUID())")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            let store = try SQLiteCollectorStore(path: folder.appendingPathComponent("store.sqlite").path)
            try IngestBenchmark.register(store)
            _ = try await store.ingest(IngestBenchmark.upload(number: 0, iterations: 1, tokens: 1), contentSHA256: "enrol")
            let ours = try await ingest(into: store)
            let theirs = try sqliteImport(from: folder.appendingPathComponent("store.sqlite").path, folder: folder)
            report("SQLite", records: records, ours: ours, theirs: theirs, baseline: "sqlite3 .import of the same rows (one transaction)")
        } catch {
            print("SQLite telemetry ingest benchmark failed: \(error)")
        }
        guard let server = ProcessInfo.processInfo.environment["EDGEPROF_BENCH_POSTGRES_URL"] else {
            print("(PostgreSQL skipped: set EDGEPROF_BENCH_POSTGRES_URL to a server, e.g. from scripts/start-postgres)")
            return
        }
        do {
            let (ours, theirs) = try await postgres(server: server, folder: folder)
            report("PostgreSQL", records: records, ours: ours, theirs: theirs, baseline: "psql \\copy (COPY) of the same rows (one statement)")
        } catch {
            print("PostgreSQL telemetry ingest benchmark failed: \(error)")
        }
    }

    static func report(_ store: String, records: Int, ours: Double, theirs: Double, baseline: String) {
        let oursRate = Double(records) / ours
        let theirsRate = Double(records) / theirs
        print(String(format: "%@%12.0f records/s  (%.3f s)", "\(store): EdgeProf store, a transaction per batch".padding(toLength: 62, withPad: " ", startingAt: 0), oursRate, ours))
        print(String(format: "%@%12.0f records/s  (%.3f s)", "\(store): \(baseline)".padding(toLength: 62, withPad: " ", startingAt: 0), theirsRate, theirs))
        print(String(format: "%@ store / bulk loader: %.2f", store, oursRate / theirsRate))
    }

    static func batch(_ number: Int) -> InferenceBatch {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        return InferenceBatch(batchKey: "bench-\(number)", records: (0..<recordsPerBatch).map { index in
            let serial = number * recordsPerBatch + index
            return InferenceRecord(
                device: device, model: "bench@1.0.0", arm: .production, requestID: "r-\(serial)", at: start.addingTimeInterval(Double(serial)),
                prediction: "class-\(serial % 4)", score: 0.5 + Double(serial % 50) / 100, latencyMs: 10 + Double(serial % 17), energyMillijoules: 0.3,
                protected: ["gender": serial % 2 == 0 ? "female" : "male", "age_group": ["18-29", "30-49", "50+"][serial % 3]],
                features: ["signal": Double(serial % 101) / 10, "noise": Double(serial % 7), "load": Double(serial % 13) / 13], subject: "user-\(serial % 5000)")
        })
    }

    /// Seconds to store every batch through `store`.
    static func ingest(into store: any CollectorStore) async throws -> Double {
        let prepared = (0..<batches).map(batch)
        let clock = ContinuousClock()
        let start = clock.now
        for batch in prepared {
            let receipt = try await store.ingestInferences(batch, bench: "bench", contentSHA256: batch.batchKey, at: Date(timeIntervalSince1970: 1_800_000_000))
            guard receipt.stored == recordsPerBatch else { throw BenchFailure("stored \(receipt.stored) of \(recordsPerBatch)") }
        }
        return IngestBenchmark.seconds(clock.now - start)
    }

    /// Exports the stored rows, creates the same table in a new database (WAL, as the store), then
    /// times one sqlite3 process importing them.
    static func sqliteImport(from source: String, folder: URL) throws -> Double {
        let target = folder.appendingPathComponent("import.sqlite").path
        let csv = folder.appendingPathComponent("inference.csv").path
        _ = try IngestBenchmark.sqlite3([target, "PRAGMA journal_mode=WAL;", try IngestBenchmark.sqlite3([source, ".schema inference"])])
        _ = try IngestBenchmark.sqlite3([source, ".mode csv", ".output \(csv)", "SELECT * FROM inference;"])
        let clock = ContinuousClock()
        let start = clock.now
        _ = try IngestBenchmark.sqlite3([target, ".import --csv \(csv) inference"])
        return IngestBenchmark.seconds(clock.now - start)
    }

    /// The same on two new PostgreSQL databases: the store's ingest into one, `\copy` of its rows
    /// into the other's identical table.
    static func postgres(server: String, folder: URL) async throws -> (ours: Double, theirs: Double) {
        let ours = try database(server)
        let theirs = try database(server)
        let store = try PostgresCollectorStore(url: ours)
        let runner = Task { await store.client.run() }
        defer { runner.cancel() }
        try await store.migrate()
        try await register(store)
        _ = try await store.ingest(IngestBenchmark.upload(number: 0, iterations: 1, tokens: 1), contentSHA256: "enrol")
        let storeSeconds = try await ingest(into: store)
        let csv = folder.appendingPathComponent("inference-pg.csv").path
        _ = try BenchLab.tool("/usr/bin/env", ["psql", ours, "-q", "-c", "\\copy (SELECT \(columns) FROM inference) TO '\(csv)' CSV"])
        _ = try BenchLab.tool("/usr/bin/env", ["psql", theirs, "-q", "-c", TelemetrySchema.postgres.joined(separator: ";\n")])
        let clock = ContinuousClock()
        let start = clock.now
        _ = try BenchLab.tool("/usr/bin/env", ["psql", theirs, "-q", "-c", "\\copy inference (\(columns)) FROM '\(csv)' CSV"])
        return (storeSeconds, IngestBenchmark.seconds(clock.now - start))
    }

    static func database(_ server: String) throws -> String {
        let name = "edgeprof_bench_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
        _ = try BenchLab.tool("/usr/bin/env", ["psql", server, "-q", "-c", "CREATE DATABASE \(name)"])
        guard var url = URLComponents(string: server) else { throw BenchFailure("EDGEPROF_BENCH_POSTGRES_URL is not a URL: \(server)") }
        url.path = "/" + name
        return url.string ?? server
    }

    static func register(_ store: PostgresCollectorStore) async throws {
        let now = Date()
        let reference = ModelReference(name: "bench", version: SemanticVersion(major: 1, minor: 0, patch: 0))
        let model = RegisteredModel(id: 0, reference: reference, artifactSHA256: String(repeating: "b", count: 64), artifactPath: "/bench.bin", artifactBytes: 1, registeredAt: now)
        _ = try await store.registry.commit(GovernanceChange(
            actor: "bench", at: now, expectedAuditHead: try await store.registry.snapshot(model: "bench").auditHead,
            operations: [
                .registerVersion(model, metadata: VersionMetadata(author: "bench")),
                .transition(StageTransition(reference: reference, from: nil, to: .development, at: now, actor: "bench", reason: "benchmark")),
            ]))
    }
}
