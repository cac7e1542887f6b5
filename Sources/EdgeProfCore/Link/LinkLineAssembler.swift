/// What the byte stream yielded: a complete line (bytes without `\n`) or an over-long line
/// that was discarded up to its end.
public enum LinkAssembledLine: Sendable, Hashable {
    case line([UInt8])
    case tooLong(Int)
}

/// A line as `LinkLineAssembler.push(_:_:)` hands it over: its bytes (without `\n`), valid
/// only during the call, or the length of an over-long line that was discarded.
public enum LinkLineView {
    case line(UnsafeBufferPointer<UInt8>)
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
        push(bytes) { line in
            switch line {
            case .line(let view): lines.append(.line(Array(view)))
            case .tooLong(let length): lines.append(.tooLong(length))
            }
        }
    }

    /// Hands each complete line to `handle` as it is found, without copying it when it lies
    /// whole in `bytes`: the view is valid only during the call.
    public mutating func push(_ bytes: UnsafeBufferPointer<UInt8>, _ handle: (LinkLineView) -> Void) {
        var start = 0
        while start < bytes.count {
            guard let newline = bytes[start...].firstIndex(of: 0x0A) else {
                append(UnsafeBufferPointer(rebasing: bytes[start...]))
                return
            }
            let line = UnsafeBufferPointer(rebasing: bytes[start..<newline])
            if buffer.isEmpty, discarded == 0, line.count <= LinkFrame.maximumLineLength + 1 {
                handle(.line(line))
            } else {
                append(line)
                if discarded > 0 {
                    handle(.tooLong(discarded))
                } else {
                    buffer.withUnsafeBufferPointer { handle(.line($0)) }
                }
                buffer.removeAll(keepingCapacity: true)
                discarded = 0
            }
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
