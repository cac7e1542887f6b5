import Foundation
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

    @Flag(help: "The fleet's story instead: a collector, N simulated devices, canary, A/B, shadow, an injected regression, automatic rollback, halt and resume.")
    var fleet = false

    @Flag(help: "Production monitoring's story instead: 60 simulated devices report four weeks of telemetry; five injected changes are caught by the scheduled drift checks, open incidents and are worked; an A/B test is judged.")
    var observe = false

    @Option(help: "Devices in the fleet demo (60 to 10000).")
    var fleetSize = 200

    @Option(help: "Output format: table, json, csv or markdown.")
    var format = ReportFormat.table

    @OptionGroup var store: StoreOptions

    @OptionGroup var catalogue: CatalogueOptions

    func validate() throws {
        if fleet, observe { throw ValidationError("--fleet and --observe are two stories: pick one") }
        if observe, power || board != nil { throw ValidationError("--observe simulates its own devices: leave out --power and --board") }
        if observe, ![.table, .json].contains(format) { throw ValidationError("--observe prints a table or json") }
        if fleet, power || board != nil { throw ValidationError("--fleet simulates its own devices: leave out --power and --board") }
        if fleet, ![.table, .json].contains(format) { throw ValidationError("--fleet prints a table or json") }
        guard (60...10_000).contains(fleetSize) else { throw ValidationError("--fleet-size must be 60 to 10000 (20 devices a class, so that 5 % of one is a device), got \(fleetSize)") }
        if power, speed != 1 { throw ValidationError("--power measures in real time: leave --speed at 1") }
        if power, board != nil { throw ValidationError("--power measures the simulated board; an emulated board has no supply to measure") }
    }

    func run() async throws {
        if fleet { return try await runFleet() }
        if observe { return try await runObserve() }
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

    /// `--observe`: production monitoring's story (ObserveDemoStory); exit 1 when a change was missed or a false alarm fired.
    func runObserve() async throws {
        var options = FleetDemoStory.Options()
        options.seed = seed
        options.database = store.db
        let human = format == .table
        let report = try await reportingErrors { () async throws(AgentError) -> ObserveDemoReport in
            do {
                return try await ObserveDemoStory(note: { if human { Terminal.note($0) } }).run(options)
            } catch let error as AgentError {
                throw error
            } catch {
                throw .invalidArgument("the observe demo stopped: \(error)")
            }
        }
        if human {
            Terminal.print(report.table)
        } else {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            Terminal.print(String(decoding: (try? encoder.encode(report)) ?? Data(), as: UTF8.self) + "\n")
        }
        if !report.passed { throw ExitCode(1) }
    }

    /// `--fleet`: the control plane's story (FleetDemoStory); exit 1 when a check failed.
    func runFleet() async throws {
        var options = FleetDemoStory.Options()
        options.devices = fleetSize
        options.seed = seed
        options.database = store.db
        let human = format == .table
        let report = try await reportingErrors { () async throws(AgentError) -> FleetDemoReport in
            do {
                return try await FleetDemoStory(note: { if human { Terminal.note($0) } }).run(options)
            } catch let error as AgentError {
                throw error
            } catch {
                throw .invalidArgument("the fleet demo stopped: \(error)")
            }
        }
        if human {
            Terminal.print(report.table)
        } else {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            Terminal.print(String(decoding: (try? encoder.encode(report)) ?? Data(), as: UTF8.self) + "\n")
        }
        if !report.passed { throw ExitCode(1) }
    }
}
