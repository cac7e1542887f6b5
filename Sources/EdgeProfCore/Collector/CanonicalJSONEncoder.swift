import Foundation

/// Writes any Encodable value byte for byte as `JSONCoding.encoder` does (sorted keys, unescaped
/// slashes, ISO 8601 dates with milliseconds, "NaN"/"Infinity" strings, Data as base64, URLs and
/// Decimals as JSONEncoder writes them), half again as fast (`edgeprof-bench json`): it collects a
/// light tree, numbers kept as numbers, instead of JSONEncoder's boxed values. Content digests of stored runs were taken over JSONEncoder's
/// bytes, so the two must never differ; a differential test holds them to each other.
public enum CanonicalJSONEncoder {
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        Data(bytes(of: try node(of: value)))
    }

    /// The value's tree: its bytes and, for the strict check, its shape.
    static func node<T: Encodable>(of value: T) throws -> CanonicalJSONNode {
        let root: CanonicalJSONNode
        switch try CanonicalValueEncoder.value(of: value, codingPath: []) {
        case .node(let node): root = node
        case let scalar: root = CanonicalJSONNode(.single(scalar))
        }
        if case .unset = root.content {
            throw EncodingError.invalidValue(value, EncodingError.Context(codingPath: [], debugDescription: "Top-level \(T.self) did not encode any values."))
        }
        return root
    }

    static func bytes(of node: CanonicalJSONNode) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(4096)
        node.write(to: &output)
        return output
    }
}

