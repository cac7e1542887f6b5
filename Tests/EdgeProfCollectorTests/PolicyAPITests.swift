import EdgeProfAgent
import EdgeProfCore
import Foundation
import Testing

/// Issue 13: policy acts were CLI-only on --db. Over the API the policy is read by any token and
/// changed only as the governance act it is on the command line: proposed by a tech_lead or
/// compliance_officer, approved by the roles the policy in force names through other actors.
@Suite(.serialized) struct PolicyAPITests {
    let strict = "approvals:\n  separation-of-duties: {registrant-may-approve-production: false}\n"

    func json(_ object: [String: Any]) throws -> Data { try JSONSerialization.data(withJSONObject: object) }

    @Test(arguments: CollectorStoreContractTests.kinds) func thePolicyChangesOverTheAPIOnlyAsAGovernanceAct(kind: StoreKind) async throws {
        let collector = try await LiveCollector.start(on: kind)
        defer { Task { await collector.stop() } }
        try await GovernedModel.register(in: collector.store.registry)
        try await GovernanceService(store: collector.store.registry, actor: "gus").addActor(name: "flo", roles: [.complianceOfficer])
        var tokens: [String: String] = [:]
        for name in ["gus", "bo", "flo"] {
            tokens[name] = try await LiveCollector.issue(
                collector.store, TokenGrant(id: "", actor: name, kind: .person, bench: nil, createdAt: Date(), expiresAt: nil))
        }

        let builtIn = try await collector.request(.GET, "/v1/policy", token: collector.agentToken)
        #expect(builtIn.status == 200 && builtIn.json?["version"] as? Int == 0, "\(builtIn.body)")

        let byEngineer = try await collector.request(.POST, "/v1/policies", token: tokens["bo"], body: try json(["policy": strict, "reason": "mine"]))
        #expect(byEngineer.status == 403 && byEngineer.errorCode == "not-permitted", "\(byEngineer.body)")
        let byAgent = try await collector.request(.POST, "/v1/policies", token: collector.agentToken, body: try json(["policy": strict, "reason": "x"]))
        #expect(byAgent.status == 403, "agents do not govern")
        let garbage = try await collector.request(.POST, "/v1/policies", token: tokens["gus"], body: try json(["policy": "approvals: [", "reason": "x"]))
        #expect(garbage.status == 422, "\(garbage.body)")

        let proposed = try await collector.request(.POST, "/v1/policies", token: tokens["gus"], body: try json(["policy": strict, "reason": "lab rules"]))
        #expect(proposed.status == 201, "\(proposed.body)")
        #expect(proposed.json?["version"] as? Int == 1 && proposed.json?["state"] as? String == "proposed")
        let waiting = try await collector.request(.GET, "/v1/policies/1", token: tokens["bo"])
        #expect(waiting.json?["waitingFor"] as? [String] == ["compliance_officer", "tech_lead"], "\(waiting.body)")

        let own = try await collector.request(.POST, "/v1/policies/1/approve", token: tokens["gus"], body: try json(["reason": "fine"]))
        #expect(own.status == 403 && own.errorMessage?.contains("may not approve it (separation of duties)") == true, "\(own.body)")
        let compliance = try await collector.request(.POST, "/v1/policies/1/approve", token: tokens["flo"], body: try json(["reason": "reviewed"]))
        #expect(compliance.status == 200 && compliance.json?["activated"] as? Bool == false, "\(compliance.body)")
        #expect(try await collector.request(.GET, "/v1/policy", token: tokens["bo"]).json?["version"] as? Int == 0, "tech_lead has not approved")
        #expect(try await collector.request(.POST, "/v1/policies/9/approve", token: tokens["flo"], body: try json(["reason": "x"])).status == 404)
        #expect(try await collector.request(.GET, "/v1/policies/9", token: tokens["bo"]).status == 404)
        #expect(try await collector.request(.GET, "/v1/policies/x", token: tokens["bo"]).status == 400)

        let versions = try await collector.request(.GET, "/v1/policies", token: tokens["bo"])
        let listed = try JSONSerialization.jsonObject(with: Data(versions.body.utf8)) as? [[String: Any]] ?? []
        #expect(listed.last?["version"] as? Int == 1 && listed.last?["state"] as? String == "proposed", "\(versions.body)")
        let trail = try await collector.store.registry.auditTrail()
        #expect(trail.map(\.action).suffix(2) == ["policy.propose", "policy.approve"], "every act is in the audit trail")
        #expect(trail.suffix(2).allSatisfy { $0.policy == PolicyRecord.builtIn.sha256 }, "decided under the built-in policy")

        let tech = try await collector.request(.POST, "/v1/policies/1/approve", token: try await LiveCollector.issue(
            collector.store, TokenGrant(id: "", actor: "tl2", kind: .person, bench: nil, createdAt: Date(), expiresAt: nil)), body: try json(["reason": "agreed"]))
        #expect(tech.status == 403, "tl2 is no actor of the registry: \(tech.body)")
        try await GovernanceService(store: collector.store.registry, actor: "gus").addActor(name: "tl2", roles: [.techLead])
        let tl2 = try await LiveCollector.issue(collector.store, TokenGrant(id: "", actor: "tl2", kind: .person, bench: nil, createdAt: Date(), expiresAt: nil))
        let last = try await collector.request(.POST, "/v1/policies/1/approve", token: tl2, body: try json(["reason": "agreed"]))
        #expect(last.status == 200 && last.json?["activated"] as? Bool == true, "\(last.body)")
        let inForce = try await collector.request(.GET, "/v1/policy", token: collector.agentToken)
        #expect(inForce.json?["version"] as? Int == 1 && inForce.json?["text"] as? String == strict)
    }
}
