import EdgeProfCore
import EdgeProfStore
import Foundation

/// Ingest of per-token readings into SQLite through the collector's store (one transaction per
/// run, as uploads arrive) against the sqlite3 command-line tool's bulk `.import` of exactly the
/// same rows into the same schema, in the same run.
enum IngestBenchmark {
    static func run() async {
        let runs = 100, iterations = 20, tokens = 128
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-ingest-bench-\(UUID())")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let ours = folder.appendingPathComponent("store.sqlite").path
        let rows = runs * (1 + iterations + iterations * tokens)
        print("Ingest: \(runs) runs × \(iterations) iterations × \(tokens) tokens = \(rows) rows (runs + iterations + per-token readings)")
        do {
            let store = try SQLiteCollectorStore(path: ours)
            try register(store)
            let uploads = (0..<runs).map { upload(number: $0, iterations: iterations, tokens: tokens) }
            let hashes = uploads.map(\.contentSHA256)
            let clock = ContinuousClock()
            let start = clock.now
            for (upload, hash) in zip(uploads, hashes) {
                _ = try await store.ingest(upload, contentSHA256: hash)
            }
            let storeSeconds = seconds(clock.now - start)
            let sqlite3Seconds = try bulkImport(from: ours, folder: folder)
            let storeRate = Double(rows) / storeSeconds
            let importRate = Double(rows) / sqlite3Seconds
            print(String(format: "%@%12.0f rows/s  (%.3f s)", "EdgeProf store, a transaction per run".padding(toLength: 54, withPad: " ", startingAt: 0), storeRate, storeSeconds))
            print(String(format: "%@%12.0f rows/s  (%.3f s)", "sqlite3 .import of the same rows (one transaction)".padding(toLength: 54, withPad: " ", startingAt: 0), importRate, sqlite3Seconds))
            print(String(format: "store / sqlite3 import: %.2f (goal ≥ 0.5)", storeRate / importRate))
        } catch {
            print("ingest benchmark failed: \(error)")
        }
    }

    static func register(_ store: SQLiteCollectorStore) throws {
        let now = Date()
        let reference = ModelReference(name: "bench", version: SemanticVersion(major: 1, minor: 0, patch: 0))
        let model = RegisteredModel(id: 0, reference: reference, artifactSHA256: String(repeating: "b", count: 64), artifactPath: "/bench.bin", artifactBytes: 1, registeredAt: now)
        _ = try store.evidence.commit(GovernanceChange(
            actor: "bench", at: now, expectedAuditHead: try store.evidence.snapshot(model: "bench").auditHead,
            operations: [
                .registerVersion(model, metadata: VersionMetadata(author: "bench")),
                .transition(StageTransition(reference: reference, from: nil, to: .development, at: now, actor: "bench", reason: "benchmark")),
            ]))
    }

    static func upload(number: Int, iterations: Int, tokens: Int) -> RunUpload {
        let sha = String(repeating: "b", count: 64)
        let run = RecordedRun(
            request: RunRequest(tokens: UInt32(tokens), iterations: UInt32(iterations), warmup: 0),
            board: BoardInfo(protocolVersion: 1, board: "bench-board", serial: "B-1", firmwareVersion: "1", firmwareBuild: "b", clockHz: 64_000_000, tickHz: 1_000_000, ramBytes: 1 << 18, flashBytes: 1 << 20, capabilities: ["tokens"]),
            model: BoardModelInfo(model: "bench", artifactSHA256: sha, quantization: "int8"),
            iterations: (0..<iterations).map { i in
                let start = UInt64(number * 10_000_000 + i * 100_000)
                return RecordedIteration(index: UInt32(i + 1), startTicks: start, endTicks: start + UInt64(tokens) * 500 + 40,
                                         tokenTicks: (0..<tokens).map { start + UInt64($0) * 500 + 17 + UInt64(($0 * 7 + number) % 13) },
                                         energyNanojoules: UInt64(90_000 + i))
            },
            warmupIterations: 0, discardedIterations: 0, totals: nil, status: .complete, partialReason: nil, link: LinkStatistics())
        return RunUpload(
            idempotencyKey: "bench-run-\(number)", bench: "bench", model: "bench@1.0.0", artifactSHA256: sha,
            context: RunContext(deviceClass: "bench-m4", port: "/dev/null", startedAt: Date(timeIntervalSince1970: 1_800_000_000), finishedAt: Date(timeIntervalSince1970: 1_800_000_001)),
            run: run)
    }

    /// Exports the stored rows as CSV, creates the same schema in a new database (WAL, as the
    /// store), then times one sqlite3 process importing all three tables.
    static func bulkImport(from source: String, folder: URL) throws -> Double {
        let target = folder.appendingPathComponent("import.sqlite").path
        let schema = try sqlite3([source, ".schema run", ".schema iteration", ".schema token"])
        _ = try sqlite3([target, "PRAGMA journal_mode=WAL;", schema])
        for table in ["run", "iteration", "token"] {
            let csv = folder.appendingPathComponent("\(table).csv").path
            _ = try sqlite3([source, ".mode csv", ".output \(csv)", "SELECT * FROM \(table);"])
        }
        let clock = ContinuousClock()
        let start = clock.now
        _ = try sqlite3([target] + ["run", "iteration", "token"].map { ".import --csv \(folder.appendingPathComponent("\($0).csv").path) \($0)" })
        return seconds(clock.now - start)
    }

    @discardableResult
    static func sqlite3(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
        return String(decoding: data, as: UTF8.self)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
