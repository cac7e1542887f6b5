import EdgeProfCore

extension GovernanceService {
    /// The model card of a version from the registry, the gates as they stand, and its stored
    /// profile runs per device class (complete runs only).
    public func card(for reference: ModelReference) async throws(AgentError) -> ModelCard {
        let snapshot = try await snapshot(reference.name)
        guard let version = snapshot.version(reference) else {
            throw .unknownModel(reference, known: snapshot.versions.map(\.reference.description))
        }
        let (gates, evidence) = try await assessedGates(for: reference)
        let runs: [StoredRunFigures]
        do { runs = try await store.runFigures(of: version.model, deviceClass: nil, runID: nil, tokens: .gaps) } catch { throw .store(error) }
        let complete = runs.filter { $0.status == .complete }
        let hardware = Dictionary(grouping: complete, by: \.context.deviceClass).keys.sorted().map { deviceClass in
            let group = complete.filter { $0.context.deviceClass == deviceClass }
            return ModelCard.Hardware(
                deviceClass: deviceClass, summary: ProfileSummary(figures: group.map(\.figures)),
                evidenceKeys: Array(Set(group.map(\.evidenceKey))).sorted())
        }
        // The track it was released on; before any release, the one it would take now.
        let released = snapshot.releases(of: reference).last { $0.track != nil }?.track
        let track = if let released { released } else { try rules(snapshot).track(of: version) }
        let checks: [DriftCheckRecord]
        do {
            checks = try await store.driftHistory(DriftHistoryQuery(model: reference.name, version: reference.version.description, kind: .fairness, limit: 10_000))
        } catch {
            throw .store(error)
        }
        // Newest window first: the first check of each class is its latest.
        var latest: [String: DriftCheckRecord] = [:]
        for check in checks where latest[check.subject.deviceClass] == nil { latest[check.subject.deviceClass] = check }
        return ModelCard(
            version: version, snapshot: snapshot, track: track, gates: gates, hardware: hardware, shadow: evidence.shadowReport,
            fieldFairness: latest.values.sorted { $0.subject.deviceClass < $1.subject.deviceClass })
    }
}
