@testable import EdgeProfCore
import EdgeProfSim
import Foundation
import Testing

/// Issue 18: drift files are read from their bytes in one pass instead of through Foundation's
/// String trimming and splitting (88 % of a 1M-value comparison). The results must not move:
/// every number is the one `Double(String)` reads, and every file gives the sample (or the
/// error) the String-based reader gave, which these tests keep as their oracle.
@Suite struct DriftByteParsingTests {
    static func decimal(_ text: String) -> Double? {
        Array(text.utf8).withUnsafeBytes { DecimalBytes.double($0) }
    }

    static func same(_ left: Double?, _ right: Double?) -> Bool {
        switch (left, right) {
        case (nil, nil): true
        case let (left?, right?): left.bitPattern == right.bitPattern || (left.isNaN && right.isNaN)
        default: false
        }
    }

    @Test func numbersAreTheOnesDoubleReads() {
        var random = SplitMix64(seed: 18)
        var texts = ["0", "-0", "+0", "0.0", ".5", "5.", ".", "-", "+", "e5", "1e", "1e+", "1e-400", "1e400", "9007199254740993", "9007199254740992",
                     "123456789012345678901234", "0.1", "1.000000000000000056e-01", "1_0", "0x1p3", "inf", "-Infinity", "nan", "snan", " 1", "1 ", "1..2",
                     "00012.50", "1E22", "1e23", "1e-22", "1e-23", "4.9e-324", "1.7976931348623157e308", "٣", "1,5", "--1", "1e0005", "0e999"]
        let characters = Array("0123456789.eE+-")
        for _ in 0..<40_000 {
            let length = Int.random(in: 0...24, using: &random)
            texts.append(String((0..<length).map { _ in characters[Int.random(in: 0..<characters.count, using: &random)] }))
        }
        for _ in 0..<40_000 {
            let value = Double(bitPattern: random.next())
            let scaled = Double.random(in: -1e6...1e6, using: &random)
            texts += [String(value), String(format: "%.18e", value), String(scaled), String(format: "%.6f", scaled), String(format: "%.3e", scaled)]
        }
        var mismatches: [String] = []
        for text in texts where !Self.same(Self.decimal(text), Double(text)) { mismatches.append(text) }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    /// The reader before issue 18, kept as the oracle: Foundation trimming and splitting, with
    /// issue 18's header rule (a one-column file's first line is its header unless it is a
    /// number or `headerless` says it is a value).
    static func reference(_ text: String, column: String?, categorical: Bool, headerless: Bool = false) throws(DriftSampleError) -> DriftSample {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .empty }
        guard !(trimmed.hasPrefix("[") || trimmed.hasPrefix("{")) else { return try DriftSampleParser.parse(trimmed, column: column, categorical: categorical) }
        let lines = trimmed.split(whereSeparator: \.isNewline).map { line in
            line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        }
        guard let first = lines.first else { throw .empty }
        if headerless, first.count > 1 { throw .headerlessColumns(first.count) }
        let hasHeader = !headerless && (first.count > 1 || column == first[0] || Double(first[0]) == nil)
        if hasHeader, lines.count == 1, first.count == 1 { throw .headerOnly(first[0]) }
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
        guard !fields.isEmpty else { throw .empty }
        if !categorical {
            let numbers = fields.compactMap { Double($0) }
            if numbers.count == fields.count { return .numeric(numbers) }
        }
        return .categorical(fields)
    }

    static func outcome(_ read: () throws(DriftSampleError) -> DriftSample) -> String {
        do throws(DriftSampleError) {
            switch try read() {
            case .numeric(let values): return "numeric \(values.map(\.bitPattern))"
            case .categorical(let values): return "categorical \(values)"
            }
        } catch {
            return "error \(error)"
        }
    }

