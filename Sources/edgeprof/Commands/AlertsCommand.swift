import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import Foundation

/// `edgeprof alerts`: the collector's per-device alerts.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "List and acknowledge the collector's alerts; pin the baselines devices are judged against.",
        subcommands: [AlertsListCommand.self, AlertsAckCommand.self, AlertsFindingsCommand.self, AlertsDeliveriesCommand.self, AlertsResendCommand.self, BaselineCommand.self])
}

/// `--collector URL --token T`: a person's connection to the collector.
struct CollectorAccessOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The collector's URL (default: $EDGEPROF_COLLECTOR).", valueName: "url"))
    var collector: String?

    @Option(help: ArgumentHelp("A person's API token (default: $EDGEPROF_TOKEN).", valueName: "ept_…"))
    var token: String?

    func client() throws(AgentError) -> CollectorClient {
        guard let url = collector ?? ProcessInfo.processInfo.environment["EDGEPROF_COLLECTOR"], !url.isEmpty else {
            throw .invalidArgument("which collector? Give --collector URL or set EDGEPROF_COLLECTOR")
        }
        return try Self.client(url: url, token: token)
    }

    /// A client for `url` with `token`, else $EDGEPROF_TOKEN.
    static func client(url: String, token: String?) throws(AgentError) -> CollectorClient {
        guard let token = token ?? ProcessInfo.processInfo.environment["EDGEPROF_TOKEN"], !token.isEmpty else {
            throw .invalidArgument("no API token: give --token or set EDGEPROF_TOKEN (`edgeprof collector token create --person` makes one)")
        }
        return CollectorClient(baseURL: url, token: token)
    }
}

extension AlertState: ExpressibleByArgument {}

/// `edgeprof alerts list`.
struct AlertsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Alerts, newest first (open and acknowledged by default).")

    @Option(help: "Only this state: open, acknowledged or resolved.")
    var state: AlertState?

    @Flag(help: "Every alert, resolved ones included.")
    var all = false

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var access: CollectorAccessOptions

    func run() async throws {
        let alerts = try await reportingErrors { () async throws(AgentError) in
            let client = try access.client()
            let query = state.map { "?state=\($0.rawValue)&limit=500" } ?? "?limit=500"
            return try client.decoded([Alert].self, from: try await client.call(.GET, "/v1/alerts\(query)"), what: "an alert list")
        }
        let shown = state != nil || all ? alerts : alerts.filter { $0.state != .resolved }
        Terminal.print(format == .json ? AlertListing.json(shown) : AlertListing.table(shown))
    }
}

/// `edgeprof alerts ack ID`.
struct AlertsAckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ack", abstract: "Acknowledge an alert as your token's actor.")

    @Argument(help: "The alert id (see `edgeprof alerts list`).")
    var id: Int64

    @OptionGroup var access: CollectorAccessOptions

    func run() async throws {
        let alert = try await reportingErrors { () async throws(AgentError) in
            let client = try access.client()
            return try client.decoded(Alert.self, from: try await client.call(.POST, "/v1/alerts/\(id)/ack"), what: "an alert")
        }
        Terminal.print(AlertListing.table([alert]))
    }
}
