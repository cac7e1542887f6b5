import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import Foundation

/// `edgeprof model shadow-report NAME@VERSION`.
struct ModelShadowReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shadow-report",
        abstract: "A version's shadow period judged on the fleet's telemetry: the staging gate's shadow evidence.",
        discussion: """
            Pairs every request the version answered in shadow (arm `shadow`) since it entered staging with \
            what the device served, and compares accuracy (pooled z-test), p95 latency, energy, the score \
            distributions (KS) and fairness per device class under `gates: shadow-evidence:` of the policy. \
            Exit 0 on PASS, 1 on FAIL, 2 while INCONCLUSIVE, as `gate check`.
            """)

    @Argument(help: "NAME@VERSION.")
    var model: String

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var governance: GovernanceOptions
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let reference = try reportingErrors { () throws(AgentError) in try parseModelReference(model) }
        let report: ShadowReport
        if let remote = try reportingErrors({ () throws(AgentError) in try governance.remote(store) }) {
            report = try await reportingErrors { () async throws(AgentError) in try await remote.shadowReport(reference) }
        } else {
            try reportingErrors { () throws(AgentError) in try store.requireExisting() }
            let local = try await governance.withService(store) { service throws(AgentError) in try await service.shadowReport(for: reference) }
            guard let local else {
                return try reportingErrors { () throws(AgentError) in
                    throw AgentError.governance(.notFound("\(reference) has not been in staging: its shadow period starts when it enters staging"))
                }
            }
            report = local
        }
        Terminal.print(format == .json ? GovernanceListing.json(report) : ShadowReportListing.render(report))
        let code = ExitStatus.code(for: report.outcome)
        if code != 0 { throw ExitCode(code) }
    }
}
