import EdgeProfAgent
import EdgeProfCore
import EdgeProfHardware
import EdgeProfSim
import Foundation
import Testing

/// Issue 14 §3: a registry's halt reaches a board through its agent and the collector, on both
/// stores: the agent reads the board, asks for its assignment, sends SERVE to match and reports;
/// the halted board refuses to run, and the fleet's status sees the halt confirmed.
@Suite(.serialized) struct BoardReconcilerTests {
    static var timeouts: LinkSession.Timeouts {
        var timeouts = LinkSession.Timeouts()
        timeouts.handshake = .milliseconds(500)
        return timeouts
    }

    @Test(arguments: CollectorStoreContractTests.kinds) func aHaltReachesTheBoardAndTheFleetSeesItConfirmed(kind: StoreKind) async throws {
        let collector = try await LiveCollector.start(on: kind)
        defer { Task { await collector.stop() } }
        var profile = SimulatedModelProfile()
        profile.artifactSHA256 = LiveCollector.sha
        let board = try SimulatedBoard(profile: profile, seed: 1, speed: 0)
        board.start()
        defer { board.stop() }
        let client = CollectorClient(baseURL: "http://127.0.0.1:\(collector.port)", token: collector.agentToken, timeout: LiveCollector.clientTimeout)
        let reconciler = BoardReconciler(client: client, timeouts: Self.timeouts)
        #expect(try await reconciler.reconcile(port: board.path) == .unknownDevice("edgeprof-sim:SIM-0001"), "the fleet learns a device from its first run")

        var upload = Uploads.upload(bench: "bench-1")
        upload.run.board.board = "edgeprof-sim"
        upload.run.board.serial = "SIM-0001"
        _ = try await collector.store.ingest(upload, contentSHA256: upload.contentSHA256)
        #expect(try await reconciler.reconcile(port: board.path) == .reconciled(.init(device: "edgeprof-sim:SIM-0001", state: .serving, stateChanged: false)))

        let lead = GovernanceService(store: collector.store.registry, actor: "lead")
        try await lead.addActor(name: "lead", roles: [.techLead])
        _ = try await lead.halt(model: "kws", reason: "false triggers in the field")
        let person = try await LiveCollector.issue(collector.store, TokenGrant(id: "", actor: "lead", kind: .person, bench: nil, createdAt: Date(), expiresAt: nil))
        let before = try await collector.request(.GET, "/v1/fleet/status", token: person)
        #expect(before.json?["unknown"] as? Int == 1, "halted, not yet confirmed: \(before.body)")

        #expect(try await reconciler.reconcile(port: board.path) == .reconciled(.init(device: "edgeprof-sim:SIM-0001", state: .halted, stateChanged: true)))
        do {
            let transport = try TransportOpener.open(path: board.path, busyGrace: .milliseconds(500))
            defer { transport.close() }
            let session = LinkSession(transport: transport, timeouts: Self.timeouts)
            #expect(try session.handshake().0.servingState == .halted, "the board itself is halted")
            #expect {
                try session.run(RunRequest(tokens: 1, iterations: 1, warmup: 0), board: upload.run.board, model: upload.run.model)
            } throws: { error in
                guard case AgentError.rejected(_, "halted", _) = error else { return false }
                return true
            }
        }
        let confirmed = try await collector.request(.GET, "/v1/fleet/status", token: person)
        #expect(confirmed.json?["onAssignment"] as? Int == 1, "the halt is confirmed by the device's report: \(confirmed.body)")
        #expect(try await reconciler.reconcile(port: board.path) == .reconciled(.init(device: "edgeprof-sim:SIM-0001", state: .halted, stateChanged: false)), "a second pass changes nothing")

        _ = try await lead.resume(model: "kws", reason: "threshold fixed")
        #expect(try await reconciler.reconcile(port: board.path) == .reconciled(.init(device: "edgeprof-sim:SIM-0001", state: .serving, stateChanged: true)))
        let shown = try await collector.request(.GET, "/v1/fleet/devices/edgeprof-sim:SIM-0001", token: person)
        #expect(shown.json?["servingState"] as? String == "serving", "\(shown.body)")

        let otherBench = try await LiveCollector.issue(collector.store, TokenGrant(id: "", actor: "agent-2", kind: .agent, bench: "bench-2", createdAt: Date(), expiresAt: nil))
        let foreign = try await collector.request(
            .POST, "/v1/fleet/devices/edgeprof-sim:SIM-0001/report", token: otherBench,
            body: Data(#"{"servingState":"halted","artifactSHA256":"\#(LiveCollector.sha)"}"#.utf8))
        #expect(foreign.status == 404, "another bench's agent reports nothing of this device: \(foreign.body)")
        let personReport = try await collector.request(
            .POST, "/v1/fleet/devices/edgeprof-sim:SIM-0001/report", token: person, body: Data(#"{"servingState":"halted","artifactSHA256":"\#(LiveCollector.sha)"}"#.utf8))
        #expect(personReport.status == 403, "people do not speak for devices: \(personReport.body)")
    }
}
