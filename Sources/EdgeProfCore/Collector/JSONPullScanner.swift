/// Reads the plainest JSON straight into values, for a type's fast decoding path: strings without
/// escapes or control characters, integers as bare digits, `true`, `false`, `null`, objects and
/// arrays. Every method returns nil (or false) at anything else, and the caller then leaves the
/// document to the general decoder, which decides it and names any problem: the scanner never
/// refuses a document, it only declines to read it.
struct JSONPullScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var offset = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// True once only whitespace is left.
    mutating func atEnd() -> Bool {
        skipWhitespace()
        return offset == bytes.count
    }

    /// A string without escapes, in valid UTF-8, without control characters.
    mutating func string() -> String? {
        guard let span = stringSpan() else { return nil }
        return String(validating: UnsafeBufferPointer(rebasing: bytes[span]), as: UTF8.self)
    }

    /// An unsigned integer written as bare digits, without a leading zero, within 64 bits.
    mutating func unsigned() -> UInt64? {
        skipWhitespace()
        let start = offset
        var value: UInt64 = 0
        while offset < bytes.count, bytes[offset] &- 0x30 < 10 {
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, carry) = times.addingReportingOverflow(UInt64(bytes[offset] &- 0x30))
            guard !overflow, !carry else { return nil }
            value = sum
            offset += 1
        }
        let length = offset - start
        guard length > 0, length == 1 || bytes[start] != 0x30, !continuesNumber() else { return nil }
        return value
    }

    /// An integer written as bare digits, with a leading `-` when negative.
    mutating func signed() -> Int64? {
        skipWhitespace()
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "-") {
            offset += 1
            guard offset < bytes.count, bytes[offset] &- 0x30 < 10, let magnitude = unsigned(), magnitude != 0,
                  magnitude <= UInt64(Int64.max) + 1
            else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard let magnitude = unsigned() else { return nil }
        return Int64(exactly: magnitude)
    }

    mutating func bool() -> Bool? {
        if literal("true") { return true }
        if literal("false") { return false }
        return nil
    }

    /// Reads `null` when it comes next.
    mutating func null() -> Bool {
        literal("null")
    }

    /// A value that may be `null`: `.some(nil)` for null, `.some(value)` for a value, nil when
    /// `read` declines.
    mutating func nullable<T>(_ read: (inout JSONPullScanner) -> T?) -> T?? {
        if null() { return .some(nil) }
        guard let value = read(&self) else { return nil }
        return .some(value)
    }

    /// Reads an object, handing each member's key to `member`, which reads the value and returns
    /// false to decline. A key that comes twice declines the whole object (the general decoder
    /// then judges it).
    mutating func object(_ member: (inout JSONPullScanner, JSONKey) -> Bool) -> Bool {
        guard consume(UInt8(ascii: "{")) else { return false }
        if consume(UInt8(ascii: "}")) { return true }
        repeat {
            guard let span = stringSpan(), consume(UInt8(ascii: ":")) else { return false }
            guard member(&self, JSONKey(bytes: UnsafeBufferPointer(rebasing: bytes[span]))) else { return false }
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "}"))
    }

    /// Reads an array, handing each element to `element`, which returns nil to decline.
    mutating func array<T>(_ element: (inout JSONPullScanner) -> T?) -> [T]? {
        guard consume(UInt8(ascii: "[")) else { return nil }
        var elements: [T] = []
        if consume(UInt8(ascii: "]")) { return elements }
        repeat {
            guard let value = element(&self) else { return nil }
            elements.append(value)
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "]")) ? elements : nil
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard offset < bytes.count, bytes[offset] == byte else { return false }
        offset += 1
        return true
    }

    /// The bytes between a string's quotes, when it has no escape and no control character.
    private mutating func stringSpan() -> Range<Int>? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = offset
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                offset += 1
                return start..<(offset - 1)
            }
            guard byte >= 0x20, byte != UInt8(ascii: "\\") else { return nil }
            offset += 1
        }
        return nil
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        skipWhitespace()
        let count = word.utf8CodeUnitCount
        guard bytes.count - offset >= count else { return false }
        for index in 0..<count where bytes[offset + index] != word.utf8Start[index] { return false }
        offset += count
        guard !continuesNumber() else {
            // `nullable` reads the value after a failed `null`: leave the scanner where it stood.
            offset -= count
            return false
        }
        return true
    }

    /// A number or word that goes on past what was read (`1.5`, `1e3`, `truex`) is not plain.
    private func continuesNumber() -> Bool {
        guard offset < bytes.count else { return false }
        switch bytes[offset] {
        case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "-"), UInt8(ascii: "+"): return true
        case let byte: return byte &- 0x30 < 10 || (byte | 0x20) &- 0x61 < 26
        }
    }

    private mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x09, 0x0A, 0x0D: offset += 1
            default: return
            }
        }
    }
}

/// A member's key as it stands in the document (no escapes), compared without a String.
struct JSONKey {
    let bytes: UnsafeBufferPointer<UInt8>

    func `is`(_ name: StaticString) -> Bool {
        guard bytes.count == name.utf8CodeUnitCount else { return false }
        for index in 0..<bytes.count where bytes[index] != name.utf8Start[index] { return false }
        return true
    }
}
