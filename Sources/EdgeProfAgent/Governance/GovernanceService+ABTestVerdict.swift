import EdgeProfCore
import Foundation

/// A/B tests the system stops, or whose winner it promotes or proposes, on their verdict.
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

    /// Acts on test `id`'s B-wins verdict as `system:abtest` (`GovernanceRules.promoteABTestWinner`):
    /// promotes B and stops the test in one audited act when the policy lets the system and every
    /// gate and approval is there; otherwise returns the proposal and what it waits for, writing
    /// nothing. nil when there is nothing to act on.
    public func actOnABTestWinner(_ id: Int64, model: String, verdict: ABTestVerdict) async throws(AgentError) -> ABTestWinnerMove? {
        guard verdict.outcome == .bWins else { return nil }
        let proposal = try await winnerMove(id, verdict: verdict, snapshot: try await snapshot(model))
        guard case .promote = proposal else { return proposal }
        do {
            return try await committer.decide(model: model, deciding: { snapshot throws(AgentError) in
                guard case .promote(let decision) = try await winnerMove(id, verdict: verdict, snapshot: snapshot) else {
                    throw .governance(.illegalMove(Self.noLongerPromotable))
                }
                return (decision.change, ABTestWinnerMove.promote(decision))
            }).outcome
        } catch .governance(.illegalMove(Self.noLongerPromotable)) {
            // The registry changed between the two reads: the next sweep decides again.
            return nil
        }
    }

    private func winnerMove(_ id: Int64, verdict: ABTestVerdict, snapshot: RegistrySnapshot) async throws(AgentError) -> ABTestWinnerMove? {
        let rules = try rules(snapshot)
        guard let test = snapshot.abTests.first(where: { $0.id == id }) else { return nil }
        let evidence = try await gateEvidence(for: test.b, rules: rules)
        do throws(GovernanceError) { return try rules.promoteABTestWinner(id, verdict: verdict, evidence: evidence) } catch { throw .governance(error) }
    }

    private static let noLongerRunning = "the A/B test no longer runs"
    private static let noLongerPromotable = "the winner can no longer be promoted as decided"
}
