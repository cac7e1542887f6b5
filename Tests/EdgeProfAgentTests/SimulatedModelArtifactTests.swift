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
        "",
    ]) func otherBytesAndImpossibleModelsAreRefused(text: String) {
        #expect(SimulatedModelArtifact(bytes: Array(text.utf8)) == nil, "\(text)")
    }
}
