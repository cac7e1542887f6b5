import EdgeProfAgent
import EdgeProfCore
import EdgeProfHardware
import EdgeProfSim
import Foundation
import Testing

/// Issue 14 §3: an agent puts the assigned artifact on its board. It fetches the bytes from the
/// registry, checks their SHA-256, installs them over Link v1 (the board checks again and really
/// switches: its handshake announces the new artifact and its runs follow the new model), and
/// reports it. Bytes that changed in the registry, or that the board cannot run, are refused and
/// the board keeps its last good version.
@Suite(.serialized) struct BoardInstallTests {
    static let device = "edgeprof-sim:SIM-0001"

    /// A version registered with its bytes in the registry, as `model register --collector` does.
    static func register(_ version: String, bytes: [UInt8], storedBytes: [UInt8]? = nil, in registry: any RegistryStore) async throws -> String {
        let sha = ArtifactDigest.of(bytes: bytes).sha256
        try await registry.storeArtifact(storedBytes ?? bytes, sha256: sha)
        let reference = ModelReference(name: "lm", version: try SemanticVersion(parsing: version))
        try await registry.registerDirectly(
            RegisteredModel(id: 0, reference: reference, artifactSHA256: sha, artifactPath: StoredArtifact.path(sha256: sha), artifactBytes: Int64(bytes.count), registeredAt: Date()),
            actor: "sci")
        return sha
    }

    /// Puts a version straight into `stage` (test setup: the rules for getting there are tested elsewhere).
    static func place(_ version: String, from: LifecycleStage, to: LifecycleStage, in registry: any RegistryStore) async throws {
        let reference = ModelReference(name: "lm", version: try SemanticVersion(parsing: version))
        _ = try await registry.commit(GovernanceChange(
            actor: "gus", at: Date(), expectedAuditHead: try await registry.snapshot(model: "lm").auditHead,
            operations: [.transition(StageTransition(reference: reference, from: from, to: to, at: Date(), actor: "gus", reason: "test setup"))]))
    }

    /// The same for tiny-lm, the model the QEMU boards carry.
    static func placeTinyLM(_ version: String, from: LifecycleStage, to: LifecycleStage, in registry: any RegistryStore) async throws {
        let reference = ModelReference(name: "tiny-lm", version: try SemanticVersion(parsing: version))
        _ = try await registry.commit(GovernanceChange(
            actor: "gus", at: Date(), expectedAuditHead: try await registry.snapshot(model: "tiny-lm").auditHead,
            operations: [.transition(StageTransition(reference: reference, from: from, to: to, at: Date(), actor: "gus", reason: "test setup"))]))
    }

    static func handshake(_ board: SimulatedBoard) throws -> (BoardInfo, BoardModelInfo, RecordedRun) {
        let transport = try TransportOpener.open(path: board.path, busyGrace: .milliseconds(500))
        defer { transport.close() }
        let session = LinkSession(transport: transport, timeouts: BoardReconcilerTests.timeouts)
        let (info, model) = try session.handshake()
        let run = try session.run(RunRequest(tokens: 8, iterations: 20, warmup: 0), board: info, model: model)
        return (info, model, run)
    }

    /// Median gap between consecutive tokens, in milliseconds at the board's 1 MHz tick.
    static func medianTokenMs(_ run: RecordedRun) -> Double {
        let gaps = run.iterations.flatMap { iteration in zip(iteration.tokenTicks.dropFirst(), iteration.tokenTicks).map { Double($0 - $1) / 1000 } }.sorted()
        return gaps.isEmpty ? 0 : gaps[gaps.count / 2]
    }

    @Test(arguments: CollectorStoreContractTests.kinds) func theAssignedArtifactIsInstalledVerifiedAndReported(kind: StoreKind) async throws {
        let collector = try await LiveCollector.start(on: kind)
        defer { Task { await collector.stop() } }
        let registry = collector.store.registry
        let current = SimulatedModelArtifact(tokenMedianMs: 11).bytes
        let candidate = SimulatedModelArtifact(tokenMedianMs: 16).bytes
        let currentSHA = try await Self.register("1.0.0", bytes: current, in: registry)
        let candidateSHA = try await Self.register("1.1.0", bytes: candidate, in: registry)

        var profile = SimulatedModelProfile()
        profile.model = "lm"
        profile.artifactSHA256 = currentSHA
        let board = try SimulatedBoard(profile: profile, seed: 3, speed: 0)
        board.start()
        defer { board.stop() }
        var upload = Uploads.upload(bench: "bench-1", model: "lm@1.0.0")
        upload.artifactSHA256 = currentSHA
        upload.run.model.artifactSHA256 = currentSHA
        upload.run.board.board = "edgeprof-sim"
        upload.run.board.serial = "SIM-0001"
        _ = try await collector.store.ingest(upload, contentSHA256: upload.contentSHA256)
        try await Self.place("1.0.0", from: .development, to: .production, in: registry)

        let client = CollectorClient(baseURL: "http://127.0.0.1:\(collector.port)", token: collector.agentToken, timeout: LiveCollector.clientTimeout)
        let reconciler = BoardReconciler(client: client, timeouts: BoardReconcilerTests.timeouts)
        let lm100 = ModelReference(name: "lm", version: SemanticVersion(major: 1, minor: 0, patch: 0))
        let lm110 = ModelReference(name: "lm", version: SemanticVersion(major: 1, minor: 1, patch: 0))
        #expect(try await reconciler.reconcile(port: board.path) == .reconciled(.init(device: Self.device, state: .serving, stateChanged: false, serving: lm100, servingArtifactSHA256: currentSHA)),
                "it already serves its assignment: nothing to install")
        let before = try Self.handshake(board)
        #expect(abs(Self.medianTokenMs(before.2) - 11) < 1.5, "\(Self.medianTokenMs(before.2))")

