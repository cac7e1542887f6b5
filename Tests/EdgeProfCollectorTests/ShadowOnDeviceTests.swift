import EdgeProfAgent
import EdgeProfCore
import EdgeProfHardware
import EdgeProfSim
import Foundation
import Testing

/// Issue 14 §2 "shadow" on a device, on both stores: the version in staging is loaded beside the
/// production one over Link v1 (`LOAD slot=shadow`), the board runs it on the same inputs after
/// each served iteration, its outputs and timings are recorded with the run and stored, never
/// served; the fleet sees which devices run their shadow, and a shadow no longer assigned is dropped.
@Suite(.serialized) struct ShadowOnDeviceTests {
    static let lm100 = ModelReference(name: "lm", version: SemanticVersion(major: 1, minor: 0, patch: 0))
    static let lm110 = ModelReference(name: "lm", version: SemanticVersion(major: 1, minor: 1, patch: 0))
    static let lm120 = ModelReference(name: "lm", version: SemanticVersion(major: 1, minor: 2, patch: 0))

    static func session(_ board: SimulatedBoard) throws -> (LinkSession, any ByteTransport) {
        let transport = try TransportOpener.open(path: board.path, busyGrace: .milliseconds(500))
        return (LinkSession(transport: transport, timeouts: BoardReconcilerTests.timeouts), transport)
    }

