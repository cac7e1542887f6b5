import CEdgeProfLink
import EdgeProfCore

/// Decoder throughput on one corpus of device lines, measured three ways in the same run:
/// the Swift decoder (assemble + check + typed message), the C reference parser (assemble +
/// check), and a floor that only splits lines and computes their CRC.
struct LinkDecoderBenchmark {
    let corpus: [UInt8]
    let lineCount: Int

    /// A run's worth of lines as a board sends them: ITER, TOK…, DONE, repeated.
    init(lines: Int) {
        var bytes: [UInt8] = []
        var sequence: UInt16 = 0
        var count = 0
        var tick: UInt64 = 1_000_000
        var iteration: UInt64 = 0
        func emit(_ builder: LinkFrameBuilder) {
            bytes += builder.frame.encoded()
            sequence &+= 1
            count += 1
        }
        while count < lines {
            var begin = LinkFrameBuilder(verb: "ITER", sequence: sequence)
            begin.add("it", iteration)
            begin.add("warm", 0)
            begin.add("t", tick)
            emit(begin)
            for index in 0..<32 where count < lines {
                tick += 11_000 + UInt64(index * 37)
                var token = LinkFrameBuilder(verb: "TOK", sequence: sequence)
                token.add("it", iteration)
                token.add("i", UInt64(index))
                token.add("t", tick)
                token.add("id", UInt64((index * 7919) % 4096))
                emit(token)
            }
            var done = LinkFrameBuilder(verb: "DONE", sequence: sequence)
            done.add("it", iteration)
            done.add("t", tick)
            done.add("tokens", 32)
            done.add("nj", 4_301_234)
            emit(done)
            iteration += 1
        }
        corpus = bytes
        lineCount = count
    }

    /// Swift: the decoder the agent uses (`LinkStreamDecoder`), down to typed messages.
    func swiftDecoder() -> Int {
        var decoder = LinkStreamDecoder()
        var decoded = 0
        corpus.withUnsafeBufferPointer { bytes in
            decoder.push(bytes) { line in
                if case .message = line { decoded += 1 }
            }
        }
        return decoded
    }

    /// C: the reference implementation's line buffer and parser (fields located, not converted).
    func cReferenceParser() -> Int {
        var buffer = epl_line_buffer()
        epl_line_buffer_reset(&buffer)
        var frame = epl_frame()
        var decoded = 0
        for byte in corpus where epl_line_buffer_push(&buffer, byte) == EPL_LB_LINE {
            let status = withUnsafePointer(to: &buffer.buf) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: Int(EPL_MAX_LINE) + 2) { epl_parse_line($0, buffer.len, &frame) }
            }
            if status == EPL_OK { decoded += 1 }
        }
        return decoded
    }

    /// Floor: find each newline and checksum the line; no grammar, no values.
    func splitAndChecksum() -> Int {
        corpus.withUnsafeBufferPointer { bytes in
            var start = 0
            var checked = 0
            var crcs: UInt16 = 0
            while let newline = bytes[start...].firstIndex(of: 0x0A) {
                crcs ^= LinkCRC16.checksum(UnsafeBufferPointer(rebasing: bytes[start..<(newline - 6)]))
                checked += 1
                start = newline + 1
            }
            keep(crcs)
            return checked
        }
    }
}

/// Keeps a result alive so the optimiser cannot drop the work that produced it.
@inline(never)
func keep(_ value: UInt16) {
    if value == 0x5A5A, CommandLine.arguments.count > 99 { print(value) }
}
