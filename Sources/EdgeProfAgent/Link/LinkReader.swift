import EdgeProfCore
import EdgeProfHardware

/// What arrived on the link: a checked frame, or a line that failed its checks.
enum LinkEvent {
    case frame(LinkFrame)
    case dropped(LinkLineError)
}

/// Reads lines from a transport and checks them, waiting no longer than a deadline.
struct LinkReader {
    let transport: any ByteTransport
    /// Every byte received, readable or not: bytes without a readable line suggest a baud mismatch.
    private(set) var bytesReceived = 0
    private var assembler = LinkLineAssembler()
    private var queued: [LinkAssembledLine] = []
    private var queueStart = 0

    init(transport: any ByteTransport) {
        self.transport = transport
    }

    /// The next event, or nil once `deadline` passes with no complete line.
    mutating func next(before deadline: ContinuousClock.Instant) throws(TransportError) -> LinkEvent? {
        while true {
            while queueStart < queued.count {
                let line = queued[queueStart]
                queueStart += 1
                switch line {
                case .tooLong(let length):
                    return .dropped(.tooLong(length))
                case .line(let bytes):
                    do throws(LinkLineError) {
                        if let frame = try LinkLineParser.parse(bytes) { return .frame(frame) }
                    } catch {
                        return .dropped(error)
                    }
                }
            }
            queued.removeAll(keepingCapacity: true)
            queueStart = 0
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return nil }
            let bytes = try transport.read(maxCount: 16 * 1024, timeout: remaining)
            bytesReceived += bytes.count
            if !bytes.isEmpty { assembler.push(bytes, into: &queued) }
        }
    }
}
