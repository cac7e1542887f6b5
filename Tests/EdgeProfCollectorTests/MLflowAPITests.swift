@testable import EdgeProfCollector
import EdgeProfCore
import Foundation
import Testing

/// The MLflow routes as a hostile or careless client meets them: every refusal in MLflow's shape
/// with the status MLflow gives it, and nothing written.
@Suite struct MLflowAPITests {
    static func errorCode(_ reply: LiveCollector.Reply) -> String? { reply.json?["error_code"] as? String }

    @Test func refusalsComeInMLflowsShape() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-mlflow-api-\(UUID())")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let collector = try await LiveCollector.start(mlflowArtifactRoot: root.path)
        defer { Task { await collector.stop() } }
        let head = try await collector.store.registry.snapshot(model: "").auditHead
        _ = try await collector.store.registry.commit(GovernanceChange(
            actor: "ana", at: Date(), expectedAuditHead: head,
            operations: [.addActor(RegistryActor(name: "ana", roles: [.dataScientist, .mlEngineer], addedAt: Date(), addedBy: "ana"))]))
        let create = Data(#"{"name": "edge-kws"}"#.utf8)
        let api = "/api/2.0/mlflow"

        let anonymous = try await collector.request(.POST, "\(api)/registered-models/create", body: create)
        #expect(anonymous.status == 401 && Self.errorCode(anonymous) == "UNAUTHENTICATED", "\(anonymous.body)")
        let agent = try await collector.request(.POST, "\(api)/registered-models/create", token: collector.agentToken, body: create)
        #expect(agent.status == 403 && Self.errorCode(agent) == "PERMISSION_DENIED", "an agent's token does not act on the registry: \(agent.body)")
        let notJSON = try await collector.request(.POST, "\(api)/registered-models/create", token: collector.personToken, body: create, contentType: "text/plain")
        #expect(notJSON.status == 400 && Self.errorCode(notJSON) == "INVALID_PARAMETER_VALUE", "\(notJSON.body)")
        let malformed = try await collector.request(.POST, "\(api)/registered-models/create", token: collector.personToken, body: Data("{\"name\": ".utf8))
        #expect(malformed.status == 400 && Self.errorCode(malformed) == "INVALID_PARAMETER_VALUE", "\(malformed.body)")
        let wrongType = try await collector.request(.POST, "\(api)/registered-models/create", token: collector.personToken, body: Data(#"{"name": 7}"#.utf8))
        #expect(wrongType.status == 400 && wrongType.body.contains("name"), "\(wrongType.body)")
        let huge = try await collector.request(
            .POST, "\(api)/registered-models/create", token: collector.personToken, body: Data(repeating: UInt8(ascii: " "), count: 2 << 20))
        #expect(huge.status == 413 && Self.errorCode(huge) == "INVALID_PARAMETER_VALUE", "\(huge.body)")
        let logging = try await collector.request(.POST, "\(api)/runs/create", token: collector.personToken, body: Data("{}".utf8))
        #expect(logging.status == 404 && Self.errorCode(logging) == "ENDPOINT_NOT_FOUND", "runs come from boards: \(logging.body)")
        let wrongMethod = try await collector.request(.GET, "\(api)/registered-models/create", token: collector.personToken)
        #expect(Self.errorCode(wrongMethod) == "ENDPOINT_NOT_FOUND", "\(wrongMethod.body)")
        let badFilter = try await collector.request(.GET, "\(api)/model-versions/search?filter=name%20%3D%20kws", token: collector.personToken)
        #expect(badFilter.status == 400 && badFilter.body.contains("quoted"), "\(badFilter.body)")
        let badPage = try await collector.request(.GET, "\(api)/model-versions/search?max_results=0", token: collector.personToken)
        #expect(badPage.status == 400, "\(badPage.body)")

        // A source outside the artifact root, through a link inside it, is refused; so is a folder.
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("escape.bin").path, withDestinationPath: "/etc/hostname")
        let created = try await collector.request(.POST, "\(api)/registered-models/create", token: collector.personToken, body: create)
        #expect(created.status == 200, "\(created.body)")
        for (source, code) in [
            ("file://\(root.path)/escape.bin", "PERMISSION_DENIED"), ("file://\(root.path)/../../etc/hostname", "PERMISSION_DENIED"),
            ("file://\(root.path)", "PERMISSION_DENIED"), ("file://\(root.path)/absent.bin", "RESOURCE_DOES_NOT_EXIST"),
            ("file://other-host/\(root.path)/x.bin", "INVALID_PARAMETER_VALUE"), ("models:/edge-kws/1", "INVALID_PARAMETER_VALUE"),
        ] {
            let body = try JSONSerialization.data(withJSONObject: ["name": "edge-kws", "source": source])
            let reply = try await collector.request(.POST, "\(api)/model-versions/create", token: collector.personToken, body: body)
            #expect(Self.errorCode(reply) == code, "\(source): \(reply.body)")
        }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("model-dir"), withIntermediateDirectories: true)
        let folder = try JSONSerialization.data(withJSONObject: ["name": "edge-kws", "source": "file://\(root.path)/model-dir"])
        let refusedFolder = try await collector.request(.POST, "\(api)/model-versions/create", token: collector.personToken, body: folder)
        #expect(Self.errorCode(refusedFolder) == "INVALID_PARAMETER_VALUE" && refusedFolder.body.contains("folder"), "\(refusedFolder.body)")
        #expect(try await collector.store.registry.snapshot(model: "edge-kws").versions.isEmpty, "no refused source registered anything")

        let manyTags = try JSONSerialization.data(withJSONObject: [
            "name": "crowded", "tags": (0...MLflowHandlers.maximumTagsPerRequest).map { ["key": "k\($0)", "value": "v"] },
        ])
        let crowded = try await collector.request(.POST, "\(api)/registered-models/create", token: collector.personToken, body: manyTags)
        #expect(crowded.status == 400 && Self.errorCode(crowded) == "INVALID_PARAMETER_VALUE", "\(crowded.body)")
        #expect(try await collector.store.registry.snapshot(model: "crowded").annotations.isEmpty, "a refused create writes nothing")

        // get-latest-versions answers POST, and GET too (the client's fallback).
        let latest = try await collector.request(.GET, "\(api)/registered-models/get-latest-versions?name=edge-kws", token: collector.agentToken)
        #expect(latest.status == 200 && latest.json?["model_versions"] != nil, "\(latest.body)")
    }

