import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import EdgeProfDemo

/// `edgeprof demo`: the whole path with no hardware and nothing to configure.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Simulated board → profile → store → edge-performance gate, end to end, no hardware needed.")

    @Option(help: "Measured iterations.")
    var iterations: UInt32 = 20

    @Option(help: "Warmup iterations.")
    var warmup: UInt32 = 2

    @Option(help: "Tokens per iteration.")
    var tokens: UInt32 = 16

    @Option(help: "Seed of the simulated model's timings (same seed, same figures).")
    var seed: UInt64 = 7

    @Option(help: "Simulation speed: 1 real time, 0 as fast as possible.")
    var speed = 1.0

    @Flag(help: "Measure energy with a simulated PPK2 wired to the board (real time only).")
    var power = false

    @Option(help: ArgumentHelp("Profile an emulated board instead (qemu-mps2-an385 or qemu-mps2-an386): real firmware under QEMU.", valueName: "name"))
    var board: String?

    @Option(help: "Output format: table, json, csv or markdown.")
    var format = ReportFormat.table

    @OptionGroup var store: StoreOptions

    @OptionGroup var catalogue: CatalogueOptions

    func validate() throws {
        if power, speed != 1 { throw ValidationError("--power measures in real time: leave --speed at 1") }
        if power, board != nil { throw ValidationError("--power measures the simulated board; an emulated board has no supply to measure") }
    }

    func run() async throws {
        var options = DemoScenario.Options()
        options.request = RunRequest(tokens: tokens, iterations: iterations, warmup: warmup)
        options.seed = seed
        options.speed = speed
        options.measurePower = power
        let human = format == .table
        let result = try await reportingErrors { () async throws(AgentError) in
            let progress = ProgressLine(enabled: human)
            defer { progress.finish() }
            var options = options
            options.emulated = try board.map { name throws(AgentError) in try catalogue.emulatedBoard(name) }
            return try await DemoScenario(store: try store.open()).run(
                options,
                handshaken: { board, model, path in
                    if human {
                        let kind = board.isEmulated ? "emulated board (QEMU)" : "simulated board"
                        Terminal.note("\(kind) \(board.board) \(board.serial) on \(path), carrying \(model.model) (\(model.quantization))")
                    }
                },
                progress: progress.update)
        }
        Terminal.print(result.profile.report.rendered(as: format))
        if human { Terminal.print("\n") }
        Terminal.print(result.verdict.rendered(as: format))
        if human {
            Terminal.print("""

                data:       \(result.profile.storeLocation) (run \(result.profile.runID))
                artifact:   \(result.artifactPath)
                thresholds: \(result.thresholdsPath)
                next:       edgeprof runs show \(result.profile.runID)
                            edgeprof gate check --model \(result.profile.model.reference) --device-class \(result.verdict.deviceClass) --thresholds \(result.thresholdsPath)

                """)
        }
        let code = ExitStatus.code(for: result.verdict.outcome)
        if code != 0 { throw ExitCode(code) }
    }
}
