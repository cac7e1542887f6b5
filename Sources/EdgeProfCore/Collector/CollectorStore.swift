import Crypto
import Foundation

/// Why an upload was not stored. Each is the client's to fix; none is a server fault.
public enum IngestRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownModel(String)
    case artifactMismatch(model: String, registered: String, uploaded: String)
    /// The idempotency key was used before for a different run.
    case keyReused(key: String, runID: Int64)
    case store(StoreError)

    public var description: String {
        switch self {
        case .unknownModel(let model):
            "model \(model) is not registered on this collector. Fix: register it there first (`edgeprof model register … --db` on the collector's database)"
        case .artifactMismatch(let model, let registered, let uploaded):
            "the run's artifact sha256 \(uploaded.prefix(12))… is not \(model)'s registered \(registered.prefix(12))…. Fix: profile the registered artifact, or register this one as a new version"
        case .keyReused(let key, let runID):
            "idempotency key \(key) already names run \(runID), whose content differs. Fix: give every new run a fresh key"
        case .store(let error): error.description
        }
    }
}

/// A stored run as the collector lists it: where it came from and its headline figures.
public struct CollectedRunSummary: Sendable, Codable, Hashable {
    public var id: Int64
    public var model: String
    public var bench: String?
    /// The bench file's place it was taken at, if any.
    public var place: String?
    public var deviceClass: String
    public var status: RunStatus
    public var startedAt: Date
    public var finishedAt: Date
    public var measuredIterations: Int
    public var latencyP50Ms: Double?
    public var latencyP95Ms: Double?
    public var energyPerInferenceMillijoules: Double?
    public var tokensPerMillijoule: Double?
    public var latencyP99Ms: Double?
    public var timeToFirstTokenP50Ms: Double?
    public var tokensPerSecond: Double?
    public var emulated: Bool
    /// The board as it announced itself: name, serial and firmware.
    public var board: String
    public var serial: String
    public var firmwareVersion: String

    public init(stored: StoredRun, bench: String?) {
        self.init(
            id: stored.id, model: stored.model, bench: bench, context: stored.context, status: stored.run.status,
            board: stored.run.board, headline: RunHeadline(stored.run))
    }

    /// From what the store keeps beside the raw timings: no iteration or token is read.
    public init(id: Int64, model: ModelReference, bench: String?, context: RunContext, status: RunStatus, board: BoardInfo, headline: RunHeadline) {
        self.id = id
        self.model = model.description
        self.bench = bench
        place = context.place
        deviceClass = context.deviceClass
        self.status = status
        startedAt = context.startedAt
        finishedAt = context.finishedAt
        measuredIterations = headline.measuredIterations
        latencyP50Ms = headline.latencyP50Ms
        latencyP95Ms = headline.latencyP95Ms
        energyPerInferenceMillijoules = headline.energyPerInferenceMillijoules
        tokensPerMillijoule = headline.tokensPerMillijoule
        latencyP99Ms = headline.latencyP99Ms
        timeToFirstTokenP50Ms = headline.timeToFirstTokenP50Ms
        tokensPerSecond = headline.tokensPerSecond
        emulated = board.isEmulated
        self.board = board.board
        serial = board.serial
        firmwareVersion = board.firmwareVersion
    }
}

/// A filtered page of runs: ids after `after`, ascending, at most `limit`.
public struct RunQuery: Sendable, Hashable {
    public var model: ModelReference?
    public var deviceClass: String?
    public var bench: String?
    /// One board instance's runs: its name and serial as it announced them (`FleetDevice.board`, `.serial`).
    public var device: (board: String, serial: String)?
    public var after: Int64
    public var limit: Int
    /// The latest `limit` runs (still after `after`), newest first, instead of the oldest.
    public var newestFirst: Bool

    public init(
        model: ModelReference? = nil, deviceClass: String? = nil, bench: String? = nil, device: (board: String, serial: String)? = nil,
        after: Int64 = 0, limit: Int = 50, newestFirst: Bool = false
    ) {
        self.model = model
        self.deviceClass = deviceClass
        self.bench = bench
        self.device = device
        self.after = after
        self.limit = limit
        self.newestFirst = newestFirst
    }

    public static func == (lhs: RunQuery, rhs: RunQuery) -> Bool {
        lhs.model == rhs.model && lhs.deviceClass == rhs.deviceClass && lhs.bench == rhs.bench && lhs.device?.board == rhs.device?.board
            && lhs.device?.serial == rhs.device?.serial && lhs.after == rhs.after && lhs.limit == rhs.limit && lhs.newestFirst == rhs.newestFirst
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(model)
        hasher.combine(deviceClass)
        hasher.combine(bench)
        hasher.combine(device?.board)
        hasher.combine(device?.serial)
        hasher.combine(after)
        hasher.combine(limit)
        hasher.combine(newestFirst)
    }
}

/// What an agent last said about itself.
public struct AgentReport: Sendable, Codable, Hashable {
    public var bench: String
    public var spoolDepth: Int
    public var reportedAt: Date

