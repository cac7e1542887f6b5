/// One pass over the bytes of a CSV file for `DriftSampleParser`: the first line's fields, and
/// one column's non-empty fields below it as byte ranges, numbers read on the way. No String is
/// made for a field unless the sample turns out categorical.
///
/// Lines end at `\n`, `\r`, VT or FF (blank lines are skipped and not counted); fields are
/// split at `,` and trimmed of spaces and tabs.
struct CSVColumnScan {
    /// The first non-blank line's fields, trimmed.
    var firstLine: [Range<Int>] = []
    /// Non-blank lines.
    var lineCount = 0
    /// The first line after the first whose field count is not the first line's, with its count.
    var firstRaggedLine: (line: Int, found: Int)?
    /// The column's non-empty fields after the first line.
    var values: [Range<Int>] = []
    /// Those fields as numbers, while every one of them is one.
    var numbers: [Double] = []
    var allNumbers = true

    /// Scans `bytes`; `column` is the index of the values' column, resolved from the first line's
    /// fields by `resolveColumn` (called once, before the second line).
    init(_ bytes: UnsafeRawBufferPointer, readNumbers: Bool, resolveColumn: ([Range<Int>]) throws(DriftSampleError) -> Int) throws(DriftSampleError) {
        var column = 0
        var fields: [Range<Int>] = []
        var lineStart = 0
        let end = bytes.count
        var position = 0
        while position <= end {
            let atEnd = position == end
            let byte: UInt8 = atEnd ? 0 : bytes[position]
            guard atEnd || Self.isLineEnd(byte) else {
                position += 1
                continue
            }
            if position > lineStart {
                fields.removeAll(keepingCapacity: true)
                Self.split(bytes, lineStart..<position, into: &fields)
                lineCount += 1
                if lineCount == 1 {
                    firstLine = fields
                    column = try resolveColumn(fields)
                } else {
                    take(fields, column: column, bytes, readNumbers: readNumbers)
                }
            }
            position += 1
            lineStart = position
        }
    }

    private mutating func take(_ fields: [Range<Int>], column: Int, _ bytes: UnsafeRawBufferPointer, readNumbers: Bool) {
        guard fields.count == firstLine.count else {
            if firstRaggedLine == nil { firstRaggedLine = (lineCount, fields.count) }
            return
        }
        let field = fields[column]
        guard !field.isEmpty else { return }
        values.append(field)
        if readNumbers, allNumbers {
            if let number = DecimalBytes.double(UnsafeRawBufferPointer(rebasing: bytes[field])) {
                numbers.append(number)
            } else {
                allNumbers = false
                numbers = []
            }
        }
    }

    static func isLineEnd(_ byte: UInt8) -> Bool {
        byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09
    }

    /// The line's fields between commas, each without its leading and trailing spaces and tabs.
    private static func split(_ bytes: UnsafeRawBufferPointer, _ line: Range<Int>, into fields: inout [Range<Int>]) {
        var fieldStart = line.lowerBound
        var position = line.lowerBound
        while position <= line.upperBound {
            if position == line.upperBound || bytes[position] == UInt8(ascii: ",") {
                var lower = fieldStart
                var upper = position
                while lower < upper, isSpace(bytes[lower]) { lower += 1 }
                while upper > lower, isSpace(bytes[upper - 1]) { upper -= 1 }
                fields.append(lower..<upper)
                fieldStart = position + 1
            }
            position += 1
        }
    }
}