    @Test func withoutAnArtifactRootNoFileIsRead() async throws {
        let collector = try await LiveCollector.start()
        defer { Task { await collector.stop() } }
        let body = try JSONSerialization.data(withJSONObject: ["name": "kws", "source": "file:///etc/hostname"])
        let reply = try await collector.request(.POST, "/api/2.0/mlflow/model-versions/create", token: collector.personToken, body: body)
        #expect(reply.status == 403 && reply.body.contains("--mlflow-artifact-root"), "\(reply.body)")
    }

    @Test func anAgentSeesItsBenchsRunsOnly() async throws {
        let collector = try await LiveCollector.start()
        defer { Task { await collector.stop() } }
        _ = try await collector.request(.POST, "/v1/runs", token: collector.agentToken, body: try Uploads.body(Uploads.upload()))
        let otherBench = try await LiveCollector.issue(
            collector.store, TokenGrant(id: "", actor: "bench2-agent", kind: .agent, bench: "bench-2", createdAt: Date(), expiresAt: nil))
        let search = Data(#"{"experiment_ids": ["0"]}"#.utf8)
        let own = try await collector.request(.POST, "/api/2.0/mlflow/runs/search", token: collector.agentToken, body: search)
        #expect((own.json?["runs"] as? [Any])?.count == 1, "\(own.body)")
        let other = try await collector.request(.POST, "/api/2.0/mlflow/runs/search", token: otherBench, body: search)
        #expect((other.json?["runs"] as? [Any])?.isEmpty ?? true, "\(other.body)")
        let get = try await collector.request(.GET, "/api/2.0/mlflow/runs/get?run_id=1", token: otherBench)
        #expect(get.status == 404, "\(get.body)")
    }
}
