import EdgeProfAgent
import EdgeProfCore
import EdgeProfSim
import Foundation
import Testing

/// Issue 14 §5: many simulated devices in one process, each a Link v1 board in memory following
/// its assignment through the collector's API and the agent's reconciler, with seeded faults.
@Suite(.serialized) struct FleetSimulatorTests {
    static func fleet(_ collector: LiveCollector, devices: Int, seed: UInt64 = 7, offline: Double = 0, ignoring: Double = 0, late: Double = 0, sha: String) throws -> FleetSimulator {
        var options = FleetSimulator.Options(devices: devices)
        options.seed = seed
        options.offlineShare = offline
        options.ignoringShare = ignoring
        options.lateShare = late
        let agent = FleetSimulator.Agent(bench: "bench-1", client: CollectorClient(baseURL: "http://127.0.0.1:\(collector.port)", token: collector.agentToken, timeout: LiveCollector.clientTimeout))
        return try FleetSimulator(options: options, agents: [agent], model: "lm", artifactSHA256: sha)
    }

    @Test(arguments: CollectorStoreContractTests.kinds) func aSimulatedFleetFollowsAHaltAnInstallAndItsFaults(kind: StoreKind) async throws {
        let collector = try await LiveCollector.start(on: kind)
        defer { Task { await collector.stop() } }
        let registry = collector.store.registry
        let fastSHA = try await BoardInstallTests.register("1.0.0", bytes: SimulatedArtifacts.fast, in: registry)
        let slowSHA = try await BoardInstallTests.register("1.1.0", bytes: SimulatedArtifacts.slow, in: registry)
        try await BoardInstallTests.place("1.0.0", from: .development, to: .production, in: registry)
        let simulator = try Self.fleet(collector, devices: 60, offline: 0.1, ignoring: 0.1, late: 0.1, sha: fastSHA)
        let again = try Self.fleet(collector, devices: 60, offline: 0.1, ignoring: 0.1, late: 0.1, sha: fastSHA)
        #expect(simulator.devices.map(\.offline) == again.devices.map(\.offline) && simulator.devices.map(\.ignoresAssignment) == again.devices.map(\.ignoresAssignment),
                "the seed decides which devices fail, the same on every run")
        let offline = simulator.devices.filter(\.offline).count
        let ignoring = simulator.devices.filter { $0.ignoresAssignment && !$0.offline }.count
        #expect(offline > 0 && ignoring > 0 && simulator.devices.contains { $0.reportsLate }, "60 devices at 10 % each draw some of each")
        #expect(Set(simulator.devices.map(\.deviceClass)).count == 3)

        let lm100 = ModelReference(name: "lm", version: SemanticVersion(major: 1, minor: 0, patch: 0))
        let enrolment = await simulator.enroll(as: lm100)
        #expect(enrolment.isEmpty, "\(enrolment.prefix(3))")
        #expect(try await registry.fleetDevices(FleetQuery()).count == 60, "every device enrolled with a stored run")

        let lead = GovernanceService(store: registry, actor: "gus")
        try await lead.addActor(name: "gus", roles: [.techLead])
        _ = try await lead.halt(model: "lm", reason: "stop the fleet")
        var halted = 0
        for _ in 0..<3 {
            let round = await simulator.round()
            #expect(round.failed.isEmpty, "\(round.failed)")
            halted += round.halted
        }
        let status = try await FleetPlanner(store: registry).status()
        let obeying = 60 - offline - ignoring
        #expect(halted >= obeying, "every device that follows its assignment halted within 3 rounds (late ones on the third)")
        #expect(status.onAssignment == obeying, "\(status.onAssignment) on assignment")
        #expect(status.offAssignment == ignoring, "a device that ignores its assignment is flagged")
        #expect(status.unknown == offline, "an offline device cannot confirm the halt")

        _ = try await lead.resume(model: "lm", reason: "resume")
        try await BoardInstallTests.place("1.0.0", from: .production, to: .deprecated, in: registry)
        try await BoardInstallTests.place("1.1.0", from: .development, to: .production, in: registry)
        var installed = 0
        for _ in 0..<3 { installed += await simulator.round().installed }
        #expect(installed == obeying, "every device that follows its assignment installed 1.1.0 once")
        let devices = try await registry.fleetDevices(FleetQuery())
        #expect(devices.filter { $0.serving.artifactSHA256 == slowSHA && $0.serving.registered.description == "lm@1.1.0" }.count == obeying)
    }
}
