import EdgeProfCore
import EdgeProfHardware

/// The host side of the MLPerf Tiny DUT protocol over any transport: a command, then the
/// device's lines up to `m-ready`, every wait bounded.
public struct MLPerfSession {
    public let transport: any ByteTransport
    public var timeout: Duration
    private var pending: [UInt8] = []

    public init(transport: any ByteTransport, timeout: Duration = .seconds(5)) {
        self.transport = transport
        self.timeout = timeout
    }

    /// Sends `command` and returns the response lines before `m-ready`; an `e-[…]` line is an error.
    public mutating func send(_ command: String, timeout: Duration? = nil) throws(AgentError) -> [MLPerfMessage] {
        do {
            // Strictly request and response: whatever is waiting now (a boot banner, the late
            // answer to a command that timed out) belongs to no command of ours.
            pending.removeAll()
            while !(try transport.read(maxCount: 4096, timeout: .milliseconds(20))).isEmpty {}
            try transport.write(MLPerfCommand.encode(command), timeout: .seconds(2))
        } catch {
            throw .transport(error)
        }
        return try response(to: command, timeout: timeout ?? self.timeout)
    }

    /// Reads lines until `m-ready`. An `m-ready` after `m-init-done` ends the boot banner, not the
    /// response: a board that booted slowly prints its banner after the command was sent, and taking
    /// the banner's `m-ready` for the answer would pair every later command with the answer before.
    mutating func response(to command: String, timeout: Duration) throws(AgentError) -> [MLPerfMessage] {
        let deadline = ContinuousClock.now + timeout
        var lines: [MLPerfMessage] = []
        while true {
            while let newline = pending.firstIndex(of: 0x0A) {
                let message = MLPerfMessage(line: String(decoding: pending[..<newline], as: UTF8.self))
                pending.removeSubrange(...newline)
                switch message {
                case .ready where lines.contains(.initDone): lines.removeAll()
                case .ready: return lines
                case .error(let text):
                    throw .rejected(port: transport.portName, code: "e-[\(text)]", message: "the MLPerf DUT refused '\(command)'")
                case .noise(let text) where text.isEmpty: continue
                default: lines.append(message)
                }
            }
            if pending.count > 4096 { pending.removeAll() }  // no newline in 4 KiB: not this protocol
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else {
                let heard = lines.isEmpty ? "nothing" : "\(lines.count) line\(lines.count == 1 ? "" : "s") but no m-ready"
                throw .dutSilent(port: transport.portName, command: command, waited: timeout, heard: heard)
            }
            let bytes: [UInt8]
            do { bytes = try transport.read(maxCount: 4096, timeout: remaining) } catch { throw .transport(error) }
            pending += bytes
        }
    }
}
