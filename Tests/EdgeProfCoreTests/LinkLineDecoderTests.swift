import EdgeProfCore
import Testing

/// Issue 18: the decoder the agent runs reads a run's lines straight from their bytes. Whatever
/// it decides must be what the general path (`LinkLineParser` + `DeviceMessage(frame:)`)
/// decides, for every line, and however the stream is cut into reads.
@Suite struct LinkLineDecoderTests {
    /// The general path's verdict on a line, as the decoder reports it.
    static func reference(_ line: [UInt8]) -> LinkDecodedLine? {
        let frame: LinkFrame
        do throws(LinkLineError) {
            guard let parsed = try LinkLineParser.parse(line) else { return nil }
            frame = parsed
        } catch {
            return .dropped(error)
        }
        do throws(LinkMessageError) {
            return .message(sequence: frame.sequence, try DeviceMessage(frame: frame), byteCount: line.count + 1)
        } catch {
            return .malformed(sequence: frame.sequence, error)
        }
    }

    /// A body with its checksum: the CRC is always right, so every line reaches the grammar.
    static func line(_ body: String) -> [UInt8] {
        let crc = String(LinkCRC16.checksum(Array(body.utf8)), radix: 16, uppercase: true)
        return Array(body.utf8) + Array(" *".utf8) + Array((String(repeating: "0", count: 4 - crc.count) + crc).utf8)
    }

    /// Run lines as boards send them, a third of them spoiled on every edge the two paths could
    /// differ on: another or repeated key, a value that is not plain digits or does not fit, a
    /// missing field, another verb, a bad sequence number, stray spaces.
    private static func randomLine(_ random: inout XorShift) -> [UInt8] {
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        let templates: [(verb: String, required: [String], optional: [String])] = [
            ("TOK", ["it", "i", "t"], ["id"]), ("ITER", ["it", "warm", "t"], []), ("DONE", ["it", "t", "tokens"], ["nj"]),
        ]
        let template = pick(templates)
        var verb = template.verb
        var sequence = String(random.next() % 65_536)
        var fields = (template.required + template.optional.filter { _ in random.next() % 2 == 0 }).map { key in
            (key, String(random.next() % (random.next() % 4 == 0 ? UInt64.max : 1_000_000)))
        }
        fields.shuffle(using: &random)
        let keys = ["it", "i", "t", "id", "warm", "tokens", "nj", "x", "idx", "I", "1t", "", "nj_2"]
        let values = [
            "0", "007", "4294967295", "4294967296", "18446744073709551615", "18446744073709551616", "99999999999999999999999",
            "", "1%30", "%41", "a", "-1", "1.5", "12=3", "*", "0000000000000000000001",
        ]
        var spaces = false
        for _ in 0..<(random.next() % 3 == 0 ? 1 + Int(random.next() % 2) : 0) {
            switch random.next() % 9 {
            case 0 where !fields.isEmpty: fields[Int(random.next() % UInt64(fields.count))].0 = pick(keys)
            case 1 where !fields.isEmpty: fields[Int(random.next() % UInt64(fields.count))].1 = pick(values)
            case 2: fields.append((pick(keys), pick(values)))
            case 3 where !fields.isEmpty: fields.append(pick(fields))
            case 4 where !fields.isEmpty: fields.remove(at: Int(random.next() % UInt64(fields.count)))
            case 5: verb = pick(["TOKEN", "PONG", "tok", "SDONE", "REC", "STOK", "ITE"])
            case 6: sequence = pick(["65536", "01", "", "x", "00"])
            case 7: spaces = true
            default: break
            }
        }
        var body = verb + " " + sequence + fields.map { " \($0.0)=\($0.1)" }.joined()
        if spaces { body = random.next() % 2 == 0 ? body + " " : body.replacingOccurrences(of: " ", with: "  ") }
        var bytes = line(body)
        if random.next() % 10 == 0 { bytes.append(0x0D) }
        return bytes
    }

