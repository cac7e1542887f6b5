import EdgeProfCore
import Testing

/// The recorder keeps only whole iterations and says why a run is partial.
@Suite struct RunRecorderTests {
    let board = BoardInfo(
        protocolVersion: 1, board: "b", serial: "s", firmwareVersion: "1", firmwareBuild: "x", clockHz: 1, tickHz: 1000,
        ramBytes: 1, flashBytes: 1, capabilities: ["tokens"])
    let model = BoardModelInfo(model: "m", artifactSHA256: String(repeating: "a", count: 64), quantization: "int8")
    let request = RunRequest(tokens: 2, iterations: 2, warmup: 1)

    func recorder() -> RunRecorder {
        RunRecorder(request: request, board: board, model: model, runSequence: 5, startSequence: 10)
    }

    /// The lines of one iteration, with the board's sequence numbers from `first`.
    func iteration(_ index: UInt32, warmup: Bool = false, start: UInt64, first: UInt16) -> [(DeviceMessage, UInt16)] {
        [
            (.iteration(index: index, warmup: warmup, ticks: start), first),
            (.token(iteration: index, index: 0, ticks: start + 10, tokenID: nil), first + 1),
            (.token(iteration: index, index: 1, ticks: start + 15, tokenID: nil), first + 2),
            (.done(iteration: index, ticks: start + 15, tokens: 2, energyNanojoules: nil), first + 3),
        ]
    }

    let result = RunTotals(aborted: false, iterations: 2, tokens: 4, ramPeakBytes: 1024)

    @Test func wholeRunIsComplete() {
        var recorder = recorder()
        for (message, sequence) in iteration(0, warmup: true, start: 0, first: 11) + iteration(1, start: 20, first: 15) + iteration(2, start: 40, first: 19) {
            #expect(recorder.receive(message, sequence: sequence) == .running)
        }
        #expect(recorder.receive(.result(replyTo: 5, result), sequence: 23) == .finished)
        let run = recorder.recording()
        #expect(run.status == .complete)
        #expect(run.warmupIterations == 1)
        #expect(run.iterations.map(\.tokenTicks) == [[30, 35], [50, 55]])
        #expect(run.link.lostLines == 0)
    }

    @Test func aLostLineDiscardsOnlyItsIteration() {
        var recorder = recorder()
        var lines = iteration(1, start: 20, first: 11) + iteration(2, start: 40, first: 15)
        lines.remove(at: 2)  // the second token of iteration 1 never arrives
        for (message, sequence) in lines { _ = recorder.receive(message, sequence: sequence) }
        _ = recorder.receive(.result(replyTo: 5, result), sequence: 19)
        let run = recorder.recording()
        #expect(run.link.lostLines == 1)
        #expect(run.discardedIterations == 1)
        #expect(run.iterations.map(\.index) == [2])
        #expect(run.status == .partial, "1 of 2 requested iterations measured whole is under the 90 % a complete run needs")
        #expect(run.partialReason?.hasPrefix("only 1 of 2 requested iterations were measured whole") == true, "\(run.partialReason ?? "")")
    }

    @Test func aCorruptedLineDiscardsItsIteration() {
        var recorder = recorder()
        let lines = iteration(1, start: 20, first: 11)
        _ = recorder.receive(lines[0].0, sequence: lines[0].1)
        recorder.dropped(.crc(received: 1, computed: 2))
        for (message, sequence) in lines.dropFirst(2) { _ = recorder.receive(message, sequence: sequence) }
        let run = recorder.recording(endedEarly: "test")
        #expect(run.link.crcErrors == 1)
        #expect(run.iterations.isEmpty)
        #expect(run.discardedIterations == 1)
    }

    @Test func aResetEndsTheRunAsPartial() {
        var recorder = recorder()
        for (message, sequence) in iteration(1, start: 20, first: 11) { _ = recorder.receive(message, sequence: sequence) }
        let progress = recorder.receive(.ready(protocolVersion: 1, board: "b", firmware: "1"), sequence: 0)
        guard case .ended(let reason) = progress else {
            Issue.record("a READY mid-run must end the run")
            return
        }
        let run = recorder.recording(endedEarly: reason)
        #expect(run.status == .partial)
        #expect(run.partialReason == "the board restarted mid-run (READY banner)")
        #expect(run.iterations.count == 1, "what arrived whole is kept")
    }

    @Test func anAbortedResultIsPartialAndTheBoardsErrorEndsTheRun() {
        var recorder = recorder()
        _ = recorder.receive(.result(replyTo: 5, RunTotals(aborted: true, iterations: 0, tokens: 0)), sequence: 11)
        #expect(recorder.recording().partialReason == "the run was aborted")
        var failing = self.recorder()
        #expect(failing.receive(.error(replyTo: 5, code: "model", message: "arena too small"), sequence: 11) == .ended(reason: "the board reported model: arena too small"))
        #expect(failing.receive(.error(replyTo: nil, code: "crc", message: "x"), sequence: 12) == .running, "a notice not about this run does not end it")
    }

    @Test func theIterationAnAbortCutShortIsDiscardedWhereverItArrives() {
        var recorder = recorder()
        let cut: [(DeviceMessage, UInt16)] = [
            (.iteration(index: 2, warmup: false, ticks: 40), 19),
            (.token(iteration: 2, index: 0, ticks: 50, tokenID: nil), 20),
            (.done(iteration: 2, ticks: 50, tokens: 1, energyNanojoules: nil), 21),
        ]
        for (message, sequence) in iteration(0, warmup: true, start: 0, first: 11) + iteration(1, start: 20, first: 15) + cut {
            _ = recorder.receive(message, sequence: sequence)
        }
        #expect(recorder.measured.count == 2, "the cut iteration's DONE is whole as far as the link can tell")
        _ = recorder.receive(.result(replyTo: 5, RunTotals(aborted: true, iterations: 1, tokens: 3)), sequence: 22)
        let run = recorder.recording(endedEarly: "interrupted")
        #expect(run.iterations.map(\.index) == [1], "warmup 1 + 1 finished: iteration 2 was cut short")
        #expect(run.discardedIterations == 1)
        #expect(run.status == .partial)

        var finished = self.recorder()
        for (message, sequence) in iteration(0, warmup: true, start: 0, first: 11) + iteration(1, start: 20, first: 15) {
            _ = finished.receive(message, sequence: sequence)
        }
        _ = finished.receive(.result(replyTo: 5, RunTotals(aborted: true, iterations: 1, tokens: 2)), sequence: 19)
        #expect(finished.recording().iterations.map(\.index) == [1], "an abort between iterations loses nothing")
    }
}
