import EdgeProfCore
import Testing

/// Link v1 shadow runs (SPEC §2, "Shadow"; §4): the recorder keeps a shadow iteration only when
/// it arrived whole right after the measured serving iteration it shadows, compares their tokens,
/// and never lets a shadow line touch the serving figures.
@Suite struct ShadowRecorderTests {
    static let shadowModel = BoardModelInfo(model: "lm", artifactSHA256: String(repeating: "b", count: 64), quantization: "int8")
    let model = BoardModelInfo(model: "lm", artifactSHA256: String(repeating: "a", count: 64), quantization: "int8")
    let request = RunRequest(tokens: 3, iterations: 2, warmup: 1)

    func board(shadow: BoardModelInfo? = Self.shadowModel) -> BoardInfo {
        var board = BoardInfo(
            protocolVersion: 1, board: "b", serial: "s", firmwareVersion: "1", firmwareBuild: "x", clockHz: 1, tickHz: 1000,
            ramBytes: 1, flashBytes: 1, capabilities: ["tokens", "serve", "install", "shadow"])
        board.shadowModel = shadow
        return board
    }

    /// One serving iteration (ids `served`) followed by its shadow (ids `shadowed`), 4 + 5 lines from `first`.
    func iterationWithShadow(_ index: UInt32, warmup: Bool = false, start: UInt64, served: [UInt64], shadowed: [UInt64]) -> [DeviceMessage] {
        var lines: [DeviceMessage] = [.iteration(index: index, warmup: warmup, ticks: start)]
        for (position, id) in served.enumerated() {
            lines.append(.token(iteration: index, index: UInt32(position), ticks: start + 10 * UInt64(position + 1), tokenID: id))
        }
        lines.append(.done(iteration: index, ticks: start + 10 * UInt64(served.count), tokens: UInt32(served.count), energyNanojoules: nil))
        let shadowStart = start + 10 * UInt64(served.count) + 1
        lines.append(.shadowIteration(index: index, ticks: shadowStart))
        for (position, id) in shadowed.enumerated() {
            lines.append(.shadowToken(iteration: index, index: UInt32(position), ticks: shadowStart + 20 * UInt64(position + 1), tokenID: id))
        }
        lines.append(.shadowDone(iteration: index, ticks: shadowStart + 20 * UInt64(shadowed.count), tokens: UInt32(shadowed.count), energyNanojoules: nil))
        return lines
    }

    func record(_ lines: [DeviceMessage], board: BoardInfo? = nil, skipping skipped: Set<Int> = [], aborted: Bool = false) -> RecordedRun {
        var recorder = RunRecorder(request: request, board: board ?? self.board(), model: model, runSequence: 5, startSequence: 10)
        var sequence: UInt16 = 11
        for (position, message) in lines.enumerated() {
            defer { sequence += 1 }
            if skipped.contains(position) { continue }
            _ = recorder.receive(message, sequence: sequence)
        }
        _ = recorder.receive(.result(replyTo: 5, RunTotals(aborted: aborted, iterations: aborted ? 1 : 2, tokens: 6, shadowIterations: 3)), sequence: sequence)
        return recorder.recording()
    }

    var threeIterations: [DeviceMessage] {
        iterationWithShadow(0, warmup: true, start: 0, served: [1, 2, 3], shadowed: [1, 2, 3])
            + iterationWithShadow(1, start: 200, served: [1, 2, 3], shadowed: [1, 9, 3])
            + iterationWithShadow(2, start: 400, served: [1, 2, 3], shadowed: [7, 8, 9])
    }

    @Test func wholeShadowsAreKeptAndComparedTokenByToken() throws {
        let run = record(threeIterations)
        #expect(run.status == .complete)
        #expect(run.iterations.map(\.index) == [1, 2], "the serving figures are the serving iterations'")
        #expect(run.iterations.map { $0.endTicks - $0.startTicks } == [30, 30], "a shadow never stretches a serving window")
        let shadow = try #require(run.shadow)
        #expect(shadow.model == Self.shadowModel)
        #expect(shadow.iterations.map(\.index) == [1, 2], "the warmup's shadow is neither kept nor counted as lost")
        #expect(shadow.discardedIterations == 0)
        #expect(shadow.iterations.map(\.matchingTokens) == [2, 0])
        #expect(shadow.iterations.map(\.tokenIDs) == [[1, 9, 3], [7, 8, 9]])
        #expect(shadow.iterations.map { $0.endTicks - $0.startTicks } == [60, 60])
        #expect(run.totals?.shadowIterations == 3)

        let summary = ShadowSummary(run: run, shadow: shadow)
        #expect(summary.tokenAgreement == 2.0 / 6.0)
        #expect(summary.identicalIterations == 0)
        #expect(summary.latencyMs?.p50 == 60)
        #expect(summary.servingLatencyMs?.p50 == 30)
        #expect(summary.latencyRatio == 2)
    }

