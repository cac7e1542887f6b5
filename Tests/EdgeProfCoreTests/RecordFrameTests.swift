import EdgeProfCore
import Testing

/// Link v1.2 record frames (SPEC §8): the Swift reader reproduces every frame the Python oracle
/// wrote and spells them back byte for byte, refuses every broken frame, keeps its place among
/// text lines in a stream, and never takes a single-bit error for a frame.
@Suite struct RecordFrameTests {
    /// The frames of a vector row, each with its `\n`: escapes keep `\n` out of a frame's inside.
    static func frames(_ bytes: [UInt8]) -> [[UInt8]] {
        bytes.split(separator: 0x0A).map { Array($0) + [0x0A] }
    }

    @Test func readsAndSpellsEveryFrameTheOracleWrote() throws {
        let rows = try VectorFiles.rows("record-frames.tsv")
        #expect(rows.count >= 12)
        var allEscapes = 0
        for row in rows {
            let expected = IterationRecordTests.Report(
                iteration: try #require(UInt32(row[1])), warmup: row[2] == "1", shadow: row[3] == "1", start: try #require(UInt64(row[4])),
                ticks: IterationRecordTests.numbers(row[5]),
                ids: row[6] == "-" || IterationRecordTests.numbers(row[5]).isEmpty ? nil : IterationRecordTests.numbers(row[6]),
                end: try #require(UInt64(row[7])), energy: UInt64(row[8]))
            let bytes = VectorFiles.bytes(row[9])
            var sequence = try #require(UInt16(row[0]))
            var records: [IterationRecord] = []
            var escapes = 0
            for frame in Self.frames(bytes) {
                #expect(frame.count - 1 <= LinkFrame.maximumLineLength, "every frame fits in a line")
                guard case .message(let received, .record(let record), let byteCount) = LinkLineDecoder.decode(Array(frame.dropLast())) else {
                    Issue.record("row seq \(row[0]): a frame was not read: \(frame)")
                    break
                }
                #expect(received == sequence && byteCount == frame.count)
                #expect(RecordFrameCodec.encode(sequence: received, record) == frame, "the Swift writer spells the frame as the oracle does")
                escapes += frame.count(where: { $0 == 0x1B })
                records.append(record)
                sequence &+= 1
            }
            #expect(IterationRecordTests.report(fromRecords: records) == expected, "row seq \(row[0])")
            if expected.ticks.count == 16 {
                // The issue's budget, on the whole frame: a 16-token iteration costs at most 4 bytes a token on
                // the wire, plus a byte for each escape (one row escapes every id on purpose).
                #expect(bytes.count - escapes <= 16 * 4, "\(bytes.count) bytes (\(escapes) escapes) for a 16-token iteration")
            }
            allEscapes += escapes
        }
        #expect(allEscapes >= 6, "the vectors exercise the escapes")
    }

    @Test func refusesEveryBrokenFrame() throws {
        let rows = try VectorFiles.rows("record-frame-errors.tsv")
        #expect(rows.count >= 12)
        for row in rows {
            let line = VectorFiles.bytes(row[1])
            switch LinkLineDecoder.decode(line) {
            case .dropped?:
                #expect(!row[0].hasPrefix("record_"), "\(row[0]) is a checked frame with a malformed record")
            case .malformed(let sequence, let error)?:
                #expect(row[0].hasPrefix("record_") && sequence == 3, "\(row[0]): \(error)")
                #expect(error.verb == "REC")
            case let other:
                Issue.record("\(row[0]) was accepted: \(String(describing: other))")
            }
        }
    }

    /// A stream that mixes text lines, frames, CRLF and garbage decodes the same whatever the
    /// chunks it arrives in.
    @Test func framesAndLinesShareAStream() throws {
        let record = IterationRecord(iteration: 10, startTicks: 0x0A0D, tokenDeltas: [0x1B, 0x0A, 13], tokenIDs: [10, 13, 27], endDelta: 10)
        var frame = RecordFrameCodec.encode(sequence: 0x0A1B, record)
        frame.insert(0x0D, at: frame.count - 1)
        let pong = Array("PONG 2587 re=1 t=5 *".utf8)
        let pongLine = pong + Array(String(LinkCRC16.checksum(pong.dropLast(2)), radix: 16, uppercase: true).leftPadded(to: 4).utf8) + [0x0A]
        let stream = pongLine + frame + [0x1E, 0x41, 0x0A] + RecordFrameCodec.encode(sequence: 0x0A1C, record) + pongLine
        for chunk in [1, 2, 7, stream.count] {
            var decoder = LinkStreamDecoder()
            var out: [LinkDecodedLine] = []
            var start = 0
            while start < stream.count {
                let end = min(start + chunk, stream.count)
                stream[start..<end].withUnsafeBufferPointer { decoder.push($0) { out.append($0) } }
                start = end
            }
            #expect(out.count == 5, "chunks of \(chunk)")
            guard out.count == 5 else { continue }
            #expect(out[0].sequence == 2587 && out[4].sequence == 2587)
            #expect(out[1] == .message(sequence: 0x0A1B, .record(record), byteCount: frame.count))
            if case .dropped = out[2] {} else { Issue.record("a frame of one byte is dropped: \(out[2])") }
            #expect(out[3].message == .record(record) && out[3].sequence == 0x0A1C)
        }
    }

    /// Random records survive a frame. Flipping any one bit of a frame, outside the escapes, is
    /// always caught (CRC-16 finds every single-bit error); random bytes after the marker never
    /// crash the reader, and what it accepts has exactly one spelling.
    @Test func fuzzedFramesRoundTripAndErrorsAreCaught() throws {
        var random = XorShift(state: 29)
        var flipsCaught = 0
        for _ in 0..<3000 {
            let count = Int(random.next() % 40)
            let ends = random.next() % 2 == 0 || count == 0
            let record = IterationRecord(
                iteration: UInt32(truncatingIfNeeded: random.next()), shadow: random.next() % 3 == 0, warmup: false,
                startTicks: random.next() >> UInt64(random.next() % 64), firstToken: 0,
                tokenDeltas: (0..<count).map { _ in random.next() >> (56 + random.next() % 8) },
                tokenIDs: random.next() % 2 == 0 ? (0..<count).map { _ in random.next() % 50_000 } : nil,
                endDelta: ends ? random.next() >> 50 : nil, energyNanojoules: ends && random.next() % 2 == 0 ? random.next() : nil)
            let sequence = UInt16(truncatingIfNeeded: random.next())
            let frame = RecordFrameCodec.encode(sequence: sequence, record)
            #expect(frame.dropLast().allSatisfy { $0 != 0x0A && $0 != 0x0D })
            #expect(RecordFrameCodec.decode(Array(frame.dropLast())) == .message(sequence: sequence, .record(record), byteCount: frame.count))

            var flipped = Array(frame.dropLast())
            let position = 1 + Int(random.next() % UInt64(flipped.count - 1))
            let original = flipped[position]
            flipped[position] ^= 1 << UInt8(random.next() % 8)
            let special: Set<UInt8> = [0x0A, 0x0D, 0x1B]
            guard !special.contains(original), !special.contains(flipped[position]), flipped[position - 1] != 0x1B else { continue }
            if case .dropped = RecordFrameCodec.decode(flipped) { flipsCaught += 1 } else { Issue.record("a flipped bit was accepted: \(flipped)") }
        }
        #expect(flipsCaught > 2500)
        var accepted = 0
        for _ in 0..<40_000 {
            let length = 1 + Int(random.next() % 30)
            let line = [RecordFrameCodec.marker] + (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next() % 7 == 0 ? 0x1B : random.next()) }
            if case .message(let sequence, .record(let record), _) = RecordFrameCodec.decode(line) {
                accepted += 1
                #expect(RecordFrameCodec.encode(sequence: sequence, record) == line + [0x0A], "accepted garbage has one spelling")
            }
        }
        #expect(accepted < 10, "random bytes pass the CRC about once in 65 536: \(accepted)")
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
