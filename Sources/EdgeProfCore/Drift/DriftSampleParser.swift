import Foundation

/// Why a file of values could not be read as a drift sample.
public enum DriftSampleError: Error, Equatable, CustomStringConvertible {
    case empty
    case notJSONValues
    case unknownColumn(String, available: [String])
    case columnNeeded(available: [String])
    case raggedRow(line: Int, expected: Int, found: Int)
    case headerOnly(String)

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
            "has a header (\(header)) but no values under it"
        }
    }
}

/// Reads a drift sample from CSV or JSON text. Values that all read as numbers make a numeric
/// sample, anything else (or `categorical`) a categorical one. A CSV of several columns has a header
/// row; a one-column CSV may (a non-numeric first line over numbers). Empty CSV fields are skipped.
public enum DriftSampleParser {
    public static func parse(_ text: String, column: String? = nil, categorical: Bool = false) throws(DriftSampleError) -> DriftSample {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .empty }
        let fields = trimmed.hasPrefix("[") || trimmed.hasPrefix("{")
            ? try jsonFields(trimmed)
            : try csvFields(trimmed, column: column)
        guard !fields.isEmpty else { throw .empty }
        if !categorical {
            let numbers = fields.compactMap { Double($0) }
            if numbers.count == fields.count { return .numeric(numbers) }
        }
        return .categorical(fields)
    }

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

    private struct ValuesObject: Decodable {
        var values: [JSONValue]
    }

    private static func jsonFields(_ text: String) throws(DriftSampleError) -> [String] {
        let data = Data(text.utf8)
        if let list = try? JSONDecoder().decode([JSONValue].self, from: data) { return list.map(\.field) }
        if let object = try? JSONDecoder().decode(ValuesObject.self, from: data) { return object.values.map(\.field) }
        throw .notJSONValues
    }

    private static func csvFields(_ text: String, column: String?) throws(DriftSampleError) -> [String] {
        let lines = text.split(whereSeparator: \.isNewline).map { line in
            line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        }
        guard let first = lines.first else { throw .empty }
        if lines.count == 1, first.count == 1, Double(first[0]) == nil { throw .headerOnly(first[0]) }
        let hasHeader = first.count > 1 || column == first[0]
            || (Double(first[0]) == nil && lines.count > 1 && lines.dropFirst().allSatisfy { Double($0[0]) != nil || $0[0].isEmpty })
        let header = hasHeader ? first : (0..<first.count).map { "column \($0 + 1)" }
        let index: Int
        if let column {
            guard let found = header.firstIndex(of: column) else { throw .unknownColumn(column, available: header) }
            index = found
        } else if header.count == 1 {
            index = 0
        } else {
            throw .columnNeeded(available: header)
        }
        var fields: [String] = []
        for (offset, row) in lines.enumerated().dropFirst(hasHeader ? 1 : 0) {
            guard row.count == header.count else { throw .raggedRow(line: offset + 1, expected: header.count, found: row.count) }
            if !row[index].isEmpty { fields.append(row[index]) }
        }
        return fields
    }
}
