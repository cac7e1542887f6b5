import EdgeProfAgent
import EdgeProfCore
import Foundation
import NIOHTTP1
import Testing

/// The registry over the API: the token's actor acts under the same rules as on the command
/// line, and each refusal has its status and reason.
@Suite(.serialized) struct GovernanceAPITests {
    func json(_ object: [String: Any]) throws -> Data { try JSONSerialization.data(withJSONObject: object) }

    @Test func lifecycleMovesAreTheTokensActorsUnderTheRegistrysRules() async throws {
        let collector = try await LiveCollector.start(governance: true)
        defer { Task { await collector.stop() } }
        try GovernedModel.register(in: collector.store)
        var tokens: [String: String] = [:]
        for name in ["bo", "cy", "zed"] {
            tokens[name] = try await LiveCollector.issue(
                collector.store, TokenGrant(id: "", actor: name, kind: .person, bench: nil, createdAt: Date(), expiresAt: nil))
        }

        let promote = try await collector.request(.POST, "/v1/models/gov/1.0.0/promote", token: tokens["bo"], body: try json(["reason": "ready for validation"]))
        #expect(promote.status == 200, "\(promote.body)")
        #expect(promote.json?["stage"] as? String == "validation")

        for stage in ["data_validation", "training_validation"] {
            let approval = try await collector.request(
                .POST, "/v1/models/gov/1.0.0/approvals", token: tokens["cy"], body: try json(["stage": stage, "reason": "reviewed", "evidence": ["eval.csv"]]))
            #expect(approval.status == 200, "\(approval.body)")
            #expect(approval.json?["actor"] as? String == "cy")
        }

        let stranger = try await collector.request(.POST, "/v1/models/gov/1.0.0/promote", token: tokens["zed"], body: try json(["reason": "why not"]))
        #expect(stranger.status == 403)
        #expect(stranger.errorCode == "not-permitted")
        let leap = try await collector.request(.POST, "/v1/models/gov/1.0.0/promote", token: tokens["bo"], body: try json(["to": "production", "reason": "skip"]))
        #expect(leap.status == 409)
        #expect(leap.errorMessage == "gov@1.0.0 cannot move from validation to production; allowed next: staging, failed, retired")
        let agent = try await collector.request(.POST, "/v1/models/gov/1.0.0/promote", token: collector.agentToken, body: try json(["reason": "x"]))
        #expect(agent.status == 403, "agents do not govern")
        let typo = try await collector.request(.POST, "/v1/models/gov/1.0.0/promote", token: tokens["bo"], body: try json(["reasn": "x"]))
        #expect(typo.status == 400)
        let missing = try await collector.request(.POST, "/v1/models/gov/9.9.9/promote", token: tokens["bo"], body: try json(["reason": "x"]))
        #expect(missing.status == 404 || missing.status == 409, "\(missing.body)")

        let history = try await collector.request(.GET, "/v1/models/gov/history", token: tokens["zed"])
        #expect(history.status == 200)
        let transitions = try #require(history.json?["transitions"] as? [[String: Any]])
        #expect(transitions.compactMap { $0["to"] as? String } == ["development", "validation"])
        let gates = try await collector.request(.GET, "/v1/models/gov/1.0.0/gates", token: tokens["zed"])
        #expect(gates.status == 200, "\(gates.body)")
        #expect(try collector.store.evidence.auditTrail().count >= 4, "every act is in the audit trail")
    }

    @Test func aPostgresCollectorSaysWhereGovernanceRuns() async throws {
        let collector = try await LiveCollector.start(governance: false)
        defer { Task { await collector.stop() } }
        let reply = try await collector.request(.GET, "/v1/models/gov/history", token: collector.personToken)
        #expect(reply.status == 501)
        #expect(reply.errorCode == "governance-needs-sqlite")
    }
}