    @Test func aLostShadowLineLosesOnlyThatShadow() throws {
        let lines = threeIterations
        let lostShadowToken = 10 + 7  // iteration 1's second shadow token (10 lines per iteration)
        guard case .shadowToken(1, 1, _, _) = lines[lostShadowToken] else { Issue.record("wrong line \(lines[lostShadowToken])"); return }
        let run = record(lines, skipping: [lostShadowToken])
        #expect(run.iterations.map(\.index) == [1, 2], "the serving iterations are whole")
        #expect(run.link.lostLines == 1)
        #expect(run.shadow?.iterations.map(\.index) == [2])
        #expect(run.shadow?.discardedIterations == 1)
    }

    @Test func aShadowOfADamagedServingIterationIsNotKept() throws {
        let lostServingToken = 10 + 2  // iteration 1's second serving token
        let run = record(threeIterations, skipping: [lostServingToken])
        #expect(run.iterations.map(\.index) == [2])
        #expect(run.shadow?.iterations.map(\.index) == [2], "without its serving twin a shadow cannot be compared")
        #expect(run.shadow?.discardedIterations == 1)
    }

    @Test func aShadowCutShortOrMisnumberedIsDiscarded() throws {
        var lines = threeIterations
        // Iteration 1's shadow claims 4 tokens but sent 3; iteration 2's shadow is numbered 5.
        lines[10 + 9] = .shadowDone(iteration: 1, ticks: 400, tokens: 4, energyNanojoules: nil)
        lines[20 + 5] = .shadowIteration(index: 5, ticks: 431)
        let run = record(lines)
        #expect(run.iterations.map(\.index) == [1, 2])
        #expect(run.shadow?.iterations.isEmpty == true)
        #expect(run.shadow?.discardedIterations == 2)
    }

    @Test func anAbortDropsTheShadowOfTheIterationItCut() throws {
        let run = record(threeIterations, aborted: true)
        #expect(run.iterations.map(\.index) == [1], "RESULT iters=1 of an aborted run: iteration 2 was cut short")
        #expect(run.shadow?.iterations.map(\.index) == [1])
    }

    @Test func withoutAnAnnouncedShadowTheLinesAreIgnored() {
        let run = record(threeIterations, board: board(shadow: nil))
        #expect(run.shadow == nil)
        #expect(run.iterations.map(\.index) == [1, 2])
        #expect(run.link.unknownVerbs == 0, "shadow lines are known verbs, never counted as unknown")
    }

    @Test func theShadowLinesDecodeAndEncode() throws {
        let sha = String(repeating: "c", count: 64)
        func decode(_ frame: LinkFrame) throws -> DeviceMessage {
            let bytes = frame.encoded()
            return try DeviceMessage(frame: try #require(try LinkLineParser.parse(bytes.last == 10 ? Array(bytes.dropLast()) : bytes)))
        }
        var shadow = LinkFrameBuilder(verb: "SHADOW", sequence: 3)
        shadow.add("re", 2)
        shadow.add("model", text: "lm")
        shadow.add("sha256", text: sha)
        shadow.add("quant", text: "int8")
        #expect(try decode(shadow.frame) == .shadow(replyTo: 2, BoardModelInfo(model: "lm", artifactSHA256: sha, quantization: "int8")))
        var none = LinkFrameBuilder(verb: "SHADOW", sequence: 4)
        none.add("re", 2)
        none.add("sha256", text: "none")
        #expect(try decode(none.frame) == .shadow(replyTo: 2, nil))
        var bad = LinkFrameBuilder(verb: "SHADOW", sequence: 5)
        bad.add("re", 2)
        bad.add("sha256", text: "abc")
        bad.add("model", text: "lm")
        bad.add("quant", text: "int8")
        #expect(throws: LinkMessageError.self) { try decode(bad.frame) }
        var result = LinkFrameBuilder(verb: "RESULT", sequence: 6)
        result.add("re", 1)
        result.add("status", text: "ok")
        result.add("iters", 1)
        result.add("tokens", 1)
        result.add("shadow_iters", 4_294_967_296)
        #expect(throws: LinkMessageError.self, "shadow_iters past u32 is malformed, not clamped") { try decode(result.frame) }

        let load = HostCommand.load(size: 10, sha256: sha, model: "lm", quantization: "int8", slot: .shadow).frame(sequence: 7)
        #expect(load["slot"] == "shadow")
        #expect(HostCommand.load(size: 10, sha256: sha, model: "lm", quantization: "int8").frame(sequence: 7)["slot"] == nil,
                "a serving install says nothing of slots, so firmware without the shadow capability reads it as before")
        #expect(String(decoding: HostCommand.unloadShadow.frame(sequence: 8).encoded(), as: UTF8.self).hasPrefix("UNLOAD 8 slot=shadow *"))
    }
}
