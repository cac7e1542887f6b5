import EdgeProfAgent
import Foundation

/// The models a bench's devices run, kept for a few seconds: when an assignment moves a fleet,
/// each of its devices fetches the artifact, and reading the bench's whole device list for every
/// one of them made a rollout quadratic in the bench's size. A device that joins the bench with
/// a new model may wait `lifetime` before its first fetch is allowed; the agent fetches again on
/// its next pass.
actor BenchModelsCache {
    private var entries: [String: (models: Set<String>, readAt: ContinuousClock.Instant)] = [:]
    let lifetime: Duration

    init(lifetime: Duration = .seconds(5)) {
        self.lifetime = lifetime
    }

    func models(of bench: String?, read: () async throws(AgentError) -> Set<String>) async throws(AgentError) -> Set<String> {
        let key = bench ?? ""
        if let cached = entries[key], ContinuousClock.now - cached.readAt < lifetime { return cached.models }
        let models = try await read()
        entries[key] = (models, ContinuousClock.now)
        return models
    }
}
