import EdgeProfCollector
import EdgeProfCore
import Foundation
import Testing

/// `GET /v1/audit/checkpoint`: the head signed with the collector's key, which the command line
/// verifies against the same trail; without a key the route says how to get one.
@Suite struct AuditCheckpointAPITests {
    @Test(arguments: CollectorStoreContractTests.kinds) func theCollectorSignsItsHeadWithItsKey(kind: StoreKind) async throws {
        let signer = AuditSigner()
        let collector = try await LiveCollector.start(on: kind, auditSigner: signer)
        defer { Task { await collector.stop() } }
        let answer = try await collector.request(.GET, "/v1/audit/checkpoint", token: collector.agentToken)
        #expect(answer.status == 200, "\(answer.body)")
        let checkpoint = try JSONDecoder().decode(AuditCheckpoint.self, from: Data(answer.body.utf8))
        let trail = try await collector.store.registry.auditTrail()
        #expect(checkpoint.sequence == trail.last?.sequence && checkpoint.publicKey == signer.publicKey)
        #expect(checkpoint.verify(against: trail, trustedKey: signer.publicKey) == .holds(sequence: checkpoint.sequence))
        #expect(try await collector.request(.GET, "/v1/audit/checkpoint", token: nil).status == 401)
    }

    @Test func withoutAKeyTheRouteSaysHowToGetOne() async throws {
        let collector = try await LiveCollector.start()
        defer { Task { await collector.stop() } }
        let answer = try await collector.request(.GET, "/v1/audit/checkpoint", token: collector.personToken)
        #expect(answer.status == 422 && answer.body.contains("--audit-key"), "\(answer.body)")
    }
}
