/// The boards and instruments EdgeProf knows, and how a discovered device or an announced
/// board id maps to them.
public struct DeviceCatalogue: Sendable, Hashable {
    public var entries: [CatalogueEntry]

    public init(entries: [CatalogueEntry]) {
        self.entries = entries.sorted { $0.name < $1.name }
    }

    public func entry(named name: String) -> CatalogueEntry? {
        entries.first { $0.name == name }
    }

    /// Entries a serial port may be. Several boards share a debug probe's VID:PID (every NUCLEO
    /// has an ST-LINK), so this is a list; a Link v1 handshake tells which one it is.
    public func candidates(for port: SerialPortInfo) -> [CatalogueEntry] {
        guard let vid = port.usbVendorID, let pid = port.usbProductID else { return [] }
        return entries.filter { $0.matches(vendorID: vid, productID: pid, serialNumber: port.serialNumber) }
    }

    public func candidates(for device: USBDeviceInfo) -> [CatalogueEntry] {
        entries.filter { $0.matches(vendorID: device.vendorID, productID: device.productID, serialNumber: nil) }
    }

    /// Cross-file checks: unique names, power monitors that exist and are instruments.
    public func problems() -> [ConfigError] {
        var problems: [ConfigError] = []
        var seen: [String: String] = [:]
        for entry in entries {
            if let earlier = seen[entry.name] {
                problems.append(ConfigError(file: entry.file, line: nil, message: "name '\(entry.name)' is also used by \(earlier)"))
            }
            seen[entry.name] = entry.file
            if let monitor = entry.powerMonitor, self.entry(named: monitor)?.kind != .instrument {
                problems.append(ConfigError(file: entry.file, line: nil, message: "power-monitor '\(monitor)' is not an instrument in the catalogue"))
            }
        }
        return problems
    }
}

extension DeviceCatalogue {
    /// Where a run's device class came from, for reports.
    public enum ClassSource: String, Sendable, Codable {
        case flag, catalogue, firmware, boardID = "board-id"
    }

    /// The device class a run counts for: the user's choice, else the catalogue's entry for
    /// the announced board id, else what the firmware announces, else the board id itself.
    public static func deviceClass(explicit: String?, catalogue: DeviceCatalogue?, board: BoardInfo) -> (name: String, source: ClassSource) {
        if let explicit { return (explicit, .flag) }
        if let fromCatalogue = catalogue?.entry(named: board.board)?.deviceClass { return (fromCatalogue, .catalogue) }
        if let announced = board.deviceClass { return (announced, .firmware) }
        return (board.board, .boardID)
    }
}
