@testable import EdgeProfCollector
import EdgeProfAgent
import EdgeProfCore
import EdgeProfSim
import Foundation
import Logging
import Testing

/// Issue 14 §4, the faults: two collectors on one database deciding on the same alerts roll back
/// once; a collector that stopped between the alerts and the decision completes it when it
/// starts again; people and halts are never overridden.
@Suite(.serialized) struct AutomaticRollbackFaultTests {
    /// lm 1.0.0 deprecated, 1.1.0 serving, and two critical alerts opened on 1.1.0 (as the monitor
    /// opens them) with no decision taken yet.
    static func alertsWithoutDecision(_ fixture: StoreUnderTest) async throws {
        let registry = fixture.store.registry
        _ = try await BoardInstallTests.register("1.0.0", bytes: SimulatedArtifacts.fast, in: registry)
        let sha = try await BoardInstallTests.register("1.1.0", bytes: SimulatedArtifacts.slow, in: registry)
        try await BoardInstallTests.place("1.0.0", from: .development, to: .production, in: registry)
        try await BoardInstallTests.place("1.0.0", from: .production, to: .deprecated, in: registry)
        try await BoardInstallTests.place("1.1.0", from: .development, to: .production, in: registry)
        for device in ["A", "B"] {
            var upload = Uploads.upload(bench: "bench-1", model: "lm@1.1.0")
            upload.artifactSHA256 = sha
            upload.run.model.artifactSHA256 = sha
            upload.run.board.serial = device
            let receipt = try await fixture.store.ingest(upload, contentSHA256: upload.contentSHA256)
            let finding = MonitorFinding(rule: .p95Above, severity: .critical, state: .firing, summary: "latency p95 above 80 ms", value: 120, threshold: 80)
            _ = try await fixture.store.applyFindings([finding], key: MonitorKey(model: "lm@1.1.0", deviceClass: "sim-cortex-m4", device: "b:\(device)"), runID: receipt.runID, at: Date(), webhooks: [])
        }
    }

    static func watcher(_ store: any CollectorStore) -> AutomaticRollbackWatcher {
        AutomaticRollbackWatcher(store: store, logger: Logger(label: "test"), sweep: .seconds(30))
    }

    static func rollbacks(_ store: any CollectorStore) async throws -> [StageTransition] {
        try await store.registry.snapshot(model: "lm").transitions.filter { $0.to == .rollback }
    }

    @Test(arguments: CollectorStoreContractTests.kinds) func twoCollectorsDecidingAtOnceRollBackOnce(kind: StoreKind) async throws {
        let first = try await StoreUnderTest.make(kind)
        defer { first.close() }
        let second = try await first.another()
        defer { second.close() }
        try await Self.alertsWithoutDecision(first)
        async let a: Void = Self.watcher(first.store).consider(model: "lm")
        async let b: Void = Self.watcher(second.store).consider(model: "lm")
        _ = await (a, b)
        #expect(try await Self.rollbacks(first.store).count == 1, "one decision, no double rollback")
        #expect(try await first.store.registry.snapshot(model: "lm").serving?.reference.description == "lm@1.0.0")
        await Self.watcher(second.store).sweepAll()
        #expect(try await Self.rollbacks(second.store).count == 1, "a later sweep finds nothing more to do")
    }

    @Test(arguments: CollectorStoreContractTests.kinds) func aCollectorStoppedBeforeDecidingCompletesTheRollbackWhenItStarts(kind: StoreKind) async throws {
        let fixture = try await StoreUnderTest.make(kind)
        try await Self.alertsWithoutDecision(fixture)
        #expect(try await Self.rollbacks(fixture.store).isEmpty)
        let restarted = try await LiveCollector.start(reusing: fixture)
        var waited = 0
        while try await Self.rollbacks(fixture.store).isEmpty, waited < 100 {
            try await Task.sleep(for: .milliseconds(50))
            waited += 1
        }
        let done = try await Self.rollbacks(fixture.store)
        #expect(done.count == 1 && done.first?.actor == GovernanceRules.automaticRollbackActor, "the sweep at start decides it")
        await restarted.stop()
    }

    @Test(arguments: CollectorStoreContractTests.kinds) func aHaltIsNeverOverriddenByTheSystem(kind: StoreKind) async throws {
        let fixture = try await StoreUnderTest.make(kind)
        defer { fixture.close() }
        try await Self.alertsWithoutDecision(fixture)
        let lead = GovernanceService(store: fixture.store.registry, actor: "gus")
        try await lead.addActor(name: "gus", roles: [.techLead])
        _ = try await lead.halt(model: "lm", reason: "stop serving while we look")
        await Self.watcher(fixture.store).consider(model: "lm")
        #expect(try await Self.rollbacks(fixture.store).isEmpty, "halted: nothing serves, the system does not act")
    }
}

/// Simulated model artifacts the fleet tests install.
enum SimulatedArtifacts {
    static let fast = SimulatedModelArtifact(tokenMedianMs: 11).bytes
    static let slow = SimulatedModelArtifact(tokenMedianMs: 30).bytes
}
