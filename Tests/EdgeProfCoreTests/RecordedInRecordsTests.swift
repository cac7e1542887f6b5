import EdgeProfCore
import Testing

/// A run reported in Link v1.1 records is recorded exactly as the same run in ITER/TOK/DONE
/// lines, and a lost or out-of-place REC line loses only its iteration.
@Suite struct RecordedInRecordsTests {
    let board = BoardInfo(
        protocolVersion: 1, board: "b", serial: "s", firmwareVersion: "1", firmwareBuild: "x", clockHz: 1, tickHz: 1000,
        ramBytes: 1, flashBytes: 1, capabilities: ["tokens", "records"])
    let model = BoardModelInfo(model: "m", artifactSHA256: String(repeating: "a", count: 64), quantization: "int8")
    let request = RunRequest(tokens: 3, iterations: 4, warmup: 1)
    let totals = RunTotals(aborted: false, iterations: 4, tokens: 12, ramPeakBytes: 1024)

    /// Iteration `index`: start, three token ticks, end, energy.
    func timings(_ index: UInt32) -> (start: UInt64, ticks: [UInt64], end: UInt64, energy: UInt64) {
        let start = 1_000 + UInt64(index) * 500
        return (start, [start + 90, start + 90, start + 170 + UInt64(index)], start + 200, 7_000 + UInt64(index))
    }

    func lines(_ index: UInt32) -> [DeviceMessage] {
        let t = timings(index)
        return [.iteration(index: index, warmup: index == 0, ticks: t.start)]
            + t.ticks.enumerated().map { .token(iteration: index, index: UInt32($0.offset), ticks: $0.element, tokenID: UInt64($0.offset) + 40) }
            + [.done(iteration: index, ticks: t.end, tokens: 3, energyNanojoules: t.energy)]
    }

    /// Iteration `index` in REC lines of at most `perLine` tokens, each through its encoded frame.
    func records(_ index: UInt32, perLine: Int = 3) throws -> [DeviceMessage] {
        let t = timings(index)
        var out: [DeviceMessage] = []
        var previous = t.start
        for first in stride(from: 0, to: t.ticks.count, by: perLine) {
            let slice = Array(t.ticks[first..<min(first + perLine, t.ticks.count)])
            let deltas = zip(slice, [previous] + slice.dropLast()).map { $0 - $1 }
            previous = slice.last ?? previous
            let ends = first + perLine >= t.ticks.count
            let record = IterationRecord(
                iteration: index, warmup: index == 0, startTicks: first == 0 ? t.start : nil, firstToken: UInt32(first),
                tokenDeltas: deltas, tokenIDs: (first..<first + slice.count).map { UInt64($0) + 40 },
                endDelta: ends ? t.end - previous : nil, energyNanojoules: ends ? t.energy : nil)
            var builder = LinkFrameBuilder(verb: "REC", sequence: 0)
            builder.add("it", UInt64(index))
            builder.add("d", text: IterationRecordCodec.encode(record))
            let frame = try #require(try LinkLineParser.parse(Array(builder.frame.encoded().dropLast())))
            out.append(try DeviceMessage(frame: frame))
        }
        return out
    }

    func record(_ messages: [DeviceMessage], skipping lost: Set<Int> = []) -> RecordedRun {
        var recorder = RunRecorder(request: request, board: board, model: model, runSequence: 5, startSequence: 10)
        var sequence: UInt16 = 11
        for (position, message) in messages.enumerated() {
            defer { sequence &+= 1 }
            if lost.contains(position) { continue }
            _ = recorder.receive(message, sequence: sequence)
        }
        _ = recorder.receive(.result(replyTo: 5, totals), sequence: sequence)
        return recorder.recording()
    }

    @Test func recordsAndLinesRecordTheSameRun() throws {
        let asLines = record((0..<5).flatMap(lines))
        for perLine in [1, 2, 3] {
            let asRecords = record(try (0..<5).flatMap { try records($0, perLine: perLine) })
            #expect(asRecords.iterations == asLines.iterations, "\(perLine) tokens per REC line")
            #expect(asRecords.warmupIterations == 1 && asRecords.discardedIterations == 0 && asRecords.status == .complete)
        }
        #expect(asLines.iterations.count == 4)
    }

    @Test func aLostContinuationLosesOnlyItsIteration() throws {
        let messages = try (0..<5).flatMap { try records($0, perLine: 2) }  // two REC lines per iteration
        let run = record(messages, skipping: [5])  // the second line of iteration 2
        #expect(run.iterations.map(\.index) == [1, 3, 4])
        #expect(run.discardedIterations == 1)
        #expect(run.link.lostLines == 1)
    }

    @Test func aContinuationOutOfPlaceIsNotStitchedOn() throws {
        var messages = try (0..<5).flatMap { try records($0, perLine: 2) }
        messages.swapAt(3, 5)  // iteration 1's and iteration 2's second lines trade places
        let run = record(messages)
        #expect(run.iterations.map(\.index) == [3, 4], "neither iteration takes the other's tokens")
        #expect(run.discardedIterations == 2)
    }

    @Test func recordsWhoseIndicesOrTicksOverflowAreRefused() throws {
        var cursor = RecordCursor()
        #expect(cursor.expand(IterationRecord(iteration: 1, startTicks: 0, firstToken: .max, tokenDeltas: [1], endDelta: 0)) == nil)
        #expect(cursor.expand(IterationRecord(iteration: 1, startTicks: .max - 1, tokenDeltas: [1, 1], endDelta: 0)) == nil)
        var blob: [UInt8] = [0x01]  // begins; first and count as the largest varints: their sum overflows
        for _ in 0..<2 { blob += [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01] }
        let text = IterationRecordCodec.base64URLEncode(blob)
        #expect(throws: IterationRecordError.self) { _ = try IterationRecordCodec.decode(iteration: 0, blob: text.utf8) }
    }

    @Test func shadowRecordsBecomeShadowEvents() throws {
        let record = IterationRecord(iteration: 4, shadow: true, startTicks: 10, tokenDeltas: [5, 0], tokenIDs: [1, 2], endDelta: 3)
        var cursor = RecordCursor()
        #expect(cursor.expand(record) == [
            .shadowIteration(index: 4, ticks: 10), .shadowToken(iteration: 4, index: 0, ticks: 15, tokenID: 1),
            .shadowToken(iteration: 4, index: 1, ticks: 15, tokenID: 2), .shadowDone(iteration: 4, ticks: 18, tokens: 2, energyNanojoules: nil),
        ])
    }
}
