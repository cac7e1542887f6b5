import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import EdgeProfSim
import Foundation

/// `edgeprof sim emulated`: an emulated board of the catalogue under QEMU until interrupted,
/// running its firmware or, with `--blank`, halted with empty memory for `edgeprof flash`.
struct SimEmulatedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulated",
        abstract: "Run an emulated board (QEMU) until interrupted; prints its UART's terminal first.",
        discussion: """
            With --blank the board starts halted with nothing in memory and its gdbstub on 127.0.0.1:PORT \
            (printed second), as a board waits for its probe: `edgeprof flash --device NAME --probe \
            localhost:PORT --port TERMINAL FIRMWARE.elf` loads and starts it.
            """)

    @Argument(help: ArgumentHelp("The emulated board's catalogue name, e.g. qemu-mps2-an386.", valueName: "name"))
    var name: String

    @Flag(help: "Start halted with empty memory, waiting for firmware on the gdbstub.")
    var blank = false

    @Option(help: ArgumentHelp("The gdbstub's TCP port with --blank (default 1234, as QEMU's -s).", valueName: "port"))
    var gdbPort = 1234

    @Option(help: ArgumentHelp("Announce the board with this serial number, as a bench file names it (docs/bench.md).", valueName: "serial"))
    var serial: String?

    @OptionGroup var catalogue: CatalogueOptions

    func run() throws {
        guard (1...65_535).contains(gdbPort) else {
            Terminal.error("--gdb-port \(gdbPort) is not a TCP port: give 1…65535")
            throw ExitCode(ExitStatus.usage)
        }
        let board = try reportingErrors { () throws(AgentError) in
            let (entry, directory) = try catalogue.emulatedBoard(name)
            do throws(EmulationError) { return try EmulatedBoard(entry: entry, catalogueDirectory: directory, blank: blank ? EmulatedBoard.Blank(gdbPort: gdbPort) : nil) } catch {
                throw .emulation(error)
            }
        }
        defer { board.stop() }
        let announcement = serial.flatMap { serial in
            SimulatorRegistry.announce(SimulatedBoardInfo(path: board.path, board: name, serial: serial, pid: ProcessInfo.processInfo.processIdentifier))
        }
        defer { announcement.map { try? FileManager.default.removeItem(atPath: $0) } }
        let guardian = InterruptGuard {
            announcement.map { try? FileManager.default.removeItem(atPath: $0) }
            board.stop()
        }
        defer { guardian.cancel() }
        Terminal.print("\(board.path)\n" + (blank ? "127.0.0.1:\(gdbPort)\n" : ""))
        Terminal.note("emulated board \(name) on \(board.path)\(blank ? ", halted and blank; gdbstub on 127.0.0.1:\(gdbPort)" : "") (Ctrl-C to stop)")
        while true {
            usleep(200_000)
            if let crash = board.crash {
                Terminal.error("the emulator stopped by itself (\(crash.ending)): \(crash.output)")
                throw ExitCode(ExitStatus.deviceUnavailable)
            }
        }
    }
}
