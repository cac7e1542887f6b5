import EdgeProfAgent
@testable import EdgeProfCollector
import EdgeProfCore
import Foundation
import Testing

/// Issue 15 §4 end to end, on both stores: a simulated fleet of 12 serves lm@1.0.0 and runs
/// 1.1.0 (staging) in shadow beside it, reporting both answers to each request with its label.
/// The shadow report pairs them from the stored telemetry; it stays INCONCLUSIVE until the
/// 7-day period has run, then PASSES a candidate that is right more often, and FAILS it at once
/// when its latency goes past twice production's. The staging gate carries the same verdict.
@Suite(.serialized) struct ShadowEvidenceTelemetryTests {
    let served = ModelReference(name: "lm", version: SemanticVersion(major: 1, minor: 0, patch: 0))
    let candidate = ModelReference(name: "lm", version: SemanticVersion(major: 1, minor: 1, patch: 0))

    @Test(arguments: CollectorStoreContractTests.kinds) func theFleetsShadowDecidesTheStagingGate(kind: StoreKind) async throws {
        let collector = try await LiveCollector.start(on: kind)
        defer { Task { await collector.stop() } }
        let registry = collector.store.registry
        let sha = try await BoardInstallTests.register("1.0.0", bytes: SimulatedArtifacts.fast, in: registry)
        _ = try await BoardInstallTests.register("1.1.0", bytes: SimulatedArtifacts.slow, in: registry)
        try await BoardInstallTests.place("1.0.0", from: .development, to: .production, in: registry)
        try await BoardInstallTests.place("1.1.0", from: .development, to: .staging, in: registry)
        let fleet = try FleetSimulatorTests.fleet(collector, devices: 12, sha: sha)
        let refused = await fleet.enroll(as: served)
        #expect(refused.isEmpty, "\(refused)")
        for _ in 0..<2 { #expect(await fleet.round().failed.isEmpty) }
        #expect(try await FleetPlanner(store: registry).status().shadowRunning == 12, "every device runs the candidate in shadow")

        let now = GovernanceService(store: registry, actor: "lead")
        var later = now
        let eightDays = Date().addingTimeInterval(8 * 86_400)
        later.clock = { eightDays }
        let empty = try #require(try await now.shadowReport(for: candidate))
        let before = try await registry.shadowTelemetry(of: candidate, from: .distantPast, to: eightDays)
        #expect(empty.pairs == 0 && empty.outcome == .inconclusive && !before.modelHasTelemetry)

        var effects = FleetSimulator.TelemetryEffects()
        effects.errorRate = [served: 0.15, candidate: 0.05]
        effects.latencyMs = [served: 20, candidate: 22]
        for batch in 1...2 {
            let sent = await fleet.emitTelemetry(batch: batch, requestsPerDevice: 10, effects: effects, at: Date())
            #expect(sent.failed.isEmpty && sent.records == 240 && sent.labels == 120, "\(sent)")
        }
        let early = try #require(try await now.shadowReport(for: candidate))
        #expect(early.pairs == 240 && early.labelledPairs == 240 && early.servedVersions == ["lm@1.0.0": 240])
        #expect(early.outcome == .inconclusive && early.findings.contains { $0.contains("the shadow period has run 0.0 of 7 days") }, "\(early.findings)")

        let report = try #require(try await later.shadowReport(for: candidate))
        #expect(report.outcome == .pass, "\(report.findings)")
        let telemetry = try await registry.shadowTelemetry(of: candidate, from: .distantPast, to: eightDays)
        let pairs = telemetry.pairs
        #expect(telemetry.modelHasTelemetry && pairs.count == 240)
        let z = try #require(TwoProportionZTest(
            successesA: pairs.filter { $0.shadow.prediction == $0.label }.count, trialsA: 240,
            successesB: pairs.filter { $0.served.prediction == $0.label }.count, trialsB: 240))
        #expect(report.accuracyZ == z.z && report.accuracyPValue == z.pValue && report.candidateFigures.accuracy == z.rateA)
        let ks = try #require(KolmogorovSmirnovTest.twoSample(pairs.compactMap(\.shadow.score), pairs.compactMap(\.served.score)))
        #expect(report.scoreKSStatistic == ks.statistic && report.scoreKSPValue == ks.pValue)
        #expect(report.agreementRate == Double(pairs.filter { $0.shadow.prediction == $0.served.prediction }.count) / 240)
        #expect(Set(report.deviceClasses.map(\.deviceClass)) == Set(fleet.devices.map(\.deviceClass)))
        let gate = try #require(try await later.gateResults(for: candidate).first { $0.gate == .shadowEvidence })
        #expect(gate.outcome == .pass && gate.figures["pairs"] == 240, "\(gate.summary)")
        let page = ShadowView.section(report)
        #expect(page.contains("data-shadow=\"PASS\"") && page.contains("240 (240 labelled) beside lm@1.0.0 240"), "the version page shows the period")
        #expect(page.components(separatedBy: "<tr>").count - 2 == report.deviceClasses.count, "a row per device class, with its fairness")

        // Over HTTP, on the collector's own clock: the same pairs, the period still running.
        let answer = try await collector.request(.GET, "/v1/models/lm/1.1.0/shadow-report", token: collector.personToken)
        let remote = try JSONCoding.decoder.decode(ShadowReport.self, from: Data(answer.body.utf8))
        #expect(answer.status == 200 && remote.pairs == 240 && remote.outcome == .inconclusive)
        #expect(try await collector.request(.GET, "/v1/models/lm/1.0.0/shadow-report", token: collector.personToken).status == 404)

        // The candidate turns slow: past twice production's p95, it fails without waiting for the period.
        effects.latencyMs = [served: 20, candidate: 60]
        for batch in 3...4 { _ = await fleet.emitTelemetry(batch: batch, requestsPerDevice: 10, effects: effects, at: Date()) }
        let slow = try #require(try await now.shadowReport(for: candidate))
        #expect(slow.outcome == .fail && slow.findings.first?.hasPrefix("p95 latency") == true, "\(slow.findings)")
        #expect(try await now.gateResults(for: candidate).first { $0.gate == .shadowEvidence }?.outcome == .fail)
    }
}
