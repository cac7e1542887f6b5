import EdgeProfAgent
import EdgeProfCore
import Foundation

/// A model version with a real artifact file (governance re-hashes it on every move) and a team:
/// gus (tech lead), bo (ML engineer), cy (data scientist).
enum GovernedModel {
    static let reference = ModelReference(name: "gov", version: SemanticVersion(major: 1, minor: 0, patch: 0))

    static func register(in registry: any RegistryStore) async throws {
        let artifact = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-gov-\(UUID()).bin").path
        try Data("int8 weights of gov 1.0.0".utf8).write(to: URL(fileURLWithPath: artifact))
        let digest = try ArtifactDigest.of(path: artifact)
        let now = Date()
        let model = RegisteredModel(id: 0, reference: reference, artifactSHA256: digest.sha256, artifactPath: artifact, artifactBytes: digest.bytes, registeredAt: now)
        try await registry.registerDirectly(model, actor: "cy")
        let lead = GovernanceService(store: registry, actor: "gus")
        try await lead.addActor(name: "gus", roles: [.techLead])
        try await lead.addActor(name: "bo", roles: [.mlEngineer])
        try await lead.addActor(name: "cy", roles: [.dataScientist])
    }
}
