import EdgeProfAgent
import EdgeProfCore
import EdgeProfStore
import Foundation
import Testing

/// `agent run --device` on real firmware under QEMU: each round boots the emulated board, and the
/// agent reconciles it with its assignment in that session — the first round introduces the
/// device with a run of the flashed tiny-lm 1.0.0; once 1.1.0 serves production, the next round
/// installs it over Link v1 (it lives in the board's RAM, so every boot installs it again),
/// records it in the bench's store and profiles it as 1.1.0; a halt then stops the profiling.
@Suite(.serialized) struct EmulatedAgentRunTests {
    static let devices = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("devices").path
    static let build = devices + "/qemu-mps2/firmware/build"

    /// Runs `edgeprof ARGS` on a thread of its own (the collector in this process needs the pool).
    static func edgeprof(_ arguments: [String], folder: URL) async throws -> (status: Int32, stderr: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: CollectorCrashTests.binary)
                process.arguments = arguments
                var environment = ProcessInfo.processInfo.environment
                environment["XDG_DATA_HOME"] = folder.appendingPathComponent("xdg").path
                environment["EDGEPROF_DB"] = folder.appendingPathComponent("bench.sqlite").path
                environment["EDGEPROF_LEASES"] = folder.appendingPathComponent("leases.sqlite").path
                environment["EDGEPROF_DEVICES"] = devices
                process.environment = environment
                let errors = Pipe()
                process.standardError = errors
                process.standardOutput = FileHandle.nullDevice
                do {
                    try process.run()
                    let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                    process.waitUntilExit()
                    continuation.resume(returning: (process.terminationStatus, text))
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
    }

    static func register(_ version: String, file: String, in registry: any RegistryStore) async throws -> String {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: build + "/" + file)))
        let sha = ArtifactDigest.of(bytes: bytes).sha256
        try await registry.storeArtifact(bytes, sha256: sha)
        try await registry.registerDirectly(
            RegisteredModel(
                id: 0, reference: ModelReference(name: "tiny-lm", version: try SemanticVersion(parsing: version)), artifactSHA256: sha,
                artifactPath: StoredArtifact.path(sha256: sha), artifactBytes: Int64(bytes.count), registeredAt: Date()),
            actor: "sci")
        return sha
    }

    @Test func theAgentReconcilesAnEmulatedBoardInsideItsSession() async throws {
        let collector = try await LiveCollector.start()
        defer { Task { await collector.stop() } }
        let registry = collector.store.registry
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-emulated-agent-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try await Self.register("1.0.0", file: "tiny-lm.bin", in: registry)
        let retrained = try await Self.register("1.1.0", file: "tiny-lm-1.1.bin", in: registry)
        // The bench's own store knows the flashed version, as a bench that profiled it before does.
        let flashed = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.build + "/tiny-lm.bin")))
        let flashedSHA = ArtifactDigest.of(bytes: flashed).sha256
        let bench: any BenchStore = try SQLiteEvidenceStore(path: folder.appendingPathComponent("bench.sqlite").path)
        try await bench.storeArtifact(flashed, sha256: flashedSHA)
        try await bench.registerDirectly(
            RegisteredModel(
                id: 0, reference: ModelReference(name: "tiny-lm", version: SemanticVersion(major: 1, minor: 0, patch: 0)), artifactSHA256: flashedSHA,
                artifactPath: StoredArtifact.path(sha256: flashedSHA), artifactBytes: Int64(flashed.count), registeredAt: Date()),
            actor: "sci")

        let agent = [
            "agent", "run", "--collector", "http://127.0.0.1:\(collector.port)", "--token", collector.agentToken, "--bench", "bench-1",
            "--device", "qemu-mps2-an386", "--model", "tiny-lm@1.0.0", "--iterations", "10", "--warmup", "0", "--tokens", "4",
            "--every", "0.05", "--spool", folder.appendingPathComponent("spool.sqlite").path,
        ]
        let first = try await Self.edgeprof(agent + ["--count", "1"], folder: folder)
        #expect(first.status == 0, "\(first.stderr)")
        let devices = try await registry.fleetDevices(FleetQuery())
        let device = try #require(devices.first, "the first run introduced the emulated board to the fleet")
        #expect(device.emulated && device.serving.registered.description == "tiny-lm@1.0.0")

        try await BoardInstallTests.placeTinyLM("1.1.0", from: .development, to: .production, in: registry)
        let second = try await Self.edgeprof(agent + ["--count", "1"], folder: folder)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("\(device.device): installed tiny-lm@1.1.0, as its assignment says"), "\(second.stderr)")
        let after = try #require(try await registry.fleetDevices(FleetQuery()).first)
        #expect(after.serving.artifactSHA256 == retrained && after.serving.registered.description == "tiny-lm@1.1.0", "its run was stored as 1.1.0: \(after.serving)")
        let recorded = try await bench.model(ModelReference(name: "tiny-lm", version: SemanticVersion(major: 1, minor: 1, patch: 0)))
        #expect(recorded?.artifactSHA256 == retrained, "the bench recorded the assigned version with the registry's bytes")
        let snapshot = try await bench.snapshot(model: "tiny-lm")
        let trail = snapshot.transitions.last
        #expect(trail?.actor == VersionMirror.actor && trail?.reason.hasPrefix("assigned by the collector at http://127.0.0.1:") == true)

        let lead = GovernanceService(store: registry, actor: "gus")
        try await lead.addActor(name: "gus", roles: [.techLead])
        _ = try await lead.halt(model: "tiny-lm", reason: "stop the bench")
        let third = try await Self.edgeprof(agent + ["--count", "1"], folder: folder)
        #expect(third.status == 0, "\(third.stderr)")
        #expect(third.stderr.contains("\(device.device) is halted: no profile this round"), "\(third.stderr)")
        #expect(try await registry.fleetDevices(FleetQuery()).first?.servingState == .halted)
    }
}
