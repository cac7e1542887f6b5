import Glibc

/// Opens a port by path with the right transport: libusb bulk endpoints for `usb:VVVV:PPPP…`
/// names, libserialport for ports it knows (real serial hardware), POSIX termios for
/// pseudo-terminals (simulators, QEMU).
public enum TransportOpener {
    public static let defaultBaud = 115_200

    public static func open(path: String, baud: Int = defaultBaud) throws(TransportError) -> any ByteTransport {
        if path.hasPrefix("usb:") { return try USBBulkTransport(port: path) }
        var info = stat()
        guard stat(path, &info) == 0 else { throw .opening(path, errno: errno) }
        guard info.st_mode & S_IFMT == S_IFCHR else { throw .notATerminal(port: path) }
        if let port = SerialPortTransport.lookUp(path) {
            return try SerialPortTransport(port: port, path: path, baud: baud)
        }
        return try PosixTerminalTransport(path: path, baud: baud)
    }

    /// Opens `path`, trying again for up to `busyGrace` while it is busy: a port this process
    /// just closed can stay locked for an instant by a child another thread forked meanwhile
    /// (the child drops it at its exec). A port that stays busy is refused as `open` refuses it.
    public static func open(path: String, baud: Int = defaultBaud, busyGrace: Duration) throws(TransportError) -> any ByteTransport {
        let deadline = ContinuousClock.now + busyGrace
        while true {
            do {
                return try open(path: path, baud: baud)
            } catch .busy where ContinuousClock.now < deadline {
                usleep(20_000)
            }
        }
    }
}
