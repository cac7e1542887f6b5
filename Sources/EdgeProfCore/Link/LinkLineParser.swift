/// Parses one Link v1 line (without its `\n`) into a checked frame. Pure and allocation-light:
/// the hot path of every profile run and of the decoder benchmark.
public enum LinkLineParser {
    private static let space = UInt8(ascii: " ")
    private static let equals = UInt8(ascii: "=")

    /// Returns nil for an empty line (terminals send them); throws for anything not a valid frame.
    public static func parse(_ line: UnsafeBufferPointer<UInt8>) throws(LinkLineError) -> LinkFrame? {
        guard let body = try checkedBody(line) else { return nil }
        return try parseBody(body)
    }

    /// The line's body (before ` *CRC`) once its length, characters and checksum are right;
    /// nil for an empty line.
    static func checkedBody(_ line: UnsafeBufferPointer<UInt8>) throws(LinkLineError) -> UnsafeBufferPointer<UInt8>? {
        var length = line.count
        if length > 0, line[length - 1] == 0x0D { length -= 1 }
        if length == 0 { return nil }
        if length > LinkFrame.maximumLineLength { throw .tooLong(length) }
        for index in 0..<length where line[index] < 0x20 || line[index] > 0x7E {
            throw .syntax("non-printable byte 0x\(String(line[index], radix: 16)) at column \(index + 1)")
        }
        guard length >= 9, line[length - 6] == space, line[length - 5] == UInt8(ascii: "*") else {
            throw .syntax("missing ' *XXXX' checksum at the end")
        }
        var received: UInt16 = 0
        for index in (length - 4)..<length {
            guard let digit = LinkValue.hexDigit(line[index]) else { throw .syntax("checksum is not 4 hex digits") }
            received = received << 4 | UInt16(digit)
        }
        let body = UnsafeBufferPointer(rebasing: line[0..<(length - 6)])
        let computed = LinkCRC16.checksum(body)
        guard computed == received else { throw .crc(received: received, computed: computed) }
        return body
    }

    /// Convenience for arrays and tests.
    public static func parse(_ line: [UInt8]) throws(LinkLineError) -> LinkFrame? {
        let result: Result<LinkFrame?, LinkLineError> = line.withUnsafeBufferPointer { buffer in
            do throws(LinkLineError) { return .success(try parse(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    static func parseBody(_ body: UnsafeBufferPointer<UInt8>) throws(LinkLineError) -> LinkFrame {
        var tokens = SpaceSeparated(body)
        guard let verb = tokens.next(), let sequenceDigits = tokens.next() else { throw .syntax("expected 'VERB SEQ' before the fields") }
        guard (1...8).contains(verb.count), verb.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else {
            throw .syntax("verb must be 1 to 8 upper-case letters")
        }
        let sequence = try parseSequence(sequenceDigits)
        var fields: [LinkField] = []
        fields.reserveCapacity(8)
        while let token = tokens.next() {
            guard fields.count < LinkFrame.maximumFields else { throw .syntax("more than \(LinkFrame.maximumFields) fields") }
            let field = try parseField(token)
            if fields.contains(where: { $0.key == field.key }) { throw .syntax("duplicate key '\(field.key)'") }
            fields.append(field)
        }
        return LinkFrame(verb: String(decoding: verb, as: UTF8.self), sequence: sequence, fields: fields)
    }

    static func parseSequence(_ digits: Slice<UnsafeBufferPointer<UInt8>>) throws(LinkLineError) -> UInt16 {
        guard (1...5).contains(digits.count), digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              digits.count == 1 || digits.first != 0x30
        else { throw .syntax("sequence number must be a decimal 0 to 65535 without leading zeros") }
        var value: UInt32 = 0
        for digit in digits { value = value * 10 + UInt32(digit - 0x30) }
        guard value <= 65535 else { throw .syntax("sequence number \(value) exceeds 65535") }
        return UInt16(value)
    }

    private static func parseField(_ token: Slice<UnsafeBufferPointer<UInt8>>) throws(LinkLineError) -> LinkField {
        guard let eq = token.firstIndex(of: equals) else { throw .syntax("field without '='") }
        let key = token[token.startIndex..<eq]
        let value = token[(eq + 1)...]
        guard (1...16).contains(key.count), let first = key.first, first >= 0x61 && first <= 0x7A,
              key.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F })
        else { throw .syntax("key must be 1 to 16 of a-z, 0-9, '_', starting with a letter") }
        var index = value.startIndex
        while index < value.endIndex {
            let byte = value[index]
            if byte == equals || byte == UInt8(ascii: "*") { throw .syntax("'=' or '*' inside a value must be percent-encoded") }
            if byte == UInt8(ascii: "%") {
                guard index + 2 < value.endIndex,
                      LinkValue.hexDigit(value[index + 1]) != nil, LinkValue.hexDigit(value[index + 2]) != nil
                else { throw .syntax("'%' must be followed by two hex digits") }
                index += 2
            }
            index += 1
        }
        return LinkField(key: String(decoding: key, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
    }
}

/// The space-separated tokens of a line's body, empty ones included (two spaces in a row make
/// an empty token, which the grammar then refuses), without an array of them.
struct SpaceSeparated {
    private let body: UnsafeBufferPointer<UInt8>
    private var start: Int?

    init(_ body: UnsafeBufferPointer<UInt8>) {
        self.body = body
        start = 0
    }

    mutating func next() -> Slice<UnsafeBufferPointer<UInt8>>? {
        guard let from = start else { return nil }
        var end = from
        while end < body.count, body[end] != 0x20 { end += 1 }
        start = end < body.count ? end + 1 : nil
        return body[from..<end]
    }
}
