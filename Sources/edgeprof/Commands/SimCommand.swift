import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import EdgeProfHardware
import EdgeProfSim
import Foundation

/// `edgeprof sim`: simulated devices on pseudo-terminals.
struct SimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim", abstract: "Run simulated devices on pseudo-terminals.", subcommands: [SimBoardCommand.self])
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

    func run() throws {
        var profile = try loadProfile()
        if let model { profile.model = model }
        if let deviceClass { profile.deviceClass = deviceClass }
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
            do throws(TransportError) { return try SimulatedBoard(profile: profile, seed: seed, speed: speed, faults: faults) } catch { throw .transport(error) }
        }
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        board.start()
        let registration = SimulatorRegistry.announce(SimulatedBoardInfo(
            path: board.path, board: profile.board, serial: profile.serial, pid: ProcessInfo.processInfo.processIdentifier))
        defer { registration.map { try? FileManager.default.removeItem(atPath: $0) } }
        Terminal.print("\(board.path)\n")
        Terminal.note("simulated board \(profile.board) \(profile.serial) serving on \(board.path) (Ctrl-C to stop)")
        var received: Int32 = 0
        sigwait(&signals, &received)
        board.stop()
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
