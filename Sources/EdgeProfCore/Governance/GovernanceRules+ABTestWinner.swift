import Foundation

/// What the system does with an A/B test whose B wins (`fleet: ab-test-winner:` in the policy).
public enum ABTestWinnerPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// The system proposes B's next move and names what it waits for; a person promotes.
    case propose
    /// The system promotes B to its next stage itself — only when every gate and approval that
    /// move needs is already there — and stops the test.
    case promote
}

/// A winning B's next move as the system decides it (issue 15 §3).
public enum ABTestWinnerMove: Sendable {
    /// B moves now, under the normal rules, and the test stops: the decision to commit.
    case promote(GovernanceRules.Decision)
    /// B's move to `to` is proposed, waiting for what `waitingFor` lists.
    case propose(reference: ModelReference, to: LifecycleStage, waitingFor: [String])
}

extension GovernanceRules {
    /// B of running test `id` wins: its next stage on the main path under every gate and approval
    /// a person's promotion needs; only the role check is the policy's (`ab-test-winner: promote`
    /// lets the system act). nil when the test no longer runs, its verdict is not B-wins, or B has
    /// no next stage.
    public func promoteABTestWinner(_ id: Int64, verdict: ABTestVerdict, evidence: GateEvidence) throws(GovernanceError) -> ABTestWinnerMove? {
        guard actor == Self.abTestActor else {
            throw .notPermitted("only the system (\(Self.abTestActor)) acts on an A/B test's verdict; people promote with `edgeprof model promote`")
        }
        guard verdict.outcome == .bWins, let test = snapshot.abTests.first(where: { $0.id == id }), test.state == .running,
              let version = snapshot.version(test.b), let to = Self.nextOnMainPath(from: version.stage)
        else { return nil }
        let reason = "A/B test \(id) against \(test.a): B wins: \(verdict.reason)"
        let decision: Decision
        do {
            decision = try move(test.b, to: to, reason: reason, evidence: evidence, byPerson: false)
        } catch .blocked(let message, _) {
            let waiting = message.split(separator: "\n").dropFirst().map { String($0).trimmingWhitespace }.filter { !$0.isEmpty }
            return .propose(reference: test.b, to: to, waitingFor: waiting)
        } catch {
            return .propose(reference: test.b, to: to, waitingFor: [error.description])
        }
        guard policy.abTestWinner == .promote else {
            return .propose(reference: test.b, to: to, waitingFor: ["a person's promotion: the policy has the system propose (fleet: ab-test-winner: promote lets it act)"])
        }
        var promoted = decision
        promoted.change = change(decision.change.operations + [
            .stopABTest(ABTestStop(testID: id, model: test.model, actor: actor, at: now, reason: "B wins; \(test.b) promoted to \(to.rawValue): \(verdict.reason)")),
        ])
        return .promote(promoted)
    }
}
