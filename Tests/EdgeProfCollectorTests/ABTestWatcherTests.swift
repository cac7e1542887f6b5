@testable import EdgeProfCollector
import EdgeProfAgent
@testable import EdgeProfCore
import EdgeProfSim
import Foundation
import Logging
import Testing

/// Issue 15 §3: a losing B stops its test; a winning one is proposed for promotion. On both stores, a candidate known to be wrong five
/// times as often serves its share of a simulated fleet; the collector's A/B watcher leaves the
/// test running while the verdict is inconclusive, then stops it as `system:abtest` with the
/// verdict as the audited reason, and the devices on B go back to A.
@Suite(.serialized) struct ABTestWatcherTests {
    /// The split fleet with a minimum sample of 200, and the watcher of its collector.
    static func watched(_ kind: StoreKind) async throws -> (ABVerdictTelemetryTests.SplitFleet, ABTestWatcher) {
        let split = try await ABVerdictTelemetryTests.SplitFleet.start(on: kind, minimumSamples: 200)
        return (split, ABTestWatcher(store: split.collector.store, logger: Logger(label: "abtest-test"), sweep: .seconds(3600)))
    }

    @Test(arguments: CollectorStoreContractTests.kinds) func aHarmfulCandidateIsStoppedOnItsVerdict(kind: StoreKind) async throws {
        let (split, watcher) = try await Self.watched(kind)
        let (collector, fleet, test, a, b) = (split.collector, split.fleet, split.test, split.a, split.b)
        defer { Task { await collector.stop() } }
        let registry = collector.store.registry
        var effects = FleetSimulator.TelemetryEffects()
        effects.errorRate = [a: 0.05, b: 0.25]

        _ = await fleet.emitTelemetry(batch: 1, requestsPerDevice: 10, effects: effects, at: Date())
        await watcher.sweepAll()
        #expect(try await registry.abTests().first { $0.id == test.id }?.state == .running, "120 samples an arm: no verdict yet, the test runs on")

        for batch in 2...4 { _ = await fleet.emitTelemetry(batch: batch, requestsPerDevice: 10, effects: effects, at: Date()) }
        await watcher.sweepAll()
        let stopped = try #require(try await registry.abTests().first { $0.id == test.id })
        #expect(stopped.state == .stopped && stopped.stoppedBy == GovernanceRules.abTestActor, "\(stopped)")
        #expect(stopped.stopReason?.hasPrefix("B loses:") == true && stopped.stopReason?.contains("accuracy") == true, "\(stopped.stopReason ?? "")")
        let trail = try await collector.request(.GET, "/v1/audit?model=lm", token: collector.personToken)
        #expect(trail.body.contains("abtest.stop") && trail.body.contains(GovernanceRules.abTestActor))
        // Stopped once: a second sweep finds nothing running.
        await watcher.sweepAll()
        #expect(await fleet.round().failed.isEmpty)
        let status = try await FleetPlanner(store: registry).status()
        #expect(status.entries.allSatisfy { $0.arm != .b }, "the devices on B return to A")
    }

    /// A winner is not promoted past the rules: 1.1.0 went to staging without its approvals, so the
    /// watcher proposes its move to canary in a promotion-proposal alert naming the missing
    /// approvals, leaves the test running, and resolves the proposal once a person stops the test.
    @Test(arguments: CollectorStoreContractTests.kinds) func aWinnerIsProposedWithWhatItsMoveWaitsFor(kind: StoreKind) async throws {
        let (split, watcher) = try await Self.watched(kind)
        let (collector, fleet, test, a, b) = (split.collector, split.fleet, split.test, split.a, split.b)
        defer { Task { await collector.stop() } }
        let registry = collector.store.registry
        var effects = FleetSimulator.TelemetryEffects()
        effects.errorRate = [a: 0.25, b: 0.05]
        effects.latencyMs = [a: 20, b: 19]
        for batch in 1...4 { _ = await fleet.emitTelemetry(batch: batch, requestsPerDevice: 10, effects: effects, at: Date()) }
        await watcher.sweepAll()
        let after = try await registry.abTests().first { $0.id == test.id }
        #expect(after?.state == .running, "a winner keeps running until a person acts: \(after?.stopReason ?? "")")
        let proposals = { () async throws -> [Alert] in
            try await collector.store.alerts(model: b.description, openedSince: .distantPast).filter { $0.rule == .promotionProposal }
        }
        let proposal = try #require(try await proposals().first)
        #expect(proposal.state == .open && proposal.severity == .low && proposal.key.device == "ab-test-\(test.id)")
        #expect(proposal.finding.summary.contains("promote lm@1.1.0 to canary, waiting for: - approval"), "\(proposal.finding.summary)")
        await watcher.sweepAll()
        #expect(try await proposals().count == 1, "a second sweep refreshes the same proposal")

        _ = try await GovernanceService(store: registry, actor: "lead").stopABTest(test.id, model: "lm", reason: "winner noted; approvals next")
        await watcher.sweepAll()
        #expect(try await proposals().first?.state == .resolved)
    }

    @Test func onlyTheSystemStopsATestOnItsVerdict() {
        let rules = GovernanceRules(snapshot: RegistrySnapshot(name: "lm", actors: [], versions: [], auditHead: 0), policy: GovernancePolicy(), actor: "eng", now: Date())
        #expect(throws: GovernanceError.self) { try rules.stopLosingABTest(1, verdict: ABTestVerdict(outcome: .bLoses, metrics: [], reason: "")) }
    }
}
