import EdgeProfCore
import Foundation

/// The registry snapshots and parsed policies the fleet's hot paths read — every device's
/// assignment and every agent's report — kept while the audit head stays where it was. Every
/// change to what a snapshot holds appends to the audit trail, so an unchanged head means an
/// unchanged snapshot; the head is read from the database each time, so a change made by another
/// collector sharing it is seen at once. One read instead of a dozen, and no YAML parse.
public actor RegistrySnapshotCache {
    /// A model's snapshot with the policy in force parsed.
    public struct Entry: Sendable {
        public var snapshot: RegistrySnapshot
        public var policy: GovernancePolicy

        var pair: (RegistrySnapshot, GovernancePolicy) { (snapshot, policy) }
    }

    private var entries: [String: Entry] = [:]

    public init() {}

    /// `model`'s snapshot as the store holds it now.
    public func entry(model: String, store: any RegistryStore) async throws(AgentError) -> Entry {
        let head: Int64
        do { head = try await store.auditSequence() } catch { throw .store(error) }
        if let cached = entries[model], cached.snapshot.auditHead == head { return cached }
        let snapshot: RegistrySnapshot
        do { snapshot = try await store.snapshot(model: model) } catch { throw .store(error) }
        let policy: GovernancePolicy
        do { policy = try snapshot.policyInForce.parsed() } catch { throw .config(error) }
        let entry = Entry(snapshot: snapshot, policy: policy)
        // Keyed by the head the snapshot was read at (its own, consistent with its contents).
        entries[model] = entry
        return entry
    }
}
