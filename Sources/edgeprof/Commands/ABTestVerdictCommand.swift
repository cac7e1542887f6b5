import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import Foundation

/// `edgeprof abtest verdict ID`: an A/B test judged on its arms' telemetry at the collector.
struct ABTestVerdictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verdict", abstract: "Judge an A/B test on the inferences its arms reported.",
        discussion: """
            Accuracy by the two-proportion z-test, latency and energy by Welch's t-test, at α 0.05 (docs/drift.md, \
            "A/B comparison"). Exit status: 0 B wins, 1 B loses (significantly worse on some metric), 2 inconclusive \
            (an arm short of the test's minimum samples) or no difference.
            """)

    @Argument(help: "The test's id (see `edgeprof abtest list`).")
    var id: Int64

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var access: CollectorAccessOptions

    func run() async throws {
        let report = try await reportingErrors { () async throws(AgentError) -> ABTestReport in
            guard id > 0 else { throw .invalidArgument("an A/B test id is a whole number ≥ 1, not \(id)") }
            let client = try access.client()
            return try client.decoded(ABTestReport.self, from: try await client.call(.GET, "/v1/ab-tests/\(id)/verdict"), what: "an A/B verdict")
        }
        Terminal.print(format == .json ? GovernanceListing.json(report) : ABTestListing.verdict(report))
        switch report.verdict.outcome {
        case .bWins: return
        case .bLoses: throw ExitCode(ExitStatus.gateFail)
        case .inconclusive, .noDifference: throw ExitCode(ExitStatus.gateInconclusive)
        }
    }
}
