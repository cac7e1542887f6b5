import Foundation

/// The structure of a JSON document: each object's keys, each array's elements and which values
/// are null. Strings, numbers and booleans are checked against RFC 8259 and not kept. Read in one
/// pass over the bytes, without Foundation's object tree, for `StrictJSON`'s unknown-field check.
/// It accepts what `JSONSerialization` accepts, except trailing commas (not JSON) and numbers
/// beyond Double's range (JSON's grammar allows them; the decoder judges them per field).
indirect enum JSONShape: Equatable, Sendable {
    case object([String: JSONShape])
    case array([JSONShape])
    case null
    case scalar

    /// Deeper documents are refused rather than read by deeper recursion.
    static let maximumDepth = 512

    /// Why a document is not JSON: what was expected at which byte.
    struct Malformed: Error, Equatable, CustomStringConvertible {
        var offset: Int
        var length: Int
        var expected: String

        var description: String { "at byte \(offset) of \(length), expected \(expected)" }
    }

    /// The shape of `data`, a whole JSON document (a bare scalar is one too).
    static func read(_ data: Data) throws(Malformed) -> JSONShape {
        let result = data.withUnsafeBytes { bytes -> Result<JSONShape, Malformed> in
            var reader = JSONShapeReader(bytes: bytes)
            return Result { () throws(Malformed) in try reader.document() }
        }
        return try result.get()
    }
}

/// Reads one document from `bytes`, byte by byte.
private struct JSONShapeReader {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    mutating func document() throws(JSONShape.Malformed) -> JSONShape {
        // RFC 8259 §8.1: a reader may ignore a leading byte order mark, as Foundation does.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        let shape = try value(depth: 0)
        skipWhitespace()
        guard position == bytes.count else { throw malformed("the end of the document") }
        return shape
    }

