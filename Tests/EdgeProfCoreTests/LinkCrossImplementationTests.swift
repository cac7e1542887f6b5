import CEdgeProfLink
import EdgeProfCore
import Testing

/// Swift and the C reference implementation agree on frames neither vector file lists:
/// random frames encoded by one are parsed identically by the other.
@Suite struct LinkCrossImplementationTests {
    private struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state ^ (state >> 29)
        }
    }

    private func randomFrame(_ random: inout Generator) -> LinkFrame {
        let verbs = ["TOK", "ITER", "DONE", "RESULT", "INFO", "X", "ABCDEFGH"]
        var builder = LinkFrameBuilder(verb: verbs[Int(random.next() % UInt64(verbs.count))], sequence: UInt16(truncatingIfNeeded: random.next()))
        for index in 0..<Int(random.next() % 8) {
            let key = "k\(index)"
            switch random.next() % 3 {
            case 0: builder.add(key, random.next())
            case 1:
                let text = String(decoding: (0..<Int(random.next() % 12)).map { _ in UInt8(32 + random.next() % 95) }, as: UTF8.self)
                builder.add(key, text: text)
            default: builder.add(key, hex: (0..<Int(random.next() % 8)).map { _ in UInt8(truncatingIfNeeded: random.next()) })
            }
        }
        return builder.frame
    }

    @Test func cParsesWhatSwiftEncodes() {
        var random = Generator(state: 42)
        for _ in 0..<2000 {
            let frame = randomFrame(&random)
            var line = frame.encoded()
            line.removeLast()
            var parsed = epl_frame()
            let status = line.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { epl_parse_line($0.baseAddress, $0.count, &parsed) }
            }
            #expect(status == EPL_OK, "\(frame.text)")
            #expect(Int(parsed.seq) == Int(frame.sequence))
            #expect(Int(parsed.field_count) == frame.fields.count)
        }
    }

    @Test func swiftParsesWhatCEncodes() throws {
        var random = Generator(state: 7)
        for _ in 0..<2000 {
            let sequence = UInt16(truncatingIfNeeded: random.next())
            let value = random.next()
            let text = String(decoding: (0..<Int(random.next() % 20)).map { _ in UInt8(32 + random.next() % 95) }, as: UTF8.self)
            var buffer = [CChar](repeating: 0, count: 512)
            var writer = epl_writer()
            let length = buffer.withUnsafeMutableBufferPointer { out -> Int in
                epl_writer_begin(&writer, out.baseAddress, out.count, "TOK", sequence)
                epl_writer_u64(&writer, "t", value)
                epl_writer_text(&writer, "msg", text)
                return epl_writer_finish(&writer)
            }
            let line = buffer.prefix(length - 1).map { UInt8(bitPattern: $0) }
            let frame = try #require(try LinkLineParser.parse(line))
            #expect(frame.sequence == sequence)
            #expect(frame["t"].flatMap(LinkValue.decimal) == value)
            #expect(frame["msg"].flatMap(LinkValue.decodeText) == text)
        }
    }
}
