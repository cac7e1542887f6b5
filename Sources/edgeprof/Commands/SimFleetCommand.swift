import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import Foundation

/// `edgeprof sim fleet`: many simulated devices following their assignments on a collector.
struct SimFleetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "Run N simulated devices in this process, following their assignments on a collector.",
        discussion: """
            Each device is a Link v1 board in memory (the C reference firmware of `sim board`) with its own serial \\
            (FLEET-00001…), a class (round-robin over --class) and a bench (round-robin over --agent BENCH=TOKEN). It first \\
            uploads one short run as --model, so the collector's fleet knows it; then, every --every seconds, each device's \\
            agent does what `agent run` does: handshake, GET its assignment, install the assigned artifact, halt or resume, \\
            report. Seeded shares of devices go offline, ignore their assignment, or report only every third round.
            """)

    @Option(help: ArgumentHelp("The collector's URL.", valueName: "url"))
    var collector: String

    @Option(name: .customLong("agent"), help: ArgumentHelp("A bench and its agent token, BENCH=ept_…; repeat for more benches.", valueName: "bench=token"))
    var agents: [String] = []

    @Option(help: "How many devices.")
    var devices = 100

    @Option(name: .customLong("class"), help: ArgumentHelp("Device classes, assigned round-robin (repeat; default: three sim classes).", valueName: "class"))
    var classes: [String] = []

    @Option(help: ArgumentHelp("The registered version the devices start with (they carry its artifact).", valueName: "name@version"))
    var model: String

    @Option(help: "Rounds to run, then stop (default: until interrupted).")
    var rounds: Int?

    @Option(help: "Seconds between rounds.")
    var every = 5.0

    @Option(help: "Seed of which devices fail.")
    var seed: UInt64 = 1

    @Option(help: "Share of devices that are offline (0 to 1).")
    var offline = 0.0

    @Option(help: "Share of devices that ignore their assignment (0 to 1).")
    var ignoring = 0.0

    @Option(help: "Share of devices that report only every third round (0 to 1).")
    var late = 0.0

    @Option(help: "Devices reconciled at once.")
    var concurrency = 8

    func validate() throws {
        guard !agents.isEmpty else { throw ValidationError("give at least one --agent BENCH=ept_… (a bench's agent token)") }
        _ = try benches()
        guard every >= 0, every <= 86_400 else { throw ValidationError("--every must be 0 to 86400 seconds (a day), got \(every)") }
        if let rounds, rounds < 0 { throw ValidationError("--rounds must be 0 or more") }
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be 1 to 256") }
    }

    /// Each --agent as a bench and its client.
    func benches() throws(ValidationError) -> [FleetSimulator.Agent] {
        try agents.map { pair throws(ValidationError) -> FleetSimulator.Agent in
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, RunUploadValidation.nameProblem(parts[0]) == nil, parts[1].hasPrefix("ept_") else {
                throw ValidationError("--agent takes BENCH=ept_… (a bench name and its agent token), got '\(pair)'")
            }
            return FleetSimulator.Agent(bench: parts[0], client: CollectorClient(baseURL: collector, token: parts[1]))
        }
    }

    func run() async throws {
        let benches = try benches()
        let reference = try reportingErrors { () throws(AgentError) in try parseModelReference(model) }
        let simulator = try await reportingErrors { () async throws(AgentError) -> FleetSimulator in
            let registered = try benches[0].client.decoded(
                [RegisteredModel].self, from: try await benches[0].client.call(.GET, "/v1/models"), what: "the registered models")
            guard let version = registered.first(where: { $0.reference == reference }) else {
                throw .invalidArgument("\(reference) is not registered on \(collector); `edgeprof model register --collector` registers it")
            }
            var options = FleetSimulator.Options(devices: devices)
            if !classes.isEmpty { options.classes = classes }
            options.seed = seed
            options.offlineShare = offline
            options.ignoringShare = ignoring
            options.lateShare = late
            options.concurrency = concurrency
            return try FleetSimulator(options: options, agents: benches, model: reference.name, artifactSHA256: version.artifactSHA256)
        }
        let stop = StopRequest()
        let guardian = InterruptGuard(stop: stop, note: "stopping after this round")
        defer { guardian.cancel() }
        let failures = await simulator.enroll(as: reference)
        Terminal.note("\(devices - failures.count) of \(devices) devices enrolled on \(collector) as \(reference)")
        failures.prefix(5).forEach { Terminal.error($0) }
        var round = 0
        while !stop.isRequested, rounds.map({ round < $0 }) ?? true {
            round += 1
            let started = ContinuousClock.now
            let report = await simulator.round()
            Terminal.print(Self.line(round, report, took: ContinuousClock.now - started))
            report.failed.prefix(3).forEach { Terminal.error($0) }
            if rounds.map({ round < $0 }) ?? true { try? await Task.sleep(for: .milliseconds(Int64(every * 1000))) }
        }
    }

    static func line(_ round: Int, _ report: FleetSimulator.RoundReport, took: Duration) -> String {
        String(
            format: "round %d: %d reconciled, %d installed, %d halted, %d off assignment, %d skipped, %d failed (%.2f s)\n", round, report.reconciled,
            report.installed, report.halted, report.offAssignment, report.skipped, report.failed.count,
            Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18)
    }
}
