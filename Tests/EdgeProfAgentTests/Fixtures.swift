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
        try GovernanceService(store: store, policy: GovernancePolicy(), policyFile: nil, actor: "bench").addActor(name: "bench", roles: [.dataScientist])
        model = try ModelRegistrar(store: store).register(name: "tiny", version: "1.0.0", artifactPath: artifactPath, actor: "bench")
        profile.artifactSHA256 = model.artifactSHA256
    }

    func board(seed: UInt64 = 3, speed: Double = 0, faults: SimulatedFaults = SimulatedFaults()) throws -> SimulatedBoard {
        let board = try SimulatedBoard(profile: profile, seed: seed, speed: speed, faults: faults)
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