/// The `Encoder` a value's `encode(to:)` writes into: one node, which its containers fill.
private struct CanonicalValueEncoder: Encoder {
    let target: CanonicalJSONNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        target.becomeObject()
        return KeyedEncodingContainer(CanonicalKeyedContainer<Key>(target: target, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        target.becomeArray()
        return CanonicalUnkeyedContainer(target: target, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        CanonicalSingleValueContainer(target: target, codingPath: codingPath)
    }

    /// One value: the types JSONEncoder writes itself directly, any other through its own
    /// `encode(to:)` (a value written through a single-value container is kept inline).
    static func value<T: Encodable>(of value: T, codingPath: [any CodingKey]) throws -> CanonicalJSONValue {
        switch value {
        case let text as String: return .string(text)
        case let number as Int: return .signed(Int64(number))
        case let number as UInt64: return .unsigned(number)
        case let number as Int64: return .signed(number)
        case let number as UInt32: return .unsigned(UInt64(number))
        case let number as Double: return floating(number)
        case let flag as Bool: return .bool(flag)
        case let date as Date: return .string(JSONCoding.dateText(date))
        case let data as Data: return .string(data.base64EncodedString())
        case let url as URL: return .string(url.absoluteString)
        case let decimal as Decimal: return .literal(decimal.description)
        case let number as Float: return floating(number)
        case let number as any FixedWidthInteger: return .literal(String(describing: number))
        default:
            let node = CanonicalJSONNode()
            try value.encode(to: CanonicalValueEncoder(target: node, codingPath: codingPath))
            if case .single(let inline) = node.content { return inline }
            return .node(node)
        }
    }

    /// A binary floating-point number as JSONEncoder writes it: its shortest description without
    /// a trailing ".0", or the collector's string for a number JSON has no literal for.
    static func floating<F: BinaryFloatingPoint & LosslessStringConvertible>(_ number: F) -> CanonicalJSONValue {
        if number.isNaN { return .string("NaN") }
        if number.isInfinite { return .string(number < 0 ? "-Infinity" : "Infinity") }
        let description = number.description
        return .literal(description.hasSuffix(".0") ? String(description.dropLast(2)) : description)
    }
}

private struct CanonicalKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let target: CanonicalJSONNode
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws {
        target.set(.null, forKey: key.stringValue)
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws { target.set(.bool(value), forKey: key.stringValue) }
    mutating func encode(_ value: String, forKey key: Key) throws { target.set(.string(value), forKey: key.stringValue) }
    mutating func encode(_ value: Double, forKey key: Key) throws { target.set(CanonicalValueEncoder.floating(value), forKey: key.stringValue) }
    mutating func encode(_ value: Float, forKey key: Key) throws { target.set(CanonicalValueEncoder.floating(value), forKey: key.stringValue) }
    mutating func encode(_ value: Int, forKey key: Key) throws { target.set(.signed(Int64(value)), forKey: key.stringValue) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { target.set(.signed(Int64(value)), forKey: key.stringValue) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { target.set(.signed(Int64(value)), forKey: key.stringValue) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { target.set(.signed(Int64(value)), forKey: key.stringValue) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { target.set(.signed(Int64(value)), forKey: key.stringValue) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { target.set(.unsigned(UInt64(value)), forKey: key.stringValue) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { target.set(.unsigned(UInt64(value)), forKey: key.stringValue) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { target.set(.unsigned(UInt64(value)), forKey: key.stringValue) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { target.set(.unsigned(UInt64(value)), forKey: key.stringValue) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { target.set(.unsigned(UInt64(value)), forKey: key.stringValue) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        target.set(try CanonicalValueEncoder.value(of: value, codingPath: codingPath + [key]), forKey: key.stringValue)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = CanonicalJSONNode(.object([]))
        target.set(.node(child), forKey: key.stringValue)
        return KeyedEncodingContainer(CanonicalKeyedContainer<NestedKey>(target: child, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = CanonicalJSONNode(.array([]))
        target.set(.node(child), forKey: key.stringValue)
        return CanonicalUnkeyedContainer(target: child, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        let child = CanonicalJSONNode()
        target.set(.node(child), forKey: "super")
        return CanonicalValueEncoder(target: child, codingPath: codingPath + [CanonicalIndexKey(stringValue: "super")])
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let child = CanonicalJSONNode()
        target.set(.node(child), forKey: key.stringValue)
        return CanonicalValueEncoder(target: child, codingPath: codingPath + [key])
    }
}

private struct CanonicalUnkeyedContainer: UnkeyedEncodingContainer {
    let target: CanonicalJSONNode
    let codingPath: [any CodingKey]
    var count: Int { target.count }

    private var nextPath: [any CodingKey] { codingPath + [CanonicalIndexKey(intValue: count)] }

    mutating func encodeNil() throws {
        target.append(.null)
    }

    mutating func encode(_ value: Bool) throws { target.append(.bool(value)) }
    mutating func encode(_ value: String) throws { target.append(.string(value)) }
    mutating func encode(_ value: Double) throws { target.append(CanonicalValueEncoder.floating(value)) }
    mutating func encode(_ value: Float) throws { target.append(CanonicalValueEncoder.floating(value)) }
    mutating func encode(_ value: Int) throws { target.append(.signed(Int64(value))) }
    mutating func encode(_ value: Int8) throws { target.append(.signed(Int64(value))) }
    mutating func encode(_ value: Int16) throws { target.append(.signed(Int64(value))) }
    mutating func encode(_ value: Int32) throws { target.append(.signed(Int64(value))) }
    mutating func encode(_ value: Int64) throws { target.append(.signed(Int64(value))) }
    mutating func encode(_ value: UInt) throws { target.append(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt8) throws { target.append(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt16) throws { target.append(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt32) throws { target.append(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt64) throws { target.append(.unsigned(UInt64(value))) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        target.append(try CanonicalValueEncoder.value(of: value, codingPath: nextPath))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let path = nextPath
        let child = CanonicalJSONNode(.object([]))
        target.append(.node(child))
        return KeyedEncodingContainer(CanonicalKeyedContainer<NestedKey>(target: child, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = nextPath
        let child = CanonicalJSONNode(.array([]))
        target.append(.node(child))
        return CanonicalUnkeyedContainer(target: child, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let path = nextPath
        let child = CanonicalJSONNode()
        target.append(.node(child))
        return CanonicalValueEncoder(target: child, codingPath: path)
    }
}

private struct CanonicalSingleValueContainer: SingleValueEncodingContainer {
    let target: CanonicalJSONNode
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws {
        target.content = .single(.null)
    }

    mutating func encode(_ value: Bool) throws { target.content = .single(.bool(value)) }
    mutating func encode(_ value: String) throws { target.content = .single(.string(value)) }
    mutating func encode(_ value: Double) throws { target.content = .single(CanonicalValueEncoder.floating(value)) }
    mutating func encode(_ value: Float) throws { target.content = .single(CanonicalValueEncoder.floating(value)) }
    mutating func encode(_ value: Int) throws { target.content = .single(.signed(Int64(value))) }
    mutating func encode(_ value: Int8) throws { target.content = .single(.signed(Int64(value))) }
    mutating func encode(_ value: Int16) throws { target.content = .single(.signed(Int64(value))) }
    mutating func encode(_ value: Int32) throws { target.content = .single(.signed(Int64(value))) }
    mutating func encode(_ value: Int64) throws { target.content = .single(.signed(Int64(value))) }
    mutating func encode(_ value: UInt) throws { target.content = .single(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt8) throws { target.content = .single(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt16) throws { target.content = .single(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt32) throws { target.content = .single(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt64) throws { target.content = .single(.unsigned(UInt64(value))) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        switch try CanonicalValueEncoder.value(of: value, codingPath: codingPath) {
        case .node(let node): target.content = node.content
        case let scalar: target.content = .single(scalar)
        }
    }
}

/// A coding-path entry for an array element or a super encoder.
private struct CanonicalIndexKey: CodingKey {
    let stringValue: String
    let intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        intValue = nil
    }

    init(intValue: Int) {
        stringValue = "Index \(intValue)"
        self.intValue = intValue
    }
}
