import EdgeProfAgent
import EdgeProfCore
import Foundation
import Hummingbird

/// Incidents over the API (issue 15 §7): anyone with a token reads them; people act on them as
/// their token's actor, under the same rules and audit as `edgeprof incidents …`.
extension GovernanceHandlers {
    static let incidentRoutes: Set<CollectorRoute> = [.listIncidents, .showIncident, .acknowledgeIncident, .assignIncident, .resolveIncident, .reviewIncident]

    func incidents(_ call: Call, _ service: GovernanceService) async throws(AgentError) -> Response {
        if call.route == .listIncidents {
            for key in call.query.keys where !["model", "state"].contains(key) { throw .invalidArgument("unknown query parameter \(key); use model or state") }
            let model = call.query["model"]
            if let model { do throws(ModelReferenceError) { try ModelReference.validate(name: model) } catch { throw .invalidArgument(error.description) } }
            var state: Incident.State?
            if let text = call.query["state"] {
                guard let parsed = Incident.State(rawValue: text) else { throw .invalidArgument("state: open, acknowledged or resolved, not \(text)") }
                state = parsed
            }
            let all = try await service.incidents()
            return try json(all.filter { incident in (model.map { incident.modelName == $0 } ?? true) && (state.map { incident.state == $0 } ?? true) })
        }
        let text = call.parameters.get("incidentID") ?? ""
        guard let id = Int64(text), id > 0 else { throw .invalidArgument("an incident id is a whole number ≥ 1, not \(text)") }
        let incident: Incident
        switch call.route {
        case .showIncident:
            incident = try await service.incident(id)
        case .acknowledgeIncident:
            incident = try await service.acknowledgeIncident(id, note: try decode(RegistryRequests.AcknowledgeIncident.self, call.body).note)
        case .assignIncident:
            let request = try decode(RegistryRequests.AssignIncident.self, call.body)
            incident = try await service.assignIncident(id, to: request.assignee, reason: request.reason)
        case .resolveIncident:
            incident = try await service.resolveIncident(id, resolution: try decode(RegistryRequests.ResolveIncident.self, call.body).resolution)
        case .reviewIncident:
            incident = try await service.reviewIncident(id, notes: try decode(RegistryRequests.ReviewIncident.self, call.body).notes)
        default:
            throw .invalidArgument("not an incident route")
        }
        return try json(IncidentDetail(incident))
    }
}
