/// Link v1.2 record frames (SPEC §8): a REC line's record sent as binary inside a line. The frame
/// is `0x1E`, then the sequence number (2 bytes, big-endian), the iteration (varint), the record's
/// bytes and a CRC-16 of all of them, with `\n`, `\r` and the escape byte escaped, then `\n`.
/// Pure; a frame that fails its checks is dropped like a bad line, one whose record breaks §7.2 is
/// a malformed REC.
public enum RecordFrameCodec {
    /// The first byte of every record frame; no text line begins with it.
    public static let marker: UInt8 = 0x1E
    static let escape: UInt8 = 0x1B
    /// Sequence (2), the shortest iteration and record (1 + 3), CRC (2).
    static let minimumUnescapedLength = 8

    /// Decodes a line (without its `\n`) that begins with `marker`.
    public static func decode(_ line: UnsafeBufferPointer<UInt8>) -> LinkDecodedLine {
        let bytes: [UInt8]
        do throws(LinkLineError) { bytes = try unescaped(line) } catch { return .dropped(error) }
        guard bytes.count >= minimumUnescapedLength else {
            return .dropped(.syntax("record frame of \(bytes.count) bytes is shorter than the \(minimumUnescapedLength) it needs"))
        }
        let received = UInt16(bytes[bytes.count - 2]) << 8 | UInt16(bytes[bytes.count - 1])
        let computed = bytes.withUnsafeBufferPointer { checksum(UnsafeBufferPointer(rebasing: $0[0..<(bytes.count - 2)])) }
        guard received == computed else { return .dropped(.crc(received: received, computed: computed)) }
        let sequence = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        var reader = VarintReader(bytes: Array(bytes[2..<(bytes.count - 2)]))
        let iteration: UInt32
        do throws(IterationRecordError) {
            guard let value = UInt32(exactly: try reader.varint("the iteration")) else {
                return .dropped(.syntax("record frame's iteration is past 2^32 − 1"))
            }
            iteration = value
        } catch {
            return .dropped(.syntax("record frame \(error.problem)"))
        }
        do throws(IterationRecordError) {
            let decoded = try IterationRecordCodec.decode(iteration: iteration, reading: &reader)
            return .message(sequence: sequence, .record(decoded), byteCount: line.count + 1)
        } catch {
            return .malformed(sequence: sequence, LinkMessageError(verb: "REC", key: "d", problem: error.description))
        }
    }

    /// Convenience for arrays and tests.
    public static func decode(_ line: [UInt8]) -> LinkDecodedLine {
        line.withUnsafeBufferPointer { decode($0) }
    }

    /// The frame of `record` with sequence number `sequence`, its `\n` included, spelled as the C
    /// reference spells it (for tests and benchmarks).
    public static func encode(sequence: UInt16, _ record: IterationRecord) -> [UInt8] {
        var inner = [UInt8(sequence >> 8), UInt8(truncatingIfNeeded: sequence)]
        IterationRecordCodec.appendVarint(UInt64(record.iteration), to: &inner)
        inner += IterationRecordCodec.bytes(of: record)
        let crc = inner.withUnsafeBufferPointer { checksum($0) }
        inner += [UInt8(crc >> 8), UInt8(truncatingIfNeeded: crc)]
        var line = [marker]
        for byte in inner {
            if needsEscape(byte) {
                line += [escape, byte ^ 0x40]
            } else {
                line.append(byte)
            }
        }
        line.append(0x0A)
        return line
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte == 0x0A || byte == 0x0D || byte == escape
    }

    /// CRC-16/CCITT-FALSE over the marker, then `bytes`.
    private static func checksum(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt16 {
        LinkCRC16.checksum(bytes, startingWith: LinkCRC16.checksum(CollectionOfOne(marker)))
    }

    /// The frame's bytes after the marker with the escapes undone; a trailing `\r` is the
    /// terminal's. Each frame has one spelling, so a stray escape or a raw `\r` is refused.
    private static func unescaped(_ line: UnsafeBufferPointer<UInt8>) throws(LinkLineError) -> [UInt8] {
        var end = line.count
        if end > 1, line[end - 1] == 0x0D { end -= 1 }
        guard end <= LinkFrame.maximumLineLength else { throw .tooLong(end) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(end)
        var index = 1
        while index < end {
            let byte = line[index]
            index += 1
            if byte == 0x0D || byte == 0x0A { throw .syntax("record frame has an unescaped 0x\(String(byte, radix: 16)) at byte \(index)") }
            guard byte == escape else {
                bytes.append(byte)
                continue
            }
            guard index < end, [0x4A, 0x4D, 0x5B].contains(line[index]) else {
                throw .syntax("record frame has an escape at byte \(index) not followed by 0x4a, 0x4d or 0x5b")
            }
            bytes.append(line[index] ^ 0x40)
            index += 1
        }
        return bytes
    }
}
