import struct Foundation.Date

/// Keeps the model registry: actors, versions with their stages, approvals, attachments,
/// transitions, release records, halts and the audit trail, plus the runs that feed the
/// edge-performance gate. Every change arrives as one `GovernanceChange` and is applied
/// atomically with its audit entries. Asynchronous so that a lab's PostgreSQL can keep it as
/// well as a bench's SQLite file; both answer the same contract tests.
public protocol RegistryStore: Sendable {
    /// Where the registry lives, for messages.
    var location: String { get }
    /// Everything about model `name` (every version), the actors, and the audit head.
    func snapshot(model name: String) async throws(StoreError) -> RegistrySnapshot
    /// The audit head: the sequence of the newest audit entry (0 before the first). Every change
    /// to what a snapshot holds appends to the trail, so an unchanged head means unchanged
    /// snapshots — the one cheap read that lets hot paths reuse a snapshot (`RegistrySnapshotCache`).
    func auditSequence() async throws(StoreError) -> Int64
    /// Every version of every model with its stage, ordered by name and version.
    func versionRecords() async throws(StoreError) -> [ModelVersionRecord]
    /// Applies the change and its audit entries in one transaction, or nothing: throws
    /// `.conflict` when the audit head moved since the change's snapshot.
    func commit(_ change: GovernanceChange) async throws(StoreError) -> [AuditEntry]
    func model(_ reference: ModelReference) async throws(StoreError) -> RegisteredModel?
    func models() async throws(StoreError) -> [RegisteredModel]
    /// Every model's entry (`ModelAnnotation.Kind.entry`): models created before their first version.
    func modelEntries() async throws(StoreError) -> [ModelAnnotation]
    /// The stored runs of a version, on one device class or all, in stored order.
    func runs(of model: RegisteredModel, deviceClass: String?) async throws(StoreError) -> [StoredRun]
    /// The figures of a version's stored runs (one device class or all; only run `runID` when
    /// given), in stored order: one row per iteration, and every token only for `.gaps`. What
    /// gates and model cards reduce, without the raw series they do not need.
    func runFigures(of model: RegisteredModel, deviceClass: String?, runID: Int64?, tokens: TokenDetail) async throws(StoreError) -> [StoredRunFigures]
    /// The whole audit trail in stored order.
    func auditTrail() async throws(StoreError) -> [AuditEntry]
    /// Keeps an artifact's bytes under their SHA-256 (content-addressed: storing the same bytes
    /// again changes nothing). See `StoredArtifact`.
    func storeArtifact(_ bytes: [UInt8], sha256: String) async throws(StoreError)
    /// The bytes stored under `sha256`, or nil.
    func artifact(sha256: String) async throws(StoreError) -> [UInt8]?
    /// The devices the stored runs were measured on, as `query` narrows them, by identity.
    func fleetDevices(_ query: FleetQuery) async throws(StoreError) -> [FleetDevice]
    func fleetDevice(_ device: String) async throws(StoreError) -> FleetDevice?
    /// Records what a device's agent reports of it (`registered`: the version its artifact
    /// belongs to, when the registry knows); false when the fleet does not know the device.
    func recordReport(_ report: DeviceReport, device: String, registered: ModelReference?, at: Date) async throws(StoreError) -> Bool
    /// Every model's A/B tests, oldest first.
    func abTests() async throws(StoreError) -> [ABTest]
    /// Every model's incidents, oldest first.
    func incidents() async throws(StoreError) -> [Incident]
    /// How many inference records name `subject` (for an erasure to count them).
    func telemetryExtent(subject: String) async throws(StoreError) -> TelemetrySubjectExtent
    /// The requests `candidate` answered in shadow between `from` and `to` (inclusive), each with
    /// what its device served; and whether the fleet reports any telemetry of the model.
    func shadowTelemetry(of candidate: ModelReference, from: Date, to: Date) async throws(StoreError) -> ShadowTelemetry
    /// Stored drift checks, newest window first, as `query` narrows them (for model cards; the
    /// collector's drift scheduler writes them).
    func driftHistory(_ query: DriftHistoryQuery) async throws(StoreError) -> [DriftCheckRecord]
}
