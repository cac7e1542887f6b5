/// One `key=value` pair of a Link v1 line; `value` is kept percent-encoded, as on the wire.
public struct LinkField: Sendable, Hashable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// One checked EdgeProf Link v1 line: `VERB SEQ key=value … *CRC`.
public struct LinkFrame: Sendable, Hashable {
    /// Longest line in bytes, excluding the terminator.
    public static let maximumLineLength = 400
    public static let maximumFields = 24

    public var verb: String
    public var sequence: UInt16
    public var fields: [LinkField]

    public init(verb: String, sequence: UInt16, fields: [LinkField] = []) {
        self.verb = verb
        self.sequence = sequence
        self.fields = fields
    }

    /// The raw (still percent-encoded) value of `key`.
    public subscript(key: String) -> String? {
        fields.first { $0.key == key }?.value
    }

    /// The line as sent: body, ` *` and the CRC in upper-case hex, then `\n`.
    public func encoded() -> [UInt8] {
        var body = Array(verb.utf8)
        body.append(0x20)
        body.append(contentsOf: String(sequence).utf8)
        for field in fields {
            body.append(0x20)
            body.append(contentsOf: field.key.utf8)
            body.append(UInt8(ascii: "="))
            body.append(contentsOf: field.value.utf8)
        }
        let crc = LinkCRC16.checksum(body)
        body.append(contentsOf: " *".utf8)
        body.append(contentsOf: LinkValue.hex16(crc).utf8)
        body.append(0x0A)
        return body
    }

    /// The line as text without its terminator, for logs and error messages.
    public var text: String {
        String(decoding: encoded().dropLast(), as: UTF8.self)
    }
}

/// Builds frames with typed values, encoding them as the spec requires.
public struct LinkFrameBuilder: Sendable {
    public private(set) var frame: LinkFrame

    public init(verb: String, sequence: UInt16) {
        frame = LinkFrame(verb: verb, sequence: sequence)
    }

    public mutating func add(_ key: String, _ value: UInt64) {
        frame.fields.append(LinkField(key: key, value: String(value)))
    }

    public mutating func add(_ key: String, text: String) {
        frame.fields.append(LinkField(key: key, value: LinkValue.encodeText(text)))
    }

    public mutating func add(_ key: String, hex bytes: [UInt8]) {
        frame.fields.append(LinkField(key: key, value: LinkValue.hex(bytes)))
    }
}
