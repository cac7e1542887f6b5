@testable import EdgeProfCollector
import EdgeProfAgent
import EdgeProfCore
import EdgeProfSim
import Foundation
import Logging
import Testing

/// Issue 15 §7's outage playbook on both stores, through the collector's real API: a simulated
/// fleet serves lm@1.0.0 on three classes; every device of one class stops answering while the
/// others report on. Past the policy's 10 minutes the outage watcher raises a critical
/// `serving-outage` on that class alone, the incident watcher opens the outage incident paging
/// the ML engineer, the fleet status flags those devices stale (their last good version,
/// unconfirmed) and exits 1; when they answer again the alert resolves.
@Suite(.serialized) struct ServingOutageEndToEndTests {
    static let lm = ModelReference(name: "lm", version: SemanticVersion(major: 1, minor: 0, patch: 0))

    @Test(arguments: CollectorStoreContractTests.kinds) func aClassThatStopsAnsweringIsAnOutageIncidentUntilItAnswersAgain(kind: StoreKind) async throws {
        let collector = try await LiveCollector.start(on: kind)
        defer { Task { await collector.stop() } }
        let registry = collector.store.registry
        let sha = try await BoardInstallTests.register("1.0.0", bytes: SimulatedArtifacts.fast, in: registry)
        try await BoardInstallTests.place("1.0.0", from: .development, to: .production, in: registry)
        let fleet = try FleetSimulatorTests.fleet(collector, devices: 6, sha: sha)
        let refused = await fleet.enroll(as: Self.lm)
        #expect(refused.isEmpty, "\(refused)")
        #expect(await fleet.round().failed.isEmpty)
        let watcher = OutageWatcher(store: collector.store, logger: Logger(label: "outage-test"), sweep: .seconds(86_400))
        #expect(await watcher.sweepAll().map(\.finding.state) == [.clear, .clear, .clear], "every class answers")

        // sim-cortex-m4 goes quiet; a second later the other classes report again.
        let silentClass = "sim-cortex-m4"
        fleet.devices.filter { $0.deviceClass == silentClass }.forEach { $0.offline = true }
        try await Task.sleep(for: .milliseconds(1100))
        #expect(await fleet.round().failed.isEmpty)
        let devices = try await registry.fleetDevices(FleetQuery())
        let lastOfSilent = try #require(devices.filter { $0.deviceClass == silentClass }.map(\.lastContactAt).max())
        #expect(devices.filter { $0.deviceClass != silentClass }.allSatisfy { $0.lastContactAt > lastOfSilent.addingTimeInterval(1) })
        // The watcher's clock 10 min and 1 s after the silent class's last word: within 10 min of every other device's.
        let later = lastOfSilent.addingTimeInterval(601)
        let groups = await watcher.sweepAll(now: later)
        #expect(groups.map { "\($0.key.deviceClass) \($0.finding.state.rawValue) \($0.silent.count)/\($0.devices)" }
            == ["sim-cortex-m33 clear 0/2", "sim-cortex-m4 firing 2/2", "sim-cortex-m7 clear 0/2"])
        let alerts = try await collector.store.alerts(model: "lm@1.0.0", openedSince: .distantPast)
        #expect(alerts.map { "\($0.rule.rawValue) \($0.key.deviceClass) \($0.key.device) \($0.severity.rawValue) \($0.state.rawValue)" }
            == ["serving-outage sim-cortex-m4 fleet critical open"])
        #expect(alerts.first?.finding.summary.contains("they keep their last good version, flagged stale") == true)

        var incidents = IncidentWatcher(store: collector.store, logger: Logger(label: "outage-test"), sweep: .seconds(86_400))
        incidents.clock = { later }
        await incidents.sweepAll()
        let opened = try await registry.incidents()
        #expect(opened.map { "\($0.playbook.rawValue) \($0.deviceClass) \($0.severity.rawValue) \($0.paged.map(\.rawValue))" }
            == ["outage sim-cortex-m4 critical [\"ml_engineer\"]"])

        let status = try await FleetPlanner(store: registry).status(now: later)
        #expect(status.stale == 2 && status.entries.filter(\.stale).allSatisfy { $0.deviceClass == silentClass && $0.verdict == .onAssignment })
        #expect(FleetListing.status(status).hasPrefix("6 devices: 6 on assignment, 0 off assignment, 0 unassigned, 0 unknown; 2 stale (silent, serving unconfirmed)"))

        // They answer again, over a second after the other classes last did: a sweep a second
        // after the one that opened the outage finds every device within its 10 minutes and resolves it.
        fleet.devices.forEach { $0.offline = false }
        try await Task.sleep(for: .milliseconds(1100))
        #expect(await fleet.round().failed.isEmpty)
        let back = try await registry.fleetDevices(FleetQuery())
        #expect(back.allSatisfy { $0.lastContactAt > lastOfSilent.addingTimeInterval(2) })
        #expect(await watcher.sweepAll(now: later.addingTimeInterval(1)).allSatisfy { $0.finding.state == .clear })
        let resolved = try await collector.store.alerts(model: "lm@1.0.0", openedSince: .distantPast)
        #expect(resolved.map(\.state) == [.resolved])
        #expect(try await collector.store.alerts(state: .open, limit: 10).filter { $0.rule == .servingOutage }.isEmpty)
    }
}
