import EdgeProfCore

/// Reads a snapshot, lets the rules decide, commits the decision; decides again on fresh data
/// if another process (a person, another collector on the same database) wrote in between.
public struct GovernanceCommitter: Sendable {
    public let store: any RegistryStore
    /// Decisions taken on a stale snapshot are retried this many times in all, a few
    /// milliseconds apart (growing, jittered) so that concurrent deciders spread out.
    public static let maximumAttempts = 20

    public init(store: any RegistryStore) {
        self.store = store
    }

    @discardableResult
    public func decide(
        model name: String, _ rule: (RegistrySnapshot) throws(GovernanceError) -> GovernanceChange
    ) async throws(AgentError) -> [AuditEntry] {
        try await decide(model: name) { snapshot throws(GovernanceError) in (try rule(snapshot), ()) }.entries
    }

    public func decide<Outcome>(
        model name: String, _ rule: (RegistrySnapshot) throws(GovernanceError) -> (GovernanceChange, Outcome)
    ) async throws(AgentError) -> (outcome: Outcome, entries: [AuditEntry]) {
        try await decide(model: name, deciding: { snapshot throws(AgentError) in
            do throws(GovernanceError) { return try rule(snapshot) } catch { throw .governance(error) }
        })
    }

    /// The general form: `rule` may gather evidence with I/O (artifact checksums, stored runs)
    /// for each snapshot before the pure rules decide.
    public func decide<Outcome>(
        model name: String, deciding rule: (RegistrySnapshot) async throws(AgentError) -> (GovernanceChange, Outcome)
    ) async throws(AgentError) -> (outcome: Outcome, entries: [AuditEntry]) {
        for attempt in 1...Self.maximumAttempts {
            let snapshot: RegistrySnapshot
            do { snapshot = try await store.snapshot(model: name) } catch { throw .store(error) }
            let (change, outcome) = try await rule(snapshot)
            do {
                return (outcome, try await store.commit(change))
            } catch {
                guard case .conflict = error else { throw .store(error) }
                try? await Task.sleep(for: .milliseconds(Int.random(in: 1...(2 * attempt))))
            }
        }
        throw .invalidArgument("the registry of \(name) kept changing while this command decided; nothing was written. Run it again")
    }
}
