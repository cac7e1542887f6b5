import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import Foundation

extension WebhookDeliveryState: ExpressibleByArgument {}

/// `edgeprof alerts deliveries [--state dead|pending|delivered]`: the webhook queue and its dead letters.
struct AlertsDeliveriesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliveries", abstract: "List webhook deliveries: the dead-letter list by default (--state pending or delivered for the rest).")

    @Option(help: "Which deliveries: dead, pending or delivered.")
    var state = WebhookDeliveryState.dead

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var access: CollectorAccessOptions

    func run() async throws {
        let records = try await reportingErrors { () async throws(AgentError) in
            let client = try access.client()
            return try client.decoded(
                [WebhookDeliveryRecord].self, from: try await client.call(.GET, "/v1/webhooks/deliveries?state=\(state.rawValue)"), what: "deliveries")
        }
        Terminal.print(format == .json ? GovernanceListing.json(records) : WebhookDeliveryListing.table(records, state: state))
    }
}

/// `edgeprof alerts resend ID`: a dead delivery goes back in the queue.
struct AlertsResendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resend", abstract: "Send a dead webhook delivery again (after fixing the receiver), with fresh attempts.")

    @Argument(help: "The delivery id (see `edgeprof alerts deliveries`).")
    var id: Int64

    @OptionGroup var access: CollectorAccessOptions

    func run() async throws {
        let id = id
        _ = try await reportingErrors { () async throws(AgentError) in
            try await access.client().call(.POST, "/v1/webhooks/deliveries/\(id)/resend")
        }
        Terminal.print("delivery \(id) is queued again\n")
    }
}

/// `edgeprof alerts findings RUN`: what monitoring made of one run, inconclusive findings included.
struct AlertsFindingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "findings", abstract: "Show every rule's finding on one run: FIRING, CLEAR or INCONCLUSIVE, and why.")

    @Argument(help: "The run id (see `edgeprof runs list` or GET /v1/runs).")
    var run: Int64

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var access: CollectorAccessOptions

    func run() async throws {
        let run = run
        let findings = try await reportingErrors { () async throws(AgentError) in
            let client = try access.client()
            return try client.decoded([MonitorFinding].self, from: try await client.call(.GET, "/v1/runs/\(run)/findings"), what: "findings")
        }
        Terminal.print(format == .json ? GovernanceListing.json(findings) : AlertListing.findings(findings, run: run))
    }
}
