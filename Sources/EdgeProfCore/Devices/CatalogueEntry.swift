/// A USB identity a catalogue entry answers to: VID:PID, optionally narrowed by interface
/// number and a serial-number pattern.
public struct USBIdentity: Sendable, Codable, Hashable, CustomStringConvertible {
    public var vendorID: UInt16
    public var productID: UInt16
    public var interface: Int?
    /// A regular expression the whole USB serial number must match.
    public var serialPattern: String?
    /// What the device is while it has this identity: `app` (running firmware) or `bootloader`.
    public var role: String

    public init(vendorID: UInt16, productID: UInt16, interface: Int? = nil, serialPattern: String? = nil, role: String = "app") {
        self.vendorID = vendorID
        self.productID = productID
        self.interface = interface
        self.serialPattern = serialPattern
        self.role = role
    }

    public var description: String { "\(Self.hex(vendorID)):\(Self.hex(productID))" }

    public func matches(vendorID: UInt16, productID: UInt16, serialNumber: String?) -> Bool {
        guard vendorID == self.vendorID, productID == self.productID else { return false }
        guard let serialPattern else { return true }
        guard let serialNumber, let regex = try? Regex(serialPattern) else { return false }
        return serialNumber.wholeMatch(of: regex) != nil
    }

    static func hex(_ value: UInt16) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}

/// One board or instrument of the devices/ catalogue.
public struct CatalogueEntry: Sendable, Codable, Hashable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case board
        case instrument
    }

    public static let protocols = ["edgeprof-link-v1", "mlperf-tiny-dut", "ppk2"]
    public static let transports = ["usb-serial", "usb-bulk", "pty"]
    public static let resetMethods = ["none", "dtr", "st-link", "j-link", "picotool", "esptool", "1200-baud-touch"]

    /// The entry's id: its file name, and the board id its Link v1 firmware announces.
    public var name: String
    public var kind: Kind
    public var title: String
    public var vendor: String
    public var mcu: String?
    public var core: String?
    public var clockHz: Int?
    public var ramBytes: Int?
    public var flashBytes: Int?
    /// Boards: the class whose gate thresholds apply.
    public var deviceClass: String?
    public var usb: [USBIdentity]
    public var transport: String
    public var baud: Int
    public var protocolName: String
    public var reset: String
    /// Boards: the catalogue name of the power monitor wired to them.
    public var powerMonitor: String?
    public var powerWiring: String?
    /// True for simulated or emulated devices: their timings measure no real silicon.
    public var simulated: Bool
    /// Emulated boards: how EdgeProf starts the emulator that runs their firmware.
    public var emulator: Emulator?
    /// Boards: how `edgeprof flash` puts a firmware image on them.
    public var flasher: BoardFlasher?
    /// The catalogue file it came from.
    public var file: String

    /// An emulated board: the emulator program, its machine, and the firmware and model artifact
    /// it runs (paths relative to the catalogue directory).
    public struct Emulator: Sendable, Codable, Hashable {
        public static let programs = ["qemu-system-arm"]

        public var program: String
        public var machine: String
        public var firmware: String
        public var artifact: String?

        public init(program: String, machine: String, firmware: String, artifact: String?) {
            self.program = program
            self.machine = machine
            self.firmware = firmware
            self.artifact = artifact
        }
    }

    public func matches(vendorID: UInt16, productID: UInt16, serialNumber: String?) -> Bool {
        usb.contains { $0.matches(vendorID: vendorID, productID: productID, serialNumber: serialNumber) }
    }
}