    @Test(arguments: CollectorStoreContractTests.kinds) func aStagedCandidateRunsInShadowAndItsOutputsAreStored(kind: StoreKind) async throws {
        let collector = try await LiveCollector.start(on: kind)
        defer { Task { await collector.stop() } }
        let registry = collector.store.registry
        let candidate = SimulatedModelArtifact(tokenMedianMs: 16, outputDivergence: 0.3)
        let productionSHA = try await BoardInstallTests.register("1.0.0", bytes: SimulatedModelArtifact(tokenMedianMs: 11).bytes, in: registry)
        let candidateSHA = try await BoardInstallTests.register("1.1.0", bytes: candidate.bytes, in: registry)

        var profile = SimulatedModelProfile()
        profile.model = "lm"
        profile.artifactSHA256 = productionSHA
        let board = try SimulatedBoard(profile: profile, seed: 5, speed: 0)
        board.start()
        defer { board.stop() }
        var upload = Uploads.upload(bench: "bench-1", model: "lm@1.0.0")
        upload.artifactSHA256 = productionSHA
        upload.run.model.artifactSHA256 = productionSHA
        upload.run.board.board = "edgeprof-sim"
        upload.run.board.serial = "SIM-0001"
        _ = try await collector.store.ingest(upload, contentSHA256: upload.contentSHA256)
        try await BoardInstallTests.place("1.0.0", from: .development, to: .production, in: registry)
        try await BoardInstallTests.place("1.1.0", from: .development, to: .staging, in: registry)

        let client = CollectorClient(baseURL: "http://127.0.0.1:\(collector.port)", token: collector.agentToken, timeout: LiveCollector.clientTimeout)
        let reconciler = BoardReconciler(client: client, timeouts: BoardReconcilerTests.timeouts)
        var expected = BoardReconciler.Reconciled(
            device: BoardInstallTests.device, state: .serving, stateChanged: false, serving: Self.lm100, servingArtifactSHA256: productionSHA)
        expected.shadowInstalled = Self.lm110
        expected.shadowing = Self.lm110
        #expect(try await reconciler.reconcile(port: board.path) == .reconciled(expected))
        expected.shadowInstalled = nil
        #expect(try await reconciler.reconcile(port: board.path) == .reconciled(expected), "a second pass loads nothing")

        let status = try await collector.request(.GET, "/v1/fleet/status", token: collector.personToken)
        #expect(status.json?["onAssignment"] as? Int == 1 && status.json?["shadowAssigned"] as? Int == 1 && status.json?["shadowRunning"] as? Int == 1, "\(status.body)")

        // The board serves 1.0.0 and runs 1.1.0 beside it; the run records both.
        let request = RunRequest(input: "shadow-probe", tokens: 8, iterations: 20, warmup: 2)
        let (session, transport) = try Self.session(board)
        let (info, model) = try session.handshake()
        #expect(model.artifactSHA256 == productionSHA, "the shadow never replaces what is served")
        #expect(info.shadowModel == BoardModelInfo(model: "lm", artifactSHA256: candidateSHA, quantization: "int8"))
        let run = try session.run(request, board: info, model: model)
        transport.close()
        let shadow = try #require(run.shadow)
        #expect(run.status == .complete && run.iterations.count == 20)
        #expect(shadow.iterations.map(\.index) == run.iterations.map(\.index), "every measured iteration has its shadow")
        #expect(run.totals?.shadowIterations == 22, "warmups are shadowed too, and counted by the board")
        for (served, shadowed) in zip(run.iterations, shadow.iterations) {
            #expect(shadowed.startTicks > served.endTicks, "the shadow runs after its iteration's DONE, outside its window")
        }

        // Agreement is what the two models answer for this input, position by position.
        let servingProfile = profile
        let shadowProfile = candidate.installed(on: profile, model: "lm", quantization: "int8", sha256: candidateSHA)
        let agreeing = (0..<8).filter {
            SimulatedOutput.token(input: request.input, position: $0, model: servingProfile) == SimulatedOutput.token(input: request.input, position: $0, model: shadowProfile)
        }.count
        let summary = ShadowSummary(run: run, shadow: shadow)
        #expect(summary.tokenAgreement == Double(agreeing) / 8, "\(String(describing: summary.tokenAgreement)) vs \(agreeing)/8")
        #expect(agreeing < 8 && agreeing > 0, "a 30 % divergence departs at some positions of 8, not all: \(agreeing)")
        let ratio = try #require(summary.latencyRatio)
        #expect(ratio > 1.2 && ratio < 1.6, "16 ms tokens against 11 ms, the same first token: \(ratio)")

        // Stored with the run, through the agent's upload, and read back.
        var shadowUpload = RunUpload(
            idempotencyKey: UUID().uuidString, bench: "bench-1", model: "lm@1.0.0", artifactSHA256: productionSHA,
            context: RunContext(deviceClass: "sim-cortex-m4", port: board.path, startedAt: Date(), finishedAt: Date()), run: run)
        shadowUpload.context.finishedAt = shadowUpload.context.startedAt.addingTimeInterval(3)
        let posted = try await collector.request(.POST, "/v1/runs", token: collector.agentToken, body: try Uploads.body(shadowUpload))
        #expect(posted.status == 201, "\(posted.body)")
        let runID = try #require(posted.json?["runID"] as? Int)
        let stored = try #require(try await collector.store.run(id: Int64(runID)))
        #expect(stored.run.shadow == shadow, "the shadow is stored exactly")
        #expect(stored.run.board.shadowModel == info.shadowModel)
        let device = try await collector.request(.GET, "/v1/fleet/devices/\(BoardInstallTests.device)", token: collector.personToken)
        #expect(((device.json?["serving"] as? [String: Any])?["shadowArtifactSHA256"] as? String) == candidateSHA, "\(device.body)")

        // A candidate the board cannot run as its shadow is refused; it keeps the one it ran and serves on.
        _ = try await BoardInstallTests.register("1.2.0", bytes: Array("weights for another board".utf8), in: registry)
        try await BoardInstallTests.place("1.1.0", from: .staging, to: .development, in: registry)
        try await BoardInstallTests.place("1.2.0", from: .development, to: .staging, in: registry)
        guard case .reconciled(let refused) = try await reconciler.reconcile(port: board.path) else { Issue.record("not reconciled"); return }
        #expect(refused.serving == Self.lm100 && refused.shadowing == nil && refused.shadowInstalled == nil)
        #expect(refused.shadowOffAssignment?.contains("as its shadow") == true, "\(refused.shadowOffAssignment ?? "")")
        let flagged = try await collector.request(.GET, "/v1/fleet/status", token: collector.personToken)
        #expect(flagged.json?["onAssignment"] as? Int == 1 && flagged.json?["shadowRunning"] as? Int == 0, "a shadow never decides the serving verdict: \(flagged.body)")
        #expect(flagged.body.contains("does not run its shadow lm@1.2.0"), "\(flagged.body)")

        // No shadow assigned any more: it is dropped.
        try await BoardInstallTests.place("1.2.0", from: .staging, to: .development, in: registry)
        guard case .reconciled(let dropped) = try await reconciler.reconcile(port: board.path) else { Issue.record("not reconciled"); return }
        #expect(dropped.shadowUnloaded && dropped.shadowOffAssignment == nil)
        let (again, againTransport) = try Self.session(board)
        defer { againTransport.close() }
        let (plain, plainModel) = try again.handshake()
        #expect(plain.shadowModel == nil)
        let unshadowed = try again.run(RunRequest(input: "shadow-probe", tokens: 4, iterations: 3, warmup: 0), board: plain, model: plainModel)
        #expect(unshadowed.shadow == nil && unshadowed.totals?.shadowIterations == nil && unshadowed.iterations.count == 3)
        let cleared = try await collector.request(.GET, "/v1/fleet/status", token: collector.personToken)
        #expect(cleared.json?["shadowAssigned"] as? Int == 0, "\(cleared.body)")
    }
}
