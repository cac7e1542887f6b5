import EdgeProfAgent
import EdgeProfCore
import Foundation
import NIOHTTP1
import Testing

/// The registry over the API: the token's actor acts under the same rules as on the command
/// line, and each refusal has its status and reason.
@Suite(.serialized) struct GovernanceAPITests {
    func json(_ object: [String: Any]) throws -> Data { try JSONSerialization.data(withJSONObject: object) }

    @Test(arguments: CollectorStoreContractTests.kinds) func lifecycleMovesAreTheTokensActorsUnderTheRegistrysRules(kind: StoreKind) async throws {
        let collector = try await LiveCollector.start(on: kind)
        defer { Task { await collector.stop() } }
        try await GovernedModel.register(in: collector.store.registry)
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
        let trail = try await collector.store.registry.auditTrail()
        #expect(trail.map(\.action).suffix(3) == ["model.transition", "model.approve", "model.approve"], "every act is in the audit trail")
        #expect(AuditChain.verify(trail) == .intact(entries: trail.count))
    }
}

/// The rest of the registry over the API: actors, registration with the artifact's bytes,
/// evidence, model cards, the edge-performance gate on the collector's runs, emergency
/// deployment and the audit trail — on both stores.
extension GovernanceAPITests {
    static let artifact = Data("int8 weights of reg 1.0.0".utf8)

