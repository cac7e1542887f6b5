import EdgeProfCore
import Foundation

/// A model's entry, tags and aliases through the governance rules, as the service's actor.
extension GovernanceService {
    public func createModel(_ name: String, description: String) async throws(AgentError) {
        try await act(name) { rules throws(GovernanceError) in (try rules.createModel(description: description), ()) }
    }

    public func setTag(_ key: String, value: String, model name: String, version: SemanticVersion?) async throws(AgentError) {
        try await act(name) { rules throws(GovernanceError) in (try rules.setTag(key, value: value, version: version), ()) }
    }

    public func removeTag(_ key: String, model name: String, version: SemanticVersion?) async throws(AgentError) {
        try await act(name) { rules throws(GovernanceError) in (try rules.removeTag(key, version: version), ()) }
    }

    public func setAlias(_ alias: String, of reference: ModelReference) async throws(AgentError) {
        try await act(reference.name) { rules throws(GovernanceError) in (try rules.setAlias(alias, version: reference.version), ()) }
    }

    public func removeAlias(_ alias: String, model name: String) async throws(AgentError) {
        try await act(name) { rules throws(GovernanceError) in (try rules.removeAlias(alias), ()) }
    }
}
