import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import EdgeProfHardware
import EdgeProfSim

/// `edgeprof devices`: what is plugged in.
struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices", abstract: "Discover boards and instruments; check the device catalogue.",
        subcommands: [
            DevicesListCommand.self, DevicesProbeCommand.self, DevicesCheckCommand.self, DevicesLeaseCommand.self,
            DevicesReleaseCommand.self, DevicesLeasesCommand.self,
        ])
}

/// `edgeprof devices list`: serial ports (libserialport) and USB devices (libusb).
struct DevicesListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List serial ports and USB devices.")

    @Flag(help: "JSON output.")
    var json = false

    @OptionGroup var catalogue: CatalogueOptions

    func run() throws {
        var problems: [String] = []
        var ports: [SerialPortInfo] = []
        var usb: [USBDeviceInfo] = []
        do { ports = try SerialPortDiscovery.list() } catch { problems.append(error.description) }
        do { usb = try USBDiscovery.list() } catch { problems.append(error.description) }
        let inventory = DeviceInventory(
            serialPorts: ports, usbDevices: usb, simulatedBoards: SimulatorRegistry.running(), problems: problems,
            catalogue: catalogue.loadIfAvailable())
        Terminal.print(inventory.rendered(as: json ? .json : .table))
    }
}

/// `edgeprof devices check`: validate every catalogue file.
struct DevicesCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Validate the device catalogue (every file, every field).")

    @OptionGroup var catalogue: CatalogueOptions

    func run() throws {
        guard let directory = CatalogueLoader.locate(explicit: catalogue.directory) else {
            Terminal.error("no device catalogue found. Fix: pass --devices DIR or set EDGEPROF_DEVICES")
            throw ExitCode(ExitStatus.notFound)
        }
        do throws(CatalogueError) {
            let loaded = try CatalogueLoader.load(directory: directory)
            let boards = loaded.entries.filter { $0.kind == .board }.count
            Terminal.print("\(directory): \(boards) boards, \(loaded.entries.count - boards) instruments, no problems\n")
        } catch {
            Terminal.error(error.description)
            throw ExitCode(ExitStatus.dataError)
        }
    }
}

/// `edgeprof devices probe PORT`: which board is this? A handshake and a catalogue lookup.
struct DevicesProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Ask the board on PORT who it is (Link v1 handshake) and match it to the catalogue.",
        discussion: "PORT is a serial port or terminal, or usb:VVVV:PPPP[:SERIAL][#INTERFACE] for a board with a vendor bulk interface.")

    @Argument(help: "The board's port.")
    var port: String

    @Option(help: "Serial baud rate.")
    var baud = TransportOpener.defaultBaud

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var catalogue: CatalogueOptions

    func run() throws {
        var options = DiagnosticsService.Options()
        options.baud = baud
        options.handshakeOnly = true
        let report = DiagnosticsService(catalogue: catalogue.loadIfAvailable()).diagnose(port: port, options: options)
        Terminal.print(format == .json ? DiagnosticListing.json([report]) : report.rendered(as: .table))
        if report.verdict == .fail { throw ExitCode(ExitStatus.deviceUnavailable) }
    }
}