    private mutating func value(depth: Int) throws(JSONShape.Malformed) -> JSONShape {
        skipWhitespace()
        guard position < bytes.count else { throw malformed("a value") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""):
            try skipString()
            return .scalar
        case UInt8(ascii: "t"):
            try literal("true")
            return .scalar
        case UInt8(ascii: "f"):
            try literal("false")
            return .scalar
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try number()
            return .scalar
        default:
            throw malformed("a value")
        }
    }

    private mutating func object(depth: Int) throws(JSONShape.Malformed) -> JSONShape {
        guard depth <= JSONShape.maximumDepth else { throw malformed("at most \(JSONShape.maximumDepth) nested objects and arrays") }
        position += 1
        var members: [String: JSONShape] = [:]
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw malformed("a key in quotes") }
            let key = try string()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw malformed("':' after a key") }
            position += 1
            members[key] = try value(depth: depth)
            if try closes(with: UInt8(ascii: "}")) { return .object(members) }
        }
    }

    private mutating func array(depth: Int) throws(JSONShape.Malformed) -> JSONShape {
        guard depth <= JSONShape.maximumDepth else { throw malformed("at most \(JSONShape.maximumDepth) nested objects and arrays") }
        position += 1
        var elements: [JSONShape] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            elements.append(try value(depth: depth))
            if try closes(with: UInt8(ascii: "]")) { return .array(elements) }
        }
    }

    /// After a member or an element: true at the container's `closing` bracket, false at a
    /// comma (another one follows), and anything else is malformed.
    private mutating func closes(with closing: UInt8) throws(JSONShape.Malformed) -> Bool {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == closing || bytes[position] == UInt8(ascii: ",") else {
            throw malformed("',' or '\(Character(Unicode.Scalar(closing)))'")
        }
        position += 1
        return bytes[position - 1] == closing
    }

    /// A string's text, escapes decoded; the reader stands on its opening quote.
    private mutating func string() throws(JSONShape.Malformed) -> String {
        let (start, end, escaped) = try stringSpan()
        let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
        if !escaped {
            guard let text = String(validating: raw, as: UTF8.self) else { throw malformed("UTF-8 text", at: start) }
            return text
        }
        var unescaped: [UInt8] = []
        unescaped.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\") else {
                unescaped.append(byte)
                index += 1
                continue
            }
            let code = raw[index + 1]
            index += 2
            switch code {
            case UInt8(ascii: "b"): unescaped.append(0x08)
            case UInt8(ascii: "f"): unescaped.append(0x0C)
            case UInt8(ascii: "n"): unescaped.append(0x0A)
            case UInt8(ascii: "r"): unescaped.append(0x0D)
            case UInt8(ascii: "t"): unescaped.append(0x09)
            case UInt8(ascii: "u"):
                let (scalar, used) = try unicodeEscape(raw, at: index - 2, stringStart: start)
                unescaped.append(contentsOf: scalar.utf8)
                index += used
            default: unescaped.append(code)
            }
        }
        guard let text = String(validating: unescaped, as: UTF8.self) else { throw malformed("UTF-8 text", at: start) }
        return text
    }

    /// Checks a string value without keeping it.
    private mutating func skipString() throws(JSONShape.Malformed) {
        let (start, end, escaped) = try stringSpan()
        let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
        if escaped || raw.contains(where: { $0 >= 0x80 }) {
            position = start - 1
            _ = try string()
        }
    }

    /// Finds the string's closing quote, checking escapes' syntax and refusing control
    /// characters; the reader ends after the closing quote.
    private mutating func stringSpan() throws(JSONShape.Malformed) -> (start: Int, end: Int, escaped: Bool) {
        position += 1
        let start = position
        var escaped = false
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return (start, position - 1, escaped)
            }
            if byte < 0x20 { throw malformed("no control character inside a string (escape it)") }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                guard position + 1 < bytes.count else { throw malformed("an escape") }
                switch bytes[position + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    position += 2
                case UInt8(ascii: "u"):
                    guard position + 5 < bytes.count, (2...5).allSatisfy({ Self.hexValue(bytes[position + $0]) != nil }) else {
                        throw malformed("four hex digits after \\u")
                    }
                    position += 6
                default:
                    throw malformed("one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX")
                }
                continue
            }
            position += 1
        }
        throw malformed("the closing '\"' of a string")
    }

    /// The scalar of a `\uXXXX` escape at `index` in `raw` (a surrogate pair takes two escapes),
    /// and how many bytes after the `\u` it used.
    private func unicodeEscape(_ raw: UnsafeRawBufferPointer, at index: Int, stringStart: Int) throws(JSONShape.Malformed) -> (Unicode.Scalar, Int) {
        func unit(at offset: Int) -> UInt32? {
            guard offset + 6 <= raw.count, raw[offset] == UInt8(ascii: "\\"), raw[offset + 1] == UInt8(ascii: "u") else { return nil }
            var value: UInt32 = 0
            for digit in raw[(offset + 2)..<(offset + 6)] {
                guard let nibble = Self.hexValue(digit) else { return nil }
                value = value << 4 | UInt32(nibble)
            }
            return value
        }
        guard let first = unit(at: index) else { throw malformed("four hex digits after \\u", at: stringStart + index) }
        if (0xD800...0xDBFF).contains(first) {
            guard let second = unit(at: index + 6), (0xDC00...0xDFFF).contains(second),
                let scalar = Unicode.Scalar(0x10000 + (first - 0xD800) << 10 + (second - 0xDC00))
            else { throw malformed("a low surrogate after a high one", at: stringStart + index) }
            return (scalar, 10)
        }
        guard let scalar = Unicode.Scalar(first) else { throw malformed("no lone surrogate", at: stringStart + index) }
        return (scalar, 4)
    }

    private mutating func number() throws(JSONShape.Malformed) {
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, Self.isDigit(bytes[position]) else { throw malformed("a digit") }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            skipDigits()
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard position < bytes.count, Self.isDigit(bytes[position]) else { throw malformed("a digit after '.'") }
            skipDigits()
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard position < bytes.count, Self.isDigit(bytes[position]) else { throw malformed("a digit in the exponent") }
            skipDigits()
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONShape.Malformed) {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count,
            UnsafeRawBufferPointer(start: word.utf8Start, count: count).elementsEqual(bytes[position..<(position + count)])
        else { throw malformed("\(word)") }
        position += count
    }

    private mutating func skipDigits() {
        while position < bytes.count, Self.isDigit(bytes[position]) { position += 1 }
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): position += 1
            default: return
            }
        }
    }

    private func malformed(_ expected: String, at offset: Int? = nil) -> JSONShape.Malformed {
        JSONShape.Malformed(offset: offset ?? position, length: bytes.count, expected: expected)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
