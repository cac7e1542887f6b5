/// Reads a number from the bytes of one field exactly as `Double(String)` reads its text, without
/// making a String for the common case.
///
/// Plain decimals (`-12.5`, `3e-4`, `1.000e+01`) whose digits, trailing zeros aside, fit 2^53
/// and whose power of ten is within ±22 are one exact integer times or over one exact power of
/// ten: a single IEEE operation, correctly rounded, the value any correct parser gives (Clinger's
/// fast path). Every other field (more digits, hex, `inf`, `nan`, garbage) goes to the standard
/// library's parser, so the two can never disagree.
enum DecimalBytes {
    private static let exactPowersOfTen: [Double] = (0...22).map { power in (0..<power).reduce(1.0) { value, _ in value * 10 } }

    static func double(_ bytes: UnsafeRawBufferPointer) -> Double? {
        if let value = fastPath(bytes) { return value }
        return Double(String(decoding: bytes, as: UTF8.self))
    }

    private static func fastPath(_ bytes: UnsafeRawBufferPointer) -> Double? {
        var index = 0
        let count = bytes.count
        guard count > 0, count <= 40 else { return nil }
        var negative = false
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            index = 1
        }
        var significand: UInt64 = 0
        var significantDigits = 0
        var zerosAfterLastDigit = 0
        var exponent = 0
        var sawDigit = false
        var sawPoint = false
        while index < count {
            let byte = bytes[index]
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                sawDigit = true
                if sawPoint { exponent -= 1 }
                let digit = UInt64(byte - UInt8(ascii: "0"))
                if digit == 0 {
                    if significantDigits > 0 { zerosAfterLastDigit += 1 }
                } else {
                    significantDigits += zerosAfterLastDigit + 1
                    guard significantDigits <= 19 else { return nil }
                    for _ in 0..<zerosAfterLastDigit { significand *= 10 }
                    significand = significand * 10 + digit
                    zerosAfterLastDigit = 0
                }
            } else if byte == UInt8(ascii: "."), !sawPoint {
                sawPoint = true
            } else {
                break
            }
            index += 1
        }
        guard sawDigit else { return nil }
        // Zeros after the last non-zero digit scale by ten instead of widening the significand.
        exponent += zerosAfterLastDigit
        if index < count {
            guard bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") else { return nil }
            index += 1
            var exponentNegative = false
            if index < count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            var written = 0
            var exponentDigits = 0
            while index < count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                guard exponentDigits < 4 else { return nil }
                written = written * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                exponentDigits += 1
                index += 1
            }
            guard exponentDigits > 0, index == count else { return nil }
            exponent += exponentNegative ? -written : written
        }
        guard significand <= 1 << 53 else { return nil }
        if significand == 0 { return negative ? -0.0 : 0.0 }
        guard exponent >= -22, exponent <= 22 else { return nil }
        let magnitude = exponent < 0 ? Double(significand) / exactPowersOfTen[-exponent] : Double(significand) * exactPowersOfTen[exponent]
        return negative ? -magnitude : magnitude
    }
}
