import EdgeProfCore
import Testing

/// Link v1.1 compact records (SPEC §7): the Swift reader reproduces every row the Python oracle
/// wrote, refuses every malformed record, and a run reported in records is recorded exactly as
/// the same run reported in ITER/TOK/DONE lines.
@Suite struct IterationRecordTests {
    /// One iteration as the vector files and the C reference describe it.
    struct Report: Equatable {
        var iteration: UInt32
        var warmup: Bool
        var shadow: Bool
        var start: UInt64
        var ticks: [UInt64]
        var ids: [UInt64]?
        var end: UInt64
        var energy: UInt64?
    }

    /// Reads the REC lines of one iteration back into its report; nil when they do not make one.
    func report(fromLines lines: [[UInt8]]) throws -> Report? {
        var records: [IterationRecord] = []
        for line in lines {
            guard let frame = try LinkLineParser.parse(line), case .record(let record) = try DeviceMessage(frame: frame) else { return nil }
            #expect(IterationRecordCodec.encode(record) == frame["d"], "the Swift writer spells the record as the oracle does")
            records.append(record)
        }
        return Self.report(fromRecords: records)
    }

    /// The report that the records of one iteration stand for; nil when they do not make one.
    static func report(fromRecords records: [IterationRecord]) -> Report? {
        var cursor = RecordCursor()
        var events: [DeviceMessage] = []
        for record in records {
            guard let expanded = cursor.expand(record) else { return nil }
            events += expanded
        }
        var result: Report?
        var ids: [UInt64] = []
        var idsPresent = true
        for event in events {
            switch event {
            case .iteration(let index, let warmup, let ticks):
                result = Report(iteration: index, warmup: warmup, shadow: false, start: ticks, ticks: [], end: 0)
            case .shadowIteration(let index, let ticks):
                result = Report(iteration: index, warmup: false, shadow: true, start: ticks, ticks: [], end: 0)
            case .token(_, _, let ticks, let id), .shadowToken(_, _, let ticks, let id):
                result?.ticks.append(ticks)
                if let id { ids.append(id) } else { idsPresent = false }
            case .done(_, let ticks, let tokens, let energy), .shadowDone(_, let ticks, let tokens, let energy):
                #expect(Int(tokens) == result?.ticks.count)
                result?.end = ticks
                result?.energy = energy
            default:
                Issue.record("unexpected event \(event)")
            }
        }
        let hasTokens = !(result?.ticks.isEmpty ?? true)
        result?.ids = idsPresent && hasTokens ? ids : nil
        return result
    }

    static func numbers(_ text: String) -> [UInt64] {
        text == "-" ? [] : text.split(separator: ",").compactMap { UInt64($0) }
    }

