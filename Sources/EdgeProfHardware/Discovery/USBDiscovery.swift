import CLibUSB
import EdgeProfCore

/// Lists the devices on the USB buses, through libusb.
public enum USBDiscovery {
    public static func list() throws(DiscoveryError) -> [USBDeviceInfo] {
        var context: OpaquePointer?
        let initialised = libusb_init(&context)
        guard initialised == 0 else { throw failure(initialised) }
        defer { libusb_exit(context) }
        var devices: UnsafeMutablePointer<OpaquePointer?>?
        let count = libusb_get_device_list(context, &devices)
        guard count >= 0, let devices else { throw failure(Int32(count)) }
        defer { libusb_free_device_list(devices, 1) }
        var found: [USBDeviceInfo] = []
        for index in 0..<Int(count) {
            guard let device = devices[index] else { continue }
            var descriptor = libusb_device_descriptor()
            guard libusb_get_device_descriptor(device, &descriptor) == 0 else { continue }
            found.append(USBDeviceInfo(
                bus: Int(libusb_get_bus_number(device)), address: Int(libusb_get_device_address(device)),
                vendorID: descriptor.idVendor, productID: descriptor.idProduct, deviceClass: descriptor.bDeviceClass))
        }
        return found.sorted { ($0.bus, $0.address) < ($1.bus, $1.address) }
    }

    private static func failure(_ code: Int32) -> DiscoveryError {
        let name = String(cString: libusb_error_name(code))
        let hint = code == Int32(LIBUSB_ERROR_ACCESS.rawValue)
            ? " (permission denied: install devices/udev/60-edgeprof.rules)" : ""
        return DiscoveryError(source: "USB devices", reason: "\(name)\(hint)")
    }
}
