import EdgeProfAgent
import EdgeProfCore
import EdgeProfHardware
import EdgeProfSim
import Foundation

/// `edgeprof demo` end to end with no hardware: a simulated board on a real pseudo-terminal,
/// a registered demo model, a profile through the same code path as a real board, and the
/// edge-performance gate on the stored evidence.
public struct DemoScenario: Sendable {
    public static let model = "demo-tiny-lm"
    public static let version = "1.0.0"
    public static let deviceClass = "sim-cortex-m4"
    /// The built-in identity that registers the demo model.
    public static let actor = "edgeprof-demo"

    /// The demo's gate policy, written beside its data so users can read and edit a real one.
    public static let thresholdsYAML = """
        # Edge-performance gate thresholds used by `edgeprof demo`.
        # Keys: min-iterations, max-latency-p95-ms, max-token-latency-p95-ms, max-ttft-p95-ms,
        # max-peak-ram-kib, min-tokens-per-second, min-tokens-per-mj (see docs/gates.md).
        device-classes:
          sim-cortex-m4:
            min-iterations: 10
            max-latency-p95-ms: 250
            max-token-latency-p95-ms: 15
            max-ttft-p95-ms: 25
            max-peak-ram-kib: 192
            min-tokens-per-second: 60
            min-tokens-per-mj: 2
          # Emulated boards (QEMU, -icount shift=0): instruction-count proxies, for regression detection.
          qemu-mps2-an385:
            min-iterations: 10
            max-latency-p95-ms: 15
            max-ttft-p95-ms: 5
            max-peak-ram-kib: 64
            max-flash-kib: 128
            min-tokens-per-second: 1000
          qemu-mps2-an386:
            min-iterations: 10
            max-latency-p95-ms: 10
            max-ttft-p95-ms: 3
            max-peak-ram-kib: 64
            max-flash-kib: 128
            min-tokens-per-second: 1500
          qemu-netduinoplus2:
            min-iterations: 10
            max-latency-p95-ms: 10
            max-ttft-p95-ms: 3
            max-peak-ram-kib: 64
            max-flash-kib: 128
            min-tokens-per-second: 1500

        """

    public struct Options: Sendable {
        public var request = RunRequest(tokens: 16, iterations: 20, warmup: 2)
        public var seed: UInt64 = 7
        /// 1 = the board reports in real time; 0 = as fast as the link allows.
        public var speed = 1.0
        public var dataDirectory = DataLocation.dataDirectory() + "/demo"
        /// Measure energy with a simulated PPK2 wired to the board (instead of its own sensor).
        public var measurePower = false
        /// Profile an emulated board of the catalogue instead of the simulated one: its entry
        /// and the catalogue directory its firmware path is relative to.
        public var emulated: (entry: CatalogueEntry, directory: String)?

        public init() {}
    }

    /// What the demo did and where everything went.
    public struct Result: Sendable {
        public var profile: ProfileOutcome
        public var verdict: GateVerdict
        public var artifactPath: String
        public var thresholdsPath: String
        public var boardPath: String
    }

    public let store: any BenchStore

    public init(store: any BenchStore) {
        self.store = store
    }

    public func run(
        _ options: Options, handshaken: (BoardInfo, BoardModelInfo, String) -> Void = { _, _, _ in },
        progress: (LinkSession.Progress) -> Void = { _ in }
    ) async throws(AgentError) -> Result {
        let thresholdsPath = options.dataDirectory + "/gates.yaml"
        try write(Array(Self.thresholdsYAML.utf8), to: thresholdsPath)
        let profiled: Profiled
        if let (entry, directory) = options.emulated {
            profiled = try await runEmulated(entry, directory: directory, options, handshaken: handshaken, progress: progress)
        } else {
            profiled = try await runSimulated(options, handshaken: handshaken, progress: progress)
        }
        let policy = try GateService.loadPolicy(path: thresholdsPath)
        let outcome = profiled.outcome
        let verdict = try await GateService(store: store).check(
            model: outcome.model.reference, deviceClass: outcome.stored.context.deviceClass, policy: policy,
            policyFile: thresholdsPath, runID: outcome.runID)
        return Result(profile: outcome, verdict: verdict, artifactPath: profiled.artifactPath, thresholdsPath: thresholdsPath, boardPath: profiled.boardPath)
    }

    /// A profile the demo took, before the gate judges it.
    private struct Profiled {
        var outcome: ProfileOutcome
        var artifactPath: String
        var boardPath: String
    }

