import EdgeProfAgent
import EdgeProfCore
import EdgeProfSim
import Foundation
import Testing

/// `GET /v1/artifacts/{sha256}` as a hostile agent would try it, on both stores: an agent token
/// gets the bytes of what the registry assigns to its bench's devices and nothing else — not a
/// candidate still in development, not another bench's model — with one 403 for all of them,
/// whether the bytes exist or not. A person's token reads the registry.
@Suite(.serialized) struct ArtifactAccessAPITests {
    @Test(arguments: CollectorStoreContractTests.kinds) func anAgentFetchesOnlyWhatItsDevicesCanBeAssigned(kind: StoreKind) async throws {
        let collector = try await LiveCollector.start(on: kind)
        defer { Task { await collector.stop() } }
        let registry = collector.store.registry
        let servingSHA = try await BoardInstallTests.register("1.0.0", bytes: SimulatedModelArtifact(tokenMedianMs: 11).bytes, in: registry)
        let candidateSHA = try await BoardInstallTests.register("1.1.0", bytes: SimulatedModelArtifact(tokenMedianMs: 9).bytes, in: registry)
        try await BoardInstallTests.place("1.0.0", from: .development, to: .production, in: registry)
        var upload = Uploads.upload(bench: "bench-1", model: "lm@1.0.0")
        upload.artifactSHA256 = servingSHA
        upload.run.model.artifactSHA256 = servingSHA
        _ = try await collector.store.ingest(upload, contentSHA256: upload.contentSHA256)
        let otherBench = try await LiveCollector.issue(
            collector.store, TokenGrant(id: "", actor: "bench2-agent", kind: .agent, bench: "bench-2", createdAt: Date(), expiresAt: nil))

        let serving = try await collector.request(.GET, "/v1/artifacts/\(servingSHA)", token: collector.agentToken)
        #expect(serving.status == 200 && serving.body.contains("edgeprof-sim-model"), "production is assigned to bench-1's device")
        let candidate = try await collector.request(.GET, "/v1/artifacts/\(candidateSHA)", token: collector.agentToken)
        #expect(candidate.status == 403, "1.1.0 is still in development: \(candidate.body)")
        #expect(candidate.errorMessage?.contains("fetches only artifacts the registry assigns to its devices") == true, "\(candidate.body)")
        let unknown = try await collector.request(.GET, "/v1/artifacts/\(String(repeating: "e", count: 64))", token: collector.agentToken)
        #expect(unknown.status == 403, "an agent learns nothing about what else is registered")
        let elsewhere = try await collector.request(.GET, "/v1/artifacts/\(servingSHA)", token: otherBench)
        #expect(elsewhere.status == 403, "bench-2 has no device running lm")
        let person = try await collector.request(.GET, "/v1/artifacts/\(candidateSHA)", token: collector.personToken)
        #expect(person.status == 200, "a person's token reads the registry: \(person.status)")

        try await BoardInstallTests.place("1.1.0", from: .development, to: .staging, in: registry)
        #expect(try await collector.request(.GET, "/v1/artifacts/\(candidateSHA)", token: collector.agentToken).status == 200, "in staging it is assigned as shadow")
    }
}
