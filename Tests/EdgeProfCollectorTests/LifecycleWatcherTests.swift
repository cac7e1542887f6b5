@testable import EdgeProfCollector
import EdgeProfAgent
import EdgeProfCore
import EdgeProfSim
import Foundation
import Logging
import Testing

/// Issue 14 §4 on both stores: the collector's lifecycle sweep moves the serving version from
/// production to monitoring once it settled, to degraded while a drift alert is open and back
/// when it resolves, each as `system:lifecycle` in the audited transitions; two collectors
/// sweeping at once move it once; a version that outstays its stage raises one stage-duration
/// alert, which resolves when the version moves on.
@Suite(.serialized) struct LifecycleWatcherTests {
    static func watcher(_ collector: LiveCollector, hoursAhead: Double) -> LifecycleWatcher {
        LifecycleWatcher(
            store: collector.store, logger: Logger(label: "test.lifecycle"), sweep: .seconds(30), webhooks: [],
            clock: { Date().addingTimeInterval(hoursAhead * 3600) })
    }

    static func drift(_ state: FindingState) -> MonitorFinding {
        MonitorFinding(rule: .latencyDriftKS, severity: .high, state: state, summary: "KS on the latencies")
    }

    @Test(arguments: CollectorStoreContractTests.kinds) func theServingVersionMovesWithItsHealthAndOverrunsAreAlerted(kind: StoreKind) async throws {
        // The collector's own lifecycle sweep runs on the wall clock, where no overrun is due: it
        // would resolve the overrun this test's clock opens, so it sweeps only at start here.
        let collector = try await LiveCollector.start(on: kind, watcherSweep: .seconds(86_400))
        defer { Task { await collector.stop() } }
        let registry = collector.store.registry
        _ = try await BoardInstallTests.register("1.0.0", bytes: SimulatedModelArtifact(tokenMedianMs: 11).bytes, in: registry)
        _ = try await BoardInstallTests.register("1.1.0", bytes: SimulatedModelArtifact(tokenMedianMs: 12).bytes, in: registry)
        try await BoardInstallTests.place("1.0.0", from: .development, to: .production, in: registry)
        func stage(_ version: String) async throws -> LifecycleStage? {
            let snapshot = try await registry.snapshot(model: "lm")
            return snapshot.versions.first(where: { $0.reference.version.description == version })?.stage
        }

        await Self.watcher(collector, hoursAhead: 1).consider(model: "lm")
        #expect(try await stage("1.0.0") == .production, "a new production version settles for 24 h first")

        async let first: Void = Self.watcher(collector, hoursAhead: 25).consider(model: "lm")
        async let second: Void = Self.watcher(collector, hoursAhead: 25).consider(model: "lm")
        _ = await (first, second)
        #expect(try await stage("1.0.0") == .monitoring)
        let moves = try await registry.snapshot(model: "lm").transitions.filter { $0.actor == GovernanceRules.lifecycleActor }
        #expect(moves.count == 1, "two collectors sweeping at once move it once: \(moves)")
        #expect(moves.first?.reason.hasPrefix("settled: in production since ") == true)

        let key = MonitorKey(model: "lm@1.0.0", deviceClass: "sim-cortex-m4", device: "edgeprof-sim:SIM-A")
        _ = try await collector.store.applyFindings([Self.drift(.firing)], key: key, runID: Alert.noRun, at: Date(), webhooks: [])
        await Self.watcher(collector, hoursAhead: 25).consider(model: "lm")
        #expect(try await stage("1.0.0") == .degraded, "an open drift alert degrades the monitored version")
        _ = try await collector.store.applyFindings([Self.drift(.clear)], key: key, runID: Alert.noRun, at: Date(), webhooks: [])
        await Self.watcher(collector, hoursAhead: 25).consider(model: "lm")
        #expect(try await stage("1.0.0") == .monitoring, "healthy again once the drift alert resolved")

        // 1.1.0 has waited in development for over two weeks.
        let fortnight = Self.watcher(collector, hoursAhead: 337)
        await fortnight.consider(model: "lm")
        await fortnight.consider(model: "lm")
        let overruns = try await collector.store.alerts(model: "lm@1.1.0", openedSince: .distantPast).filter { $0.rule == .stageDuration }
        #expect(overruns.count == 1, "one alert however often the sweep runs: \(overruns)")
        let overrun = try #require(overruns.first)
        #expect(overrun.state == .open && overrun.severity == .medium && overrun.key.device == "stage:development" && overrun.key.deviceClass == "lifecycle")
        // 337.0 h, or a little more when a loaded machine took minutes to get here since 1.1.0 was registered.
        #expect(overrun.finding.summary.contains("has been in development for 337.") && overrun.finding.threshold == 336, "\(overrun.finding.summary)")

        try await BoardInstallTests.place("1.1.0", from: .development, to: .validation, in: registry)
        await Self.watcher(collector, hoursAhead: 1).consider(model: "lm")
        let after = try await collector.store.alerts(model: "lm@1.1.0", openedSince: .distantPast).filter { $0.rule == .stageDuration }
        #expect(after.count == 1 && after.first?.state == .resolved, "moving on resolves it: \(after)")
        let trail = try await registry.snapshot(model: "lm").transitions.filter { $0.actor == GovernanceRules.lifecycleActor }.map { "\($0.from?.rawValue ?? "") → \($0.to.rawValue)" }
        #expect(trail == ["production → monitoring", "monitoring → degraded", "degraded → monitoring"])
    }
}
