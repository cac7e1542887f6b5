import EdgeProfCore
import EdgeProfHardware

/// What arrived on the link: a checked line and its message (or why the message is malformed),
/// or a line that failed its checks.
typealias LinkEvent = LinkDecodedLine

/// Reads lines from a transport and decodes them, waiting no longer than a deadline.
struct LinkReader {
    let transport: any ByteTransport
    /// Every byte received, readable or not: bytes without a readable line suggest a baud mismatch.
    private(set) var bytesReceived = 0
    private var decoder = LinkStreamDecoder()
    private var queued: [LinkEvent] = []
    private var queueStart = 0

    init(transport: any ByteTransport) {
        self.transport = transport
    }

    /// The next event, or nil once `deadline` passes with no complete line.
    mutating func next(before deadline: ContinuousClock.Instant) throws(TransportError) -> LinkEvent? {
        while true {
            if queueStart < queued.count {
                queueStart += 1
                return queued[queueStart - 1]
            }
            queued.removeAll(keepingCapacity: true)
            queueStart = 0
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return nil }
            let bytes = try transport.read(maxCount: 16 * 1024, timeout: remaining)
            bytesReceived += bytes.count
            bytes.withUnsafeBufferPointer { buffer in decoder.push(buffer) { queued.append($0) } }
        }
    }
}