        try await Self.place("1.0.0", from: .production, to: .retired, in: registry)
        try await Self.place("1.1.0", from: .development, to: .production, in: registry)
        let started = ContinuousClock.now
        #expect(try await reconciler.reconcile(port: board.path) == .reconciled(.init(device: Self.device, state: .serving, stateChanged: false, installed: lm110, serving: lm110, servingArtifactSHA256: candidateSHA)))
        let installTime = ContinuousClock.now - started
        let after = try Self.handshake(board)
        #expect(after.1 == BoardModelInfo(model: "lm", artifactSHA256: candidateSHA, quantization: "int8"), "the handshake announces the new artifact")
        #expect(abs(Self.medianTokenMs(after.2) - 16) < 2, "the board runs the new model: \(Self.medianTokenMs(after.2)) ms per token")
        // A bound against a hang, not a speed figure (speed belongs to `edgeprof-bench fleet`): the
        // whole suite on 2 shared cores took it past 5 s.
        #expect(installTime < .seconds(30), "\(candidate.count) bytes installed in \(installTime)")
        let status = try await collector.request(.GET, "/v1/fleet/status", token: collector.personToken)
        #expect(status.json?["onAssignment"] as? Int == 1, "\(status.body)")
        #expect(try await reconciler.reconcile(port: board.path) == .reconciled(.init(device: Self.device, state: .serving, stateChanged: false, serving: lm110, servingArtifactSHA256: candidateSHA)), "a second pass installs nothing")

        // Bytes in the registry that no longer hash to the registered SHA-256 are never handed out.
        let tampered = SimulatedModelArtifact(tokenMedianMs: 9).bytes
        let tamperedSHA = try await Self.register("1.2.0", bytes: tampered, storedBytes: SimulatedModelArtifact(tokenMedianMs: 90).bytes, in: registry)
        try await Self.place("1.1.0", from: .production, to: .retired, in: registry)
        try await Self.place("1.2.0", from: .development, to: .production, in: registry)
        let refusedFetch = try await collector.request(.GET, "/v1/artifacts/\(tamperedSHA)", token: collector.agentToken)
        #expect(refusedFetch.status == 409, "\(refusedFetch.body)")
        guard case .reconciled(let changed) = try await reconciler.reconcile(port: board.path) else { Issue.record("not reconciled"); return }
        #expect(changed.installed == nil && changed.serving == nil)
        #expect(changed.offAssignment?.contains("has CHANGED") == true, "\(changed.offAssignment ?? "")")
        #expect(try Self.handshake(board).1.artifactSHA256 == candidateSHA, "the board keeps its last good version")
        let flagged = try await collector.request(.GET, "/v1/fleet/status", token: collector.personToken)
        #expect(flagged.json?["offAssignment"] as? Int == 1, "\(flagged.body)")

        // Bytes the board cannot run: it refuses them itself and keeps its model.
        _ = try await Self.register("1.3.0", bytes: Array("int8 weights of another board's model".utf8), in: registry)
        try await Self.place("1.2.0", from: .production, to: .retired, in: registry)
        try await Self.place("1.3.0", from: .development, to: .production, in: registry)
        guard case .reconciled(let refused) = try await reconciler.reconcile(port: board.path) else { Issue.record("not reconciled"); return }
        #expect(refused.offAssignment?.contains("code=model") == true || refused.offAssignment?.contains("cannot run") == true, "\(refused.offAssignment ?? "")")
        #expect(try Self.handshake(board).1.artifactSHA256 == candidateSHA)

        let unknown = try await collector.request(.GET, "/v1/artifacts/\(String(repeating: "b", count: 64))", token: collector.personToken)
        #expect(unknown.status == 404)
        #expect(try await collector.request(.GET, "/v1/artifacts/\(String(repeating: "b", count: 64))", token: collector.agentToken).status == 403,
                "an agent is told no more than that it may not have it")
        let malformed = try await collector.request(.GET, "/v1/artifacts/XYZ", token: collector.agentToken)
        #expect(malformed.status == 400)
        let anonymous = try await collector.request(.GET, "/v1/artifacts/\(candidateSHA)", token: nil)
        #expect(anonymous.status == 401, "artifacts are handed to tokens only")
        let fetched = try await collector.request(.GET, "/v1/artifacts/\(candidateSHA)", token: collector.personToken)
        #expect(fetched.status == 200 && fetched.body == String(decoding: candidate, as: UTF8.self))
        #expect(try await collector.request(.GET, "/v1/artifacts/\(candidateSHA)", token: collector.agentToken).status == 403, "1.1.0 is retired: no device is assigned it")
    }
}
