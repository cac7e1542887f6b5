import EdgeProfCore
import Foundation

/// Incidents through the governance rules: the collector's sweep opens and escalates them as
/// `system:incidents`; people act on them by id.
extension GovernanceService {
    /// Opens the incidents the model's live `alerts` call for and escalates the clocks that ran
    /// out; the audit entries written (none when nothing was due).
    @discardableResult
    public func actOnIncidents(model name: String, alerts: [Alert]) async throws(AgentError) -> [AuditEntry] {
        guard try rules(try await snapshot(name)).dueIncidentActs(alertsOrNone: alerts) != nil else { return [] }
        do {
            return try await GovernanceCommitter(store: store).decide(model: name) { snapshot throws(GovernanceError) in
                let rules = GovernanceRules(snapshot: snapshot, policy: try policy(of: snapshot), actor: actor, now: clock())
                guard let change = try rules.dueIncidentActs(alerts: alerts) else { throw .illegalMove(Self.nothingDue) }
                return change
            }
        } catch .governance(.illegalMove(Self.nothingDue)) {
            // Another collector acted first.
            return []
        }
    }

    public func acknowledgeIncident(_ id: Int64, note: String?) async throws(AgentError) -> Incident {
        try await actOnIncident(id) { rules throws(GovernanceError) in try rules.acknowledgeIncident(id, note: note) }
    }

    public func assignIncident(_ id: Int64, to assignee: String, reason: String?) async throws(AgentError) -> Incident {
        try await actOnIncident(id) { rules throws(GovernanceError) in try rules.assignIncident(id, to: assignee, reason: reason) }
    }

    public func resolveIncident(_ id: Int64, resolution: String) async throws(AgentError) -> Incident {
        try await actOnIncident(id) { rules throws(GovernanceError) in try rules.resolveIncident(id, resolution: resolution) }
    }

    public func reviewIncident(_ id: Int64, notes: String) async throws(AgentError) -> Incident {
        try await actOnIncident(id) { rules throws(GovernanceError) in try rules.reviewIncident(id, notes: notes) }
    }

    /// Every model's incidents, oldest first.
    public func incidents() async throws(AgentError) -> [Incident] {
        do { return try await store.incidents() } catch { throw .store(error) }
    }

    public func incident(_ id: Int64) async throws(AgentError) -> Incident {
        guard let incident = try await incidents().first(where: { $0.id == id }) else {
            throw .governance(.notFound("there is no incident \(id); `edgeprof incidents list` lists them"))
        }
        return incident
    }

    private static let nothingDue = "no incident act is due"

    private func actOnIncident(_ id: Int64, _ decide: (GovernanceRules) throws(GovernanceError) -> GovernanceChange) async throws(AgentError) -> Incident {
        guard dryRunPolicy == nil else { throw .invalidArgument("a policy given for one command only evaluates; incident acts are decided under the registry's policy") }
        let model = try await incident(id).modelName
        try await GovernanceCommitter(store: store).decide(model: model) { snapshot throws(GovernanceError) in
            try decide(GovernanceRules(snapshot: snapshot, policy: try policy(of: snapshot), actor: actor, now: clock()))
        }
        return try await incident(id)
    }

    func policy(of snapshot: RegistrySnapshot) throws(GovernanceError) -> GovernancePolicy {
        do { return try snapshot.policyInForce.parsed() } catch { throw .invalid("the policy in force does not read: \(error.description)") }
    }
}

extension GovernanceRules {
    /// `dueIncidentActs` for a look before deciding: nil when nothing is due or the actor may not act.
    func dueIncidentActs(alertsOrNone alerts: [Alert]) -> GovernanceChange? {
        (try? dueIncidentActs(alerts: alerts)) ?? nil
    }
}
