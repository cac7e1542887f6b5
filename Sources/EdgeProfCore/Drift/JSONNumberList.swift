/// Reads a JSON array holding numbers only (`[1, 2.5e3, -4]`) straight from its bytes: the
/// common drift file, a million numbers, without the JSON decoder's per-value work.
///
/// Anything else gives nil and is left to the JSON decoder (strings, objects, nesting, a number
/// JSON's grammar does not allow, one that overflows or underflows a Double), so a file reads
/// the same either way.
enum JSONNumberList {
    static func numbers(_ bytes: UnsafeRawBufferPointer) -> [Double]? {
        var position = 0
        let end = bytes.count
        func skipSpace() {
            while position < end, bytes[position] == 0x20 || bytes[position] == 0x09 || bytes[position] == 0x0A || bytes[position] == 0x0D { position += 1 }
        }
        skipSpace()
        guard position < end, bytes[position] == UInt8(ascii: "[") else { return nil }
        position += 1
        skipSpace()
        var numbers: [Double] = []
        if position < end, bytes[position] == UInt8(ascii: "]") {
            position += 1
            skipSpace()
            return position == end ? numbers : nil
        }
        while true {
            let start = position
            guard let (length, nonZero) = numberToken(bytes, from: start) else { return nil }
            position += length
            guard let value = DecimalBytes.double(UnsafeRawBufferPointer(rebasing: bytes[start..<position])), value.isFinite, value != 0 || !nonZero else { return nil }
            numbers.append(value)
            skipSpace()
            guard position < end else { return nil }
            if bytes[position] == UInt8(ascii: "]") { break }
            guard bytes[position] == UInt8(ascii: ",") else { return nil }
            position += 1
            skipSpace()
        }
        position += 1
        skipSpace()
        return position == end ? numbers : nil
    }

    /// The length of the JSON number starting at `start` (RFC 8259: `-? (0 | [1-9][0-9]*)
    /// (. [0-9]+)? ([eE] [+-]? [0-9]+)?`) and whether its significand has a non-zero digit.
    private static func numberToken(_ bytes: UnsafeRawBufferPointer, from start: Int) -> (length: Int, nonZero: Bool)? {
        var position = start
        let end = bytes.count
        var nonZero = false
        func isDigit(_ index: Int) -> Bool { index < end && bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9") }
        func digits() -> Int {
            let first = position
            while isDigit(position) {
                if bytes[position] != UInt8(ascii: "0") { nonZero = true }
                position += 1
            }
            return position - first
        }
        if position < end, bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard isDigit(position) else { return nil }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            guard !isDigit(position) else { return nil }
        } else {
            _ = digits()
        }
        if position < end, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { return nil }
        }
        if position < end, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < end, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            let significandNonZero = nonZero
            guard digits() > 0 else { return nil }
            nonZero = significandNonZero
        }
        return (position - start, nonZero)
    }
}
