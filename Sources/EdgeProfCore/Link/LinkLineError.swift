/// Why a received line was dropped. Dropped lines are counted, never acted on.
public enum LinkLineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The line does not follow the grammar; `reason` says where.
    case syntax(String)
    /// The checksum does not match the line's bytes (corruption on the wire).
    case crc(received: UInt16, computed: UInt16)
    /// The line is longer than `LinkFrame.maximumLineLength`.
    case tooLong(Int)

    /// The vector-file name of the error class: `syntax`, `crc` or `too_long`.
    public var kind: String {
        switch self {
        case .syntax: "syntax"
        case .crc: "crc"
        case .tooLong: "too_long"
        }
    }

    public var description: String {
        switch self {
        case .syntax(let reason): "malformed line: \(reason)"
        case .crc(let received, let computed):
            "checksum mismatch (line says \(LinkValue.hex16(received)), bytes give \(LinkValue.hex16(computed)))"
        case .tooLong(let length): "line of \(length) bytes exceeds the \(LinkFrame.maximumLineLength)-byte limit"
        }
    }
}
