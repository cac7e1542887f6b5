import EdgeProfAgent
import EdgeProfCore
import EdgeProfSim
import EdgeProfStore
import Foundation

/// A fresh SQLite store in a temporary directory, a registered model, and a simulated board carrying it.
struct Bench {
    let directory: URL
    let store: SQLiteEvidenceStore
    let model: RegisteredModel
    var profile = SimulatedModelProfile()

    init(artifact: [UInt8] = Array("test model weights".utf8)) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteEvidenceStore(path: directory.appendingPathComponent("test.sqlite").path)
        let artifactPath = directory.appendingPathComponent("model.bin").path
        _ = FileManager.default.createFile(atPath: artifactPath, contents: Data(artifact))
        // The registry's own rules decide, through the store's synchronous face (tests profile synchronously).
        let store = store
        let now = Date()
        func rules() throws -> GovernanceRules {
            GovernanceRules(snapshot: try store.snapshot(model: "tiny"), policy: GovernancePolicy(), actor: "bench", now: now)
        }
        _ = try store.commit(try rules().addActor(name: "bench", roles: [.dataScientist]))
        let digest = try ArtifactDigest.of(path: artifactPath)
        let reference = try ModelRegistrar.reference(name: "tiny", version: "1.0.0")
        _ = try store.commit(try rules().register(
            RegisteredModel(id: 0, reference: reference, artifactSHA256: digest.sha256, artifactPath: artifactPath, artifactBytes: digest.bytes, registeredAt: now),
            metadata: VersionMetadata()))
        model = try store.registered(reference)
        profile.artifactSHA256 = model.artifactSHA256
    }

    /// A simulated board on a pty; `records` false makes one without Link v1.1 records (ITER/TOK/DONE lines only).
    func board(seed: UInt64 = 3, speed: Double = 0, faults: SimulatedFaults = SimulatedFaults(), records: Bool = true) throws -> SimulatedBoard {
        let board = try SimulatedBoard(profile: profile, seed: seed, speed: speed, faults: faults, records: records)
        board.start()
        return board
    }

    static var fastTimeouts: LinkSession.Timeouts {
        var timeouts = LinkSession.Timeouts()
        timeouts.handshake = .milliseconds(300)
        timeouts.event = .seconds(2)
        return timeouts
    }
}
