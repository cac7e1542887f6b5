/// Keeps the registry's governance state: actors, versions with their stages, approvals,
/// attachments, transitions, release records and halts. Every change arrives as one
/// `GovernanceChange` and is applied atomically with its audit entries.
public protocol GovernanceStore: Sendable {
    /// Everything about model `name` (every version), the actors, and the audit head.
    func snapshot(model name: String) throws(StoreError) -> RegistrySnapshot
    /// Every version of every model with its stage, ordered by name and version.
    func versionRecords() throws(StoreError) -> [ModelVersionRecord]
    /// Applies the change and its audit entries in one transaction, or nothing: throws
    /// `.conflict` when the audit head moved since the change's snapshot.
    func commit(_ change: GovernanceChange) throws(StoreError) -> [AuditEntry]
}
