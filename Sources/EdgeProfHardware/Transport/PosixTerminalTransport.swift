import CEdgeProfPosix
import Glibc

/// A terminal opened with plain POSIX calls and termios: pseudo-terminals (simulated boards,
/// QEMU), which libserialport cannot open. Holds an exclusive flock so two runs never share it.
public final class PosixTerminalTransport: ByteTransport {
    public let portName: String
    public let summary: String
    private var fd: Int32
    private let io: PolledDescriptor

    public init(path: String, baud: Int) throws(TransportError) {
        portName = path
        summary = "terminal (termios) at \(baud) baud"
        guard edgeprof_tty_baud_supported(UInt32(clamping: baud)) != 0 else {
            throw .unsupportedBaud(port: path, baud: baud)
        }
        let fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw .opening(path, errno: errno) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            Glibc.close(fd)
            throw .opening(path, errno: code == EWOULDBLOCK ? EBUSY : code)
        }
        guard isatty(fd) != 0 else {
            Glibc.close(fd)
            throw .notATerminal(port: path)
        }
        guard edgeprof_tty_make_raw(fd, UInt32(baud)) == 0 else {
            let code = errno
            Glibc.close(fd)
            throw .system(port: path, operation: "configure (termios)", code: code)
        }
        tcflush(fd, TCIOFLUSH)
        self.fd = fd
        io = PolledDescriptor(fd: fd, name: path)
    }

    deinit { close() }

    public func write(_ bytes: [UInt8], timeout: Duration) throws(TransportError) {
        guard fd >= 0 else { throw .disconnected(port: portName) }
        try io.write(bytes, timeout: timeout)
    }

    public func read(maxCount: Int, timeout: Duration) throws(TransportError) -> [UInt8] {
        guard fd >= 0 else { throw .disconnected(port: portName) }
        return try io.read(maxCount: maxCount, timeout: timeout)
    }

    public func close() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
    }
}
