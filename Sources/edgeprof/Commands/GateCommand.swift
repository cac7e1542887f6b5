import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import Foundation

/// `edgeprof gate`: release gates.
struct GateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate", abstract: "Check a model version against release gates.", subcommands: [GateCheckCommand.self])
}

/// `edgeprof gate check`: the edge-performance gate on the stored evidence.
struct GateCheckCommand: AsyncParsableCommand {
    static let defaultThresholds = "edgeprof-gates.yaml"

    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Answer PASS, FAIL or INCONCLUSIVE for a model version on a device class.",
        discussion: "Exit codes: 0 PASS, 1 FAIL, 2 INCONCLUSIVE (too few samples or a missing figure).")

    @Option(help: ArgumentHelp("The model version to check.", valueName: "name@version"))
    var model: String

    @Option(help: ArgumentHelp("The device class whose thresholds apply.", valueName: "class"))
    var deviceClass: String

    @Option(help: ArgumentHelp("Thresholds file (YAML).", valueName: "file"))
    var thresholds = defaultThresholds

    @Option(name: .customLong("run"), help: ArgumentHelp("Use only this run as evidence (default: every complete run).", valueName: "id"))
    var runID: Int64?

    @Option(help: ArgumentHelp("Also write a JUnit XML report here.", valueName: "file"))
    var junit: String?

    @Option(help: "Output format: table, json, csv or markdown.")
    var format = ReportFormat.table

    @Option(help: ArgumentHelp("Judge the runs a lab's collector holds instead of --db's (sends the thresholds file; needs --token or $EDGEPROF_TOKEN).", valueName: "url"))
    var collector: String?

    @Option(help: ArgumentHelp("API token for --collector (default: $EDGEPROF_TOKEN).", valueName: "ept_…"))
    var token: String?

    @OptionGroup var store: StoreOptions

    @OptionGroup var catalogue: CatalogueOptions

    func run() async throws {
        let startedAt = Date()
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = await verdict()
        let timing = GateCheckTiming(startedAt: startedAt, elapsed: clock.now - start, hostname: ProcessInfo.processInfo.hostName)
        if let junit {
            let suite = switch outcome {
            case .success(let verdict): verdict.junitSuite(timing: timing, thresholdsFile: thresholds)
            case .failure(let error):
                GateVerdict.junitErrorSuite(
                    model: model, deviceClass: deviceClass, kind: error.junitKind, message: error.description, timing: timing, thresholdsFile: thresholds)
            }
            try Self.write(JUnitReport(name: "edgeprof gate", suites: [suite]), to: junit)
        }
        let verdict = try reportingErrors { () throws(AgentError) in try outcome.get() }
        Terminal.print(verdict.rendered(as: format))
        let code = ExitStatus.code(for: verdict.outcome)
        if code != 0 { throw ExitCode(code) }
    }

    /// The verdict, or why the gate could not run; nothing is printed yet.
    private func verdict() async -> Result<GateVerdict, AgentError> {
        if let collector {
            do throws(AgentError) { return .success(try await remoteVerdict(collector)) } catch { return .failure(error) }
        }
        return await CollectorDatabase.attempt(store) { database throws(AgentError) in
            let policy = try GateService.loadPolicy(path: thresholds)
            return try await GateService(store: database.registry, catalogue: catalogue.loadIfAvailable()).check(
                model: try parseModelReference(model), deviceClass: deviceClass, policy: policy, policyFile: thresholds, runID: runID)
        }
    }

    /// Writes a JUnit report, or stops with the reason it cannot be written.
    static func write(_ report: JUnitReport, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(report.xml().utf8)) else {
            Terminal.error("cannot write the JUnit report to \(path): check the directory exists and is writable")
            throw ExitCode(ExitStatus.ioError)
        }
    }

    /// The verdict of the collector at `url` on its runs, under this thresholds file.
    private func remoteVerdict(_ url: String) async throws(AgentError) -> GateVerdict {
        let reference = try parseModelReference(model)
        _ = try GateService.loadPolicy(path: thresholds)
        guard let text = FileManager.default.contents(atPath: thresholds).flatMap({ String(data: $0, encoding: .utf8) }) else {
            throw .invalidArgument("cannot read the thresholds file \(thresholds)")
        }
        let body: Data
        do { body = try JSONCoding.encoder.encode(RegistryRequests.GateCheck(deviceClass: deviceClass, thresholds: text, run: runID)) } catch {
            throw .invalidArgument("the request cannot be encoded: \(error)")
        }
        let client = try CollectorAccessOptions.client(url: url, token: token)
        return try client.decoded(
            GateVerdict.self, from: try await client.call(.POST, RegistryRequests.versionPath(reference, "gate-check"), body: body), what: "a gate verdict")
    }
}