    private func runSimulated(
        _ options: Options, handshaken: (BoardInfo, BoardModelInfo, String) -> Void, progress: (LinkSession.Progress) -> Void
    ) async throws(AgentError) -> Profiled {
        let artifactPath = options.dataDirectory + "/\(Self.model).bin"
        try write(Self.artifactBytes(), to: artifactPath)
        let model = try await registeredDemoModel(Self.reference, artifactPath: artifactPath)

        var profile = SimulatedModelProfile()
        profile.model = Self.model
        profile.deviceClass = Self.deviceClass
        profile.artifactSHA256 = model.artifactSHA256
        let activity = options.measurePower ? BoardActivity() : nil
        let board: SimulatedBoard
        let ppk2: SimulatedPPK2?
        do {
            board = try SimulatedBoard(profile: profile, seed: options.seed, speed: options.speed, activity: activity)
            ppk2 = try activity.map { activity throws(TransportError) in try SimulatedPPK2(speed: 1, activity: activity) }
        } catch {
            throw .transport(error)
        }
        board.start()
        ppk2?.start()
        defer {
            board.stop()
            ppk2?.stop()
        }

        let outcome = try ProfileService(store: store).profile(
            port: board.path, model: model.reference, request: options.request, power: ppk2.map { PowerSetup(port: $0.path) },
            progress: progress, handshaken: { handshaken($0, $1, board.path) })
        return Profiled(outcome: outcome, artifactPath: artifactPath, boardPath: board.path)
    }

    /// The same path on an emulated board: QEMU runs the board's real firmware, which carries
    /// the tiny-lm artifact the catalogue entry names.
    private func runEmulated(
        _ entry: CatalogueEntry, directory: String, _ options: Options,
        handshaken: (BoardInfo, BoardModelInfo, String) -> Void, progress: (LinkSession.Progress) -> Void
    ) async throws(AgentError) -> Profiled {
        guard let artifact = entry.emulator?.artifact else { throw .emulation(.notEmulated(board: entry.name)) }
        guard entry.protocolName == LinkProtocol.name else {
            throw .invalidArgument("the demo profiles EdgeProf Link v1 boards; \(entry.name) speaks \(entry.protocolName). Fix: edgeprof profile --device \(entry.name) --model tiny-lm@1.0.0")
        }
        let artifactPath = (directory as NSString).appendingPathComponent(artifact)
        let model = try await registeredDemoModel(Self.emulatedReference, artifactPath: artifactPath)
        let firmware = try FirmwareFile.sizeIfPresent(path: EmulatedBoard.firmwarePath(of: entry, catalogueDirectory: directory))
        return try EmulatedBoard.running(entry, catalogueDirectory: directory) { board throws(AgentError) in
            let outcome = try ProfileService(store: store).profile(
                port: board.path, model: model.reference, request: options.request, deviceClass: entry.deviceClass,
                firmware: firmware, progress: progress,
                handshaken: { handshaken($0, $1, board.path) })
            return Profiled(outcome: outcome, artifactPath: artifactPath, boardPath: board.path)
        }
    }

    /// The demo model's artifact: 48 KiB of fixed pseudo-random "int8 weights" behind a header,
    /// the same bytes (and so the same SHA-256) on every machine.
    public static func artifactBytes() -> [UInt8] {
        var random = SplitMix64(seed: 0x4544_4745_5052_4F46)
        let header = Array("EDGEPROF-DEMO-MODEL int8 decoder 2x64 vocab 256\n".utf8)
        return header + (0..<(48 * 1024)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }

    static let reference = ModelReference(name: model, version: SemanticVersion(major: 1, minor: 0, patch: 0))
    /// The model the emulated boards' firmware carries (devices/qemu-mps2/firmware).
    static let emulatedReference = ModelReference(name: "tiny-lm", version: SemanticVersion(major: 1, minor: 0, patch: 0))

    private func registeredDemoModel(_ reference: ModelReference, artifactPath: String) async throws(AgentError) -> RegisteredModel {
        let existing: RegisteredModel?
        do { existing = try await store.model(reference) } catch { throw .store(error) }
        guard let existing else { return try await registerDemoModel(reference, artifactPath: artifactPath) }
        let digest = try ArtifactDigest.of(path: artifactPath)
        guard digest.sha256 == existing.artifactSHA256 else {
            throw .modelMismatch(reference, registered: existing.artifactSHA256, board: digest.sha256, boardModel: reference.name)
        }
        return existing
    }

    /// The demo registers its own fixed model as the built-in actor `edgeprof-demo`, which holds
    /// no role and can do nothing else: the demo runs on a fresh machine with no actors set up.
    private func registerDemoModel(_ reference: ModelReference, artifactPath: String) async throws(AgentError) -> RegisteredModel {
        let digest = try ArtifactDigest.of(path: artifactPath)
        let now = Date()
        let model = RegisteredModel(
            id: 0, reference: reference, artifactSHA256: digest.sha256, artifactPath: artifactPath, artifactBytes: digest.bytes, registeredAt: now)
        var metadata = VersionMetadata(author: Self.actor, tags: ["demo"])
        metadata.considerations.intendedUse = "Demonstrating EdgeProf on a simulated or emulated board; not a product model."
        try await GovernanceCommitter(store: store).decide(model: reference.name) { snapshot throws(GovernanceError) in
            GovernanceChange(
                actor: Self.actor, at: now, expectedAuditHead: snapshot.auditHead,
                operations: [
                    .registerVersion(model, metadata: metadata),
                    .transition(StageTransition(reference: reference, from: nil, to: .development, at: now, actor: Self.actor, reason: "registered by edgeprof demo")),
                ])
        }
        return try await ModelRegistrar(store: store).lookUp(reference)
    }

    private func write(_ bytes: [UInt8], to path: String) throws(AgentError) {
        do {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .artifact(path: path, problem: "cannot be written: \(error.localizedDescription)")
        }
    }
}