    @Test func readsEveryRecordTheOracleWrote() throws {
        let rows = try VectorFiles.rows("records.tsv")
        #expect(rows.count >= 9)
        for row in rows {
            let expected = Report(
                iteration: try #require(UInt32(row[1])), warmup: row[2] == "1", shadow: row[3] == "1", start: try #require(UInt64(row[4])),
                ticks: Self.numbers(row[5]), ids: row[6] == "-" || Self.numbers(row[5]).isEmpty ? nil : Self.numbers(row[6]),
                end: try #require(UInt64(row[7])), energy: UInt64(row[8]))
            let bytes = VectorFiles.bytes(row[9])
            let lines = bytes.split(separator: 0x0A).map(Array.init)
            #expect(lines.allSatisfy { $0.count <= LinkFrame.maximumLineLength }, "every REC line fits in a line")
            #expect(try report(fromLines: lines) == expected, "row seq \(row[0])")
            if expected.ticks.count == 16 {
                // The budget the issue sets: a 16-token iteration's tokens cost at most 4 bytes each on the wire.
                let perToken = Double(bytes.count - Self.overhead(of: lines)) / 16
                #expect(perToken <= 4, "\(perToken) bytes per token")
                #expect(bytes.count < 16 * 35 / 5, "\(bytes.count) bytes for the iteration, a fifth of its TOK lines at most")
            }
        }
    }

    /// The bytes of a REC line that do not depend on the token count: verb, sequence, `it=`, the
    /// record's header (flags, first, count, start) and tail (end, energy), the CRC and terminator.
    static func overhead(of lines: [[UInt8]]) -> Int {
        lines.reduce(0) { total, line in
            let text = String(decoding: line, as: UTF8.self)
            guard let blob = text.split(separator: " ").first(where: { $0.hasPrefix("d=") }) else { return total + line.count + 1 }
            return total + line.count + 1 - blob.count + 2 + Self.headerCharacters(String(blob.dropFirst(2)))
        }
    }

    /// The characters of a record spent on everything but token deltas and ids.
    static func headerCharacters(_ blob: String) -> Int {
        guard let record = try? IterationRecordCodec.decode(iteration: 0, blob: blob.utf8) else { return blob.count }
        var bare = record
        bare.tokenDeltas = []
        bare.tokenIDs = nil
        return IterationRecordCodec.encode(bare).count
    }

    @Test func refusesEveryMalformedRecord() throws {
        let rows = try VectorFiles.rows("record-errors.tsv")
        #expect(rows.count >= 15)
        for row in rows {
            let frame = try #require(try LinkLineParser.parse(VectorFiles.bytes(row[1])), "\(row[0]) is a checked line")
            #expect(throws: LinkMessageError.self, "\(row[0]): \(row[1])") { _ = try DeviceMessage(frame: frame) }
        }
    }

    private struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state ^ (state >> 29)
        }
    }

    /// Random records survive encoding; random bytes never crash the reader, and whatever it
    /// accepts has exactly one spelling (the writer gives back the same characters).
    @Test func fuzzedRecordsRoundTripAndGarbageIsRefusedOrCanonical() throws {
        var random = Generator(state: 11)
        for _ in 0..<5000 {
            let count = Int(random.next() % 40)
            let begins = random.next() % 2 == 0
            let ends = random.next() % 2 == 0 || count == 0
            let width = random.next() % 64
            let record = IterationRecord(
                iteration: UInt32(truncatingIfNeeded: random.next()), shadow: random.next() % 3 == 0, warmup: false,
                startTicks: begins ? random.next() >> 8 : nil, firstToken: begins ? 0 : 1 + UInt32(random.next() % 1000),
                tokenDeltas: (0..<count).map { _ in random.next() >> (56 + width % 8) },
                tokenIDs: random.next() % 2 == 0 ? (0..<count).map { _ in random.next() % 50_000 } : nil,
                endDelta: ends ? random.next() >> 50 : nil, energyNanojoules: ends && random.next() % 2 == 0 ? random.next() : nil)
            let text = IterationRecordCodec.encode(record)
            #expect(try IterationRecordCodec.decode(iteration: record.iteration, blob: text.utf8) == record, "\(text)")
        }
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=%*".utf8)
        var accepted = 0
        for round in 0..<40_000 {
            // Half random characters, half random bytes in valid base64url (flags of 0x3F or less),
            // so that both the spelling and the record's own rules are tried.
            let text: String
            if round % 2 == 0 {
                text = String(decoding: (0..<Int(random.next() % 24)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }, as: UTF8.self)
            } else {
                let bytes = [UInt8(random.next() % 0x40)] + (0..<Int(random.next() % 16)).map { _ in UInt8(truncatingIfNeeded: random.next() % 4 == 0 ? random.next() : random.next() % 4) }
                text = IterationRecordCodec.base64URLEncode(bytes)
            }
            guard let record = try? IterationRecordCodec.decode(iteration: 1, blob: text.utf8) else { continue }
            accepted += 1
            #expect(IterationRecordCodec.encode(record) == text, "accepted garbage has one spelling: \(text)")
        }
        #expect(accepted > 0, "some random texts are records; the check above must have run")
    }

    /// Records made of edge-case varints (0, 2^7 − 1, 2^63, 2^64 − 1, …) after any flags: the
    /// reader refuses or accepts each without trapping, and what it accepts has one spelling.
    @Test func edgeCaseVarintsNeverTrap() throws {
        var random = Generator(state: 5)
        let edges: [UInt64] = [0, 1, 2, 127, 128, 16_383, 65_535, 65_536, 1 << 32, 1 << 63, .max - 1, .max]
        var accepted = 0
        for _ in 0..<20_000 {
            var bytes: [UInt8] = [UInt8(random.next() % 0x40)]
            for _ in 0..<(1 + random.next() % 8) { IterationRecordCodec.appendVarint(edges[Int(random.next() % UInt64(edges.count))], to: &bytes) }
            let text = IterationRecordCodec.base64URLEncode(bytes)
            guard let record = try? IterationRecordCodec.decode(iteration: 1, blob: text.utf8) else { continue }
            accepted += 1
            #expect(IterationRecordCodec.encode(record) == text)
            var cursor = RecordCursor()
            _ = cursor.expand(record)
        }
        #expect(accepted > 0)
    }

}
