import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import EdgeProfHardware
import Foundation

/// `edgeprof flash`: puts a firmware image on a board with the flasher its catalogue entry
/// names, resets it, and confirms on its port that it runs the image.
struct FlashCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flash",
        abstract: "Flash a firmware ELF onto a board and confirm it runs it.",
        discussion: """
            The flasher comes from the board's catalogue entry (devices/): openocd, pyocd, picotool, esptool, \
            dfu-util or a GDB server (gdb-remote). After the reset, EdgeProf shakes hands on --port and checks \
            that the board announces the ELF's GNU build id. docs/flashing.md lists the exact command each runs. \
            With --place, the board, its port, the flasher and the probe come from the bench file (docs/bench.md).
            """)

    @Option(help: ArgumentHelp("A place of the bench file: its board is found by identity and flashed with the flasher and probe the file names.", valueName: "name"))
    var place: String?

    @Option(help: ArgumentHelp("The bench file --place refers to (default: $EDGEPROF_BENCH_FILE); see docs/bench.md.", valueName: "bench.yaml"))
    var benchFile: String?

    @Option(help: ArgumentHelp("The board's catalogue name (default: the board --port belongs to).", valueName: "name"))
    var device: String?

    @Option(help: ArgumentHelp("The board's serial port, to confirm it runs the image (esptool also flashes through it).", valueName: "path"))
    var port: String?

    @Option(help: ArgumentHelp("The debug probe's serial number, or HOST:PORT of the GDB server for gdb-remote.", valueName: "probe"))
    var probe: String?

    @Option(help: ArgumentHelp("Stop the flasher after this many seconds (default: the catalogue's timeout-seconds, else 120).", valueName: "seconds"))
    var timeout: Int?

    @Option(help: "Output format: table or json.")
    var format = FlashFormat.table

    @OptionGroup var catalogue: CatalogueOptions

    @Argument(help: ArgumentHelp("The firmware ELF.", valueName: "firmware.elf"))
    var firmware: String

    enum FlashFormat: String, ExpressibleByArgument, CaseIterable {
        case table
        case json
    }

    func validate() throws {
        if place != nil, device != nil || port != nil || probe != nil {
            throw ValidationError("--place names the board, its port and its probe through the bench file; leave out --device, --port and --probe")
        }
        if benchFile != nil, place == nil { throw ValidationError("--bench-file goes with --place NAME") }
    }

    func run() throws {
        let report = try reportingErrors { () throws(AgentError) in
            if let timeout, timeout < 1 { throw .invalidArgument("--timeout \(timeout): give a number of seconds of at least 1") }
            if let place {
                let loaded = try catalogue.required()
                let resolved = try PlaceLookup.resolve(place, benchFile: benchFile, catalogue: loaded)
                return try PlaceFlasher(service: FlashService(leases: try LeaseService())).flash(resolved, catalogue: loaded, firmware: firmware, timeout: timeout.map { .seconds($0) })
            }
            let entry = try FlashTarget.board(device: device, port: port, catalogue: catalogue.required())
            return try FlashService(leases: try LeaseService()).flash(entry, firmware: firmware, probe: probe, port: port, timeout: timeout.map { .seconds($0) })
        }
        Terminal.print(format == .json ? FlashReportText.json(report) : FlashReportText.table(report))
    }
}

/// Which catalogue board a flash is for: named, or the one the port belongs to.
enum FlashTarget {
    static func board(device: String?, port: String?, catalogue: DeviceCatalogue) throws(AgentError) -> CatalogueEntry {
        if let device {
            guard let entry = catalogue.entry(named: device), entry.kind == .board else {
                throw .invalidArgument("no board '\(device)' in the device catalogue. Fix: `edgeprof devices list` shows the catalogue's boards")
            }
            return entry
        }
        guard let port else { throw .invalidArgument("say which board to flash: --device NAME (a catalogue board), --port PORT, or --place NAME of a bench file") }
        let ports: [SerialPortInfo]
        do { ports = try SerialPortDiscovery.list() } catch { throw .invalidArgument("cannot tell which board \(port) is (\(error)). Fix: pass --device NAME") }
        let resolved = URL(fileURLWithPath: port).resolvingSymlinksInPath().path
        let candidates = ports.first { URL(fileURLWithPath: $0.path).resolvingSymlinksInPath().path == resolved }
            .map { catalogue.candidates(for: $0).filter { $0.kind == .board } } ?? []
        guard candidates.count == 1, let entry = candidates.first else {
            let names = candidates.map(\.name).joined(separator: ", ")
            throw .invalidArgument(
                candidates.isEmpty
                    ? "no catalogued board is known by \(port)'s USB identity. Fix: pass --device NAME"
                    : "\(port) could be any of \(names) (they share a USB identity). Fix: pass --device NAME")
        }
        return entry
    }
}
