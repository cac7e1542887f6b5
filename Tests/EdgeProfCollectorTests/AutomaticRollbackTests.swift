@testable import EdgeProfCollector
import EdgeProfAgent
import EdgeProfCore
import EdgeProfHardware
import EdgeProfSim
import EdgeProfStore
import Foundation
import Testing

/// Issue 14 §4 end to end, on both stores: two simulated boards follow their assignments through
/// the real agent path (reconcile, install, profile, upload). A slower 1.1.0 reaches production;
/// its runs open a critical alert on each board; the second makes the collector roll the model
/// back as the system actor; the rollback is partial until both boards have installed 1.0.0 again
/// and reported it, then verified.
@Suite(.serialized) struct AutomaticRollbackTests {
    static let settings: CollectorSettings = {
        var monitor = MonitorSettings()
        monitor.baselineRuns = 2
        monitor.minimumBaselineRuns = 2
        monitor.p95AboveMs = 80
        monitor.p95ConsecutiveRuns = 1
        monitor.confirmRuns = 1
        monitor.latencyRatio = nil
        monitor.energyIncrease = nil
        monitor.driftMethods = []
        return CollectorSettings(monitor: monitor)
    }()

    /// A bench: its boards, its own store (the agent profiles into it) and its agent's client.
    struct Bench {
        let boards: [SimulatedBoard]
        let local: SQLiteEvidenceStore
        let client: CollectorClient
        let collector: LiveCollector

        /// One agent pass per board: reconcile, then profile what it serves and upload the run.
        func round() async throws {
            for board in boards {
                var serving: ModelReference?
                switch try await BoardReconciler(client: client, timeouts: BoardReconcilerTests.timeouts).reconcile(port: board.path) {
                case .reconciled(let result): serving = result.serving
                case .unknownDevice, .cannotHalt: serving = nil
                }
                let reference = serving ?? ModelReference(name: "lm", version: SemanticVersion(major: 1, minor: 0, patch: 0))
                let outcome = try ProfileService(store: local).profile(port: board.path, model: reference, request: RunRequest(tokens: 4, iterations: 10, warmup: 0))
                var upload = RunUpload(stored: outcome.stored, bench: "bench-1", artifactSHA256: outcome.model.artifactSHA256)
                upload.idempotencyKey = UUID().uuidString
                let reply = try await collector.request(.POST, "/v1/runs", token: collector.agentToken, body: try Uploads.body(upload))
                #expect(reply.status == 201, "\(reply.body)")
            }
        }
    }

    @Test(arguments: CollectorStoreContractTests.kinds) func aRegressionInProductionIsRolledBackAndTheFleetFollows(kind: StoreKind) async throws {
        let collector = try await LiveCollector.start(on: kind, settings: Self.settings)
        defer { Task { await collector.stop() } }
        let registry = collector.store.registry
        let fast = SimulatedModelArtifact(tokenMedianMs: 11).bytes
        let slow = SimulatedModelArtifact(tokenMedianMs: 30).bytes
        let fastSHA = try await BoardInstallTests.register("1.0.0", bytes: fast, in: registry)
        let slowSHA = try await BoardInstallTests.register("1.1.0", bytes: slow, in: registry)
        try await BoardInstallTests.place("1.0.0", from: .development, to: .production, in: registry)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-rollback-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let local = try SQLiteEvidenceStore(path: folder.appendingPathComponent("bench.sqlite").path)
        for (version, sha) in [("1.0.0", fastSHA), ("1.1.0", slowSHA)] {
            let reference = ModelReference(name: "lm", version: try SemanticVersion(parsing: version))
            try await local.registerDirectly(
                RegisteredModel(id: 0, reference: reference, artifactSHA256: sha, artifactPath: StoredArtifact.path(sha256: sha), artifactBytes: 1, registeredAt: Date()),
                actor: "sci")
        }
        let boards = try ["SIM-A", "SIM-B"].enumerated().map { index, serial in
            var profile = SimulatedModelProfile()
            profile.serial = serial
            profile.model = "lm"
            profile.artifactSHA256 = fastSHA
            let board = try SimulatedBoard(profile: profile, seed: UInt64(index + 1), speed: 0)
            board.start()
            return board
        }
        defer { boards.forEach { $0.stop() } }
        let bench = Bench(boards: boards, local: local, client: CollectorClient(baseURL: "http://127.0.0.1:\(collector.port)", token: collector.agentToken, timeout: LiveCollector.clientTimeout), collector: collector)

        try await bench.round()  // the fleet learns both devices on 1.0.0
        #expect(try await collector.request(.GET, "/v1/models/lm/rollback", token: collector.personToken).status == 404, "never rolled back")
        try await BoardInstallTests.place("1.0.0", from: .production, to: .deprecated, in: registry)
        try await BoardInstallTests.place("1.1.0", from: .development, to: .production, in: registry)
        try await bench.round()  // both boards install 1.1.0; its first two runs are its baseline
        try await bench.round()
        #expect(try await registry.snapshot(model: "lm").serving?.reference.description == "lm@1.1.0")
        try await bench.round()  // p95 above 80 ms on both: two critical alerts

        let snapshot = try await registry.snapshot(model: "lm")
        #expect(snapshot.serving?.reference.description == "lm@1.0.0", "rolled back by the system")
        let away = try #require(snapshot.transitions.last { $0.to == .rollback })
        #expect(away.actor == GovernanceRules.automaticRollbackActor)
        #expect(away.reason.contains("2 critical alerts on lm@1.1.0") && away.reason.contains("p95-above on edgeprof-sim:SIM-A"), "\(away.reason)")
        let audit = try await collector.request(.GET, "/v1/audit?model=lm", token: collector.personToken)
        #expect(audit.body.contains(GovernanceRules.automaticRollbackActor), "the audit names the system actor")

        let partial = try await collector.request(.GET, "/v1/models/lm/rollback", token: collector.personToken)
        #expect(partial.json?["state"] as? String == "partial" && partial.json?["automatic"] as? Bool == true, "\(partial.body)")
        #expect((partial.json?["stragglers"] as? [[String: Any]])?.count == 2, "both boards still serve 1.1.0: \(partial.body)")

        let offline = Bench(boards: [boards[0]], local: local, client: bench.client, collector: collector)
        try await offline.round()  // SIM-B is offline: only SIM-A installs 1.0.0 again
        let oneLeft = try await collector.request(.GET, "/v1/models/lm/rollback", token: collector.personToken)
        #expect(oneLeft.json?["state"] as? String == "partial" && oneLeft.json?["verified"] as? Int == 1, "\(oneLeft.body)")
        #expect((oneLeft.json?["stragglers"] as? [[String: Any]])?.compactMap { $0["device"] as? String } == ["edgeprof-sim:SIM-B"], "\(oneLeft.body)")

        try await bench.round()  // SIM-B is back: its agent installs 1.0.0 and reports it
        let verified = try await collector.request(.GET, "/v1/models/lm/rollback", token: collector.personToken)
        #expect(verified.json?["state"] as? String == "verified" && verified.json?["verified"] as? Int == 2, "\(verified.body)")
        let seconds = try #require(verified.json?["secondsToVerified"] as? Double)
        #expect(seconds >= 0 && seconds < 60, "\(seconds)")
        let status = try await collector.request(.GET, "/v1/fleet/status", token: collector.personToken)
        #expect(status.json?["onAssignment"] as? Int == 2, "\(status.body)")
        let rollbacks = try await registry.snapshot(model: "lm").transitions.filter { $0.to == .rollback }
        #expect(rollbacks.count == 1, "one rollback, however many runs arrived after it")
    }
}
