import EdgeProfAgent
import EdgeProfCore
import Foundation
import Testing

/// Issue 14 §1 over the API: any token reads the fleet (an agent's, its own bench's devices);
/// people who run devices label them; every refusal has its status.
@Suite(.serialized) struct FleetAPITests {
    func json(_ object: [String: Any]) throws -> Data { try JSONSerialization.data(withJSONObject: object) }

    @Test(arguments: CollectorStoreContractTests.kinds) func theFleetIsReadAndLabelledOverTheAPI(kind: StoreKind) async throws {
        let collector = try await LiveCollector.start(on: kind)
        defer { Task { await collector.stop() } }
        for upload in [FleetInventoryTests.upload(serial: "A", bench: "bench-1", at: 0), FleetInventoryTests.upload(serial: "B", bench: "bench-2", at: 10)] {
            _ = try await collector.store.ingest(upload, contentSHA256: upload.contentSHA256)
        }
        let lead = GovernanceService(store: collector.store.registry, actor: "lead")
        try await lead.addActor(name: "lead", roles: [.techLead])
        try await lead.addActor(name: "eng", roles: [.mlEngineer])
        try await lead.addActor(name: "sci", roles: [.dataScientist])
        var tokens: [String: String] = [:]
        for name in ["eng", "sci"] {
            tokens[name] = try await LiveCollector.issue(collector.store, TokenGrant(id: "", actor: name, kind: .person, bench: nil, createdAt: Date(), expiresAt: nil))
        }

        let all = try await collector.request(.GET, "/v1/fleet/devices", token: tokens["sci"])
        #expect(all.status == 200)
        let listed = try JSONSerialization.jsonObject(with: Data(all.body.utf8)) as? [[String: Any]] ?? []
        #expect(listed.compactMap { $0["device"] as? String } == ["b:A", "b:B"], "\(all.body)")
        let own = try await collector.request(.GET, "/v1/fleet/devices", token: collector.agentToken)
        #expect(own.body.contains("b:A") && !own.body.contains("b:B"), "an agent's token sees its bench's devices: \(own.body)")
        #expect(try await collector.request(.GET, "/v1/fleet/devices?bench=bench-2", token: collector.agentToken).status == 403)
        #expect(try await collector.request(.GET, "/v1/fleet/devices/b:B", token: collector.agentToken).status == 404)
        #expect(try await collector.request(.GET, "/v1/fleet/devices/b:B", token: tokens["sci"]).json?["bench"] as? String == "bench-2")
        #expect(try await collector.request(.GET, "/v1/fleet/devices/b:Z", token: tokens["sci"]).status == 404)
        #expect(try await collector.request(.GET, "/v1/fleet/devices?label=Site", token: tokens["sci"]).status == 400)
        #expect(try await collector.request(.GET, "/v1/fleet/devices?colour=red", token: tokens["sci"]).status == 400)

        let labelled = try await collector.request(.POST, "/v1/fleet/devices/b:A/labels", token: tokens["eng"], body: try json(["set": ["site": "lab-2"], "reason": "moved"]))
        #expect(labelled.status == 200 && (labelled.json?["labels"] as? [String: String]) == ["site": "lab-2"], "\(labelled.body)")
        let bySite = try await collector.request(.GET, "/v1/fleet/devices?label=site=lab-2", token: tokens["sci"])
        #expect(bySite.body.contains("b:A") && !bySite.body.contains("b:B"), "\(bySite.body)")
        let bySci = try await collector.request(.POST, "/v1/fleet/devices/b:A/labels", token: tokens["sci"], body: try json(["set": ["x": "y"], "reason": "mine"]))
        #expect(bySci.status == 403 && bySci.errorCode == "not-permitted", "\(bySci.body)")
        #expect(try await collector.request(.POST, "/v1/fleet/devices/b:A/labels", token: collector.agentToken, body: try json(["set": ["x": "y"], "reason": "x"])).status == 403)
        let badKey = try await collector.request(.POST, "/v1/fleet/devices/b:A/labels", token: tokens["eng"], body: try json(["set": ["Site": "y"], "reason": "x"]))
        #expect(badKey.status == 422, "\(badKey.body)")
        let unknown = try await collector.request(.POST, "/v1/fleet/devices/b:Z/labels", token: tokens["eng"], body: try json(["set": ["x": "y"], "reason": "x"]))
        #expect(unknown.status == 404, "\(unknown.body)")
        let noChange = try await collector.request(.POST, "/v1/fleet/devices/b:A/labels", token: tokens["eng"], body: try json(["set": ["site": "lab-2"], "reason": "again"]))
        #expect(noChange.status == 422, "\(noChange.body)")
        let trail = try await collector.store.registry.auditTrail()
        #expect(trail.filter { $0.action == "device.label" }.map(\.actor) == ["eng"])

        let unassigned = try await collector.request(.GET, "/v1/fleet/devices/b:A/assignment", token: collector.agentToken)
        #expect(unassigned.status == 200 && unassigned.json?["state"] as? String == "unassigned", "kws@1.0.0 is in development: \(unassigned.body)")
        #expect(try await collector.request(.GET, "/v1/fleet/devices/b:B/assignment", token: collector.agentToken).status == 404, "another bench's device")
        let status = try await collector.request(.GET, "/v1/fleet/status", token: tokens["sci"])
        #expect(status.json?["devices"] as? Int == 2 && status.json?["unassigned"] as? Int == 2, "\(status.body)")
        let ownStatus = try await collector.request(.GET, "/v1/fleet/status", token: collector.agentToken)
        #expect(ownStatus.json?["devices"] as? Int == 1, "an agent's token sees its bench: \(ownStatus.body)")
        _ = try await lead.halt(model: "kws", reason: "bias spike")
        let halted = try await collector.request(.GET, "/v1/fleet/devices/b:B/assignment", token: tokens["sci"])
        #expect(halted.json?["state"] as? String == "halted" && halted.json?["serve"] == nil, "\(halted.body)")
        #expect((halted.json?["reasons"] as? [String])?.first == "kws is halted (by lead: bias spike): the device serves nothing until it is resumed")
        #expect(try await collector.request(.GET, "/v1/fleet/status", token: tokens["sci"]).json?["unknown"] as? Int == 2, "a halt cannot be confirmed yet")
    }
}