    @Test(arguments: CollectorStoreContractTests.kinds) func theWholeRegistryIsReachableOverTheAPI(kind: StoreKind) async throws {
        let collector = try await LiveCollector.start(on: kind)
        defer { Task { await collector.stop() } }
        var tokens: [String: String] = [:]
        for name in ["lead", "lead2", "sci", "eng"] {
            tokens[name] = try await LiveCollector.issue(
                collector.store, TokenGrant(id: "", actor: name, kind: .person, bench: nil, createdAt: Date(), expiresAt: nil))
        }

        let first = try await collector.request(.POST, "/v1/actors", token: tokens["lead"], body: try json(["name": "lead", "roles": ["tech_lead"]]))
        #expect(first.status == 201, "\(first.body)")
        for (name, role) in [("lead2", "tech_lead"), ("sci", "data_scientist"), ("eng", "ml_engineer")] {
            #expect(try await collector.request(.POST, "/v1/actors", token: tokens["lead"], body: try json(["name": name, "roles": [role]])).status == 201)
        }
        let selfMade = try await collector.request(.POST, "/v1/actors", token: tokens["sci"], body: try json(["name": "sci2", "roles": ["tech_lead"]]))
        #expect(selfMade.status == 403 && selfMade.errorCode == "not-permitted")
        let actors = try await collector.request(.GET, "/v1/actors", token: collector.agentToken)
        #expect(actors.body.contains("\"eng\"") && actors.body.contains("ml_engineer"))

        let register = try json([
            "version": "1.0.0", "artifactBase64": Self.artifact.base64EncodedString(),
            "metadata": "task: keyword-spotting\nmetrics:\n  accuracy: 0.91\n", "tags": ["kws"],
        ])
        let registered = try await collector.request(.POST, "/v1/models/reg/versions", token: tokens["sci"], body: register)
        #expect(registered.status == 201, "\(registered.body)")
        #expect(registered.json?["artifactSHA256"] as? String == ArtifactDigest.of(bytes: Array(Self.artifact)).sha256)
        #expect(registered.json?["artifactPath"] as? String == StoredArtifact.path(sha256: ArtifactDigest.of(bytes: Array(Self.artifact)).sha256))
        let again = try await collector.request(.POST, "/v1/models/reg/versions", token: tokens["sci"], body: register)
        #expect(again.status == 409 && again.errorCode == "duplicate", "\(again.body)")
        let notBase64 = try await collector.request(.POST, "/v1/models/reg/versions", token: tokens["sci"], body: try json(["version": "1.0.1", "artifactBase64": "%%%"]))
        #expect(notBase64.status == 400)
        let badMetadata = try await collector.request(
            .POST, "/v1/models/reg/versions", token: tokens["sci"], body: try json(["version": "1.0.1", "artifactBase64": "AA==", "metadata": "metrics: [1"]))
        #expect(badMetadata.status == 422 && badMetadata.errorCode == "invalid-config", "\(badMetadata.body)")

        let attached = try await collector.request(
            .POST, "/v1/models/reg/1.0.0/attachments", token: tokens["eng"], body: try json(["kind": "runbook", "fileName": "runbook.md", "content": "# restart the board\n"]))
        #expect(attached.status == 201 && attached.json?["attachedBy"] as? String == "eng", "\(attached.body)")

        let promoted = try await collector.request(.POST, "/v1/models/reg/1.0.0/promote", token: tokens["eng"], body: try json(["reason": "validate it"]))
        #expect(promoted.status == 200 && promoted.json?["stage"] as? String == "validation", "the stored artifact re-hashes: \(promoted.body)")
        let informedOnly = try await collector.request(.POST, "/v1/models/reg/1.0.0/promote", token: tokens["lead"], body: try json(["reason": "x", "informed": ["ops"]]))
        #expect(informedOnly.status == 400)
        let requested = try await collector.request(
            .POST, "/v1/models/reg/1.0.0/emergency", token: tokens["lead"], body: try json(["reason": "field outage", "informed": ["ops"]]))
        #expect(requested.status == 201 && requested.json?["state"] as? String == "pending" && requested.json?["requestedBy"] as? String == "lead", "\(requested.body)")
        let alone = try await collector.request(.POST, "/v1/models/reg/1.0.0/emergency/confirm", token: tokens["lead"], body: try json(["reason": "mine"]))
        #expect(alone.status == 403, "the requester may not confirm: \(alone.body)")
        let emergency = try await collector.request(.POST, "/v1/models/reg/1.0.0/emergency/confirm", token: tokens["lead2"], body: try json(["reason": "agreed"]))
        #expect(emergency.status == 200 && emergency.json?["stage"] as? String == "production", "\(emergency.body)")
        let nothingWaits = try await collector.request(.POST, "/v1/models/reg/1.0.0/emergency/decline", token: tokens["lead2"], body: try json(["reason": "x"]))
        #expect(nothingWaits.status == 404, "nothing waits any more: \(nothingWaits.body)")

        let card = try await collector.request(.GET, "/v1/models/reg/1.0.0/card?format=markdown", token: collector.agentToken)
        #expect(card.status == 200 && card.body.contains("keyword-spotting") && card.body.contains("production"), "\(card.body)")
        let badFormat = try await collector.request(.GET, "/v1/models/reg/1.0.0/card?format=pdf", token: collector.agentToken)
        #expect(badFormat.status == 400)

        // The edge-performance gate on runs uploaded to this collector (kws@1.0.0's).
        for index in 0..<3 {
            let upload = Uploads.upload(key: "gate-run-\(index)")
            _ = try await collector.store.ingest(upload, contentSHA256: upload.contentSHA256)
        }
        let thresholds = "device-classes:\n  sim-cortex-m4:\n    min-iterations: 9\n    max-latency-p95-ms: 100000\n"
        let gate = try await collector.request(
            .POST, "/v1/models/kws/1.0.0/gate-check", token: collector.agentToken, body: try json(["deviceClass": "sim-cortex-m4", "thresholds": thresholds]))
        #expect(gate.status == 200, "\(gate.body)")
        #expect(gate.json?["outcome"] as? String == "PASS", "\(gate.body)")
        #expect((gate.json?["runIDs"] as? [Int])?.count == 3)
        let noThresholds = try await collector.request(.POST, "/v1/models/kws/1.0.0/gate-check", token: collector.agentToken, body: try json(["deviceClass": "sim-cortex-m4"]))
        #expect(noThresholds.status == 422, "the registry's policy embeds no thresholds: \(noThresholds.body)")

        // A stored artifact changed behind the registry's back is caught on the next move.
        let tampered = try await collector.request(
            .POST, "/v1/models/reg/versions", token: tokens["sci"], body: try json(["version": "2.0.0", "artifactBase64": Data("weights 2".utf8).base64EncodedString()]))
        let sha = try #require(tampered.json?["artifactSHA256"] as? String)
        _ = try await collector.executeSQL("UPDATE artifact SET bytes = \(kind == .sqlite ? "X'00'" : "'\\x00'::bytea") WHERE sha256 = '\(sha)'")
        let refused = try await collector.request(.POST, "/v1/models/reg/2.0.0/promote", token: tokens["eng"], body: try json(["reason": "validate"]))
        #expect(refused.status == 409 && refused.errorCode == "artifact-changed", "\(refused.body)")

        let log = try await collector.request(.GET, "/v1/audit?model=reg", token: collector.agentToken)
        let actions = (try JSONSerialization.jsonObject(with: Data(log.body.utf8)) as? [[String: Any]])?.compactMap { $0["action"] as? String } ?? []
        #expect(actions.first == "model.register" && actions.contains("model.attach") && actions.contains("release.emergency"), "\(actions)")
        let verify = try await collector.request(.GET, "/v1/audit/verify", token: collector.agentToken)
        #expect(verify.json?["intact"] as? Bool == true, "\(verify.body)")
    }
}
