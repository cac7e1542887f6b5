@testable import EdgeProfCore
import Foundation
import Testing

/// Issue 15 §3: a winning B moves only under the normal rules. The system promotes it when the
/// policy lets it and every gate and approval of the move is there (stopping the test in the same
/// act); otherwise it proposes the move and names what the move waits for.
@Suite struct ABTestWinnerTests {
    static let wins = ABTestVerdict(outcome: .bWins, metrics: [], reason: "accuracy 0.95 vs 0.90, p 0.002")

    /// 1.0.0 serves; 1.1.0 is in canary with every approval, on an A/B test against it.
    func registry(policy: ABTestWinnerPolicy) throws -> Registry {
        let registry = try ABTestTests().registry(moves: 3)
        registry.policy.abTestWinner = policy
        try registry.act("bo") { try $0.startABTest(ABTestRequest(model: "kws", b: "1.1.0", reason: "does 1.1 beat 1.0?")) }
        return registry
    }

    @Test func aWinnerWithEverythingInPlaceIsPromotedWhenThePolicySays() throws {
        let registry = try registry(policy: .promote)
        let rules = registry.rules(GovernanceRules.abTestActor)
        guard case .promote(let decision)? = try rules.promoteABTestWinner(1, verdict: Self.wins, evidence: registry.evidence) else {
            Issue.record("the winner was not promoted")
            return
        }
        #expect(decision.subject == Registry.reference("1.1.0") && decision.to == .production && decision.change.actor == "system:abtest")
        #expect(decision.change.operations.map(\.audit.action) == ["model.transition", "model.transition", "release.promotion", "abtest.stop"], "\(decision.change.operations.map(\.audit.action))")
        registry.apply(decision.change)
        #expect(registry.snapshot.serving?.reference == Registry.reference("1.1.0") && registry.snapshot.abTests[0].state == .stopped)
        #expect(registry.snapshot.abTests[0].stopReason?.hasPrefix("B wins; kws@1.1.0 promoted to production: accuracy 0.95") == true)
    }

    @Test func otherwiseTheMoveIsProposedWithWhatItWaitsFor() throws {
        let proposing = try registry(policy: .propose)
        guard case .propose(let reference, let to, let waiting)? = try proposing.rules(GovernanceRules.abTestActor).promoteABTestWinner(1, verdict: Self.wins, evidence: proposing.evidence) else {
            Issue.record("no proposal")
            return
        }
        #expect(reference == Registry.reference("1.1.0") && to == .production)
        #expect(waiting == ["a person's promotion: the policy has the system propose (fleet: ab-test-winner: promote lets it act)"])

        let blocked = try registry(policy: .promote)
        var failing = blocked.evidence
        failing.edgeVerdicts = [Registry.edgeVerdict("1.1.0", .fail)]
        guard case .propose(_, _, let reasons)? = try blocked.rules(GovernanceRules.abTestActor).promoteABTestWinner(1, verdict: Self.wins, evidence: failing) else {
            Issue.record("a failing gate did not block the promotion")
            return
        }
        #expect(reasons.first?.hasPrefix("- gate edge_performance FAIL") == true, "\(reasons)")

        // Nothing to act on, and nobody but the system acts this way.
        let rules = blocked.rules(GovernanceRules.abTestActor)
        #expect(try rules.promoteABTestWinner(1, verdict: ABTestVerdict(outcome: .noDifference, metrics: [], reason: "x"), evidence: blocked.evidence) == nil)
        #expect(try rules.promoteABTestWinner(9, verdict: Self.wins, evidence: blocked.evidence) == nil)
        #expect(throws: GovernanceError.self) { try blocked.rules("gus").promoteABTestWinner(1, verdict: Self.wins, evidence: blocked.evidence) }
    }

    @Test func thePolicyNamesTheChoice() throws {
        #expect(GovernancePolicy().abTestWinner == .propose)
        #expect(try GovernancePolicy(yaml: "fleet: {ab-test-winner: promote}\n", file: "gov.yaml").abTestWinner == .promote)
        #expect { try GovernancePolicy(yaml: "fleet: {ab-test-winner: always}\n", file: "gov.yaml") } throws: {
            "\($0)" == "gov.yaml:1: fleet: field 'ab-test-winner' must be one of propose, promote, got 'always'"
        }
    }
}