    public init(bench: String, spoolDepth: Int, reportedAt: Date) {
        self.bench = bench
        self.spoolDepth = spoolDepth
        self.reportedAt = reportedAt
    }
}

/// The collector's storage: SQLite on one machine, PostgreSQL for a lab, one interface.
public protocol CollectorStore: Sendable {
    var location: String { get }
    /// The model registry kept in the same database (the governance routes act on it).
    var registry: any RegistryStore { get }
    /// Stores the upload once: a known key with the same content answers the first receipt. The
    /// agent's report, when given, is recorded in the same transaction (one write per upload).
    func ingest(_ upload: RunUpload, contentSHA256: String, agentReport: AgentReport?) async throws(IngestRefusal) -> RunReceipt
    /// A page of runs as listed: headline figures only, never raw timings.
    func runSummaries(_ query: RunQuery) async throws(StoreError) -> [CollectedRunSummary]
    /// The figures `/metrics` exposes from the store (latest run per device, webhook backlog).
    func metricsSnapshot() async throws(StoreError) -> MetricsSnapshot
    func run(id: Int64) async throws(StoreError) -> StoredRun?
    func models() async throws(StoreError) -> [RegisteredModel]
    func grant(tokenSHA256: String) async throws(StoreError) -> TokenGrant?
    func tokens() async throws(StoreError) -> [TokenGrant]
    func recordAgentReport(_ report: AgentReport) async throws(StoreError)
    func agentReports() async throws(StoreError) -> [AgentReport]
    /// Records an agent's report of its bench's places, each replacing that place's last one;
    /// `stopped`: the agent stops on purpose, and its places are no longer watched for silence.
    func recordBenchPlaces(_ reports: [BenchPlaceReport], bench: String, stopped: Bool, at: Date) async throws(StoreError)
    /// Every place of every bench, by bench and place.
    func benchPlaces() async throws(StoreError) -> [StoredBenchPlace]
    /// Sets (or replaces) the device's pinned baseline.
    func pinBaseline(_ pin: BaselinePin) async throws(StoreError)
    /// Returns the device to its automatic baseline; false when nothing was pinned.
    func unpinBaseline(_ key: MonitorKey) async throws(StoreError) -> Bool
    func baselinePins() async throws(StoreError) -> [BaselinePin]

    /// The device's baseline (its pinned runs, else its first `baselineRuns` complete runs) and its
    /// latest `recentRuns` runs up to `runID`, oldest first, without token ticks; nil while `runID`
    /// is itself part of the baseline.
    func monitorHistory(_ key: MonitorKey, runID: Int64, baselineRuns: Int, recentRuns: Int) async throws(StoreError) -> (baseline: [StoredRun], recent: [StoredRun])?
    /// Applies one run's findings to the device's alerts in one transaction — one live alert per
    /// rule and device — and queues an event per opened or resolved alert for each webhook. The
    /// run's findings are kept, all of them (none for `Alert.noRun`: the registry's own findings).
    func applyFindings(_ findings: [MonitorFinding], key: MonitorKey, runID: Int64, at: Date, webhooks: [WebhookTarget]) async throws(StoreError) -> [AlertEvent]
    func alerts(state: AlertState?, limit: Int) async throws(StoreError) -> [Alert]
    /// The alerts of one model version (`NAME@VERSION`) opened at or after `since`, in any state, oldest first.
    func alerts(model: String, openedSince since: Date) async throws(StoreError) -> [Alert]
    /// One alert by id, in any state; nil when there is none. (People acknowledge alerts through
    /// the registry: `GovernanceOperation.acknowledgeAlert`, audited.)
    func alert(id: Int64) async throws(StoreError) -> Alert?
    func liveAlertCounts() async throws(StoreError) -> [AlertSeverity: Int]
    /// The findings monitoring recorded for a run (every rule, inconclusive ones included); nil
    /// when the run was not judged (a baseline run, or monitoring had not seen it).
    func findings(runID: Int64) async throws(StoreError) -> [MonitorFinding]?
    /// Deliveries due now, each the oldest undelivered one of its URL: a webhook receives its events in order.
    func dueWebhookDeliveries(now: Date, limit: Int) async throws(StoreError) -> [WebhookDelivery]
    func markWebhookDelivered(id: Int64, at: Date) async throws(StoreError)
    func markWebhookFailed(id: Int64, error: String, next: Date) async throws(StoreError)
    /// Moves a delivery to the dead-letter list: no more attempts until a person re-sends it.
    func markWebhookDead(id: Int64, error: String, at: Date) async throws(StoreError)
    /// Deliveries in `state`, newest first.
    func webhookDeliveries(state: WebhookDeliveryState, limit: Int) async throws(StoreError) -> [WebhookDeliveryRecord]
    /// Puts a dead delivery back in the queue with fresh attempts; false when there is no such dead delivery.
    func resendWebhook(id: Int64, at: Date) async throws(StoreError) -> Bool

