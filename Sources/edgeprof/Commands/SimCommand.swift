import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import EdgeProfHardware
import EdgeProfSim
import Foundation

/// `edgeprof sim`: simulated devices on pseudo-terminals, and a simulated fleet.
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim", abstract: "Run simulated devices on pseudo-terminals, or a simulated fleet against a collector.",
        subcommands: [SimBoardCommand.self, SimEmulatedCommand.self, SimPPK2Command.self, SimBenchCommand.self, SimFleetCommand.self])
}

/// `edgeprof sim board`: a board speaking Link v1 through the C reference implementation.
struct SimBoardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "board",
        abstract: "Serve a simulated board on a new pseudo-terminal until interrupted; prints its path first.")

    @Option(help: ArgumentHelp("The model artifact the board carries (its SHA-256 is announced).", valueName: "file"))
    var artifact: String?

    @Option(help: ArgumentHelp("A JSON SimulatedModelProfile (identity, memory, latency, power); flags below override it.", valueName: "file"))
    var profile: String?

    @Option(help: "Model name the board announces (default demo-tiny-lm).")
    var model: String?

    @Option(help: "Device class the board announces (default sim-cortex-m4).")
    var deviceClass: String?

    @Option(help: "Serial number the board announces (default SIM-0001); give each simulated board of a lab its own.")
    var serial: String?

    @Option(help: "Seed of the simulated timings.")
    var seed: UInt64 = 1

    @Option(help: "Speed: 1 real time, 0 as fast as possible.")
    var speed = 1.0

    @Option(help: "Median time to first token in ms (default 18).")
    var firstTokenMs: Double?

    @Option(help: "Median time per further token in ms (default 11).")
    var tokenMs: Double?

    @Option(help: "Active power in mW, 0 for a board without a power sensor (default 23.5).")
    var powerMw: Double?

    @Option(help: "How far the board's clock runs fast (+) or slow (−), in ppm (fault injection).")
    var clockErrorPpm: Double?

    @Option(help: "Probability that a sent line is corrupted (fault injection).")
    var corruptRate = 0.0

    @Option(help: "Probability that garbage bytes precede a sent line (fault injection).")
    var garbageRate = 0.0

    @Option(help: "Probability that any one sent byte is lost (fault injection).")
    var dropRate = 0.0

    @Option(help: "Probability that a sent line loses its tail and terminator (fault injection).")
    var cutRate = 0.0

    @Option(help: "Reboot after sending this many lines of a run (fault injection).")
    var resetAfterLines: Int?

    @Flag(help: "Garble every byte both ways, as a baud-rate mismatch does (fault injection).")
    var wrongBaud = false

    @Flag(help: "A Link v1.0 board: no `records` capability, every iteration as ITER, TOK… and DONE lines.")
    var noRecords = false

    @Flag(help: "A Link v1.1 board: REC lines when asked, but no `frames` capability (no v1.2 record frames).")
    var noFrames = false

    func run() throws {
        var profile = try loadProfile()
        if let model { profile.model = model }
        if let deviceClass { profile.deviceClass = deviceClass }
        if let serial { profile.serial = serial }
        if let firstTokenMs { profile.firstTokenMedianMs = firstTokenMs }
        if let tokenMs { profile.tokenMedianMs = tokenMs }
        if let powerMw { profile.activePowerMilliwatts = powerMw > 0 ? powerMw : nil }
        if let clockErrorPpm { profile.clockErrorPPM = clockErrorPpm }
        if let artifact {
            profile.artifactSHA256 = try reportingErrors { () throws(AgentError) in try ArtifactDigest.of(path: artifact).sha256 }
        }
        let faults = SimulatedFaults(
            corruptLineProbability: corruptRate, garbageProbability: garbageRate, dropByteProbability: dropRate,
            cutLineProbability: cutRate, resetAfterRunLines: resetAfterLines, wrongBaud: wrongBaud)
        let board = try reportingErrors { () throws(AgentError) in
            do throws(TransportError) { return try SimulatedBoard(profile: profile, seed: seed, speed: speed, faults: faults, records: !noRecords, frames: !noFrames) } catch { throw .transport(error) }
        }
        serveUntilInterrupted(start: board.start, stop: board.stop) {
            let registration = SimulatorRegistry.announce(SimulatedBoardInfo(
            path: board.path, board: profile.board, serial: profile.serial, pid: ProcessInfo.processInfo.processIdentifier))
            Terminal.print("\(board.path)\n")
            Terminal.note("simulated board \(profile.board) \(profile.serial) serving on \(board.path) (Ctrl-C to stop)")
            return { registration.map { try? FileManager.default.removeItem(atPath: $0) } }
        }
    }

    private func loadProfile() throws -> SimulatedModelProfile {
        guard let path = profile else { return SimulatedModelProfile() }
        return try reportingErrors { () throws(AgentError) in
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .artifact(path: path, problem: "no such profile file")
            }
            do {
                return try JSONDecoder().decode(SimulatedModelProfile.self, from: data)
            } catch {
                throw .invalidArgument("\(path) is not a simulated model profile: \(error). Fix: see docs/simulator.md for its fields")
            }
        }
    }
}

