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

    @Option(help: "Model name the board announces.")
    var model = "demo-tiny-lm"

    @Option(help: "Device class the board announces.")
    var deviceClass = "sim-cortex-m4"

    @Option(help: "Seed of the simulated timings.")
    var seed: UInt64 = 1

    @Option(help: "Speed: 1 real time, 0 as fast as possible.")
    var speed = 1.0

    @Option(help: "Median time to first token in ms.")
    var firstTokenMs = 18.0

    @Option(help: "Median time per further token in ms.")
    var tokenMs = 11.0

    @Option(help: "Active power in mW; 0 for a board without a power sensor.")
    var powerMw = 23.5

    @Option(help: "Probability that a sent line is corrupted (fault injection).")
    var corruptRate = 0.0

    @Option(help: "Probability that garbage bytes precede a sent line (fault injection).")
    var garbageRate = 0.0

    func run() throws {
        var profile = SimulatedModelProfile()
        profile.model = model
        profile.deviceClass = deviceClass
        profile.firstTokenMedianMs = firstTokenMs
        profile.tokenMedianMs = tokenMs
        profile.activePowerMilliwatts = powerMw > 0 ? powerMw : nil
        if let artifact {
            profile.artifactSHA256 = try reportingErrors { () throws(AgentError) in try ArtifactDigest.of(path: artifact).sha256 }
        }
        let faults = SimulatedFaults(corruptLineProbability: corruptRate, garbageProbability: garbageRate)
        let board = try reportingErrors { () throws(AgentError) in
            do throws(TransportError) { return try SimulatedBoard(profile: profile, seed: seed, speed: speed, faults: faults) } catch { throw .transport(error) }
        }
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        board.start()
        Terminal.print("\(board.path)\n")
        Terminal.note("simulated board \(profile.board) \(profile.serial) serving on \(board.path) (Ctrl-C to stop)")
        var received: Int32 = 0
        sigwait(&signals, &received)
        board.stop()
    }
}
