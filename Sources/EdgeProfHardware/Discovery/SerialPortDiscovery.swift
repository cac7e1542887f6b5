import CLibSerialPort
import EdgeProfCore

/// Lists the serial ports the system knows, through libserialport.
public enum SerialPortDiscovery {
    public static func list() throws(DiscoveryError) -> [SerialPortInfo] {
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let result = sp_list_ports(&list)
        guard result == SP_OK, let list else {
            throw DiscoveryError(source: "serial ports", reason: sp_last_error_message().map { String(cString: $0) } ?? "libserialport error \(result.rawValue)")
        }
        defer { sp_free_port_list(list) }
        var ports: [SerialPortInfo] = []
        var index = 0
        while let port = list[index] {
            ports.append(info(port))
            index += 1
        }
        return ports.sorted { $0.path < $1.path }
    }

    private static func info(_ port: OpaquePointer) -> SerialPortInfo {
        let text: (UnsafeMutablePointer<CChar>?) -> String? = { $0.map { String(cString: $0) } }
        var info = SerialPortInfo(path: text(sp_get_port_name(port)) ?? "?", transport: "native", description: text(sp_get_port_description(port)))
        switch sp_get_port_transport(port) {
        case SP_TRANSPORT_USB:
            info.transport = "usb"
            var vid: Int32 = 0
            var pid: Int32 = 0
            if sp_get_port_usb_vid_pid(port, &vid, &pid) == SP_OK {
                info.usbVendorID = UInt16(truncatingIfNeeded: vid)
                info.usbProductID = UInt16(truncatingIfNeeded: pid)
            }
            var bus: Int32 = 0
            var address: Int32 = 0
            if sp_get_port_usb_bus_address(port, &bus, &address) == SP_OK {
                info.usbBus = Int(bus)
                info.usbAddress = Int(address)
            }
            info.serialNumber = text(sp_get_port_usb_serial(port))
            info.manufacturer = text(sp_get_port_usb_manufacturer(port))
            info.product = text(sp_get_port_usb_product(port))
            info.usbPortPath = BoardIdentity.usbPortPath(of: info.path)
        case SP_TRANSPORT_BLUETOOTH:
            info.transport = "bluetooth"
        default:
            break
        }
        return info
    }
}

/// A device source that could not be read.
public struct DiscoveryError: Error, Sendable, CustomStringConvertible {
    public var source: String
    public var reason: String

    public var description: String { "cannot list \(source): \(reason)" }
}
