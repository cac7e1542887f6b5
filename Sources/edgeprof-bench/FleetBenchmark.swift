import EdgeProfAgent
import EdgeProfCore
import EdgeProfSim
import Foundation

/// `edgeprof-bench fleet [N…]`: how fast a halt and an automatic rollback reach a simulated fleet
/// (issue 14), on SQLite and — with $EDGEPROF_BENCH_POSTGRES_URL — PostgreSQL. The collector is a
/// real `edgeprof collector serve` process (its CPU and resident memory are read from /proc);
/// everything is done through its API: versions registered with their bytes, production by
/// emergency deployment (two tech_leads), a halt, a resume, then a slower 1.1.0 in production
/// whose runs open critical alerts on two devices. Devices reconcile in back-to-back rounds, as
/// agents polling continuously would; times run from the act to the last device's report.
enum FleetBenchmark {
    struct Row {
        var store: String
        var devices: Int
        var enrolSeconds = 0.0
        var haltSeconds = 0.0
        var haltRounds = 0
        var resumeSeconds = 0.0
        var installSeconds = 0.0
        var rollbackSeconds = 0.0
        var rollbackRounds = 0
        var rollbackVerifiedSeconds = 0.0
        var collectorCPUSeconds = 0.0
        var collectorPeakMB = 0.0
    }

    static func run(sizes: [Int]) async {
        print("Fleet control plane: halt and automatic rollback reaching N simulated devices (Link v1 boards in memory, 8 reconciling at once)")
        var rows: [Row] = []
        var stores = ["sqlite"]
        if ProcessInfo.processInfo.environment["EDGEPROF_BENCH_POSTGRES_URL"] != nil { stores.append("postgres") } else {
            print("(PostgreSQL skipped: set EDGEPROF_BENCH_POSTGRES_URL to a server, e.g. from scripts/start-postgres)")
        }
        for store in stores {
            for size in sizes {
                do {
                    let row = try await measure(store: store, devices: size)
                    rows.append(row)
                    print(line(row))
                } catch {
                    print("\(store) \(size) devices: failed: \(error)")
                }
            }
        }
        print("\n| store | devices | enrol s | halt: s to all halted (rounds) | resume s | install 1.1.0 s | 2nd critical alert → rollback verified s (rounds) | collector CPU s | collector peak RSS MB |")
        print("|---|---|---|---|---|---|---|---|---|")
        for row in rows {
            print(String(
                format: "| %@ | %d | %.1f | %.2f (%d) | %.2f | %.2f | %.2f (%d) | %.1f | %.0f |", row.store, row.devices, row.enrolSeconds, row.haltSeconds, row.haltRounds,
                row.resumeSeconds, row.installSeconds, row.rollbackSeconds, row.rollbackRounds, row.collectorCPUSeconds, row.collectorPeakMB))
        }
    }

    static func line(_ row: Row) -> String {
        String(format: "%@ %d devices: halt %.2f s (%d rounds), rollback verified %.2f s after the 2nd critical alert (%d rounds; API: %.2f s)", row.store, row.devices,
               row.haltSeconds, row.haltRounds, row.rollbackSeconds, row.rollbackRounds, row.rollbackVerifiedSeconds)
    }

    static func measure(store: String, devices: Int) async throws -> Row {
        let lab = try BenchLab(store: store)
        defer { lab.stop() }
        try await lab.start()
        var row = Row(store: store, devices: devices)
        let fast = SimulatedModelArtifact(tokenMedianMs: 11).bytes
        let slow = SimulatedModelArtifact(tokenMedianMs: 30).bytes
        let fastSHA = try await lab.register("1.0.0", fast)
        _ = try await lab.register("1.1.0", slow)
        try await lab.deploy("1.0.0")

        var options = FleetSimulator.Options(devices: devices)
        options.concurrency = 8
        let simulator = try FleetSimulator(options: options, agents: [FleetSimulator.Agent(bench: "bench-1", client: lab.agent)], model: "lm", artifactSHA256: fastSHA)
        let v100 = ModelReference(name: "lm", version: SemanticVersion(major: 1, minor: 0, patch: 0))
        let v110 = ModelReference(name: "lm", version: SemanticVersion(major: 1, minor: 1, patch: 0))
        let cpuAtStart = lab.collectorCPUSeconds()
        row.enrolSeconds = try await timed {
            let failures = await simulator.enroll(as: v100)
            guard failures.isEmpty else { throw BenchFailure(failures.prefix(3).joined(separator: "; ")) }
        }
        _ = await simulator.round()

        try await lab.act("/v1/models/lm/halt", ["reason": "benchmark: stop serving"])
        (row.haltSeconds, row.haltRounds) = try await until(simulator) { try await lab.fleetStatus().onAssignment == devices }
        try await lab.act("/v1/models/lm/resume", ["reason": "benchmark: serve again"])
        (row.resumeSeconds, _) = try await until(simulator) {
            let status = try await lab.fleetStatus()
            return status.onAssignment == devices
        }
        try await lab.deploy("1.1.0")
        (row.installSeconds, _) = try await until(simulator) { try await lab.fleetStatus().onAssignment == devices }

        // Two devices' runs of the slower 1.1.0: the first two of each are its baseline, the third breaches p95.
        for _ in 0..<3 {
            for device in simulator.devices.prefix(2) {
                try await simulator.uploadRun(on: device, as: v110, request: RunRequest(tokens: 4, iterations: 10, warmup: 0))
            }
        }
        guard let decided = try await lab.rollback(), decided.automatic else { throw BenchFailure("no automatic rollback after two critical alerts") }
        (row.rollbackSeconds, row.rollbackRounds) = try await until(simulator) { try await lab.rollback()?.state == .verified }
        row.rollbackVerifiedSeconds = try await lab.rollback()?.secondsToVerified ?? 0
        row.collectorCPUSeconds = lab.collectorCPUSeconds() - cpuAtStart
        row.collectorPeakMB = lab.collectorPeakMB()
        return row
    }

    /// Rounds until `done`; the seconds it took and how many rounds.
    static func until(_ simulator: FleetSimulator, _ done: () async throws -> Bool) async throws -> (Double, Int) {
        let started = ContinuousClock.now
        for round in 1...50 {
            let report = await simulator.round()
            if !report.failed.isEmpty { throw BenchFailure(report.failed.prefix(3).joined(separator: "; ")) }
            if try await done() { return (seconds(ContinuousClock.now - started), round) }
        }
        throw BenchFailure("not done after 50 rounds")
    }

    static func timed(_ body: () async throws -> Void) async throws -> Double {
        let started = ContinuousClock.now
        try await body()
        return seconds(ContinuousClock.now - started)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
