import EdgeProfAgent
import EdgeProfCore
import EdgeProfSim
import Foundation
import Testing

/// The fault `edgeprof demo --fleet` injects: a board runs one artifact (by SHA-256) N times
/// slower from then on, as a regression in the field would; other artifacts are untouched, and a
/// factor of 1 lifts it. Measured through the real link, as the host sees it.
@Suite struct InjectedRegressionTests {
    static let sha = String(repeating: "c", count: 64)

    /// The mean iteration of a run of 4 tokens × 8 iterations, in board ticks.
    static func meanIteration(_ board: SimulatedBoard) throws -> Double {
        let transport = try #require(board.memoryTransport())
        let session = LinkSession(transport: transport)
        let (info, model) = try session.handshake()
        let run = try session.run(RunRequest(tokens: 4, iterations: 8, warmup: 0), board: info, model: model)
        #expect(run.iterations.count == 8)
        return run.iterations.map { Double($0.endTicks - $0.startTicks) }.reduce(0, +) / Double(run.iterations.count)
    }

    @Test func aRegressionSlowsOnlyItsArtifactUntilLifted() throws {
        var profile = SimulatedModelProfile()
        profile.artifactSHA256 = Self.sha
        let board = try SimulatedBoard(profile: profile, seed: 3, speed: 0, attachment: .memory)
        board.start()
        defer { board.stop() }
        let before = try Self.meanIteration(board)
        board.injectRegression(artifactSHA256: String(repeating: "d", count: 64), latencyFactor: 3)
        let otherArtifact = try Self.meanIteration(board)
        #expect(abs(otherArtifact / before - 1) < 0.25, "another artifact's regression leaves this one alone: \(otherArtifact / before)")
        board.injectRegression(artifactSHA256: Self.sha, latencyFactor: 3)
        let slowed = try Self.meanIteration(board)
        #expect(slowed / before > 2.5 && slowed / before < 3.5, "three times slower: \(slowed / before)")
        board.injectRegression(artifactSHA256: Self.sha, latencyFactor: 1)
        let lifted = try Self.meanIteration(board)
        #expect(abs(lifted / before - 1) < 0.25, "a factor of 1 lifts it: \(lifted / before)")
    }
}
