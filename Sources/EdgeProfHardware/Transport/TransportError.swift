import Glibc

/// Why a port could not be used, with the fix a user can apply.
public enum TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    case notFound(port: String)
    case permissionDenied(port: String)
    case busy(port: String, holder: String?)
    case notATerminal(port: String)
    case unsupportedBaud(port: String, baud: Int)
    /// The device went away while in use (unplugged, pty closed, emulator stopped).
    case disconnected(port: String)
    case timeout(port: String, operation: String, after: Duration)
    case system(port: String, operation: String, code: Int32)
    /// A C library's own error (libusb's names, e.g. LIBUSB_ERROR_PIPE).
    case library(port: String, operation: String, name: String)

    public var description: String {
        switch self {
        case .notFound(let port):
            "cannot open \(port): no such device. Fix: check the cable and run `edgeprof devices list` to see the ports present"
        case .permissionDenied(let port):
            "cannot open \(port): permission denied (EACCES). Fix: add your user to the 'dialout' group (sudo usermod -aG dialout $USER, then log in again) or install devices/udev/60-edgeprof.rules"
        case .busy(let port, let holder):
            "cannot open \(port): the port is busy\(holder.map { ", held by \($0)" } ?? " (another program has it open)"). Fix: stop that program or wait for its run to finish"
        case .notATerminal(let port):
            "cannot use \(port): it is not a serial port or terminal. Fix: name the board's tty, e.g. /dev/ttyACM0"
        case .unsupportedBaud(let port, let baud):
            "cannot set \(port) to \(baud) baud: not a standard rate. Fix: use 9600, 115200, 230400, 460800, 921600 or 1000000"
        case .disconnected(let port):
            "\(port) went away: the board was unplugged, reset its USB link, or the emulator stopped. Fix: reconnect it and run again"
        case .timeout(let port, let operation, let after):
            "\(port): \(operation) timed out after \(after.formattedSeconds). Fix: check that the board is powered, runs EdgeProf firmware and uses the same baud rate"
        case .system(let port, let operation, let code):
            "\(port): \(operation) failed: \(String(cString: strerror(code))) (errno \(code))"
        case .library(let port, let operation, let name):
            "\(port): \(operation) failed: \(name). Fix: replug the board; if it persists, run `edgeprof diag bundle` and report it"
        }
    }

    /// The error for an errno from opening a port.
    static func opening(_ port: String, errno code: Int32) -> TransportError {
        switch code {
        case ENOENT, ENXIO, ENODEV: .notFound(port: port)
        case EACCES, EPERM: .permissionDenied(port: port)
        case EBUSY, EWOULDBLOCK: .busy(port: port, holder: PortHolder.describe(port: port))
        case ENOTTY: .notATerminal(port: port)
        default: .system(port: port, operation: "open", code: code)
        }
    }
}

extension Duration {
    /// "2.5 s" or "250 ms", for messages.
    public var formattedSeconds: String {
        let seconds = Double(components.seconds) + Double(components.attoseconds) / 1e18
        return seconds < 1 ? "\(Int((seconds * 1000).rounded())) ms" : "\((seconds * 10).rounded() / 10) s"
    }
}