/// `edgeprof sim ppk2`: a Nordic PPK2 streaming a synthetic trace with a known energy.
struct SimPPK2Command: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ppk2",
        abstract: "Serve a simulated PPK2 on a new pseudo-terminal until interrupted; prints its path first.")

    @Option(help: "Speed: 1 real time (100 kS/s), 0 as fast as the reader takes.")
    var speed = 1.0

    @Option(help: "Current while sleeping, in µA.")
    var sleepUa = 450.0

    @Option(help: "Sleep time per cycle, in ms.")
    var sleepMs = 50.0

    @Option(help: "Current during an inference, in mA.")
    var activeMa = 6.4

    @Option(help: "Inference time per cycle, in ms.")
    var activeMs = 50.0

    @Option(help: "Logic input high during inferences (0-7).")
    var mark = 0

    @Option(help: "Drop every Nth sample (fault injection; 0: none).")
    var dropEvery = 0

    @Option(help: ArgumentHelp("Metadata keys sent as -nan, comma-separated (fault injection).", valueName: "keys"))
    var nanMetadata: String?

    @Option(help: "Stop streaming after this many samples (fault injection).")
    var stallAfter: Int?

    func run() throws {
        var trace = PowerTrace()
        trace.sleepAmperes = sleepUa / 1e6
        trace.sleepSeconds = sleepMs / 1000
        trace.activeAmperes = activeMa / 1000
        trace.activeSeconds = activeMs / 1000
        trace.markChannel = mark
        var faults = SimulatedPPK2.Faults()
        faults.dropEveryNthSample = dropEvery
        faults.nanMetadataKeys = nanMetadata?.split(separator: ",").map(String.init) ?? []
        faults.stallAfterSamples = stallAfter
        let ppk2 = try reportingErrors { () throws(AgentError) in
            do throws(TransportError) { return try SimulatedPPK2(trace: trace, speed: speed, faults: faults) } catch { throw .transport(error) }
        }
        serveUntilInterrupted(start: ppk2.start, stop: ppk2.stop) {
            Terminal.print("\(ppk2.path)\n")
            Terminal.note("simulated PPK2 serving on \(ppk2.path): \(trace.activeJoules(volts: 3.3) * 1000) mJ per inference at 3.3 V (Ctrl-C to stop)")
            return {}
        }
    }
}

/// Starts a simulated device, announces it, and serves until SIGINT, SIGTERM or SIGHUP; `announce`
/// returns what to undo before stopping. The signals are taken by dispatch sources rather than a
/// blocked mask: a mask holds only on the thread that set it, and a signal delivered to any other
/// thread killed the process before it could withdraw its announcement.
func serveUntilInterrupted(start: () -> Void, stop: () -> Void, announce: () -> () -> Void) {
    let interrupted = DispatchSemaphore(value: 0)
    var sources: [any DispatchSourceSignal] = []
    for number in [SIGINT, SIGTERM, SIGHUP] {
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { interrupted.signal() }
        source.resume()
        sources.append(source)
    }
    start()
    let undo = announce()
    interrupted.wait()
    undo()
    stop()
    for source in sources { source.cancel() }
}
