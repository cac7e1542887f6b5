import EdgeProfAgent
import EdgeProfCore
import Foundation
import Testing

/// Withdrawals over the API on both stores: a deactivated actor's token stops at the next
/// request, roles change through another manager, an approval is revoked before its move.
@Suite(.serialized) struct GovernanceWithdrawalAPITests {
    func json(_ object: [String: Any]) throws -> Data { try JSONSerialization.data(withJSONObject: object) }

    @Test(arguments: CollectorStoreContractTests.kinds) func whatWasGrantedIsWithdrawnOverTheAPI(kind: StoreKind) async throws {
        let collector = try await LiveCollector.start(on: kind)
        defer { Task { await collector.stop() } }
        try await GovernedModel.register(in: collector.store.registry)
        try await GovernanceService(store: collector.store.registry, actor: "gus").addActor(name: "fay", roles: [.complianceOfficer])
        var tokens: [String: String] = [:]
        for name in ["gus", "fay", "bo", "cy"] {
            tokens[name] = try await LiveCollector.issue(
                collector.store, TokenGrant(id: "", actor: name, kind: .person, bench: nil, createdAt: Date(), expiresAt: nil))
        }

        let selfGrant = try await collector.request(.POST, "/v1/actors/gus/grant", token: tokens["gus"], body: try json(["role": "compliance_officer", "reason": "x"]))
        #expect(selfGrant.status == 403 && selfGrant.errorCode == "not-permitted", "\(selfGrant.body)")
        let granted = try await collector.request(.POST, "/v1/actors/bo/grant", token: tokens["fay"], body: try json(["role": "security_team", "reason": "on call"]))
        #expect(granted.status == 200 && (granted.json?["roles"] as? [String]) == ["ml_engineer", "security_team"], "\(granted.body)")
        let noRole = try await collector.request(.POST, "/v1/actors/bo/remove-role", token: tokens["fay"], body: try json(["reason": "x"]))
        #expect(noRole.status == 400, "\(noRole.body)")
        let unknown = try await collector.request(.POST, "/v1/actors/zed/deactivate", token: tokens["fay"], body: try json(["reason": "x"]))
        #expect(unknown.status == 404, "\(unknown.body)")

        let approved = try await collector.request(
            .POST, "/v1/models/gov/1.0.0/approvals", token: tokens["cy"], body: try json(["stage": "data_validation", "reason": "reviewed"]))
        #expect(approved.status == 200, "\(approved.body)")
        let notTheirs = try await collector.request(
            .POST, "/v1/models/gov/1.0.0/approvals/revoke", token: tokens["bo"], body: try json(["stage": "data_validation", "reason": "mine now"]))
        #expect(notTheirs.status == 403, "\(notTheirs.body)")
        let revoked = try await collector.request(
            .POST, "/v1/models/gov/1.0.0/approvals/revoke", token: tokens["cy"], body: try json(["stage": "data_validation", "reason": "wrong dataset"]))
        #expect(revoked.status == 200 && revoked.json?["revokedBy"] as? String == "cy", "\(revoked.body)")
        let history = try await collector.request(.GET, "/v1/models/gov/history", token: tokens["bo"])
        #expect((history.json?["approvals"] as? [Any])?.isEmpty == true, "\(history.body)")

        // cy works until deactivated, and not one request longer.
        #expect(try await collector.request(.GET, "/v1/actors", token: tokens["cy"]).status == 200)
        let deactivated = try await collector.request(.POST, "/v1/actors/cy/deactivate", token: tokens["gus"], body: try json(["reason": "left the company"]))
        #expect(deactivated.status == 200 && deactivated.json?["deactivation"] != nil, "\(deactivated.body)")
        let stopped = try await collector.request(.GET, "/v1/actors", token: tokens["cy"])
        #expect(stopped.status == 401 && stopped.errorMessage?.contains("who was deactivated on") == true, "\(stopped.body)")
        let reactivated = try await collector.request(.POST, "/v1/actors/cy/reactivate", token: tokens["fay"], body: try json(["reason": "rehired"]))
        #expect(reactivated.status == 200, "\(reactivated.body)")
        #expect(try await collector.request(.GET, "/v1/actors", token: tokens["cy"]).status == 200)

        let trail = try await collector.store.registry.auditTrail()
        #expect(trail.map(\.action).filter { $0.hasPrefix("actor.") && $0 != "actor.add" || $0 == "model.approval.revoke" }
            == ["actor.roles", "model.approval.revoke", "actor.deactivate", "actor.reactivate"])
        #expect(AuditChain.verify(trail) == .intact(entries: trail.count))
    }
}
