import EdgeProfAgent
import EdgeProfCore
import Foundation
import Testing

/// Issue 14 §2 over the API, on both stores: A/B tests are stored with their ids, listed, and
/// stopped by an operator as audited acts; a device's assignment follows the test.
@Suite(.serialized) struct ABTestAPITests {
    func json(_ object: [String: Any]) throws -> Data { try JSONSerialization.data(withJSONObject: object) }

    @Test(arguments: CollectorStoreContractTests.kinds) func testsAreStoredListedAndStoppedOverTheAPI(kind: StoreKind) async throws {
        let collector = try await LiveCollector.start(on: kind)
        defer { Task { await collector.stop() } }
        let registry = collector.store.registry
        let lead = GovernanceService(store: registry, actor: "lead")
        try await lead.addActor(name: "lead", roles: [.techLead])
        try await lead.addActor(name: "eng", roles: [.mlEngineer])
        try await lead.addActor(name: "sci", roles: [.dataScientist])
        var tokens: [String: String] = [:]
        for name in ["eng", "sci"] {
            tokens[name] = try await LiveCollector.issue(collector.store, TokenGrant(id: "", actor: name, kind: .person, bench: nil, createdAt: Date(), expiresAt: nil))
        }

        let noServing = try await collector.request(.POST, "/v1/ab-tests", token: tokens["eng"], body: try json(["model": "kws", "b": "1.0.0", "reason": "x"]))
        #expect(noServing.status == 409 && noServing.errorMessage?.contains("has no serving version to be arm A") == true, "\(noServing.body)")
        #expect(try await collector.request(.POST, "/v1/ab-tests", token: collector.agentToken, body: try json(["model": "kws", "b": "1.0.0", "reason": "x"])).status == 403)
        #expect(try await collector.request(.POST, "/v1/ab-tests", token: tokens["eng"], body: try json(["model": "kws", "b": "1.0.0", "split": 0.9, "reason": "x"])).status != 201)

        // The registry's rules are tested on their own; here a test the rules would start is
        // stored as they would store it, to see it kept, listed and stopped on this store.
        let snapshot = try await registry.snapshot(model: "kws")
        let reference = try ModelReference(parsing: "kws@1.0.0")
        let test = ABTest(
            model: "kws", a: reference, b: reference, split: 0.2, unit: .device, minimumSamples: 10, maximumHours: 24, startedBy: "eng",
            startedAt: Date(), reason: "seeded")
        _ = try await registry.commit(GovernanceChange(actor: "eng", at: Date(), expectedAuditHead: snapshot.auditHead, operations: [.startABTest(test)]))

        let listed = try await collector.request(.GET, "/v1/ab-tests?model=kws", token: collector.agentToken)
        let tests = try JSONSerialization.jsonObject(with: Data(listed.body.utf8)) as? [[String: Any]] ?? []
        #expect(tests.count == 1 && tests.first?["id"] as? Int == 1 && tests.first?["state"] as? String == "running", "\(listed.body)")
        #expect(try await collector.request(.GET, "/v1/ab-tests?model=other", token: collector.agentToken).body.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")

        let bySci = try await collector.request(.POST, "/v1/ab-tests/1/stop", token: tokens["sci"], body: try json(["reason": "mine"]))
        #expect(bySci.status == 403, "\(bySci.body)")
        let stopped = try await collector.request(.POST, "/v1/ab-tests/1/stop", token: tokens["eng"], body: try json(["reason": "enough"]))
        #expect(stopped.status == 200 && stopped.json?["state"] as? String == "stopped" && stopped.json?["stoppedBy"] as? String == "eng", "\(stopped.body)")
        #expect(try await collector.request(.POST, "/v1/ab-tests/1/stop", token: tokens["eng"], body: try json(["reason": "again"])).status == 409)
        #expect(try await collector.request(.POST, "/v1/ab-tests/7/stop", token: tokens["eng"], body: try json(["reason": "x"])).status == 404)
        let trail = try await registry.auditTrail()
        #expect(trail.map(\.action).suffix(2) == ["abtest.start", "abtest.stop"])
        #expect(AuditChain.verify(trail) == .intact(entries: trail.count))
    }
}
