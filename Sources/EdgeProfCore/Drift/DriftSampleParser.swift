import Foundation

/// Why a file of values could not be read as a drift sample.
public enum DriftSampleError: Error, Equatable, CustomStringConvertible {
    case empty
    case notJSONValues
    case unknownColumn(String, available: [String])
    case columnNeeded(available: [String])
    case raggedRow(line: Int, expected: Int, found: Int)
    case headerOnly(String)
    case headerlessColumns(Int)

    public var description: String {
        switch self {
        case .empty: "holds no values"
        case .notJSONValues:
            "is JSON but not a list of values; write [1.2, 3.4, …], [\"a\", \"b\", …] or {\"values\": […]}"
        case .unknownColumn(let name, let available):
            "has no column \"\(name)\"; its columns are \(available.joined(separator: ", "))"
        case .columnNeeded(let available):
            "has several columns (\(available.joined(separator: ", "))); choose one with --column"
        case .raggedRow(let line, let expected, let found):
            "line \(line) has \(found) fields where the header has \(expected)"
        case .headerOnly(let header):
            "has a header (\(header)) but no values under it; if that line is a value, say --no-header"
        case .headerlessColumns(let count):
            "has \(count) columns; a CSV of several columns needs its header row to name them (leave out --no-header)"
        }
    }
}

/// Reads a drift sample from CSV or JSON bytes. Values that all read as numbers make a numeric
/// sample, anything else (or `categorical`) a categorical one. A CSV of several columns has a header
/// row; so has a one-column CSV whose first line is not a number, as pandas reads it (a column is
/// never named by a number), unless `headerless` says that line is a value. Empty CSV fields are
/// skipped.
///
/// CSV is read in one pass over the bytes (a memory-mapped file, no String per field);
/// numbers are the ones `Double(String)` reads from the same text. A JSON list of numbers only is
/// read from its bytes too; other JSON goes through the JSON decoder.
public enum DriftSampleParser {
    public static func parse(_ text: String, column: String? = nil, categorical: Bool = false, headerless: Bool = false) throws(DriftSampleError) -> DriftSample {
        try parse(Data(text.utf8), column: column, categorical: categorical, headerless: headerless)
    }

    public static func parse(
        _ data: Data, column: String? = nil, categorical: Bool = false, headerless: Bool = false
    ) throws(DriftSampleError) -> DriftSample {
        let result = data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Result<DriftSample, DriftSampleError> in
            do throws(DriftSampleError) {
                return .success(try parse(bytes: bytes, column: column, categorical: categorical, headerless: headerless))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private static func parse(bytes: UnsafeRawBufferPointer, column: String?, categorical: Bool, headerless: Bool) throws(DriftSampleError) -> DriftSample {
        var lower = 0
        var upper = bytes.count
        while lower < upper, isWhitespace(bytes[lower]) { lower += 1 }
        while upper > lower, isWhitespace(bytes[upper - 1]) { upper -= 1 }
        guard lower < upper else { throw .empty }
        let trimmed = UnsafeRawBufferPointer(rebasing: bytes[lower..<upper])
        if trimmed[0] == UInt8(ascii: "[") || trimmed[0] == UInt8(ascii: "{") {
            if !categorical, let numbers = JSONNumberList.numbers(trimmed) { return try numeric(numbers) }
            return try json(Data(trimmed), categorical: categorical)
        }
        return try csv(trimmed, column: column, categorical: categorical, headerless: headerless)
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        CSVColumnScan.isSpace(byte) || CSVColumnScan.isLineEnd(byte)
    }

    // MARK: - CSV

    private static func csv(_ bytes: UnsafeRawBufferPointer, column: String?, categorical: Bool, headerless: Bool) throws(DriftSampleError) -> DriftSample {
        func text(_ range: Range<Int>) -> String { String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
        func number(_ range: Range<Int>) -> Double? { DecimalBytes.double(UnsafeRawBufferPointer(rebasing: bytes[range])) }
        let scan = try CSVColumnScan(bytes, readNumbers: !categorical) { (first: [Range<Int>]) throws(DriftSampleError) -> Int in
            guard first.count > 1 else { return 0 }
            if headerless { throw .headerlessColumns(first.count) }
            let header = first.map(text)
            guard let column else { throw .columnNeeded(available: header) }
            guard let index = header.firstIndex(of: column) else { throw .unknownColumn(column, available: header) }
            return index
        }
        let first = scan.firstLine
        let firstText = first.map(text)
        let hasHeader = !headerless && (first.count > 1 || column == firstText[0] || number(first[0]) == nil)
        if hasHeader, scan.lineCount == 1, first.count == 1 { throw .headerOnly(firstText[0]) }
        let header = hasHeader ? firstText : (0..<first.count).map { "column \($0 + 1)" }
        if let column, header.firstIndex(of: column) == nil { throw .unknownColumn(column, available: header) }
        if let ragged = scan.firstRaggedLine { throw .raggedRow(line: ragged.line, expected: header.count, found: ragged.found) }
        // Without a header, the first line holds values too (a one-column file: its only field).
        let leading = !hasHeader && !first[0].isEmpty ? [first[0]] : []
        if !categorical, scan.allNumbers {
            let leadingNumbers = leading.compactMap(number)
            if leadingNumbers.count == leading.count {
                guard !leading.isEmpty || !scan.numbers.isEmpty else { throw .empty }
                return .numeric(leadingNumbers + scan.numbers)
            }
        }
        let fields = (leading + scan.values).map(text)
        guard !fields.isEmpty else { throw .empty }
        return .categorical(fields)
    }

    // MARK: - JSON

    /// A JSON value of a sample: a number or a string.
    private enum JSONValue: Decodable {
        case number(Double)
        case text(String)

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else {
                self = .text(try container.decode(String.self))
            }
        }

        /// A number as a CSV would write it: `1` for 1 and 1.0, so that a class id read from JSON
        /// and from CSV is one category, not two.
        var field: String {
            switch self {
            case .number(let value):
                value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
            case .text(let value): value
            }
        }
    }

    private struct ValuesObject<Value: Decodable>: Decodable {
        var values: [Value]
    }

    private static func json(_ data: Data, categorical: Bool) throws(DriftSampleError) -> DriftSample {
        let decoder = JSONDecoder()
        if !categorical {
            if let numbers = try? decoder.decode([Double].self, from: data) { return try numeric(numbers) }
            if let object = try? decoder.decode(ValuesObject<Double>.self, from: data) { return try numeric(object.values) }
        }
        let fields: [String]
        if let list = try? decoder.decode([JSONValue].self, from: data) {
            fields = list.map(\.field)
        } else if let object = try? decoder.decode(ValuesObject<JSONValue>.self, from: data) {
            fields = object.values.map(\.field)
        } else {
            throw .notJSONValues
        }
        guard !fields.isEmpty else { throw .empty }
        if !categorical {
            let numbers = fields.compactMap { Double($0) }
            if numbers.count == fields.count { return .numeric(numbers) }
        }
        return .categorical(fields)
    }

    /// Numbers decoded as JSON numbers; an integral one is the same value the text `1` gives,
    /// minus zero aside (it compares equal to zero in every statistic).
    private static func numeric(_ numbers: [Double]) throws(DriftSampleError) -> DriftSample {
        guard !numbers.isEmpty else { throw .empty }
        return .numeric(numbers)
    }
}
