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
            switch event.message {
            case .token(_, _, _, let id?)?: ids.append(id)
            case .result(run, _)?: return ids
            default: continue
            }
        }
        return ids
    }

    @Test(arguments: ["qemu-mps2-an385", "qemu-mps2-an386"]) func theBoardInstallsAndRunsAnotherModel(board name: String) async throws {
        try await OffThePool.run { try Self.installsAndRunsAnotherModel(board: name) }
    }

    static func installsAndRunsAnotherModel(board name: String) throws {
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

    /// Each token's tick from its iteration's start.
    static func relativeTokenTicks(_ iteration: RecordedIteration) -> [UInt64] {
        iteration.tokenTicks.map { $0 - iteration.startTicks }
    }

    /// Link v1 `shadow` on real firmware: the retrained tiny-lm loaded as the shadow runs after
    /// each served iteration on the same prompt. The served model's ticks are exactly those of a
    /// run without a shadow (under `-icount` the board is deterministic, so any shadow work inside
    /// the measured window would show), the shadow's tokens are the retrained weights' own, and
    /// UNLOAD returns the board to serving alone. One board: both builds share this firmware code,
    /// and the test above already installs on both.
    @Test(arguments: ["qemu-mps2-an386"]) func theBoardRunsAShadowOutsideTheServedWindow(board name: String) async throws {
        try await OffThePool.run { try Self.runsAShadowOutsideTheServedWindow(board: name) }
    }

    static func runsAShadowOutsideTheServedWindow(board name: String) throws {
        let catalogue = try CatalogueLoader.load(directory: EmulatorSignalTests.devices)
        let entry = try #require(catalogue.entries.first { $0.name == name })
        let retrained = [UInt8](try Data(contentsOf: Self.firmware.appendingPathComponent("tiny-lm-1.1.bin")))
        let retrainedSHA = ArtifactDigest.of(bytes: retrained).sha256
        let request = RunRequest(input: "default", tokens: 8, iterations: 3, warmup: 1)
        try EmulatedBoard.running(entry, catalogueDirectory: EmulatorSignalTests.devices) { board throws(AgentError) in
            let transport: any ByteTransport
            do throws(TransportError) { transport = try TransportOpener.open(path: board.path) } catch { throw .transport(error) }
            defer { transport.close() }
            let session = LinkSession(transport: transport)
            let (info, model) = try session.handshake()
            #expect(info.capabilities.contains("shadow") && info.shadowModel == nil)
            let alone = try session.run(request, board: info, model: model)
            let tokensAlone = try Self.tokens(session, request)

            let shadowModel = try session.install(artifact: retrained, sha256: retrainedSHA, model: "tiny-lm", quantization: "int8", slot: .shadow)
            #expect(shadowModel == BoardModelInfo(model: "tiny-lm", artifactSHA256: retrainedSHA, quantization: "int8"))
            let (shadowed, served) = try session.handshake()
            #expect(served == model, "the flashed model still serves")
            #expect(shadowed.shadowModel == shadowModel, "the handshake announces the shadow")
            let beside = try session.run(request, board: shadowed, model: served)
            guard let shadow = beside.shadow else {
                Issue.record("the run recorded no shadow")
                return
            }
            #expect(beside.iterations.map { $0.endTicks - $0.startTicks } == alone.iterations.map { $0.endTicks - $0.startTicks },
                    "the served latencies are tick for tick those of a run without a shadow")
            #expect(beside.iterations.map(Self.relativeTokenTicks) == alone.iterations.map(Self.relativeTokenTicks))
            #expect(shadow.iterations.count == 3 && beside.totals?.shadowIterations == 4)
            let summary = ShadowSummary(run: beside, shadow: shadow)
            #expect((summary.tokenAgreement ?? 1) < 1, "other weights generate other tokens: \(String(describing: summary.tokenAgreement))")
            let shadowTokens = shadow.iterations.first?.tokenIDs ?? []
            #expect(shadowTokens.count == 8 && shadowTokens != Array(tokensAlone.prefix(8)), "\(shadowTokens) vs \(tokensAlone)")
            #expect((beside.totals?.ramPeakBytes ?? 0) == (alone.totals?.ramPeakBytes ?? 0) + UInt64(retrained.count), "the shadow's bytes count in the peak while it is loaded")

            try session.unloadShadow()
            #expect(try session.handshake().0.shadowModel == nil)
            let after = try session.run(request, board: info, model: model)
            #expect(after.shadow == nil && after.totals?.shadowIterations == nil)
            #expect(after.iterations.map { $0.endTicks - $0.startTicks } == alone.iterations.map { $0.endTicks - $0.startTicks })
        }
    }
}
