import EdgeProfAgent
import EdgeProfCore
import EdgeProfHardware
import EdgeProfSim
import Foundation
import Testing

/// The bytes a simulated board installs: a simulated model document sets the behaviour of the
/// model it then runs; anything else, or an impossible model, is refused as firmware refuses an
/// artifact it cannot run.
@Suite struct SimulatedModelArtifactTests {
    @Test func aDocumentSetsWhatItNamesAndKeepsTheRest() throws {
        let bytes = Array(#"{"format":"edgeprof-sim-model/1","tokenMedianMs":16,"stackPeakBytes":4096,"activePowerMilliwatts":30}"#.utf8)
        let artifact = try #require(SimulatedModelArtifact(bytes: bytes))
        var board = SimulatedModelProfile()
        board.firstTokenMedianMs = 21
        let installed = artifact.installed(on: board, model: "kws", quantization: "int4", sha256: String(repeating: "b", count: 64))
        #expect(installed.tokenMedianMs == 16 && installed.stackPeakBytes == 4096 && installed.activePowerMilliwatts == 30)
        #expect(installed.firstTokenMedianMs == 21, "a field the document leaves out keeps the board's")
        #expect(installed.model == "kws" && installed.quantization == "int4" && installed.artifactSHA256 == String(repeating: "b", count: 64))
        board.activePowerMilliwatts = nil
        #expect(artifact.installed(on: board, model: "kws", quantization: "int4", sha256: "").activePowerMilliwatts == nil,
                "a board without a power sensor does not gain one from a model")
        #expect(SimulatedModelArtifact(bytes: SimulatedModelArtifact(tokenMedianMs: 16).bytes)?.tokenMedianMs == 16, "its own bytes read back")
        #expect(SimulatedModelArtifact(tokenMedianMs: 16).bytes == SimulatedModelArtifact(tokenMedianMs: 16).bytes, "the same artifact, the same bytes")
    }

    @Test(arguments: [
        "int8 weights",
        #"{"tokenMedianMs":16}"#,
        #"{"format":"edgeprof-sim-model/2","tokenMedianMs":16}"#,
        #"{"format":"edgeprof-sim-model/1","tokenMedianMs":-1}"#,
        #"{"format":"edgeprof-sim-model/1","tokenMedianMs":1e300}"#,
        #"{"format":"edgeprof-sim-model/1","tokenSigma":5}"#,
        #"{"format":"edgeprof-sim-model/1","activePowerMilliwatts":0}"#,
        #"{"format":"edgeprof-sim-model/1","stackPeakBytes":-4}"#,
        #"{"format":"edgeprof-sim-model/1","outputDivergence":1.5}"#,
        #"{"format":"edgeprof-sim-model/1","outputDivergence":-0.1}"#,
        "",
    ]) func otherBytesAndImpossibleModelsAreRefused(text: String) {
        #expect(SimulatedModelArtifact(bytes: Array(text.utf8)) == nil, "\(text)")
    }

    /// A shadow whose own timeline runs ahead of the served one (idle gaps far longer than the
    /// served iterations) still follows each served iteration: the board keeps only its distances.
    @Test func aShadowWithLongGapsFollowsEachServedIteration() throws {
        let shadow = Array(#"{"format":"edgeprof-sim-model/1","iterationGapMs":5000,"tokenMedianMs":2,"outputDivergence":1}"#.utf8)
        let sha = ArtifactDigest.of(bytes: shadow).sha256
        let board = try SimulatedBoard(profile: SimulatedModelProfile(), seed: 9, speed: 0)
        board.start()
        defer { board.stop() }
        let transport = try TransportOpener.open(path: board.path)
        defer { transport.close() }
        let session = LinkSession(transport: transport, timeouts: Bench.fastTimeouts)
        _ = try session.install(artifact: shadow, sha256: sha, model: "kws", quantization: "int8", slot: .shadow)
        let (info, model) = try session.handshake()
        let run = try session.run(RunRequest(tokens: 4, iterations: 6, warmup: 0), board: info, model: model)
        let recorded = try #require(run.shadow)
        #expect(recorded.iterations.count == 6 && run.iterations.count == 6)
        for (served, shadowed) in zip(run.iterations, recorded.iterations) {
            #expect(shadowed.startTicks > served.endTicks && shadowed.endTicks >= shadowed.startTicks)
            #expect(shadowed.matchingTokens == 0, "a model that always departs never agrees")
        }
        for (shadowed, next) in zip(recorded.iterations, run.iterations.dropFirst()) {
            #expect(next.startTicks > shadowed.endTicks, "the next served iteration starts after the shadow")
        }
    }
}
