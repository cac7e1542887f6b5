/// Renders a device inventory for `edgeprof devices list`.
extension DeviceInventory {
    public func rendered(as format: ReportFormat) -> String {
        if format == .json { return ReportText.json(self) + "\n" }
        var lines = ["serial ports (libserialport):"]
        if serialPorts.isEmpty { lines.append("  none") }
        for port in serialPorts {
            var text = "  " + ReportText.padded(port.path, 16) + ReportText.padded(port.transport, 10)
            if let vid = port.usbVendorID, let pid = port.usbProductID { text += "\(Self.hex(vid)):\(Self.hex(pid))  " }
            text += [port.manufacturer, port.product, port.serialNumber.map { "serial \($0)" }].compactMap { $0 }.joined(separator: " · ")
            if let names = serialPortCandidates[port.path] { text += "  → " + names.joined(separator: " | ") }
            lines.append(text)
        }
        lines.append("usb devices (libusb):")
        if usbDevices.isEmpty { lines.append("  none") }
        for device in usbDevices {
            let names = usbCandidates[device.key].map { "  → " + $0.joined(separator: " | ") } ?? ""
            lines.append("  bus \(String(device.bus).leftPadded(to: 3)) address \(String(device.address).leftPadded(to: 3))  \(Self.hex(device.vendorID)):\(Self.hex(device.productID))  class 0x\(String(device.deviceClass, radix: 16).leftPadded(to: 2))\(names)")
        }
        lines.append("simulated boards (edgeprof sim board):")
        if simulatedBoards.isEmpty { lines.append("  none running") }
        for board in simulatedBoards {
            lines.append("  " + ReportText.padded(board.path, 16) + ReportText.padded("pty", 10) + "\(board.board) \(board.serial), pid \(board.pid)  → \(board.board)")
        }
        for problem in problems { lines.append("note: \(problem)") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func hex(_ value: UInt16) -> String { String(value, radix: 16).leftPadded(to: 4) }
}
