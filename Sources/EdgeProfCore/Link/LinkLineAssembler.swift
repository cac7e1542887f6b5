/// What the byte stream yielded: a complete line (bytes without `\n`) or an over-long line
/// that was discarded up to its end.
public enum LinkAssembledLine: Sendable, Hashable {
    case line([UInt8])
    case tooLong(Int)
}

/// Cuts a byte stream into lines. Over-long lines are discarded up to the next `\n`, so the
/// stream resynchronises on the next line after garbage.
public struct LinkLineAssembler: Sendable {
    private var buffer: [UInt8] = []
    private var discarded = 0

    public init() {
        buffer.reserveCapacity(LinkFrame.maximumLineLength + 2)
    }

    public mutating func push(_ bytes: UnsafeBufferPointer<UInt8>, into lines: inout [LinkAssembledLine]) {
        var start = 0
        while start < bytes.count {
            guard let newline = bytes[start...].firstIndex(of: 0x0A) else {
                append(UnsafeBufferPointer(rebasing: bytes[start...]))
                return
            }
            append(UnsafeBufferPointer(rebasing: bytes[start..<newline]))
            if discarded > 0 {
                lines.append(.tooLong(discarded))
            } else {
                lines.append(.line(buffer))
            }
            buffer.removeAll(keepingCapacity: true)
            discarded = 0
            start = newline + 1
        }
    }

    public mutating func push(_ bytes: [UInt8], into lines: inout [LinkAssembledLine]) {
        bytes.withUnsafeBufferPointer { push($0, into: &lines) }
    }

    private mutating func append(_ chunk: UnsafeBufferPointer<UInt8>) {
        if discarded > 0 {
            discarded += chunk.count
        } else if buffer.count + chunk.count > LinkFrame.maximumLineLength + 1 {
            discarded = buffer.count + chunk.count
            buffer.removeAll(keepingCapacity: true)
        } else {
            buffer.append(contentsOf: chunk)
        }
    }
}
