import EdgeProfCore
import Testing

/// The Swift codec reproduces every conformance vector of firmware-protocols/edgeprof-link/v1/vectors.
@Suite struct LinkVectorTests {
    @Test func crc16MatchesEveryVector() throws {
        let rows = try VectorFiles.rows("crc16.tsv")
        #expect(rows.count > 20)
        for row in rows {
            let input = VectorFiles.bytes(row[0])
            #expect(LinkCRC16.checksum(input) == UInt16(row[1], radix: 16), "crc of \(row[0])")
        }
        #expect(LinkCRC16.checksum(Array("123456789".utf8)) == 0x29B1, "CRC-16/CCITT-FALSE check value")
    }

    @Test func parserAgreesWithEveryFrameVector() throws {
        let rows = try VectorFiles.rows("frames.tsv")
        #expect(rows.count > 60)
        for row in rows {
            let line = VectorFiles.bytes(row[1])
            let status: String
            var frame: LinkFrame?
            do {
                frame = try LinkLineParser.parse(line)
                status = frame == nil ? "empty" : "ok"
            } catch {
                status = error.kind
            }
            #expect(status == row[0], "\(row[1])")
            guard row[0] == "ok", let frame else { continue }
            #expect(frame.verb == row[2])
            #expect(frame.sequence == UInt16(row[3]))
            let expected = row.dropFirst(4).map { field -> LinkField in
                let parts = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return LinkField(key: String(parts[0]), value: String(parts[1]))
            }
            #expect(frame.fields == expected, "\(row[1])")
        }
    }

    @Test func encoderProducesEveryEncodeVector() throws {
        for row in try VectorFiles.rows("encode.tsv") {
            var builder = LinkFrameBuilder(verb: row[1], sequence: UInt16(row[2])!)
            for column in row.dropFirst(3) {
                let parts = column.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
                switch parts[0] {
                case "u64": builder.add(parts[1], UInt64(parts[2])!)
                case "text": builder.add(parts[1], text: String(decoding: VectorFiles.bytes(parts[2]), as: UTF8.self))
                default: builder.add(parts[1], hex: LinkValue.bytes(fromHex: parts[2])!)
                }
            }
            #expect(builder.frame.encoded() == VectorFiles.bytes(row[0]), "\(row[1]) \(row[2])")
        }
    }

    @Test func assemblerAndParserYieldEveryStreamVector() throws {
        for row in try VectorFiles.rows("stream.tsv") {
            var assembler = LinkLineAssembler()
            var lines: [LinkAssembledLine] = []
            assembler.push(VectorFiles.bytes(row[0]), into: &lines)
            var events: [String] = []
            for line in lines {
                switch line {
                case .tooLong: events.append("too_long")
                case .line(let bytes):
                    do {
                        if let frame = try LinkLineParser.parse(bytes) { events.append(frame.verb) }
                    } catch {
                        events.append(error.kind)
                    }
                }
            }
            #expect(events.joined(separator: ",") == row[1], "\(row[0].prefix(60))")
        }
    }

    @Test func assemblerGivesTheSameLinesWhateverTheChunking() throws {
        for row in try VectorFiles.rows("stream.tsv") {
            let bytes = VectorFiles.bytes(row[0])
            var whole = LinkLineAssembler()
            var expected: [LinkAssembledLine] = []
            whole.push(bytes, into: &expected)
            for chunkSize in [1, 2, 3, 7, 64] {
                var chunked = LinkLineAssembler()
                var lines: [LinkAssembledLine] = []
                for start in stride(from: 0, to: bytes.count, by: chunkSize) {
                    chunked.push(Array(bytes[start..<min(start + chunkSize, bytes.count)]), into: &lines)
                }
                #expect(lines == expected, "chunk size \(chunkSize)")
            }
        }
    }
}
