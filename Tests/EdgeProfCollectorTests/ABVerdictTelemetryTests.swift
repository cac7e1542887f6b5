import EdgeProfAgent
import EdgeProfCore
import EdgeProfSim
import Foundation
import Testing

/// Issue 15 §1 and §3 end to end, on both stores: a simulated fleet of 24 splits by device into an A/B
/// test, serves, and reports its inferences and their labels through the API; B is known to be
/// better (5 % wrong answers against 15 %, a little faster). The verdict read from the collector
/// is inconclusive until both arms reach the minimum sample, then declares B the winner exactly
/// when its figures are significant, with the test statistics recomputed from its own counts.
@Suite(.serialized) struct ABVerdictTelemetryTests {
    /// A simulated fleet of 24 serving lm@1.0.0 (A), with 1.1.0 (B) in staging on an A/B test by
    /// device at an even split, every device on its arm; lead (tech_lead) and eng (ml_engineer) act.
    struct SplitFleet {
        let collector: LiveCollector
        let fleet: FleetSimulator
        let test: ABTest
        let a = ModelReference(name: "lm", version: SemanticVersion(major: 1, minor: 0, patch: 0))
        let b = ModelReference(name: "lm", version: SemanticVersion(major: 1, minor: 1, patch: 0))

        static func start(on kind: StoreKind, minimumSamples: Int) async throws -> SplitFleet {
            let collector = try await LiveCollector.start(on: kind)
            let registry = collector.store.registry
            let aSHA = try await BoardInstallTests.register("1.0.0", bytes: SimulatedArtifacts.fast, in: registry)
            _ = try await BoardInstallTests.register("1.1.0", bytes: SimulatedArtifacts.slow, in: registry)
            try await BoardInstallTests.place("1.0.0", from: .development, to: .production, in: registry)
            try await BoardInstallTests.place("1.1.0", from: .development, to: .staging, in: registry)
            let fleet = try FleetSimulatorTests.fleet(collector, devices: 24, sha: aSHA)
            let refused = await fleet.enroll(as: ModelReference(name: "lm", version: SemanticVersion(major: 1, minor: 0, patch: 0)))
            #expect(refused.isEmpty, "\(refused)")
            let lead = GovernanceService(store: registry, actor: "lead")
            try await lead.addActor(name: "lead", roles: [.techLead])
            try await lead.addActor(name: "eng", roles: [.mlEngineer])
            let test = try await GovernanceService(store: registry, actor: "eng").startABTest(ABTestRequest(
                model: "lm", b: "1.1.0", split: 0.5, unit: .device, minimumSamples: minimumSamples, maximumHours: 24, reason: "is 1.1 better?"))
            for _ in 0..<2 { #expect(await fleet.round().failed.isEmpty) }
            return SplitFleet(collector: collector, fleet: fleet, test: test)
        }
    }

    @Test(arguments: CollectorStoreContractTests.kinds) func aKnownEffectWinsOnlyOnceSignificant(kind: StoreKind) async throws {
        let split = try await SplitFleet.start(on: kind, minimumSamples: 300)
        let (collector, fleet, test, a, b) = (split.collector, split.fleet, split.test, split.a, split.b)
        defer { Task { await collector.stop() } }
        let registry = collector.store.registry
        let status = try await FleetPlanner(store: registry).status()
        let onB = status.entries.filter { $0.arm == .b }.count
        #expect(status.onAssignment == 24 && onB > 6 && onB < 18, "about half the devices serve B: \(onB)")

        var effects = FleetSimulator.TelemetryEffects()
        effects.errorRate = [a: 0.15, b: 0.05]
        effects.latencyMs = [a: 20, b: 19]
        var verdicts: [(labelledA: Int, labelledB: Int, outcome: String)] = []
        for batch in 1...4 {
            let sent = await fleet.emitTelemetry(batch: batch, requestsPerDevice: 14, effects: effects, at: Date())
            #expect(sent.failed.isEmpty && sent.records == 336 && sent.labels == 336, "\(sent)")
            let answer = try await collector.request(.GET, "/v1/ab-tests/\(test.id)/verdict", token: collector.personToken)
            let report = try JSONCoding.decoder.decode(ABTestReport.self, from: Data(answer.body.utf8))
            verdicts.append((report.armA.labelled, report.armB.labelled, report.verdict.outcome.rawValue))
            #expect(ABTestListing.verdict(report).hasPrefix("A/B test \(test.id): \(report.verdict.outcome.rawValue.uppercased()) — "), "\(ABTestListing.verdict(report))")
            let accuracy = try #require(report.verdict.metrics.first { $0.metric == "accuracy" })
            if report.armA.labelled < 300 || report.armB.labelled < 300 {
                #expect(report.verdict.outcome == .inconclusive && accuracy.pValue == nil, "batch \(batch): \(report.verdict.reason)")
                continue
            }
            // The verdict reads its latest sequential look: the first 300 · 2^k labelled answers of each arm.
            let look = try #require(ABLook.latest(
                available: min(report.armA.labelled, report.armB.labelled), minimum: 300, alpha: ABVerdictRules.defaultAlpha, metrics: report.verdict.metrics.count))
            #expect(accuracy.look == look.index && accuracy.samplesA == look.samples && accuracy.samplesB == look.samples && accuracy.alpha == look.alpha)
            let z = try #require(TwoProportionZTest(
                successesA: Int((accuracy.valueA * Double(look.samples)).rounded()), trialsA: look.samples,
                successesB: Int((accuracy.valueB * Double(look.samples)).rounded()), trialsB: look.samples))
            #expect(accuracy.statistic == z.z && accuracy.pValue == z.pValue, "the verdict's test is the one its counts give")
            let significant = report.verdict.metrics.contains { ($0.pValue ?? 1) < $0.alpha && $0.outcome == .bBetter }
            #expect((report.verdict.outcome == .bWins) == significant && report.verdict.outcome != .bLoses, "batch \(batch): \(report.verdict.reason)")
        }
        #expect(verdicts.first?.outcome == "inconclusive", "\(verdicts)")
        #expect(verdicts.last?.outcome == "b-wins", "a 10-point accuracy gain is significant within 4 batches: \(verdicts)")

        // A batch sent again is stored once: the verdict's samples do not grow.
        let before = verdicts.last
        _ = await fleet.emitTelemetry(batch: 4, requestsPerDevice: 14, effects: effects, at: Date())
        let again = try JSONCoding.decoder.decode(
            ABTestReport.self, from: Data(try await collector.request(.GET, "/v1/ab-tests/\(test.id)/verdict", token: collector.personToken).body.utf8))
        #expect(again.armA.labelled == before?.labelledA && again.armB.labelled == before?.labelledB)
        #expect(try await collector.request(.GET, "/v1/ab-tests/99/verdict", token: collector.personToken).status == 404)
    }
}
