/// Encoding and decoding of Link v1 field values: percent-encoded text, decimals and hex.
public enum LinkValue {
    private static let upperHex = Array("0123456789ABCDEF".utf8)
    private static let lowerHex = Array("0123456789abcdef".utf8)

    /// True for the bytes a text value must percent-encode.
    static func needsEscape(_ byte: UInt8) -> Bool {
        byte <= 0x20 || byte >= 0x7F || byte == UInt8(ascii: "%") || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "=")
    }

    public static func encodeText(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if needsEscape(byte) {
                out.append(UInt8(ascii: "%"))
                out.append(upperHex[Int(byte >> 4)])
                out.append(upperHex[Int(byte & 0x0F)])
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Percent-decodes a value; nil on a malformed escape or bytes that are not UTF-8.
    public static func decodeText(_ value: String) -> String? {
        var out: [UInt8] = []
        var bytes = value.utf8.makeIterator()
        while let byte = bytes.next() {
            guard byte == UInt8(ascii: "%") else {
                out.append(byte)
                continue
            }
            guard let high = bytes.next().flatMap(hexDigit), let low = bytes.next().flatMap(hexDigit) else { return nil }
            out.append(high << 4 | low)
        }
        return String(validating: out, as: UTF8.self)
    }

    /// A decimal u64 as the spec writes it (digits only, no sign, no spaces).
    public static func decimal(_ value: String) -> UInt64? {
        decimal(bytes: value.utf8)
    }

    /// The same, from the value's bytes (the run lines' reader, without a String).
    static func decimal<Bytes: Collection<UInt8>>(bytes value: Bytes) -> UInt64? {
        guard !value.isEmpty else { return nil }
        var result: UInt64 = 0
        for byte in value {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            let (scaled, overflowed) = result.multipliedReportingOverflow(by: 10)
            let (sum, carried) = scaled.addingReportingOverflow(UInt64(byte &- 0x30))
            guard !overflowed, !carried else { return nil }
            result = sum
        }
        return result
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(lowerHex[Int(byte >> 4)])
            out.append(lowerHex[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Bytes from hex text (either case); nil when malformed.
    public static func bytes(fromHex text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = hexDigit(digits[index]), let low = hexDigit(digits[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    static func hex16(_ value: UInt16) -> String {
        String(decoding: [12, 8, 4, 0].map { upperHex[Int((value >> UInt16($0)) & 0x0F)] }, as: UTF8.self)
    }

    @inline(__always)
    static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }
}
