import EdgeProfCore
import Testing

/// Random and mutated input never crashes the decoder, and whatever it accepts is canonical.
@Suite struct LinkFuzzTests {
    @Test(arguments: [1, 2, 3, 4])
    func randomBytesNeverCrashTheDecoder(seed: UInt64) {
        var random = XorShift(state: seed &* 0x9E37_79B9_7F4A_7C15)
        var assembler = LinkLineAssembler()
        var lines: [LinkAssembledLine] = []
        var frames = 0
        for _ in 0..<400 {
            let chunk = (0..<Int(random.next() % 600)).map { _ -> UInt8 in
                random.next() % 10 == 0 ? 0x0A : UInt8(truncatingIfNeeded: random.next())
            }
            assembler.push(chunk, into: &lines)
        }
        for case .line(let bytes) in lines {
            if let frame = try? LinkLineParser.parse(bytes) {
                frames += 1
                _ = try? DeviceMessage(frame: frame)
            }
        }
        #expect(lines.count > 1000)
        #expect(frames == 0, "random bytes passing a CRC-checked grammar would be a near-impossible coincidence")
    }

    @Test func mutatedValidLinesAreRejectedOrReencodeIdentically() throws {
        var random = XorShift(state: 99)
        let lines = try VectorFiles.rows("frames.tsv").filter { $0[0] == "ok" }.map { VectorFiles.bytes($0[1]) }
        var accepted = 0
        for _ in 0..<20_000 {
            var line = lines[Int(random.next() % UInt64(lines.count))]
            for _ in 0..<(1 + Int(random.next() % 3)) {
                switch random.next() % 3 {
                case 0: line[Int(random.next() % UInt64(line.count))] = UInt8(truncatingIfNeeded: random.next())
                case 1: line.insert(UInt8(truncatingIfNeeded: random.next()), at: Int(random.next() % UInt64(line.count)))
                default: if line.count > 1 { line.remove(at: Int(random.next() % UInt64(line.count))) }
                }
            }
            guard let frame = try? LinkLineParser.parse(line) else { continue }
            accepted += 1
            var canonical = frame.encoded()
            canonical.removeLast()
            let withoutCR = line.last == 0x0D ? Array(line.dropLast()) : line
            #expect(canonical == withoutCR || String(decoding: withoutCR.suffix(4), as: UTF8.self).lowercased() == String(decoding: canonical.suffix(4), as: UTF8.self).lowercased())
        }
        #expect(accepted < 50, "a CRC-16 lets very few mutations through; \(accepted) did")
    }
}
