import EdgeProfCore
import EdgeProfStore
import Foundation

/// `runs list` and `gate check` on a store of many runs (20 iterations × 16 tokens each, 3.4 M
/// rows at 10 000 runs), each the `edgeprof` binary beside this one as a user runs it, against
/// the `sqlite3` tool joining the runs with the token rows a listing used to load, in the same
/// run (and, for scale, with the iteration rows a gate reads now). Memory is the child's peak resident set; the listing of a tenth of the runs
/// shows whether it grows with their number.
enum ListingBenchmark {
    static func run(runs: Int) async {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-listing-bench-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let edgeprof = BenchLab.edgeprof
        guard FileManager.default.isExecutableFile(atPath: edgeprof) else {
            print("listings: skipped, \(edgeprof) is missing. Fix: swift build -c release (both products)")
            return
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let database = folder.appendingPathComponent("runs.sqlite").path
            let clock = ContinuousClock()
            let start = clock.now
            try await fill(database, runs: runs)
            print(String(format: "Listings: %d runs × 20 iterations × 16 tokens stored in %.1f s; best of 3, peak memory of the process", runs, IngestBenchmark.seconds(clock.now - start)))
            let thresholds = folder.appendingPathComponent("gate.yaml").path
            try Data("device-classes:\n  bench-m4:\n    max-latency-p95-ms: 100\n    max-ttft-p95-ms: 50\n    min-tokens-per-second: 10\n".utf8)
                .write(to: URL(fileURLWithPath: thresholds))
            let tokenThresholds = folder.appendingPathComponent("gate-tokens.yaml").path
            try Data("device-classes:\n  bench-m4:\n    max-token-latency-p95-ms: 5\n".utf8).write(to: URL(fileURLWithPath: tokenThresholds))

            let join = try MeasuredChild.best(of: 3, "/usr/bin/sqlite3", [database, """
                SELECT run.id, run.status, model_version.name, model_version.version, run.device_class, run.board, run.serial,
                    COUNT(*), MAX(token.ticks)
                FROM run JOIN model_version ON model_version.id = run.model_version_id JOIN token ON token.run_id = run.id
                GROUP BY run.id ORDER BY run.id
                """])
            report("sqlite3: runs ⋈ tokens per run (what listings read)", join, against: join)
            let iterations = try MeasuredChild.best(of: 3, "/usr/bin/sqlite3", [database, """
                SELECT run.id, run.status, COUNT(*), MAX(iteration.end_ticks - iteration.start_ticks)
                FROM run JOIN iteration ON iteration.run_id = run.id GROUP BY run.id ORDER BY run.id
                """])
            report("sqlite3: runs ⋈ iterations per run (what gates read)", iterations, against: join)
            let db = ["--db", database]
            report("edgeprof runs list", try MeasuredChild.best(of: 3, edgeprof, ["runs", "list"] + db), against: join)
            report("edgeprof runs list --limit \(runs / 10)", try MeasuredChild.best(of: 3, edgeprof, ["runs", "list", "--limit", String(runs / 10)] + db), against: join)
            report("edgeprof runs list --format json", try MeasuredChild.best(of: 3, edgeprof, ["runs", "list", "--format", "json"] + db), against: join)
            report("edgeprof runs list --format json --raw", try MeasuredChild.best(of: 3, edgeprof, ["runs", "list", "--format", "json", "--raw"] + db), against: join)
            let gate = ["gate", "check", "--model", "bench@1.0.0", "--device-class", "bench-m4"] + db
            report("edgeprof gate check (latency, TTFT, tokens/s)", try MeasuredChild.best(of: 3, edgeprof, gate + ["--thresholds", thresholds]), against: join)
            report("edgeprof gate check (inter-token latency)", try MeasuredChild.best(of: 3, edgeprof, gate + ["--thresholds", tokenThresholds]), against: join)
        } catch {
            print("listings benchmark failed: \(error)")
        }
    }

    /// Stores `runs` uploads of the ingest benchmark's shape, 64 at a time so they share transactions.
    static func fill(_ database: String, runs: Int) async throws {
        let store = try SQLiteCollectorStore(path: database)
        try IngestBenchmark.register(store)
        var number = 0
        while number < runs {
            let batch = number..<min(number + 64, runs)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in batch {
                    group.addTask {
                        let upload = IngestBenchmark.upload(number: index, iterations: 20, tokens: 16)
                        _ = try await store.ingest(upload, contentSHA256: upload.contentSHA256)
                    }
                }
                try await group.waitForAll()
            }
            number = batch.upperBound
        }
    }

    static func report(_ name: String, _ measured: MeasuredChild, against baseline: MeasuredChild) {
        print(name.padding(toLength: 54, withPad: " ", startingAt: 0)
            + String(format: "%8.3f s  %7.1f MB  %6.2f× the join", measured.seconds, measured.peakMB, measured.seconds / baseline.seconds))
    }
}
