@testable import EdgeProfCore
import Foundation
import Testing

/// `CanonicalJSONEncoder` against its oracle, `JSONCoding.encoder` (JSONEncoder): stored runs'
/// content digests were taken over JSONEncoder's bytes, so every value must give the same bytes.
@Suite struct CanonicalJSONEncoderTests {
    @Test func anUploadIsWrittenByteForByteAsJSONEncoderWritesIt() throws {
        let upload = RunUploadCanonicalBytesTests.uploadWithEveryPart()
        let canonical = try CanonicalJSONEncoder.encode(upload)
        #expect(canonical == (try JSONCoding.encoder.encode(upload)))
        #expect(RunUpload.contentSHA256(ofCanonical: canonical) == upload.contentSHA256)
    }

    @Test func randomTreesOfEveryKindOfValueAreWrittenAsJSONEncoderWritesThem() throws {
        var random = XorShift(state: 0x9E37_79B9_7F4A_7C15)
        var mismatches: [String] = []
        for _ in 0..<3000 {
            let tree = RandomEncodable.make(depth: 0, &random)
            // A top-level value that writes nothing is refused by both.
            let oracle = try? JSONCoding.encoder.encode(tree)
            let ours = try? CanonicalJSONEncoder.encode(tree)
            if oracle != ours, mismatches.count < 5 {
                mismatches.append("JSONEncoder: \(oracle.map { String(decoding: $0, as: UTF8.self) } ?? "refused")\nours:        \(ours.map { String(decoding: $0, as: UTF8.self) } ?? "refused")")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
    }

    @Test func theShapeIsTheShapeOfTheWrittenBytes() throws {
        var random = XorShift(state: 77)
        for _ in 0..<500 {
            let tree = RandomEncodable.make(depth: 0, &random)
            guard let node = try? CanonicalJSONEncoder.node(of: tree) else { continue }
            #expect(node.shape == (try JSONShape.read(Data(CanonicalJSONEncoder.bytes(of: node)))))
        }
    }

    @Test func floatingPointNumbersOfEveryBitPatternAgree() throws {
        var random = XorShift(state: 5)
        var doubles: [Double] = [0, -0.0, 1, -1, 0.1, 1e-5, 1e15, 1e16, 1e21, .leastNonzeroMagnitude, .greatestFiniteMagnitude, .nan, .infinity, -.infinity, 123.456]
        var floats: [Float] = [0, -0.0, 0.1, 16_777_216, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .nan, .infinity]
        for _ in 0..<2000 {
            doubles.append(Double(bitPattern: random.next()))
            floats.append(Float(bitPattern: UInt32(truncatingIfNeeded: random.next())))
            doubles.append(Double(Int64(bitPattern: random.next()) >> Int(random.next() % 60)))
        }
        #expect(try CanonicalJSONEncoder.encode(doubles) == JSONCoding.encoder.encode(doubles))
        #expect(try CanonicalJSONEncoder.encode(floats) == JSONCoding.encoder.encode(floats))
    }
}

/// A value that encodes itself through every part of the Encoder API with random content: keyed,
/// unkeyed and single-value containers, nested containers, super encoders, nulls, every integer
/// width, floats, strings with escapes and non-ASCII keys, dates, Data, URLs, Decimals, and
/// containers asked for twice or left empty.
struct RandomEncodable: Encodable {
    indirect enum Node {
        case object([(String, Node)])
        case array([Node])
        case nestedObject([(String, Node)])
        case withSuper(Node)
        case empty
        case keyedTwice(String, Node, Node)
        case leaf(Leaf)
    }

    enum Leaf {
        case null, bool(Bool), string(String), double(Double), float(Float)
        case int(Int), int8(Int8), int16(Int16), int32(Int32), int64(Int64)
        case uint(UInt), uint8(UInt8), uint16(UInt16), uint32(UInt32), uint64(UInt64)
        case date(Date), data(Data), url(URL), decimal(Decimal), optionalNone
    }

    struct DynamicKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    let node: Node

    static let alphabet: [String] = ["a", "b", "Z", "1", "9", "/", "\"", "\\", "\n", "\t", "\u{08}", "\u{0C}", "\u{01}", "\u{1F}", "\u{7F}",
                                     "é", "e\u{301}", "😀", "\u{2028}", " ", "ﬁ", "\u{FFFD}", "x"]

    static func text<R: RandomNumberGenerator>(_ random: inout R) -> String {
        (0..<Int(random.next() % 6)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }.joined()
    }

    static func make<R: RandomNumberGenerator>(depth: Int, _ random: inout R) -> RandomEncodable {
        RandomEncodable(node: node(depth: depth, &random))
    }

    static func node<R: RandomNumberGenerator>(depth: Int, _ random: inout R) -> Node {
        let choice = depth > 3 ? 6 : random.next() % 7
        switch choice {
        case 0, 1:
            var seen = Set<[UInt8]>()
            let members = (0..<Int(random.next() % 5)).compactMap { _ -> (String, Node)? in
                let key = text(&random)
                // Keys equal as Strings but not as bytes (é, e + U+0301) would be one Dictionary
                // key in either encoder's storage; keep each key once as Strings compare them.
                guard seen.insert(Array(key.precomposedStringWithCanonicalMapping.utf8)).inserted else { return nil }
                return (key, node(depth: depth + 1, &random))
            }
            return choice == 0 ? .object(members) : .nestedObject(members)
        case 2: return .array((0..<Int(random.next() % 5)).map { _ in node(depth: depth + 1, &random) })
        case 3: return .withSuper(node(depth: depth + 1, &random))
        case 4: return .empty
        case 5: return .keyedTwice(text(&random), node(depth: depth + 1, &random), node(depth: depth + 1, &random))
        default: return .leaf(leaf(&random))
        }
    }

    static func leaf<R: RandomNumberGenerator>(_ random: inout R) -> Leaf {
        let bits = random.next()
        switch random.next() % 20 {
        case 0: return .null
        case 1: return .bool(bits & 1 == 1)
        case 2: return .string(text(&random))
        case 3: return .double(Double(bitPattern: bits))
        case 4: return .float(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))
        case 5: return .int(Int(bitPattern: UInt(bits)))
        case 6: return .int8(Int8(truncatingIfNeeded: bits))
        case 7: return .int16(Int16(truncatingIfNeeded: bits))
        case 8: return .int32(Int32(truncatingIfNeeded: bits))
        case 9: return .int64(Int64(bitPattern: bits))
        case 10: return .uint(UInt(bits))
        case 11: return .uint8(UInt8(truncatingIfNeeded: bits))
        case 12: return .uint16(UInt16(truncatingIfNeeded: bits))
        case 13: return .uint32(UInt32(truncatingIfNeeded: bits))
        case 14: return .uint64(bits)
        case 15: return .date(Date(timeIntervalSince1970: Double(bits % 4_000_000_000_000) / 1000))
        case 16: return .data(Data((0..<Int(bits % 9)).map { UInt8(truncatingIfNeeded: bits >> $0) }))
        case 17: return .url(URL(string: "https://lab.example/a/\(bits % 1000)?q=\(bits % 7)#f") ?? URL(fileURLWithPath: "/"))
        case 18: return .decimal(Decimal(Int64(bitPattern: bits) % 1_000_000) / Decimal(100))
        default: return .double(Double(Int64(bitPattern: bits) % 100_000) / 8)
        }
    }

    func encode(to encoder: any Encoder) throws {
        switch node {
        case .object(let members):
            var container = encoder.container(keyedBy: DynamicKey.self)
            for (key, value) in members { try container.encode(RandomEncodable(node: value), forKey: DynamicKey(stringValue: key)) }
        case .nestedObject(let members):
            var outer = encoder.unkeyedContainer()
            var container = outer.nestedContainer(keyedBy: DynamicKey.self)
            for (key, value) in members {
                if case .leaf(.optionalNone) = value {
                    try container.encodeIfPresent(Optional<Int>.none, forKey: DynamicKey(stringValue: key))
                } else if case .leaf(.null) = value {
                    try container.encodeNil(forKey: DynamicKey(stringValue: key))
                } else {
                    var inner = container.nestedUnkeyedContainer(forKey: DynamicKey(stringValue: key))
                    try inner.encode(RandomEncodable(node: value))
                    try inner.encodeNil()
                }
            }
        case .array(let elements):
            var container = encoder.unkeyedContainer()
            for element in elements { try container.encode(RandomEncodable(node: element)) }
        case .withSuper(let value):
            var container = encoder.container(keyedBy: DynamicKey.self)
            try RandomEncodable(node: value).encode(to: container.superEncoder())
            try RandomEncodable(node: value).encode(to: container.superEncoder(forKey: DynamicKey(stringValue: "parent")))
        case .empty:
            break
        case .keyedTwice(let key, let first, let second):
            var container = encoder.container(keyedBy: DynamicKey.self)
            try container.encode(RandomEncodable(node: first), forKey: DynamicKey(stringValue: key))
            var again = encoder.container(keyedBy: DynamicKey.self)
            try again.encode(RandomEncodable(node: second), forKey: DynamicKey(stringValue: key))
            try again.encode(true, forKey: DynamicKey(stringValue: key + "!"))
        case .leaf(let leaf):
            var container = encoder.singleValueContainer()
            switch leaf {
            case .null, .optionalNone: try container.encodeNil()
            case .bool(let value): try container.encode(value)
            case .string(let value): try container.encode(value)
            case .double(let value): try container.encode(value)
            case .float(let value): try container.encode(value)
            case .int(let value): try container.encode(value)
            case .int8(let value): try container.encode(value)
            case .int16(let value): try container.encode(value)
            case .int32(let value): try container.encode(value)
            case .int64(let value): try container.encode(value)
            case .uint(let value): try container.encode(value)
            case .uint8(let value): try container.encode(value)
            case .uint16(let value): try container.encode(value)
            case .uint32(let value): try container.encode(value)
            case .uint64(let value): try container.encode(value)
            case .date(let value): try container.encode(value)
            case .data(let value): try container.encode(value)
            case .url(let value): try container.encode(value)
            case .decimal(let value): try container.encode(value)
            }
        }
    }
}
