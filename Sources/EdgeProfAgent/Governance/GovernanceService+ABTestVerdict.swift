import EdgeProfCore
import Foundation

/// A/B tests the system stops on their verdict.
extension GovernanceService {
    /// Stops test `id` of `model` when `verdict` says B loses (as `system:abtest`); whether it stopped it.
    public func stopLosingABTest(_ id: Int64, model: String, verdict: ABTestVerdict) async throws(AgentError) -> Bool {
        guard verdict.outcome == .bLoses else { return false }
        do {
            try await GovernanceCommitter(store: store).decide(model: model) { snapshot throws(GovernanceError) in
                let rules = GovernanceRules(snapshot: snapshot, policy: try policy(of: snapshot), actor: actor, now: clock())
                guard let change = try rules.stopLosingABTest(id, verdict: verdict) else { throw .illegalMove(Self.noLongerRunning) }
                return change
            }
            return true
        } catch .governance(.illegalMove(Self.noLongerRunning)) {
            return false
        }
    }

    private static let noLongerRunning = "the A/B test no longer runs"
}
