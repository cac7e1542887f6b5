import CLibUSB
import Foundation

/// A board that speaks over a vendor-specific USB interface with bulk endpoints (EdgeProf
/// Link v1 framing, unchanged), through libusb. Named `usb:VVVV:PPPP[:SERIAL][#INTERFACE]`.
public final class USBBulkTransport: ByteTransport {
    /// What a `usb:` port name selects.
    public struct Address: Sendable, Hashable {
        public var vendorID: UInt16
        public var productID: UInt16
        public var serialNumber: String?
        public var interface: Int32

        /// Parses `usb:0483:5740`, `usb:0483:5740:SN123`, `usb:0483:5740#1`; nil for other names.
        public init?(port: String) {
            guard port.hasPrefix("usb:") else { return nil }
            var rest = Substring(port.dropFirst(4))
            interface = 0
            if let hash = rest.lastIndex(of: "#") {
                guard let number = Int32(rest[rest.index(after: hash)...]), number >= 0 else { return nil }
                interface = number
                rest = rest[..<hash]
            }
            let parts = rest.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count >= 2, parts[0].count == 4, parts[1].count == 4,
                  let vid = UInt16(parts[0], radix: 16), let pid = UInt16(parts[1], radix: 16)
            else { return nil }
            vendorID = vid
            productID = pid
            serialNumber = parts.count == 3 && !parts[2].isEmpty ? String(parts[2]) : nil
        }
    }

    /// Bulk reads ask for this much: a multiple of every USB max packet size.
    static let readChunk = 512

    public let portName: String
    public var summary: String {
        "USB bulk endpoints IN 0x\(String(inEndpoint, radix: 16)) / OUT 0x\(String(outEndpoint, radix: 16)) on interface \(interface) (libusb)"
    }
    private var context: OpaquePointer?
    private var handle: OpaquePointer?
    private let interface: Int32
    private let inEndpoint: UInt8
    private let outEndpoint: UInt8

    public init(port: String) throws(TransportError) {
        guard let address = Address(port: port) else { throw .notFound(port: port) }
        portName = port
        interface = address.interface
        var context: OpaquePointer?
        let status = libusb_init(&context)
        guard status == 0 else { throw Self.error(status, port: port, operation: "libusb_init") }
        self.context = context
        var opened: OpaquePointer?
        do throws(TransportError) {
            let handle = try Self.open(address, context: context, port: port)
            opened = handle
            self.handle = handle
            if libusb_kernel_driver_active(handle, address.interface) == 1 {
                let detached = libusb_detach_kernel_driver(handle, address.interface)
                guard detached == 0 else { throw Self.error(detached, port: port, operation: "detach the kernel driver of interface \(address.interface)") }
            }
            let claimed = libusb_claim_interface(handle, address.interface)
            guard claimed == 0 else { throw Self.error(claimed, port: port, operation: "claim interface \(address.interface)") }
            (inEndpoint, outEndpoint) = try Self.bulkEndpoints(handle, interface: address.interface, port: port)
        } catch {
            if let opened { libusb_close(opened) }
            libusb_exit(context)
            self.handle = nil
            self.context = nil
            throw error
        }
    }

    deinit { close() }

    public func write(_ bytes: [UInt8], timeout: Duration) throws(TransportError) {
        guard let handle else { throw .disconnected(port: portName) }
        var data = bytes
        var sent: Int32 = 0
        let status = libusb_bulk_transfer(handle, outEndpoint, &data, Int32(data.count), &sent, UInt32(timeout.pollMilliseconds))
        if status == Int32(LIBUSB_ERROR_TIMEOUT.rawValue) { throw .timeout(port: portName, operation: "bulk write", after: timeout) }
        guard status == 0 else { throw Self.error(status, port: portName, operation: "bulk write") }
        if Int(sent) < bytes.count { throw .timeout(port: portName, operation: "bulk write", after: timeout) }
    }

