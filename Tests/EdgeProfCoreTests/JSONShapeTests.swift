import Foundation
import Testing

@testable import EdgeProfCore

/// `JSONShape` reads documents as Foundation's `JSONSerialization` does: the same documents
/// accepted, the same keys, elements and nulls, checked on hand-picked edge cases, random
/// documents and fuzzed uploads.
@Suite struct JSONShapeTests {
    /// Foundation's verdict and tree, as a shape.
    static func foundationShape(_ data: Data) -> JSONShape? {
        guard let tree = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return nil }
        return shape(of: tree)
    }

    static func shape(of tree: Any) -> JSONShape {
        if let object = tree as? [String: Any] { return .object(object.mapValues(shape(of:))) }
        if let array = tree as? [Any] { return .array(array.map(shape(of:))) }
        return tree is NSNull ? .null : .scalar
    }

    static func ours(_ data: Data) -> JSONShape? { try? JSONShape.read(data) }

    @Test(arguments: [
        "{}", "[]", "0", "-0", "1.5e-3", "-12.0E+7", "true", "false", "null", "\"\"", " \n\t{ \"a\" : [ 1 , null , {} ] }\r\n",
        #"{"a":{"b":{"c":[[],[{}],null]}},"d":null}"#, #"{"\u0061b":1}"#, #"{"é":1,"e\u0301":2}"#, #"["\ud83d\ude00", "\/\b\f\n\r\t\"\\"]"#,
        #"{"a":1,"a":null}"#, #"{"a":null,"a":1}"#, "[123456789012345678901234567890]", "\u{FEFF}{}",
    ])
    func acceptedDocumentsHaveFoundationsShape(_ text: String) throws {
        let data = Data(text.utf8)
        let expected = try #require(Self.foundationShape(data), "Foundation reads \(text)")
        #expect(try JSONShape.read(data) == expected)
    }

    @Test(arguments: [
        "", " ", "{", "}", "[,1]", "{\"a\" 1}", "{a:1}", "{'a':1}", "01", "1.", ".5", "-", "1e", "1e+", "+1",
        "tru", "nul", "[1] [2]", "\"abc", "\"a\u{01}b\"", #""\x""#, #""\u12G4""#, #""\u12""#, "NaN", "Infinity", "[1 2]",
        "{\"a\":1 \"b\":2}",
    ])
    func refusedDocumentsAreRefusedByFoundationToo(_ text: String) {
        let data = Data(text.utf8)
        #expect(Self.foundationShape(data) == nil, "Foundation refuses \(text.debugDescription)")
        #expect(Self.ours(data) == nil)
    }

    /// Where RFC 8259 and Foundation part, the RFC decides: Foundation tolerates trailing commas,
    /// and refuses a number beyond Double's range that JSON's grammar allows (the decoder then
    /// refuses it for the field it fills).
    @Test func trailingCommasAreRefusedAndHugeNumbersLeftToTheDecoder() {
        for text in ["[1,]", "{\"a\":1,}", "[[],]"] {
            #expect(Self.foundationShape(Data(text.utf8)) != nil)
            #expect(Self.ours(Data(text.utf8)) == nil, "\(text)")
        }
        #expect(Self.foundationShape(Data("[1e400]".utf8)) == nil)
        #expect(Self.ours(Data("[1e400]".utf8)) == .array([.scalar]))
    }

    @Test func invalidUTF8AndLoneSurrogatesAreRefused() {
        for bytes: [UInt8] in [[0x22, 0xC3, 0x28, 0x22], [0x22, 0xFF, 0x22], [0x7B, 0x22, 0xE2, 0x82, 0x22, 0x3A, 0x31, 0x7D]] {
            #expect(Self.ours(Data(bytes)) == nil, "\(bytes)")
        }
        for text in [#""\ud800""#, #""\udc00""#, #""\ud800\u0041""#, #"{"\ud83d":1}"#] {
            #expect(Self.ours(Data(text.utf8)) == nil, "\(text)")
        }
    }

    @Test func malformedDocumentsSayWhereAndWhat() {
        #expect(throws: JSONShape.Malformed(offset: 10, length: 11, expected: "',' or '}'")) { try JSONShape.read(Data(#"{"bench":1"#.utf8 + [0x5D])) }
        #expect(throws: JSONShape.Malformed(offset: 2, length: 2, expected: "a value")) { try JSONShape.read(Data("[ ".utf8)) }
    }

    @Test func nestingBeyondTheLimitIsRefusedWithoutDeepRecursion() {
        let deep = Data(String(repeating: "[", count: 100_000).utf8)
        #expect(throws: JSONShape.Malformed.self) { try JSONShape.read(deep) }
        let allowed = String(repeating: "[", count: JSONShape.maximumDepth) + String(repeating: "]", count: JSONShape.maximumDepth)
        #expect(Self.ours(Data(allowed.utf8)) != nil)
        let tooDeep = "[" + allowed + "]"
        #expect(Self.ours(Data(tooDeep.utf8)) == nil)
    }

    /// Random documents, written by Foundation (so every one is valid) with random spacing.
    @Test func randomDocumentsHaveFoundationsShape() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % bound
        }
        func tree(depth: Int) -> Any {
            switch next(depth > 3 ? 4 : 6) {
            case 0: return NSNull()
            case 1: return next(2) == 0
            case 2: return Double(next(2_000_000) - 1_000_000) / Double(1 + next(1000))
            case 3: return ["", "a", "ключ", "\u{1F600}", "quote\"back\\slash", "tab\t"][next(6)]
            case 4: return (0..<next(5)).map { _ in tree(depth: depth + 1) }
            default:
                var object: [String: Any] = [:]
                for _ in 0..<next(5) { object[["k", "name", "é", "e\u{301}", "a/b", "\u{0}"][next(6)] + String(next(3))] = tree(depth: depth + 1) }
                return object
            }
        }
        for _ in 0..<400 {
            let value = tree(depth: 0)
            let data = try JSONSerialization.data(withJSONObject: value, options: next(2) == 0 ? [.prettyPrinted, .fragmentsAllowed] : [.fragmentsAllowed])
            #expect(try JSONShape.read(data) == Self.shape(of: value))
        }
    }

    /// Uploads with random bytes overwritten: whatever Foundation accepts, we accept with the
    /// same shape, and the other way round.
    @Test func fuzzedUploadsAreReadAsFoundationReadsThem() throws {
        let body = Array(try JSONCoding.encoder.encode(CollectorRulesTests.upload()))
        var state: UInt64 = 11
        var accepted = 0
        for _ in 0..<3000 {
            var mutated = body
            state = state &* 6_364_136_223_846_793_005 &+ 1
            for _ in 0...(Int(state >> 62)) {
                state = state &* 6_364_136_223_846_793_005 &+ 1
                let replacement: [UInt8] = [0x22, 0x2C, 0x3A, 0x5B, 0x5D, 0x7B, 0x7D, 0x20, 0x30, 0x5C, 0x6E, 0x80]
                mutated[Int(state >> 33) % mutated.count] = replacement[Int(state >> 20) % replacement.count]
            }
            let data = Data(mutated)
            let expected = Self.foundationShape(data)
            #expect(Self.ours(data) == expected, "\(String(decoding: mutated, as: UTF8.self))")
            if expected != nil { accepted += 1 }
        }
        #expect(accepted > 100, "the fuzz reaches accepted documents too")
    }
}
