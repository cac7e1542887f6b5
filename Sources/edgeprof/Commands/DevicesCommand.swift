import ArgumentParser
import EdgeProfCore
import EdgeProfHardware

/// `edgeprof devices`: what is plugged in.
struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices", abstract: "Discover boards and instruments.", subcommands: [DevicesListCommand.self])
}

/// `edgeprof devices list`: serial ports (libserialport) and USB devices (libusb).
struct DevicesListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List serial ports and USB devices.")

    @Flag(help: "JSON output.")
    var json = false

    func run() throws {
        var problems: [String] = []
        var ports: [SerialPortInfo] = []
        var usb: [USBDeviceInfo] = []
        do { ports = try SerialPortDiscovery.list() } catch { problems.append(error.description) }
        do { usb = try USBDiscovery.list() } catch { problems.append(error.description) }
        Terminal.print(DeviceInventory(serialPorts: ports, usbDevices: usb, problems: problems).rendered(as: json ? .json : .table))
    }
}
