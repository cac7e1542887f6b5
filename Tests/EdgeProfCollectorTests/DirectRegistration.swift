import EdgeProfCore
import Foundation

extension RegistryStore {
    /// Registers `model` as `actor` straight through the store (no roles asked), in development;
    /// `author` is what its metadata claims (default: the actor).
    @discardableResult
    func registerDirectly(_ model: RegisteredModel, actor: String, author: String? = nil) async throws -> RegisteredModel {
        let reference = model.reference
        _ = try await commit(GovernanceChange(
            actor: actor, at: model.registeredAt, expectedAuditHead: try await snapshot(model: reference.name).auditHead,
            operations: [
                .registerVersion(model, metadata: VersionMetadata(author: author ?? actor)),
                .transition(StageTransition(reference: reference, from: nil, to: .development, at: model.registeredAt, actor: actor, reason: "registered")),
            ]))
        guard let stored = try await self.model(reference) else { throw CocoaError(.fileNoSuchFile) }
        return stored
    }

    /// kws@1.0.0 with the test artifact SHA, registered by ana.
    @discardableResult
    func registerTestModel() async throws -> RegisteredModel {
        try await registerDirectly(
            RegisteredModel(id: 0, reference: LiveCollector.reference, artifactSHA256: LiveCollector.sha, artifactPath: "/m.bin", artifactBytes: 3, registeredAt: Date()),
            actor: "ana")
    }
}