    @Test func everyLineIsDecidedAsTheGeneralPathDecidesIt() {
        var random = XorShift(state: 0x5EED_0F_11AE)
        var messages = 0
        for _ in 0..<60_000 {
            let line = Self.randomLine(&random)
            let expected = Self.reference(line)
            #expect(LinkLineDecoder.decode(line) == expected, "\(String(decoding: line, as: UTF8.self))")
            switch expected {
            case .message(_, .token, _)?, .message(_, .iteration, _)?, .message(_, .done, _)?: messages += 1
            default: break
            }
        }
        #expect(messages > 20_000, "most random lines carry a run message, so both paths are compared on them: \(messages)")
    }

    @Test func wellFormedRunLinesDecodeToTheirMessages() {
        #expect(LinkLineDecoder.decode(Self.line("TOK 12 it=3 i=0 t=1200 id=77")) == .message(sequence: 12, .token(iteration: 3, index: 0, ticks: 1200, tokenID: 77), byteCount: 35))
        #expect(LinkLineDecoder.decode(Self.line("TOK 12 t=1200 i=0 it=3")) == .message(sequence: 12, .token(iteration: 3, index: 0, ticks: 1200, tokenID: nil), byteCount: 29))
        #expect(LinkLineDecoder.decode(Self.line("ITER 0 it=1 warm=1 t=5")) == .message(sequence: 0, .iteration(index: 1, warmup: true, ticks: 5), byteCount: 29))
        #expect(LinkLineDecoder.decode(Self.line("DONE 9 it=1 t=9 tokens=16 nj=40")) == .message(sequence: 9, .done(iteration: 1, ticks: 9, tokens: 16, energyNanojoules: 40), byteCount: 38))
        // An extra field is ignored, as the general path ignores it.
        #expect(LinkLineDecoder.decode(Self.line("TOK 1 it=1 i=2 t=3 note=x")) == .message(sequence: 1, .token(iteration: 1, index: 2, ticks: 3, tokenID: nil), byteCount: 32))
        #expect(LinkLineDecoder.decode(Self.line("TOK 1 it=1 i=2 t=3 t=4")) == .dropped(.syntax("duplicate key 't'")))
        guard case .malformed(1, let error)? = LinkLineDecoder.decode(Self.line("TOK 1 it=4294967296 i=2 t=3")) else {
            Issue.record("an iteration beyond 32 bits is a malformed TOK")
            return
        }
        #expect(error.description == "TOK line: field 'it' exceeds 4294967295")
        #expect(LinkLineDecoder.decode([]) == nil && LinkLineDecoder.decode([0x0D]) == nil)
    }

    /// However the stream is cut into reads (a line across two reads, a read of one byte, an
    /// over-long line), the decoded lines are those of the whole stream decoded line by line.
    @Test func theStreamDecoderGivesTheSameLinesForAnyChunking() {
        var random = XorShift(state: 1234)
        var stream: [UInt8] = []
        var expected: [LinkDecodedLine] = []
        for index in 0..<400 {
            var line = index % 50 == 7 ? Array(repeating: UInt8(ascii: "A"), count: 450) : Self.randomLine(&random)
            if index % 60 == 11 { line = [] }
            stream += line + [0x0A]
            if line.count > LinkFrame.maximumLineLength + 1 {
                expected.append(.dropped(.tooLong(line.count)))
            } else if let decoded = Self.reference(line) {
                expected.append(decoded)
            }
        }
        for size in [1, 2, 3, 7, 64, 401, 4096, stream.count] {
            var decoder = LinkStreamDecoder()
            var decoded: [LinkDecodedLine] = []
            var start = 0
            while start < stream.count {
                let end = min(start + size, stream.count)
                stream[start..<end].withUnsafeBufferPointer { chunk in decoder.push(chunk) { decoded.append($0) } }
                start = end
            }
            #expect(decoded == expected, "chunks of \(size) bytes")
        }
    }
}
