import CLibSerialPort
import Foundation

/// A board's stable identity behind a port path: its USB VID:PID and serial number, else its
/// physical USB port, else the resolved device path (pseudo-terminals). Never the /dev node
/// alone, which changes when boards are replugged in another order.
public enum BoardIdentity {
    public static func of(port path: String) -> String {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        var handle: OpaquePointer?
        guard sp_get_port_by_name(resolved, &handle) == SP_OK, let port = handle else { return "path:\(resolved)" }
        defer { sp_free_port(port) }
        guard sp_get_port_transport(port) == SP_TRANSPORT_USB else { return "path:\(resolved)" }
        var vid: Int32 = 0
        var pid: Int32 = 0
        if sp_get_port_usb_vid_pid(port, &vid, &pid) == SP_OK, let serial = sp_get_port_usb_serial(port) {
            return String(format: "usb:%04x:%04x:%@", vid, pid, String(cString: serial))
        }
        return "usb-port:\(usbPortPath(of: resolved) ?? resolved)"
    }

    /// The physical USB port a tty hangs off (`1-2.3`), from sysfs: its interface's parent.
    public static func usbPortPath(of path: String) -> String? {
        let name = (URL(fileURLWithPath: path).resolvingSymlinksInPath().path as NSString).lastPathComponent
        let interface = URL(fileURLWithPath: "/sys/class/tty/\(name)/device").resolvingSymlinksInPath()
        let port = interface.deletingLastPathComponent().lastPathComponent
        return port.contains("-") && !port.contains(":") ? port : nil
    }
}
