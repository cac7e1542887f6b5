import struct Foundation.Date

/// A model card assembled from the registry and the evidence: Google Model Card Toolkit's
/// sections (model details, model parameters, quantitative analysis, considerations) plus what
/// none of them has: measured behaviour per device class with its evidence keys, the fairness
/// audit, and the governance record (stage, approvals, releases).
public struct ModelCard: Sendable, Codable, Hashable {
    public struct Details: Sendable, Codable, Hashable {
        public var name: String
        public var version: String
        public var registered: Date
        /// Who registered the version (the actor of its registration's audit entry).
        public var registeredBy: String
        /// The `author` its metadata names: a claim, shown beside the registrant.
        public var claimedAuthor: String?
        public var stage: LifecycleStage
        public var track: ReleaseTrack
        public var artifactSHA256: String
        public var artifactBytes: Int64
        public var tags: [String]
    }

    public struct Parameters: Sendable, Codable, Hashable {
        public var architecture: String?
        public var task: String?
        public var dataset: String?
        public var trainingData: VersionMetadata.TrainingData?
        public var datasetManifestSHA256: String?
        public var quantizationConfigSHA256: String?
        public var tokenizerConfigSHA256: String?
        public var hyperparameters: [String: String]
    }

    /// Measured behaviour on one device class, from stored profile runs.
    public struct Hardware: Sendable, Codable, Hashable {
        public var deviceClass: String
        public var runs: Int
        public var measuredIterations: Int
        public var latencyP50Ms: Double?
        public var latencyP95Ms: Double?
        public var latencyP99Ms: Double?
        public var timeToFirstTokenP95Ms: Double?
        public var tokensPerSecond: Double?
        public var peakRAMBytes: UInt64?
        public var stackPeakBytes: UInt64?
        public var arenaHighWaterBytes: UInt64?
        public var energyPerInferenceMillijoules: Double?
        public var tokensPerMillijoule: Double?
        public var evidenceKeys: [String]

        public init(deviceClass: String, summary: ProfileSummary, evidenceKeys: [String]) {
            self.deviceClass = deviceClass
            runs = summary.runs
            measuredIterations = summary.measuredIterations
            latencyP50Ms = summary.latencyMs?.p50
            latencyP95Ms = summary.latencyMs?.p95
            latencyP99Ms = summary.latencyMs?.p99
            timeToFirstTokenP95Ms = summary.timeToFirstTokenMs?.p95
            tokensPerSecond = summary.tokensPerSecond
            peakRAMBytes = summary.ramPeakBytes
            stackPeakBytes = summary.stackPeakBytes
            arenaHighWaterBytes = summary.arenaHighWaterBytes
            energyPerInferenceMillijoules = summary.energyPerInferenceMillijoules
            tokensPerMillijoule = summary.tokensPerMillijoule
            self.evidenceKeys = evidenceKeys
        }
    }

    public var details: Details
    public var parameters: Parameters
    /// Offline metrics as registered.
    public var metrics: [String: Double]
    public var hardware: [Hardware]
    /// The gates as they stand (fairness among them).
    public var gates: [GovernanceGateResult]
    public var considerations: VersionMetadata.Considerations
    public var ethicsAuditDate: String?
    public var approvals: [Approval]
    /// Release record ids of this version, oldest first.
    public var releases: [String]
    /// Its shadow period judged on telemetry, when it has been in staging.
    public var shadow: ShadowReport?
    /// The newest fairness drift check of this version on each device class it served.
    public var fieldFairness: [DriftCheckRecord]
    /// Its incidents, oldest first.
    public var incidents: [Incident]

    public init(
        version: ModelVersionRecord, snapshot: RegistrySnapshot, track: ReleaseTrack, gates: [GovernanceGateResult], hardware: [Hardware],
        shadow: ShadowReport? = nil, fieldFairness: [DriftCheckRecord] = []
    ) {
        let metadata = version.metadata
        details = Details(
            name: version.reference.name, version: version.reference.version.description, registered: version.model.registeredAt,
            registeredBy: version.registeredBy, claimedAuthor: metadata.author, stage: version.stage, track: track,
            artifactSHA256: version.model.artifactSHA256, artifactBytes: version.model.artifactBytes, tags: metadata.tags)
        parameters = Parameters(
            architecture: metadata.architecture, task: metadata.task, dataset: metadata.dataset, trainingData: metadata.trainingData,
            datasetManifestSHA256: metadata.datasetManifestSHA256, quantizationConfigSHA256: metadata.quantizationConfigSHA256,
            tokenizerConfigSHA256: metadata.tokenizerConfigSHA256, hyperparameters: metadata.hyperparameters)
        metrics = metadata.metrics
        self.hardware = hardware
        self.gates = gates
        considerations = metadata.considerations
        ethicsAuditDate = metadata.ethicsAuditDate
        approvals = snapshot.approvals(of: version.reference)
        releases = snapshot.releases(of: version.reference).map(\.id)
        self.shadow = shadow
        self.fieldFairness = fieldFairness
        incidents = snapshot.incidents.filter { $0.model == version.reference.description }
    }

    public var fairness: GovernanceGateResult? { gates.first { $0.gate == .fairness } }
}
