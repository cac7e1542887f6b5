import EdgeProfAgent
import EdgeProfCore
import Foundation

/// How the fleet demo lets the fleet follow and reads back what it did, through the API.
extension FleetDemoChapters {
    /// The lab's bench boards: the first device of each class.
    func qualificationBoards(_ fleet: FleetSimulator) -> [FleetSimulator.Device] {
        var seen: Set<String> = []
        return fleet.devices.filter { seen.insert($0.deviceClass).inserted }
    }

    /// One agent pass on every device; a device that fails stops the demo.
    func round(_ fleet: FleetSimulator) async throws {
        let report = await fleet.round()
        guard report.failed.isEmpty else { throw AgentError.invalidArgument("devices failed to reconcile: \(report.failed.prefix(3).joined(separator: "; "))") }
    }

    /// Rounds until the fleet's status satisfies `done`: the seconds from the first round's start, the rounds and the status.
    func rounds(
        _ fleet: FleetSimulator, _ lead: RegistryRemote, until done: (FleetStatus) -> Bool
    ) async throws -> (seconds: Double, rounds: Int, status: FleetStatus) {
        let started = ContinuousClock.now
        for count in 1...20 {
            try await round(fleet)
            let status = try await lead.fleetStatus(FleetQuery())
            if done(status) {
                let elapsed = ContinuousClock.now - started
                return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, count, status)
            }
        }
        throw AgentError.invalidArgument("the fleet did not follow its assignments within 20 rounds")
    }

    func canaryFigures(_ status: FleetStatus, version: ModelReference) -> FleetDemoReport.Canary {
        var share: [String: Double] = [:]
        var devices: [String: Int] = [:]
        for (deviceClass, entries) in Dictionary(grouping: status.entries, by: \.deviceClass) {
            let serving = entries.filter { $0.arm == .canary && $0.verdict == .onAssignment && $0.reported == version }.count
            devices[deviceClass] = serving
            share[deviceClass] = Double(serving) / Double(entries.count)
        }
        return FleetDemoReport.Canary(version: version.description, policyShare: FleetDemoStory.canaryShare, share: share, devices: devices)
    }

    func abFigures(_ status: FleetStatus, test: ABTest) -> FleetDemoReport.ABTestFigures {
        let onB = status.entries.filter { $0.arm == .b && $0.verdict == .onAssignment && $0.reported == test.b }.count
        let onA = status.entries.filter { $0.arm == .a && $0.verdict == .onAssignment && $0.reported == test.a }.count
        return FleetDemoReport.ABTestFigures(
            id: test.id, a: test.a.description, b: test.b.description, split: test.split, splitObserved: onA + onB == 0 ? 0 : Double(onB) / Double(onA + onB),
            devicesOnA: onA, devicesOnB: onB)
    }

    /// Waits (up to a minute: the watcher also sweeps every 30 s) for the system's rollback.
    func automaticRollback(_ lead: RegistryRemote) async throws -> RollbackProgress {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let progress = try await lead.rollbackProgress(model: model), progress.automatic { return progress }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw AgentError.invalidArgument("two critical alerts on \(model) and no automatic rollback within 60 s: see `edgeprof alerts list` and the collector's log")
    }

    func criticalAlerts(_ lead: RegistryRemote, version: ModelReference) async throws -> [Alert] {
        let alerts = try lead.client.decoded([Alert].self, from: try await lead.client.call(.GET, "/v1/alerts?limit=500"), what: "the alerts")
        return alerts.filter { $0.severity == .critical && $0.key.model == version.description }
    }
}
