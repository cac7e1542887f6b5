import struct Foundation.Date

/// A model version in the registry: its name, semantic version and the checksum of its artifact.
public struct RegisteredModel: Sendable, Codable, Hashable {
    public var id: Int64
    public var reference: ModelReference
    public var artifactSHA256: String
    public var artifactPath: String
    public var artifactBytes: Int64
    public var registeredAt: Date

    public init(id: Int64, reference: ModelReference, artifactSHA256: String, artifactPath: String, artifactBytes: Int64, registeredAt: Date) {
        self.id = id
        self.reference = reference
        self.artifactSHA256 = artifactSHA256
        self.artifactPath = artifactPath
        self.artifactBytes = artifactBytes
        self.registeredAt = registeredAt
    }
}

/// Where and when a run was taken, beside what the board said.
public struct RunContext: Sendable, Codable, Hashable {
    public var deviceClass: String
    public var port: String
    public var startedAt: Date
    public var finishedAt: Date
    /// The bench file's place the run was taken at, if it came from one.
    public var place: String?
    /// The place's wiring as the bench file described it (`BenchPlace.wiringSummary`).
    public var wiring: String?

    public init(deviceClass: String, port: String, startedAt: Date, finishedAt: Date, place: String? = nil, wiring: String? = nil) {
        self.deviceClass = deviceClass
        self.port = port
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.place = place
        self.wiring = wiring
    }
}

/// A run as the store keeps it: the recording with its raw timings, and its context.
public struct StoredRun: Sendable, Codable, Hashable {
    public var id: Int64
    public var model: ModelReference
    public var context: RunContext
    public var run: RecordedRun

    public init(id: Int64, model: ModelReference, context: RunContext, run: RecordedRun) {
        self.id = id
        self.model = model
        self.context = context
        self.run = run
    }
}

/// A bench's local store, read and written synchronously by the profiling services: the
/// registered versions and every run's evidence. Its registry half is `RegistryStore`.
public protocol EvidenceStore: Sendable {
    /// Where the data lives, for messages ("/home/me/.local/share/edgeprof/edgeprof.sqlite").
    var location: String { get }
    func model(_ reference: ModelReference) throws(StoreError) -> RegisteredModel?
    func models() throws(StoreError) -> [RegisteredModel]
    /// Stores a run with all its raw timings in one transaction; returns its id.
    func save(_ run: RecordedRun, model: RegisteredModel, context: RunContext) throws(StoreError) -> Int64
    func runs(of model: RegisteredModel, deviceClass: String?) throws(StoreError) -> [StoredRun]
    /// A page of runs with their headline figures, read without any iteration or token.
    func runSummaries(_ query: RunQuery) throws(StoreError) -> [CollectedRunSummary]
    func run(id: Int64) throws(StoreError) -> StoredRun?
}

/// A bench's own database: its runs' evidence and its registry, in one SQLite file.
public typealias BenchStore = EvidenceStore & RegistryStore

/// A store failure, with the fix where there is one.
public enum StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    case duplicateVersion(ModelReference, existingSHA256: String)
    case unavailable(location: String, reason: String)
    case failed(location: String, operation: String, reason: String)
    /// The registry changed between reading a snapshot and committing a decision on it.
    case conflict(location: String, expected: Int64, found: Int64)
    /// A newer edgeprof wrote the database: its schema is ahead of this one's.
    case newerSchema(location: String, found: String, known: String)

    public var description: String {
        switch self {
        case .duplicateVersion(let reference, let sha):
            "\(reference) is already registered (artifact sha256 \(sha.prefix(12))…). Versions are immutable: register the new artifact as a new version"
        case .unavailable(let location, let reason):
            "cannot open the database \(location): \(reason). Fix: check the path and its permissions, or choose another with --db"
        case .failed(let location, let operation, let reason):
            "database \(location): \(operation) failed: \(reason)"
        case .conflict(let location, let expected, let found):
            "the registry in \(location) changed while this command decided (audit entry \(found), expected \(expected)); nothing was written. Fix: run the command again"
        case .newerSchema(let location, let found, let known):
            "the database \(location) was written by a newer edgeprof (schema \(found); this one knows up to \(known)) and is left untouched. Fix: use an edgeprof at least as new as the one that wrote it"
        }
    }
}
