import CLibSerialPort
import Glibc

/// A real serial port (USB CDC-ACM, USB-UART bridge, on-board UART) through libserialport,
/// configured 8N1 without flow control, with the same exclusive flock as the terminal transport.
public final class SerialPortTransport: ByteTransport {
    public let portName: String
    public let summary: String
    private var port: OpaquePointer?

    /// nil when libserialport does not know `path` as a serial port (pseudo-terminals, for one).
    public static func lookUp(_ path: String) -> OpaquePointer? {
        var port: OpaquePointer?
        guard sp_get_port_by_name(path, &port) == SP_OK else { return nil }
        return port
    }

    init(port: OpaquePointer, path: String, baud: Int) throws(TransportError) {
        portName = path
        summary = "serial port (libserialport) at \(baud) baud, 8N1"
        guard sp_open(port, SP_MODE_READ_WRITE) == SP_OK else {
            let code = sp_last_error_code()
            sp_free_port(port)
            throw .opening(path, errno: code)
        }
        self.port = port
        var handle: Int32 = -1
        if sp_get_port_handle(port, &handle) == SP_OK, handle >= 0, flock(handle, LOCK_EX | LOCK_NB) != 0 {
            close()
            throw .opening(path, errno: EBUSY)
        }
        let configured = sp_set_baudrate(port, Int32(baud)) == SP_OK && sp_set_bits(port, 8) == SP_OK
            && sp_set_parity(port, SP_PARITY_NONE) == SP_OK && sp_set_stopbits(port, 1) == SP_OK
            && sp_set_flowcontrol(port, SP_FLOWCONTROL_NONE) == SP_OK
        guard configured else {
            close()
            throw .unsupportedBaud(port: path, baud: baud)
        }
        sp_flush(port, SP_BUF_BOTH)
    }

    deinit { close() }

    public func write(_ bytes: [UInt8], timeout: Duration) throws(TransportError) {
        guard let port else { throw .disconnected(port: portName) }
        let written = bytes.withUnsafeBufferPointer {
            sp_blocking_write(port, $0.baseAddress, $0.count, UInt32(timeout.pollMilliseconds))
        }
        if written.rawValue < 0 { throw failure("write") }
        if Int(written.rawValue) < bytes.count { throw .timeout(port: portName, operation: "write", after: timeout) }
    }

    public func read(maxCount: Int, timeout: Duration) throws(TransportError) -> [UInt8] {
        guard let port else { throw .disconnected(port: portName) }
        var buffer = [UInt8](repeating: 0, count: maxCount)
        let count = buffer.withUnsafeMutableBufferPointer {
            sp_blocking_read_next(port, $0.baseAddress, maxCount, UInt32(max(1, timeout.pollMilliseconds)))
        }
        if count.rawValue < 0 { throw failure("read") }
        return Array(buffer[0..<Int(count.rawValue)])
    }

    public func close() {
        guard let port else { return }
        sp_close(port)
        sp_free_port(port)
        self.port = nil
    }

    private func failure(_ operation: String) -> TransportError {
        let code = sp_last_error_code()
        return code == EIO || code == ENXIO || code == ENODEV ? .disconnected(port: portName)
            : .system(port: portName, operation: operation, code: code)
    }
}
