/// One value as `CanonicalJSONEncoder` collects it: scalars inline (numbers as numbers, written
/// out only at the end), containers as shared nodes, as an `Encoder`'s nested containers must be.
enum CanonicalJSONValue {
    case null
    case bool(Bool)
    case signed(Int64)
    case unsigned(UInt64)
    /// A number already in JSONEncoder's text (floating point, Decimal).
    case literal(String)
    case string(String)
    case node(CanonicalJSONNode)
}

/// A container (or a value written through a single-value container) that an encoder fills.
final class CanonicalJSONNode {
    enum Content {
        case unset
        case single(CanonicalJSONValue)
        case array([CanonicalJSONValue])
        /// In the order written; a key written again replaces the earlier one when written out.
        case object([(key: String, value: CanonicalJSONValue)])
    }

    var content: Content

    init(_ content: Content = .unset) {
        self.content = content
    }

    /// Makes this node an object, keeping the members it already has (a type may ask for its
    /// keyed container more than once).
    func becomeObject() {
        if case .object = content { return }
        content = .object([])
    }

    func becomeArray() {
        if case .array = content { return }
        content = .array([])
    }

    func set(_ value: CanonicalJSONValue, forKey key: String) {
        guard case .object(var members) = content else { return }
        content = .unset
        members.append((key, value))
        content = .object(members)
    }

    func append(_ value: CanonicalJSONValue) {
        guard case .array(var elements) = content else { return }
        content = .unset
        elements.append(value)
        content = .array(elements)
    }

    var count: Int {
        switch content {
        case .array(let elements): elements.count
        case .object(let members): members.count
        default: 0
        }
    }

    /// The shape `JSONShape.read` gives the written bytes, without writing and reading them.
    var shape: JSONShape {
        switch content {
        case .unset: .object([:])
        case .single(let value): Self.shape(of: value)
        case .array(let elements): .array(elements.map(Self.shape(of:)))
        case .object(let members): .object(Dictionary(members.map { ($0.key, Self.shape(of: $0.value)) }, uniquingKeysWith: { $1 }))
        }
    }

    private static func shape(of value: CanonicalJSONValue) -> JSONShape {
        switch value {
        case .null: .null
        case .node(let node): node.shape
        default: .scalar
        }
    }

    /// The bytes `JSONCoding.encoder` writes: no whitespace, keys in UTF-8 byte order, slashes
    /// unescaped, control characters escaped (short forms where JSON has them).
    func write(to output: inout [UInt8]) {
        switch content {
        case .unset:
            output.append(contentsOf: "{}".utf8)
        case .single(let value):
            Self.write(value, to: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                Self.write(element, to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            let order = members.indices.sorted { left, right in
                let (a, b) = (members[left].key.utf8, members[right].key.utf8)
                if a.lexicographicallyPrecedes(b) { return true }
                // Equal keys keep their written order, so the last one written is the one kept.
                return !b.lexicographicallyPrecedes(a) && left < right
            }
            var first = true
            for (position, index) in order.enumerated() {
                if position + 1 < order.count, members[order[position + 1]].key.utf8.elementsEqual(members[index].key.utf8) { continue }
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                Self.writeString(members[index].key, to: &output)
                output.append(UInt8(ascii: ":"))
                Self.write(members[index].value, to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static func write(_ value: CanonicalJSONValue, to output: inout [UInt8]) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: flag ? "true".utf8 : "false".utf8)
        case .signed(let number):
            if number < 0 { output.append(UInt8(ascii: "-")) }
            writeDigits(number.magnitude, to: &output)
        case .unsigned(let number): writeDigits(number, to: &output)
        case .literal(let text): output.append(contentsOf: text.utf8)
        case .string(let text): writeString(text, to: &output)
        case .node(let node): node.write(to: &output)
        }
    }

    static func writeDigits(_ number: UInt64, to output: inout [UInt8]) {
        var digits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var count = 0
        var rest = number
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[31 - count] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            output.append(contentsOf: buffer[(32 - count)...])
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func writeString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x00..<0x20:
                output.append(contentsOf: "\\u00".utf8)
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
