import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import EdgeProfHardware

/// `edgeprof diag`: field diagnostics; `edgeprof diag PORT` runs the checks.
struct DiagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diag",
        abstract: "Field diagnostics: check a board's link (`diag PORT`), or write a support bundle.",
        subcommands: [DiagCheckCommand.self, DiagBundleCommand.self],
        defaultSubcommand: DiagCheckCommand.self)
}

/// `edgeprof diag [check] PORT|--all`: each check with a verdict and a fix.
struct DiagCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a board's link: handshake, catalogue, ping round trips, throughput, clock drift.",
        discussion: "Exit codes: 0 every check OK or WARN, 1 a check FAILED.")

    @Argument(help: "The board's port.")
    var port: String?

    @Flag(help: "Every serial port that matches a board of the catalogue.")
    var all = false

    @Option(help: "Pings for the link-quality check.")
    var pings = 20

    @Option(help: "Seconds to watch the device clock against the host clock.")
    var driftSeconds = 3.0

    @Option(help: "Serial baud rate.")
    var baud = TransportOpener.defaultBaud

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var catalogue: CatalogueOptions

    func validate() throws {
        guard (port == nil) != !all else { throw ValidationError("name one PORT, or --all for every catalogued board") }
        guard pings >= 2 else { throw ValidationError("--pings must be at least 2") }
    }

    func run() throws {
        let catalogue = catalogue.loadIfAvailable()
        var options = DiagnosticsService.Options()
        options.baud = baud
        options.pings = pings
        options.driftSeconds = driftSeconds
        let ports = try portsToCheck(catalogue)
        let reports = ports.map { DiagnosticsService(catalogue: catalogue).diagnose(port: $0, options: options) }
        Terminal.print(format == .json ? DiagnosticListing.json(reports) : reports.map { $0.rendered(as: .table) }.joined(separator: "\n"))
        if reports.contains(where: { $0.verdict == .fail }) { throw ExitCode(ExitStatus.gateFail) }
    }

    private func portsToCheck(_ catalogue: DeviceCatalogue?) throws -> [String] {
        if let port { return [port] }
        let found = (try? SerialPortDiscovery.list()) ?? []
        let boards = found.filter { port in catalogue?.candidates(for: port).contains { $0.kind == .board } ?? false }
        guard !boards.isEmpty else {
            Terminal.error("no serial port matches a board of the device catalogue. Fix: plug a board in, or name its PORT")
            throw ExitCode(ExitStatus.deviceUnavailable)
        }
        return boards.map(\.path)
    }
}
