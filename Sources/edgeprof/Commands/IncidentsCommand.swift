import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import Foundation

extension Incident.State: ExpressibleByArgument {}

/// `edgeprof incidents`: the collector's incidents and the acts on them.
struct IncidentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incidents", abstract: "List incidents and act on them: acknowledge, assign, resolve, review.",
        discussion: """
            The collector opens an incident from alerts (one per version, device class and playbook) with the clocks of \
            its class — critical 15 min detection, 30 min response, 2 h resolution; high 30 min, 1 h, 4 h; medium 1 h, \
            4 h, 24 h; low 24 h, 1 week, 2 weeks — and pages the next role when a clock runs out (docs/monitoring.md). \
            Every act is audited under the token's actor.
            """,
        subcommands: [
            IncidentsListCommand.self, IncidentsShowCommand.self, IncidentsAcknowledgeCommand.self, IncidentsAssignCommand.self,
            IncidentsResolveCommand.self, IncidentsReviewCommand.self,
        ])
}

/// `edgeprof incidents list`.
struct IncidentsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Incidents, oldest first; exit 1 when one is live.")

    @Option(help: "Only this model's.")
    var model: String?

    @Option(help: "Only in this state: open, acknowledged or resolved.")
    var state: Incident.State?

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var access: CollectorAccessOptions

    func run() async throws {
        let incidents = try await reportingErrors { () async throws(AgentError) -> [Incident] in
            var items: [URLQueryItem] = []
            if let model {
                do throws(ModelReferenceError) { try ModelReference.validate(name: model) } catch { throw .invalidArgument(error.description) }
                items.append(URLQueryItem(name: "model", value: model))
            }
            if let state { items.append(URLQueryItem(name: "state", value: state.rawValue)) }
            var components = URLComponents()
            components.queryItems = items.isEmpty ? nil : items
            let client = try access.client()
            return try client.decoded([Incident].self, from: try await client.call(.GET, "/v1/incidents" + (components.percentEncodedQuery.map { "?\($0)" } ?? "")), what: "incidents")
        }
        Terminal.print(format == .json ? GovernanceListing.json(incidents) : IncidentListing.table(incidents, now: Date()))
        if incidents.contains(where: \.isLive) { throw ExitCode(ExitStatus.gateFail) }
    }
}

/// An act on one incident through the collector, printing it as it stands after.
protocol IncidentAct: AsyncParsableCommand {
    var id: Int64 { get }
    var format: ListFormat { get }
    var access: CollectorAccessOptions { get }
    /// The route's last path component and body; nil for a read.
    func request() throws(AgentError) -> (action: String, body: Data)?
}

extension IncidentAct {
    func run() async throws {
        let detail = try await reportingErrors { () async throws(AgentError) -> IncidentDetail in
            guard id > 0 else { throw .invalidArgument("an incident id is a whole number ≥ 1") }
            let client = try access.client()
            if let (action, body) = try request() {
                return try client.decoded(IncidentDetail.self, from: try await client.call(.POST, "/v1/incidents/\(id)/\(action)", body: body), what: "the incident")
            }
            return try client.decoded(IncidentDetail.self, from: try await client.call(.GET, "/v1/incidents/\(id)"), what: "the incident")
        }
        Terminal.print(format == .json ? GovernanceListing.json(detail) : IncidentListing.detail(detail, now: Date()))
    }

    func encoded(_ value: some Encodable) throws(AgentError) -> Data {
        do { return try JSONCoding.encoder.encode(value) } catch { throw .invalidArgument("the request cannot be encoded: \(error)") }
    }
}

/// `edgeprof incidents show ID`.
struct IncidentsShowCommand: IncidentAct {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "One incident with its playbook and clocks.")
    @Argument(help: "The incident's id.") var id: Int64
    @Option(help: "Output format: table or json.") var format = ListFormat.table
    @OptionGroup var access: CollectorAccessOptions
    func request() throws(AgentError) -> (action: String, body: Data)? { nil }
}

/// `edgeprof incidents ack ID`.
struct IncidentsAcknowledgeCommand: IncidentAct {
    static let configuration = CommandConfiguration(commandName: "ack", abstract: "Acknowledge an open incident (a role of its playbook): the response clock stops.")
    @Argument(help: "The incident's id.") var id: Int64
    @Option(help: "What you are doing about it.") var note: String?
    @Option(help: "Output format: table or json.") var format = ListFormat.table
    @OptionGroup var access: CollectorAccessOptions
    func request() throws(AgentError) -> (action: String, body: Data)? { ("acknowledge", try encoded(RegistryRequests.AcknowledgeIncident(note: note))) }
}

/// `edgeprof incidents assign ID --to NAME`.
struct IncidentsAssignCommand: IncidentAct {
    static let configuration = CommandConfiguration(commandName: "assign", abstract: "Assign an incident: a tech_lead to anyone in its playbook, anyone else to themselves.")
    @Argument(help: "The incident's id.") var id: Int64
    @Option(help: "The actor who takes it.") var to: String
    @Option(help: "Why.") var reason: String?
    @Option(help: "Output format: table or json.") var format = ListFormat.table
    @OptionGroup var access: CollectorAccessOptions
    func request() throws(AgentError) -> (action: String, body: Data)? { ("assign", try encoded(RegistryRequests.AssignIncident(assignee: to, reason: reason))) }
}

/// `edgeprof incidents resolve ID --resolution TEXT`.
struct IncidentsResolveCommand: IncidentAct {
    static let configuration = CommandConfiguration(
        commandName: "resolve", abstract: "Resolve an incident with what was done (its assignee or a tech_lead; a fairness incident: the Ethics Committee).")
    @Argument(help: "The incident's id.") var id: Int64
    @Option(help: "What was done.") var resolution: String
    @Option(help: "Output format: table or json.") var format = ListFormat.table
    @OptionGroup var access: CollectorAccessOptions
    func request() throws(AgentError) -> (action: String, body: Data)? { ("resolve", try encoded(RegistryRequests.ResolveIncident(resolution: resolution))) }
}

/// `edgeprof incidents review ID --notes TEXT`.
struct IncidentsReviewCommand: IncidentAct {
    static let configuration = CommandConfiguration(commandName: "review", abstract: "Record the post-incident review of a resolved incident (due within 48 hours).")
    @Argument(help: "The incident's id.") var id: Int64
    @Option(help: "The review's findings.") var notes: String
    @Option(help: "Output format: table or json.") var format = ListFormat.table
    @OptionGroup var access: CollectorAccessOptions
    func request() throws(AgentError) -> (action: String, body: Data)? { ("review", try encoded(RegistryRequests.ReviewIncident(notes: notes))) }
}
