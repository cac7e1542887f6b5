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

    @OptionGroup var store: StoreOptions

    @OptionGroup var catalogue: CatalogueOptions

    func run() async throws {
        let verdict = try await store.withRegistry { registry throws(AgentError) in
            let reference = try parseModelReference(model)
            let policy = try GateService.loadPolicy(path: thresholds)
            let verdict = try await GateService(store: registry, catalogue: catalogue.loadIfAvailable()).check(
                model: reference, deviceClass: deviceClass, policy: policy, policyFile: thresholds, runID: runID)
            if let junit {
                guard FileManager.default.createFile(atPath: junit, contents: Data(verdict.junitXML().utf8)) else {
                    throw .invalidArgument("cannot write the JUnit report to \(junit): check the directory exists and is writable")
                }
            }
            return verdict
        }
        Terminal.print(verdict.rendered(as: format))
        let code = ExitStatus.code(for: verdict.outcome)
        if code != 0 { throw ExitCode(code) }
    }
}