    @Test func everyCSVGivesWhatTheStringReaderGave() {
        var random = SplitMix64(seed: 1_818)
        let pieces = ["1", "2.5", "-3e2", "a", "b", "x", ",", ",", "\n", "\n", "\r\n", "\r", " ", "\t", "", "7", "0.125", "\u{0C}", "nan", "1e", ".", "cat"]
        var texts = ["1.5\n2\n\n3e-1\n", "latency_ms\n1\n2", "cat\ndog\ncat", "id,ms\n1,4.5\n2,\n3,5", "value\n", "a,b\n1,2\n3", " \n\t1\r\n2 \r\n", "a\n\n1\n,\n2"]
        for _ in 0..<6_000 {
            texts.append((0..<Int.random(in: 0...14, using: &random)).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &random)] }.joined())
        }
        var differences: [String] = []
        for text in texts {
            for column in [nil, "a", "column 1", "b"] as [String?] {
                for categorical in [false, true] {
                    for headerless in [false, true] {
                        let expected = Self.outcome { () throws(DriftSampleError) in
                            try Self.reference(text, column: column, categorical: categorical, headerless: headerless)
                        }
                        let read = Self.outcome { () throws(DriftSampleError) in
                            try DriftSampleParser.parse(text, column: column, categorical: categorical, headerless: headerless)
                        }
                        if read != expected {
                            differences.append("\(text.debugDescription) column \(column ?? "-") categorical \(categorical) headerless \(headerless): \(read) ≠ \(expected)")
                        }
                    }
                }
            }
        }
        #expect(differences.isEmpty, "\(differences.prefix(5))")
    }

    /// A JSON list of numbers read from its bytes gives what the JSON decoder gives, and what
    /// JSON does not allow is left to the decoder to refuse.
    @Test func jsonListsReadFromBytesAreWhatTheDecoderReads() throws {
        var random = SplitMix64(seed: 8_259)
        var texts = ["[]", " [ ] ", "[0]", "[-0]", "[01]", "[1.]", "[.5]", "[+1]", "[1e5]", "[1E+5]", "[1e-400]", "[0e-400]", "[1e400]", "[-]", "[1,]",
                     "[,1]", "[1 2]", "[1]]", "[[1]]", "[1, \"2\"]", "[NaN]", "[Infinity]", "[0.1, 0.2]", "[1e]", "[1.5e+3 , -2 ]"]
        let pieces = ["0", "1", "9", ".", "e", "E", "-", "+", ",", ", ", " ", "[", "]", "5", "00", "12", "e-3", "\n"]
        for _ in 0..<20_000 {
            texts.append("[" + (0..<Int.random(in: 0...10, using: &random)).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &random)] }.joined() + "]")
        }
        var numberLists: [String] = []
        for _ in 0..<2_000 {
            let values = (0..<5).map { _ in Double(bitPattern: random.next()) }.filter { $0.isFinite && abs($0) > 1e-300 }
            numberLists.append("[" + values.map { String(format: "%.18e", $0) }.joined(separator: ",") + "]")
            numberLists.append("[" + values.map { "\($0)" }.joined(separator: ", ") + "]")
        }
        #expect(numberLists.allSatisfy { text in Array(text.utf8).withUnsafeBytes { JSONNumberList.numbers($0) } != nil }, "lists of numbers are read from their bytes")
        texts += numberLists
        var differences: [String] = []
        for text in texts {
            let fromBytes = Array(text.utf8).withUnsafeBytes { JSONNumberList.numbers($0) }
            guard let fromBytes else { continue }
            let decoded = try? JSONDecoder().decode([Double].self, from: Data(text.utf8))
            if decoded?.map(\.bitPattern) != fromBytes.map(\.bitPattern) { differences.append(text) }
        }
        #expect(differences.isEmpty, "\(differences.prefix(5))")
        #expect(Array("[1, 2.5]".utf8).withUnsafeBytes { JSONNumberList.numbers($0) } == [1, 2.5])
        #expect(Array("[1e400]".utf8).withUnsafeBytes { JSONNumberList.numbers($0) } == nil)
    }

    @Test func jsonNumbersAreReadAsTheTextOnesWere() throws {
        #expect(try DriftSampleParser.parse("[1, 2.5, 1e3, -4]") == .numeric([1, 2.5, 1000, -4]))
        #expect(try DriftSampleParser.parse("{\"values\": [0.1, 3], \"unit\": \"ms\"}") == .numeric([0.1, 3]))
        #expect(try DriftSampleParser.parse("[\"1\", 2]") == .numeric([1, 2]), "numbers written as text are numbers, as before")
        #expect(try DriftSampleParser.parse("[1, \"a\"]") == .categorical(["1", "a"]))
        #expect(throws: DriftSampleError.empty) { try DriftSampleParser.parse("[]") }
        #expect(throws: DriftSampleError.notJSONValues) { try DriftSampleParser.parse("[1e400]") }
    }
}
