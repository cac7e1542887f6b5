@testable import EdgeProfCore
import Testing

/// Files of values for `drift compare`: CSV with or without a header, JSON lists and objects.
@Suite struct DriftSampleParserTests {
    @Test func readsEveryDocumentedShape() throws {
        #expect(try DriftSampleParser.parse("1.5\n2\n\n3e-1\n") == .numeric([1.5, 2, 0.3]))
        #expect(try DriftSampleParser.parse("latency_ms\n1\n2") == .numeric([1, 2]))
        #expect(try DriftSampleParser.parse("cat\ndog\ncat") == .categorical(["cat", "dog", "cat"]))
        #expect(try DriftSampleParser.parse("id,ms\n1,4.5\n2,\n3,5", column: "ms") == .numeric([4.5, 5]))
        #expect(try DriftSampleParser.parse("[1, 2.5]") == .numeric([1, 2.5]))
        #expect(try DriftSampleParser.parse("{\"values\": [\"a\", \"b\"]}") == .categorical(["a", "b"]))
        #expect(try DriftSampleParser.parse("[3, 1, 3]", categorical: true) == .categorical(["3.0", "1.0", "3.0"]))
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
