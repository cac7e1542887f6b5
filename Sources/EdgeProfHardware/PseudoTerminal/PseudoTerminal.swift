import CEdgeProfPosix
import Glibc

/// A pseudo-terminal pair whose controller side a simulated device drives. Programs open
/// `path` exactly as they would open a board's serial port.
public final class PseudoTerminal: @unchecked Sendable {
    /// The terminal device to hand to the host side, e.g. /dev/pts/4.
    public let path: String
    private var controller: Int32
    /// Kept open so that output written before a host connects is not lost to a hang-up.
    private var keeper: Int32
    private let io: PolledDescriptor

    public init() throws(TransportError) {
        var name = [CChar](repeating: 0, count: 128)
        let fd = edgeprof_pty_open(&name, name.count)
        guard fd >= 0 else { throw .system(port: "pseudo-terminal", operation: "posix_openpt", code: errno) }
        path = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        controller = fd
        keeper = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        io = PolledDescriptor(fd: fd, name: path)
    }

    deinit { close() }

    /// Bytes the host sent, waiting up to `timeout`; empty when none arrived.
    public func read(maxCount: Int = 4096, timeout: Duration) throws(TransportError) -> [UInt8] {
        try io.read(maxCount: maxCount, timeout: timeout, hangupMeansGone: false)
    }

    public func write(_ bytes: [UInt8], timeout: Duration) throws(TransportError) {
        try io.write(bytes, timeout: timeout)
    }

    /// Closes both sides: a host reading the terminal sees the device vanish.
    public func close() {
        if keeper >= 0 { Glibc.close(keeper) }
        if controller >= 0 { Glibc.close(controller) }
        keeper = -1
        controller = -1
    }
}
