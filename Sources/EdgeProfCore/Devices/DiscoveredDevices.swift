/// A serial port the operating system reports, with its USB identity when it has one.
public struct SerialPortInfo: Sendable, Codable, Hashable {
    public var path: String
    /// `usb`, `native` or `bluetooth`, as libserialport classifies it.
    public var transport: String
    public var description: String?
    public var usbVendorID: UInt16?
    public var usbProductID: UInt16?
    public var usbBus: Int?
    public var usbAddress: Int?
    public var serialNumber: String?
    public var manufacturer: String?
    public var product: String?
    /// The physical USB port (e.g. `1-2.3`), which stays when the board is re-plugged there.
    public var usbPortPath: String?

    public init(
        path: String, transport: String, description: String? = nil, usbVendorID: UInt16? = nil, usbProductID: UInt16? = nil,
        usbBus: Int? = nil, usbAddress: Int? = nil, serialNumber: String? = nil, manufacturer: String? = nil, product: String? = nil,
        usbPortPath: String? = nil
    ) {
        self.path = path
        self.transport = transport
        self.description = description
        self.usbVendorID = usbVendorID
        self.usbProductID = usbProductID
        self.usbBus = usbBus
        self.usbAddress = usbAddress
        self.serialNumber = serialNumber
        self.manufacturer = manufacturer
        self.product = product
        self.usbPortPath = usbPortPath
    }
}

/// A USB device on the bus, as libusb reports it.
public struct USBDeviceInfo: Sendable, Codable, Hashable {
    public var bus: Int
    public var address: Int
    public var vendorID: UInt16
    public var productID: UInt16
    public var deviceClass: UInt8

    /// "bus:address", how an inventory refers to it.
    public var key: String { "\(bus):\(address)" }

    public init(bus: Int, address: Int, vendorID: UInt16, productID: UInt16, deviceClass: UInt8) {
        self.bus = bus
        self.address = address
        self.vendorID = vendorID
        self.productID = productID
        self.deviceClass = deviceClass
    }
}

/// A simulated board served by an `edgeprof sim board` process on this machine.
public struct SimulatedBoardInfo: Sendable, Codable, Hashable {
    public var path: String
    public var board: String
    public var serial: String
    public var pid: Int32

    public init(path: String, board: String, serial: String, pid: Int32) {
        self.path = path
        self.board = board
        self.serial = serial
        self.pid = pid
    }
}

/// What `edgeprof devices list` found, and what it could not look at.
public struct DeviceInventory: Sendable, Codable, Hashable {
    public var serialPorts: [SerialPortInfo]
    public var usbDevices: [USBDeviceInfo]
    public var simulatedBoards: [SimulatedBoardInfo]
    /// Sources that could not be read, with the reason (e.g. no USB access in a container).
    public var problems: [String]
    /// Catalogue entries each serial port (by path) and USB device (by "bus:address") may be.
    public var serialPortCandidates: [String: [String]]
    public var usbCandidates: [String: [String]]

    public init(
        serialPorts: [SerialPortInfo], usbDevices: [USBDeviceInfo], simulatedBoards: [SimulatedBoardInfo] = [], problems: [String],
        catalogue: DeviceCatalogue? = nil
    ) {
        self.serialPorts = serialPorts
        self.usbDevices = usbDevices
        self.simulatedBoards = simulatedBoards
        self.problems = problems
        serialPortCandidates = [:]
        usbCandidates = [:]
        guard let catalogue else { return }
        for port in serialPorts {
            let names = catalogue.candidates(for: port).map(\.name)
            if !names.isEmpty { serialPortCandidates[port.path] = names }
        }
        for device in usbDevices {
            let names = catalogue.candidates(for: device).map(\.name)
            if !names.isEmpty { usbCandidates[device.key] = names }
        }
    }
}
