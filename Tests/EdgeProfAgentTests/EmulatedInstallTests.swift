@testable import EdgeProfAgent
import EdgeProfCore
import EdgeProfHardware
import Foundation
import Testing

/// Issue 14 §3 on real firmware: the QEMU boards take another tiny-lm over Link v1 (LOAD, DATA,
/// COMMIT), check its SHA-256 on the device, and really switch — the handshake announces the new
/// artifact and the tokens it generates are the new weights' — while bytes that do not match,
/// or that are not a tiny-lm, leave the flashed model in place.
@Suite(.serialized) struct EmulatedInstallTests {
    static let firmware = URL(fileURLWithPath: EmulatorSignalTests.devices).appendingPathComponent("qemu-mps2/firmware/build")

    /// The token ids one RUN generates (the recorder keeps only their ticks).
    static func tokens(_ session: LinkSession, _ request: RunRequest) throws(AgentError) -> [UInt64] {
        let run = try session.send(.run(request))
        var ids: [UInt64] = []
        let deadline = ContinuousClock.now + .seconds(20)
        while let event = try session.read(before: deadline) {
            guard case .frame(let frame) = event else { continue }
            switch try? DeviceMessage(frame: frame) {
            case .token(_, _, _, let id?)?: ids.append(id)
            case .result(run, _)?: return ids
            default: continue
            }
        }
        return ids
    }

    @Test(arguments: ["qemu-mps2-an385", "qemu-mps2-an386"]) func theBoardInstallsAndRunsAnotherModel(board name: String) throws {
        let catalogue = try CatalogueLoader.load(directory: EmulatorSignalTests.devices)
        let entry = try #require(catalogue.entries.first { $0.name == name })
        let flashed = try Data(contentsOf: Self.firmware.appendingPathComponent("tiny-lm.bin"))
        let retrained = [UInt8](try Data(contentsOf: Self.firmware.appendingPathComponent("tiny-lm-1.1.bin")))
        let retrainedSHA = ArtifactDigest.of(bytes: retrained).sha256
        let request = RunRequest(input: "default", tokens: 8, iterations: 1, warmup: 0)
        try EmulatedBoard.running(entry, catalogueDirectory: EmulatorSignalTests.devices) { board throws(AgentError) in
            let transport: any ByteTransport
            do throws(TransportError) { transport = try TransportOpener.open(path: board.path) } catch { throw .transport(error) }
            defer { transport.close() }
            let session = LinkSession(transport: transport)
            let (info, model) = try session.handshake()
            #expect(info.capabilities.contains("install"))
            #expect(model.artifactSHA256 == ArtifactDigest.of(bytes: Array(flashed)).sha256)
            let before = try session.run(request, board: info, model: model)
            let tokensBefore = try Self.tokens(session, request)

            var wrong = retrained
            wrong[100] ^= 1
            #expect(throws: AgentError.self, "bytes that are not the announced ones are refused by the board") {
                _ = try session.install(artifact: wrong, sha256: retrainedSHA, model: "tiny-lm", quantization: "int8")
            }
            let notAModel = Array("not a tiny-lm".utf8)
            #expect(throws: AgentError.self, "an artifact the firmware cannot run is refused") {
                _ = try session.install(artifact: notAModel, sha256: ArtifactDigest.of(bytes: notAModel).sha256, model: "tiny-lm", quantization: "int8")
            }
            #expect(try session.handshake().1 == model, "after both refusals the flashed model is still the one announced")

            let installed = try session.install(artifact: retrained, sha256: retrainedSHA, model: "tiny-lm", quantization: "int8")
            #expect(installed == BoardModelInfo(model: "tiny-lm", artifactSHA256: retrainedSHA, quantization: "int8"))
            let (_, announced) = try session.handshake()
            #expect(announced == installed, "the handshake announces the installed artifact")
            let after = try session.run(request, board: info, model: announced)
            let tokensAfter = try Self.tokens(session, request)
            #expect(tokensBefore.count == 8 && tokensAfter.count == 8)
            #expect(tokensBefore != tokensAfter, "other weights generate other tokens: \(tokensBefore) vs \(tokensAfter)")
            let peakBefore = before.totals?.ramPeakBytes ?? 0
            let peakAfter = after.totals?.ramPeakBytes ?? 0
            #expect(peakAfter == peakBefore + UInt64(retrained.count), "the model now lives in RAM and counts in the peak: \(peakBefore) → \(peakAfter)")
        }
    }
}
