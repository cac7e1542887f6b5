@testable import EdgeProfCore
import Testing

/// Files of values for `drift compare`: CSV with or without a header, JSON lists and objects.
@Suite struct DriftSampleParserTests {
    @Test func readsEveryDocumentedShape() throws {
        #expect(try DriftSampleParser.parse("1.5\n2\n\n3e-1\n") == .numeric([1.5, 2, 0.3]))
        #expect(try DriftSampleParser.parse("latency_ms\n1\n2") == .numeric([1, 2]))
        #expect(try DriftSampleParser.parse("label\ncat\ndog\ncat") == .categorical(["cat", "dog", "cat"]))
        #expect(try DriftSampleParser.parse("cat\ndog\ncat", headerless: true) == .categorical(["cat", "dog", "cat"]))
        #expect(try DriftSampleParser.parse("id,ms\n1,4.5\n2,\n3,5", column: "ms") == .numeric([4.5, 5]))
        #expect(try DriftSampleParser.parse("[1, 2.5]") == .numeric([1, 2.5]))
        #expect(try DriftSampleParser.parse("{\"values\": [\"a\", \"b\"]}") == .categorical(["a", "b"]))
        #expect(try DriftSampleParser.parse("[3, 1, 3]", categorical: true) == .categorical(["3", "1", "3"]))
        #expect(try DriftSampleParser.parse("[0.5, 2.0]", categorical: true) == .categorical(["0.5", "2"]))
    }

    /// Issue 13: class id 1 read from CSV and from JSON counted as two categories (a false
    /// chi-square drift), and a header-only CSV was taken for a one-value categorical sample.
    @Test func aClassIdIsOneCategoryFromCSVAndJSONAndAHeaderAloneHoldsNoValues() throws {
        #expect(try DriftSampleParser.parse("1\n2\n1", categorical: true) == DriftSampleParser.parse("[1, 2, 1]", categorical: true))
        #expect(throws: DriftSampleError.headerOnly("value")) { try DriftSampleParser.parse("value\n") }
        #expect(DriftSampleError.headerOnly("value").description == "has a header (value) but no values under it; if that line is a value, say --no-header")
        let reference = try DriftSampleParser.parse("class\n1\n2\n1\n2", categorical: true)
        let current = try DriftSampleParser.parse("[1, 2, 1, 2]", categorical: true)
        let findings = try DriftComparison.compare(reference: reference, current: current, methods: [.chi2], settings: DriftSettings(minimumSamples: 1))
        #expect(findings.first?.verdict == .noDrift, "\(findings)")
    }

    /// Issue 18: a one-column categorical CSV's header was counted as a category (one more
    /// degree of freedom, another p-value). A first line that is not a number is the header, as
    /// pandas reads it; `headerless` says it is a value.
    @Test func aOneColumnCSVsFirstLineIsItsHeaderUnlessItIsANumberOrSaidOtherwise() throws {
        #expect(try DriftSampleParser.parse("cat\ndog\ncat") == .categorical(["dog", "cat"]))
        #expect(try DriftSampleParser.parse("1\n2\n1", categorical: true) == .categorical(["1", "2", "1"]))
        #expect(try DriftSampleParser.parse("1.5\n2") == .numeric([1.5, 2]))
        #expect(try DriftSampleParser.parse("x\n1.5\n2") == .numeric([1.5, 2]))
        #expect(try DriftSampleParser.parse("x\n1.5\nn/a") == .categorical(["1.5", "n/a"]))
        #expect(try DriftSampleParser.parse("cat", headerless: true) == .categorical(["cat"]))
        #expect(throws: DriftSampleError.headerOnly("cat")) { try DriftSampleParser.parse("cat") }
        #expect(throws: DriftSampleError.headerlessColumns(2)) { try DriftSampleParser.parse("a,b\n1,2", column: "a", headerless: true) }
        let withHeader = try DriftSampleParser.parse("label\na\nb\nb\nc")
        let fromJSON = try DriftSampleParser.parse("[\"a\", \"b\", \"b\", \"c\"]")
        #expect(withHeader == fromJSON)
        let findings = try DriftComparison.compare(reference: withHeader, current: fromJSON, methods: [.chi2], settings: DriftSettings(minimumSamples: 1))
        #expect(findings.first?.verdict == .noDrift, "\(findings)")
    }

    @Test func refusesWhatItCannotRead() {
        #expect(throws: DriftSampleError.empty) { try DriftSampleParser.parse(" \n") }
        #expect(throws: DriftSampleError.notJSONValues) { try DriftSampleParser.parse("[true, 1]") }
        #expect(throws: DriftSampleError.notJSONValues) { try DriftSampleParser.parse("{\"x\": [1]}") }
        #expect(throws: DriftSampleError.columnNeeded(available: ["a", "b"])) { try DriftSampleParser.parse("a,b\n1,2") }
        #expect(throws: DriftSampleError.raggedRow(line: 3, expected: 2, found: 1)) { try DriftSampleParser.parse("a,b\n1,2\n3", column: "a") }
    }

    @Test func fuzzedTextNeverTraps() {
        var state: UInt64 = 11
        let alphabet = Array("0123456789.,-e\n[]{}\"ab: ")
        for _ in 0..<2000 {
            var text = ""
            state = state &* 6364136223846793005 &+ 1
            for _ in 0..<Int(state >> 58) {
                state = state &* 6364136223846793005 &+ 1
                text.append(alphabet[Int(state >> 33) % alphabet.count])
            }
            _ = try? DriftSampleParser.parse(text)
            _ = try? DriftSampleParser.parse(text, column: "a")
        }
    }
}

/// Issue 13: `drift compare --psi-convention evidently` aborted (SIGILL) on ±inf or on a range
/// overflowing a Double; such samples are now an inconclusive PSI, in words.
@Suite struct NonFiniteDriftTests {
    @Test(arguments: [[1.0, .infinity, 3], [-.infinity, 1, 2], [-1e308, 1e308, 0]])
    func psiOfValuesNumpyCannotBinIsInconclusive(current: [Double]) throws {
        let reference = (0..<40).map { Double($0) }
        for convention in [PSIConvention.standard, .evidently] {
            let findings = try DriftComparison.compare(
                reference: .numeric(reference), current: .numeric(current), methods: [.psi, .ks],
                settings: DriftSettings(minimumSamples: 1, psiConvention: convention))
            let psi = try #require(findings.first { $0.method == .psi })
            #expect(psi.verdict == .inconclusive && psi.reason.contains("not finite"), "\(psi)")
        }
    }
}