    public func read(maxCount: Int, timeout: Duration) throws(TransportError) -> [UInt8] {
        guard let handle else { throw .disconnected(port: portName) }
        var buffer = [UInt8](repeating: 0, count: Self.readChunk)
        var received: Int32 = 0
        let status = libusb_bulk_transfer(handle, inEndpoint, &buffer, Int32(buffer.count), &received, UInt32(max(1, timeout.pollMilliseconds)))
        guard status == 0 || status == Int32(LIBUSB_ERROR_TIMEOUT.rawValue) else {
            throw Self.error(status, port: portName, operation: "bulk read")
        }
        return Array(buffer.prefix(min(Int(received), maxCount)))
    }

    public func close() {
        if let handle {
            libusb_release_interface(handle, interface)
            libusb_close(handle)
            self.handle = nil
        }
        if let context {
            libusb_exit(context)
            self.context = nil
        }
    }

    // MARK: - Opening

    private static func open(_ address: Address, context: OpaquePointer?, port: String) throws(TransportError) -> OpaquePointer {
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let count = libusb_get_device_list(context, &list)
        guard count >= 0, let list else { throw error(Int32(count), port: port, operation: "list USB devices") }
        defer { libusb_free_device_list(list, 1) }
        var lastError: TransportError = .notFound(port: port)
        for index in 0..<Int(count) {
            guard let device = list[index] else { continue }
            var descriptor = libusb_device_descriptor()
            guard libusb_get_device_descriptor(device, &descriptor) == 0,
                  descriptor.idVendor == address.vendorID, descriptor.idProduct == address.productID
            else { continue }
            var handle: OpaquePointer?
            let opened = libusb_open(device, &handle)
            guard opened == 0, let handle else {
                lastError = error(opened, port: port, operation: "open")
                continue
            }
            if let wanted = address.serialNumber {
                var text = [UInt8](repeating: 0, count: 128)
                let length = libusb_get_string_descriptor_ascii(handle, descriptor.iSerialNumber, &text, Int32(text.count))
                guard length > 0, String(decoding: text.prefix(Int(length)), as: UTF8.self) == wanted else {
                    libusb_close(handle)
                    continue
                }
            }
            return handle
        }
        throw lastError
    }

    private static func bulkEndpoints(_ handle: OpaquePointer, interface: Int32, port: String) throws(TransportError) -> (UInt8, UInt8) {
        var config: UnsafeMutablePointer<libusb_config_descriptor>?
        let status = libusb_get_active_config_descriptor(libusb_get_device(handle), &config)
        guard status == 0, let config else { throw error(status, port: port, operation: "read the configuration descriptor") }
        defer { libusb_free_config_descriptor(config) }
        guard interface < Int32(config.pointee.bNumInterfaces) else { throw .notFound(port: port) }
        let alternates = config.pointee.interface[Int(interface)]
        guard alternates.num_altsetting > 0 else { throw .notFound(port: port) }
        let setting = alternates.altsetting[0]
        var input: UInt8?
        var output: UInt8?
        for index in 0..<Int(setting.bNumEndpoints) {
            let endpoint = setting.endpoint[index]
            guard endpoint.bmAttributes & 0x03 == UInt8(LIBUSB_TRANSFER_TYPE_BULK.rawValue) else { continue }
            if endpoint.bEndpointAddress & 0x80 != 0 { input = input ?? endpoint.bEndpointAddress } else { output = output ?? endpoint.bEndpointAddress }
        }
        guard let input, let output else {
            throw .system(port: port, operation: "interface \(interface) has no bulk IN and OUT endpoints; pick the board's vendor interface with #N", code: EINVAL)
        }
        return (input, output)
    }

    /// A libusb error as a transport error a user can act on.
    static func error(_ code: Int32, port: String, operation: String) -> TransportError {
        switch code {
        case Int32(LIBUSB_ERROR_ACCESS.rawValue): .permissionDenied(port: port)
        case Int32(LIBUSB_ERROR_BUSY.rawValue): .busy(port: port, holder: "another program or a kernel driver that could not be detached")
        case Int32(LIBUSB_ERROR_NO_DEVICE.rawValue): .disconnected(port: port)
        case Int32(LIBUSB_ERROR_NOT_FOUND.rawValue): .notFound(port: port)
        default: .library(port: port, operation: operation, name: String(cString: libusb_error_name(code)))
        }
    }
}
