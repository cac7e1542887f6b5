import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import EdgeProfHardware
import EdgeProfSim
import Foundation

/// `edgeprof sim bench FILE`: every place of a bench file as simulated boards and PPK2s.
struct SimBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Serve a bench file's places as simulated boards and PPK2s, wired as it says (or miswired on purpose) until interrupted.",
        discussion: """
            Prints one line per place (PLACE BOARD-PORT MONITOR-PORT), then serves. Boards and monitors announce the serials \
            the file gives them, so `edgeprof bench check` and `--place` find them by identity. --miswire PLACE=FAULT wires \
            a place wrongly: mark-on:N (the mark wire on input N), no-mark, swap-monitor:OTHER (the two places' monitors \
            measure each other's board), supply:source|ampere (the board is supplied the other way than its mode says).
            """)

    @Argument(help: ArgumentHelp("The bench file (docs/bench.md); its boards must be named by serial.", valueName: "bench.yaml"))
    var file: String

    @Option(help: ArgumentHelp("A wiring fault: PLACE=mark-on:N, no-mark, swap-monitor:OTHER or supply:source|ampere (repeatable).", valueName: "place=fault"))
    var miswire: [String] = []

    @Option(help: ArgumentHelp("Unplug and re-plug this place's board (a new terminal) after each run (repeatable).", valueName: "place"))
    var replug: [String] = []

    @Option(help: ArgumentHelp("This place's board dies (its terminal goes away) after N runs: PLACE=N (repeatable).", valueName: "place=n"))
    var die: [String] = []

    @Option(help: ArgumentHelp("The model artifact every board carries (its SHA-256 is announced).", valueName: "file"))
    var artifact: String?

    @Option(help: "Model name the boards announce (default demo-tiny-lm).")
    var model: String?

    @Option(help: "Seed of the first board's timings (the next boards take the following seeds).")
    var seed: UInt64 = 1

    @Option(help: "Speed: 1 real time, 0 as fast as possible.")
    var speed = 1.0

    @OptionGroup var catalogue: CatalogueOptions

    func run() throws {
        let bench = try reportingErrors { () throws(AgentError) in try BenchFileLoader.load(path: file, catalogue: try catalogue.required()) }
        var miswirings: [String: SimulatedBench.Miswiring] = [:]
        for text in miswire {
            guard let equals = text.firstIndex(of: "=") else { throw ValidationError("--miswire takes PLACE=FAULT, got '\(text)'") }
            do { miswirings[String(text[..<equals])] = try SimulatedBench.Miswiring(parsing: String(text[text.index(after: equals)...])) } catch {
                throw ValidationError(error.description)
            }
        }
        var deaths: [String: Int] = [:]
        for text in die {
            guard let equals = text.firstIndex(of: "="), let runs = Int(text[text.index(after: equals)...]), runs >= 1 else {
                throw ValidationError("--die takes PLACE=N with N ≥ 1, got '\(text)'")
            }
            deaths[String(text[..<equals])] = runs
        }
        var profile = SimulatedModelProfile()
        if let model { profile.model = model }
        if let artifact {
            profile.artifactSHA256 = try reportingErrors { () throws(AgentError) in try ArtifactDigest.of(path: artifact).sha256 }
        }
        let simulated: SimulatedBench
        do {
            simulated = try SimulatedBench(
                bench: bench, miswirings: miswirings, profile: profile, seed: seed, speed: speed,
                events: SimulatedBench.Events(replug: Set(replug), dieAfterRuns: deaths))
        } catch {
            Terminal.error(error.description)
            throw ExitCode(ExitStatus.usage)
        }
        serveUntilInterrupted(start: simulated.start, stop: simulated.stop) {
            simulated.announce()
            for station in simulated.stations {
                Terminal.print("\(station.place) \(station.board.path) \(station.monitor?.path ?? "-")\n")
            }
            let faults = miswirings.isEmpty ? "" : "; miswired: " + miswirings.map { "\($0.key) \($0.value)" }.sorted().joined(separator: ", ")
            Terminal.note("simulated bench \(bench.name): \(simulated.stations.count) places serving\(faults) (Ctrl-C to stop)")
            return {}
        }
    }
}