    /// Stores a batch of inference telemetry from `bench` once: a repeated batch key with the same
    /// content answers the first receipt, with other content it is refused; a record already
    /// stored (same device, arm and request id) is counted as a duplicate. Every record's device
    /// must be one of the bench's and its model version registered, or nothing is stored.
    func ingestInferences(_ batch: InferenceBatch, bench: String, contentSHA256: String, at: Date) async throws(TelemetryRefusal) -> InferenceReceipt
    /// Joins labels to the bench's records of the same model and request id.
    func attachLabels(_ batch: InferenceLabelBatch, bench: String) async throws(StoreError) -> LabelReceipt
    /// Records and labelled records per version and arm of a model.
    func inferenceCounts(model: String) async throws(StoreError) -> [InferenceCount]
    /// The model's inferences answered at or after `since`, with their device's class, oldest first;
    /// ties by device, arm and request id, never by arrival, so every read gives the same order
    /// (the sequential A/B looks take the first samples of each arm).
    func inferenceObservations(model: String, since: Date) async throws(StoreError) -> [InferenceObservation]
    /// Deletes the inference records answered before `cutoff` (retention); how many.
    func pruneInferences(before cutoff: Date) async throws(StoreError) -> Int

    /// When the oldest stored inference was answered (nil: none stored).
    func oldestInference() async throws(StoreError) -> Date?
    /// Each version × device class with served (not shadow) inferences in [from, to), with when
    /// its first one on that class was answered.
    func driftSubjects(from: Date, to: Date) async throws(StoreError) -> [DriftSubject: Date]
    /// The served (not shadow) inferences of a version on a device class in [from, to), oldest first.
    func driftRecords(_ subject: DriftSubject, from: Date, to: Date) async throws(StoreError) -> [DriftRecord]
    /// Claims a window for `collector`: true when it is not completed and nobody else holds a
    /// claim younger than `lease` (a crashed collector's claim expires).
    func claimDriftWindow(_ window: DriftWindow, collector: String, at now: Date, lease: TimeInterval) async throws(StoreError) -> Bool
    /// Stores the window's checks and marks it completed, in one transaction, only while
    /// `collector` still holds it; false (nothing stored) otherwise.
    func completeDriftWindow(_ window: DriftWindow, collector: String, checks: [DriftCheckRecord], at now: Date) async throws(StoreError) -> Bool
    /// The starts of the completed windows of a cadence.
    func completedDriftWindows(_ cadence: DriftCadence) async throws(StoreError) -> Set<Date>
    /// Stored checks of a model (`NAME` or `NAME@VERSION`), newest window first.
    func driftHistory(_ query: DriftHistoryQuery) async throws(StoreError) -> [DriftCheckRecord]
}

extension CollectorStore {
    public func ingest(_ upload: RunUpload, contentSHA256: String) async throws(IngestRefusal) -> RunReceipt {
        try await ingest(upload, contentSHA256: contentSHA256, agentReport: nil)
    }
}

/// An alert event waiting to be POSTed to a webhook.
public struct WebhookDelivery: Sendable, Hashable {
    public var id: Int64
    public var url: String
    public var body: Data
    public var attempts: Int

    public init(id: Int64, url: String, body: Data, attempts: Int) {
        self.id = id
        self.url = url
        self.body = body
        self.attempts = attempts
    }
}

/// Where a webhook delivery stands.
public enum WebhookDeliveryState: String, Sendable, Codable, CaseIterable {
    case pending
    case delivered
    case dead
}

/// A webhook delivery as `edgeprof alerts deliveries` lists it (never its body's secrets: the
/// body is the alert event, the signature is made at sending).
public struct WebhookDeliveryRecord: Sendable, Codable, Hashable {
    public var id: Int64
    public var alertID: Int64
    public var event: String
    public var url: String
    public var state: WebhookDeliveryState
    public var attempts: Int
    public var createdAt: Date
    public var deliveredAt: Date?
    public var deadAt: Date?
    public var lastError: String?

    public init(
        id: Int64, alertID: Int64, event: String, url: String, attempts: Int, createdAt: Date, deliveredAt: Date?, deadAt: Date?, lastError: String?
    ) {
        self.id = id
        self.alertID = alertID
        self.event = event
        self.url = url
        self.attempts = attempts
        self.createdAt = createdAt
        self.deliveredAt = deliveredAt
        self.deadAt = deadAt
        self.lastError = lastError
        state = deliveredAt != nil ? .delivered : deadAt != nil ? .dead : .pending
    }
}

extension RunUpload {
    /// SHA-256 of the upload's canonical JSON: two uploads with one key must have the same content.
    public var contentSHA256: String {
        Self.contentSHA256(ofCanonical: Data(canonicalBytes))
    }

    /// The content digest from the upload's canonical JSON (`StrictJSON.decodeCanonical`).
    public static func contentSHA256(ofCanonical data: Data) -> String {
        SHA256.hash(data: data).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}
