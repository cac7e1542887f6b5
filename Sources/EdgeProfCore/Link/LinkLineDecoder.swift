/// One line from a board, decoded: its message, a frame whose message is malformed, or a line
/// that failed its checks.
public enum LinkDecodedLine: Sendable, Hashable {
    /// `byteCount`: the line's bytes on the wire, its `\n` included.
    case message(sequence: UInt16, DeviceMessage, byteCount: Int)
    case malformed(sequence: UInt16, LinkMessageError)
    case dropped(LinkLineError)
}

/// Decodes a board's line into its message in one step. The lines of a run's stream (TOK,
/// ITER, DONE) are read straight from their bytes without a `LinkFrame`; every other line, and
/// any such line the direct reading does not take (an unknown or repeated key, a value that is
/// not plain digits, a missing field), goes through `LinkLineParser` and
/// `DeviceMessage(frame:)`, so the outcome is always theirs.
public enum LinkLineDecoder {
    /// Nil for an empty line (terminals send them). A line that begins with 0x1E is a record frame (SPEC §8).
    public static func decode(_ line: UnsafeBufferPointer<UInt8>) -> LinkDecodedLine? {
        if line.first == RecordFrameCodec.marker { return RecordFrameCodec.decode(line) }
        let body: UnsafeBufferPointer<UInt8>
        do throws(LinkLineError) {
            guard let checked = try LinkLineParser.checkedBody(line) else { return nil }
            body = checked
        } catch {
            return .dropped(error)
        }
        if let (sequence, message) = RunLineReader.read(body) { return .message(sequence: sequence, message, byteCount: line.count + 1) }
        let frame: LinkFrame
        do throws(LinkLineError) { frame = try LinkLineParser.parseBody(body) } catch { return .dropped(error) }
        do throws(LinkMessageError) {
            return .message(sequence: frame.sequence, try DeviceMessage(frame: frame), byteCount: line.count + 1)
        } catch {
            return .malformed(sequence: frame.sequence, error)
        }
    }

    /// Convenience for arrays and tests.
    public static func decode(_ line: [UInt8]) -> LinkDecodedLine? {
        line.withUnsafeBufferPointer { decode($0) }
    }
}

/// Cuts a byte stream into lines and decodes each one as it is found.
public struct LinkStreamDecoder: Sendable {
    private var assembler = LinkLineAssembler()

    public init() {}

    public mutating func push(_ bytes: UnsafeBufferPointer<UInt8>, _ handle: (LinkDecodedLine) -> Void) {
        assembler.push(bytes) { line in
            switch line {
            case .tooLong(let length): handle(.dropped(.tooLong(length)))
            case .line(let view): if let decoded = LinkLineDecoder.decode(view) { handle(decoded) }
            }
        }
    }
}

/// Reads TOK, ITER and DONE bodies whose fields are exactly the verb's known keys, each once,
/// with plain decimal values: nil for anything else, which the general path then decides.
private enum RunLineReader {
    private enum Verb { case token, iteration, done }

    /// The keys the three verbs use, as bit positions.
    private enum Key: UInt8 {
        case it = 0, i, t, id, warm, tokens, nj

        var bit: UInt8 { 1 << rawValue }

        init?(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) {
            var iterator = bytes.makeIterator()
            switch (bytes.count, iterator.next(), iterator.next()) {
            case (1, 0x69, _): self = .i  // i
            case (1, 0x74, _): self = .t  // t
            case (2, 0x69, 0x74): self = .it  // it
            case (2, 0x69, 0x64): self = .id  // id
            case (2, 0x6E, 0x6A): self = .nj  // nj
            case (4, 0x77, 0x61) where bytes.elementsEqual("warm".utf8): self = .warm
            case (6, 0x74, 0x6F) where bytes.elementsEqual("tokens".utf8): self = .tokens
            default: return nil
            }
        }
    }

    static func read(_ body: UnsafeBufferPointer<UInt8>) -> (UInt16, DeviceMessage)? {
        var tokens = SpaceSeparated(body)
        guard let verbBytes = tokens.next(), let verb = verb(verbBytes), let digits = tokens.next(),
              let sequence = try? LinkLineParser.parseSequence(digits)
        else { return nil }
        var values = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        var seen: UInt8 = 0
        while let token = tokens.next() {
            guard let equals = token.firstIndex(of: 0x3D), let key = Key(token[token.startIndex..<equals]),
                  seen & key.bit == 0, let value = LinkValue.decimal(bytes: token[(equals + 1)...])
            else { return nil }
            seen |= key.bit
            switch key {
            case .it: values.0 = value
            case .i: values.1 = value
            case .t: values.2 = value
            case .id: values.3 = value
            case .warm: values.4 = value
            case .tokens: values.5 = value
            case .nj: values.6 = value
            }
        }
        func has(_ key: Key) -> Bool { seen & key.bit != 0 }
        /// Every required key and no other but the optional one.
        func exactly(_ required: UInt8, optional: UInt8 = 0) -> Bool { seen & required == required && seen & ~(required | optional) == 0 }
        guard let iteration = UInt32(exactly: values.0) else { return nil }
        switch verb {
        case .token:
            guard exactly(Key.it.bit | Key.i.bit | Key.t.bit, optional: Key.id.bit), let index = UInt32(exactly: values.1) else { return nil }
            return (sequence, .token(iteration: iteration, index: index, ticks: values.2, tokenID: has(.id) ? values.3 : nil))
        case .iteration:
            guard exactly(Key.it.bit | Key.warm.bit | Key.t.bit) else { return nil }
            return (sequence, .iteration(index: iteration, warmup: values.4 != 0, ticks: values.2))
        case .done:
            guard exactly(Key.it.bit | Key.t.bit | Key.tokens.bit, optional: Key.nj.bit), let count = UInt32(exactly: values.5) else { return nil }
            return (sequence, .done(iteration: iteration, ticks: values.2, tokens: count, energyNanojoules: has(.nj) ? values.6 : nil))
        }
    }

    private static func verb(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Verb? {
        if bytes.elementsEqual("TOK".utf8) { return .token }
        if bytes.elementsEqual("ITER".utf8) { return .iteration }
        if bytes.elementsEqual("DONE".utf8) { return .done }
        return nil
    }
}

extension LinkDecodedLine {
    /// The message, when the line carried a well-formed one.
    public var message: DeviceMessage? {
        if case .message(_, let message, _) = self { return message }
        return nil
    }

    /// The sequence number of a line that passed its checks (its message well-formed or not).
    public var sequence: UInt16? {
        switch self {
        case .message(let sequence, _, _), .malformed(let sequence, _): sequence
        case .dropped: nil
        }
    }
}
