import EdgeProfAgent
import EdgeProfCollector
import EdgeProfCore
import Foundation
import Logging
import ServiceLifecycle

/// The collector `edgeprof demo --fleet` starts: its own database (a fresh SQLite file, or an
/// empty PostgreSQL database named with --db), `collector serve` running in this process on a
/// free port of 127.0.0.1, and the demo's team, policy and tokens set up on that database the way
/// a lab's administrator does (`actors add`, `policy propose`, `collector token create`).
/// Everything after that goes through the collector's API.
final class FleetDemoLab: Sendable {
    /// Who the team is: each person's roles (two tech_leads, so that one may request what the
    /// other confirms, and separate signers so that nobody approves their own work).
    static let team: [(name: String, roles: [GovernanceRole])] = [
        ("gus", [.techLead]), ("hal", [.techLead]), ("ana", [.dataScientist]), ("cy", [.dataScientist]),
        ("bo", [.mlEngineer]), ("dee", [.securityTeam]), ("eli", [.ethicsCommittee]), ("fay", [.complianceOfficer]),
    ]
    /// The benches (sites) whose agents carry the fleet's devices.
    static let benches = ["site-north", "site-south"]

    let url: String
    let location: String
    /// The collector's database, for the steps the demo takes itself (stepping the drift scheduler).
    let store: any CollectorStore
    /// Each person's API token, by name.
    let people: [String: CollectorClient]
    /// Each bench's agent, with its token.
    let agents: [FleetSimulator.Agent]
    private let group: ServiceGroup
    private let running: Task<Void, Never>

    private init(
        url: String, location: String, store: any CollectorStore, people: [String: CollectorClient], agents: [FleetSimulator.Agent], group: ServiceGroup,
        running: Task<Void, Never>
    ) {
        self.url = url
        self.location = location
        self.store = store
        self.people = people
        self.agents = agents
        self.group = group
        self.running = running
    }

    /// Serves `database` (refused unless it holds no actor and no model) with `settings`, adopts
    /// `policy` with `thresholds` as the registry's first policy, and issues the team's tokens.
    static func start(
        database: StoreOptions, settings: CollectorSettings, policy: String, thresholds: String, driftSweep: Duration = .seconds(300)
    ) async throws -> FleetDemoLab {
        let opened = try CollectorDatabase.open(database)
        var configuration = CollectorConfiguration(host: "127.0.0.1", port: 0, settings: settings)
        configuration.driftSweep = driftSweep
        // The demo narrates what happens; the collector's own log would only repeat it.
        let application = CollectorApplication(
            store: opened.store, configuration: configuration, logger: Logger(label: "edgeprof.demo.collector", factory: { _ in SwiftLogNoOpLogHandler() }))
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let group = try application.makeServiceGroup(services: opened.services, prepare: opened.prepare) { port in continuation.yield(port) }
        // Served from its own threads: the demo's simulated fleet works in this process too.
        let running = DedicatedServing.serve { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            await group.triggerGracefulShutdown()
            throw AgentError.invalidArgument("the demo's collector did not start on 127.0.0.1 (database \(opened.store.location))")
        }
        let url = "http://127.0.0.1:\(port)"
        do {
            let (people, agents) = try await setUp(opened.store.registry, url: url, policy: policy, thresholds: thresholds)
            return FleetDemoLab(url: url, location: opened.store.location, store: opened.store, people: people, agents: agents, group: group, running: running)
        } catch {
            await group.triggerGracefulShutdown()
            await running.value
            throw error
        }
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        await running.value
    }

    private static func setUp(
        _ registry: any RegistryStore, url: String, policy: String, thresholds: String
    ) async throws(AgentError) -> ([String: CollectorClient], [FleetSimulator.Agent]) {
        let existing: RegistrySnapshot
        let models: [RegisteredModel]
        do {
            existing = try await registry.snapshot(model: FleetDemoStory.model)
            models = try await registry.models()
        } catch { throw .store(error) }
        guard existing.actors.isEmpty, models.isEmpty else {
            throw .invalidArgument("the fleet demo needs an empty database, and \(registry.location) already holds actors or models. Fix: leave --db out (the demo makes a fresh one) or name a new database")
        }
        let lead = GovernanceService(store: registry, actor: team[0].name)
        for member in team { try await lead.addActor(name: member.name, roles: member.roles) }
        _ = try await lead.proposePolicy(text: policy, thresholds: thresholds, reason: "the fleet demo's rules: edge thresholds per class, automatic rollback")
        var people: [String: CollectorClient] = [:]
        for member in team {
            let issued = try await lead.issueToken(GovernanceRules.TokenRequest(owner: member.name, kind: .person, bench: nil, expiresInDays: 1))
            people[member.name] = CollectorClient(baseURL: url, token: issued.token)
        }
        var agents: [FleetSimulator.Agent] = []
        for bench in benches {
            let issued = try await lead.issueToken(GovernanceRules.TokenRequest(owner: "\(bench)-agent", kind: .agent, bench: bench, expiresInDays: 1))
            agents.append(FleetSimulator.Agent(bench: bench, client: CollectorClient(baseURL: url, token: issued.token)))
        }
        return (people, agents)
    }
}
