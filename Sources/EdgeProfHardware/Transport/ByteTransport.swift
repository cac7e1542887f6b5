/// A byte pipe to a board or instrument with bounded waits: every read and write takes a
/// timeout, so a silent or vanished device can never hang the caller.
public protocol ByteTransport: AnyObject {
    /// The port as the user named it, for messages.
    var portName: String { get }
    /// What was opened and how, for diagnostics ("terminal at 115200 baud").
    var summary: String { get }
    /// Writes every byte or throws (`.timeout` when the device stops draining).
    func write(_ bytes: [UInt8], timeout: Duration) throws(TransportError)
    /// Waits up to `timeout` for data and returns what arrived (at most `maxCount` bytes);
    /// an empty array means the wait ran out.
    func read(maxCount: Int, timeout: Duration) throws(TransportError) -> [UInt8]
    /// Releases the port; safe to call twice.
    func close()
}

extension Duration {
    /// Whole milliseconds, rounded up, clamped to Int32 for poll(2).
    var pollMilliseconds: Int32 {
        let (seconds, attoseconds) = components
        let ms = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: max(ms, 0))
    }
}
