import EdgeProfCore
import EdgeProfStore
import Foundation

extension SQLiteEvidenceStore {
    /// Registers a version by committing the change the rules would produce, without the rules
    /// (store tests exercise the store, not the authorisation).
    @discardableResult
    func registerDirectly(_ reference: ModelReference, sha: String, actor: String, at date: Date = Date()) throws -> RegisteredModel {
        let model = RegisteredModel(id: 0, reference: reference, artifactSHA256: sha, artifactPath: "/m.bin", artifactBytes: 3, registeredAt: date)
        _ = try commit(GovernanceChange(
            actor: actor, at: date, expectedAuditHead: try snapshot(model: reference.name).auditHead,
            operations: [
                .registerVersion(model, metadata: VersionMetadata(author: actor)),
                .transition(StageTransition(reference: reference, from: nil, to: .development, at: date, actor: actor, reason: "registered")),
            ]))
        return try require(try self.model(reference))
    }
}

private func require<T>(_ value: T?) throws -> T {
    guard let value else { throw StoreTestError.missing }
    return value
}

enum StoreTestError: Error { case missing }
