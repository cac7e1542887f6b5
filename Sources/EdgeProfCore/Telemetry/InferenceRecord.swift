import Foundation

/// Which arm of its model a device answered a request with (issue 15 §1).
public enum InferenceArm: String, Sendable, Codable, Hashable, CaseIterable {
    case production, canary, a, b, shadow
}

/// One inference a device served (or ran in shadow), as the device or its gateway reports it:
/// what answered, to which request, with what, how fast, and about whom. Labels arrive later,
/// joined by request id.
public struct InferenceRecord: Sendable, Codable, Hashable {
    /// `BOARD:SERIAL`, as the fleet names devices.
    public var device: String
    /// `NAME@VERSION` of the version that answered.
    public var model: String
    public var arm: InferenceArm
    /// The request's id: unique per device and arm; a record sent again is stored once.
    public var requestID: String
    /// When the device answered.
    public var at: Date
    public var prediction: String
    /// The model's score for its prediction (a probability or a logit), when it has one.
    public var score: Double?
    public var latencyMs: Double?
    public var energyMillijoules: Double?
    /// Protected attributes of the request's subject (e.g. gender, race, age_group), for fairness.
    public var protected: [String: String]?
    /// Feature values, for data drift.
    public var features: [String: Double]?
    /// Whose data this is, so it can be erased on request; never shown in listings.
    public var subject: String?

    public init(
        device: String, model: String, arm: InferenceArm, requestID: String, at: Date, prediction: String, score: Double? = nil,
        latencyMs: Double? = nil, energyMillijoules: Double? = nil, protected: [String: String]? = nil, features: [String: Double]? = nil,
        subject: String? = nil
    ) {
        self.device = device
        self.model = model
        self.arm = arm
        self.requestID = requestID
        self.at = at
        self.prediction = prediction
        self.score = score
        self.latencyMs = latencyMs
        self.energyMillijoules = energyMillijoules
        self.protected = protected
        self.features = features
        self.subject = subject
    }
}

/// Records sent together, under a key that makes a retried POST harmless.
public struct InferenceBatch: Sendable, Codable, Hashable {
    public var batchKey: String
    public var records: [InferenceRecord]

    public init(batchKey: String, records: [InferenceRecord]) {
        self.batchKey = batchKey
        self.records = records
    }
}

/// The true outcome of a request, known later (a user's correction, a ground-truth label).
public struct InferenceLabel: Sendable, Codable, Hashable {
    /// The model's name (labels belong to a request, whichever version answered it).
    public var model: String
    public var requestID: String
    public var label: String
    public var at: Date

    public init(model: String, requestID: String, label: String, at: Date) {
        self.model = model
        self.requestID = requestID
        self.label = label
        self.at = at
    }
}

public struct InferenceLabelBatch: Sendable, Codable, Hashable {
    public var labels: [InferenceLabel]

    public init(labels: [InferenceLabel]) {
        self.labels = labels
    }
}

/// What became of a batch: records stored, records already stored before (sent again), and
/// whether the whole batch was a replay of one already received.
public struct InferenceReceipt: Sendable, Codable, Hashable {
    public var stored: Int
    public var duplicates: Int
    public var replayed: Bool

    public init(stored: Int, duplicates: Int, replayed: Bool) {
        self.stored = stored
        self.duplicates = duplicates
        self.replayed = replayed
    }
}

/// Labels joined to stored records, and labels whose request no record of the bench has.
public struct LabelReceipt: Sendable, Codable, Hashable {
    public var joined: Int
    public var unmatched: Int

    public init(joined: Int, unmatched: Int) {
        self.joined = joined
        self.unmatched = unmatched
    }
}

/// How many records a version's arm has, and how many of them are labelled.
public struct InferenceCount: Sendable, Codable, Hashable {
    public var model: String
    public var arm: InferenceArm
    public var records: Int
    public var labelled: Int

    public init(model: String, arm: InferenceArm, records: Int, labelled: Int) {
        self.model = model
        self.arm = arm
        self.records = records
        self.labelled = labelled
    }

    /// Oldest version first (by semantic version), then arm, the same in every store.
    public static func listingOrder(_ left: InferenceCount, _ right: InferenceCount) -> Bool {
        let leftVersion = try? ModelReference(parsing: left.model).version
        let rightVersion = try? ModelReference(parsing: right.model).version
        if let leftVersion, let rightVersion, leftVersion != rightVersion { return leftVersion < rightVersion }
        if left.model != right.model { return left.model < right.model }
        return left.arm.rawValue < right.arm.rawValue
    }
}

/// Why a batch of telemetry was not stored.
public enum TelemetryRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// The batch key was used before, by this bench, for other records.
    case batchKeyReused(String)
    case unknownModel(String)
    case unknownDevice(String)
    /// The device belongs to another bench (or to none): a token reports its own bench's devices.
    case foreignDevice(device: String, bench: String)
    case store(StoreError)

    public var description: String {
        switch self {
        case .batchKeyReused(let key):
            "batch key \(key) was used before for other records. Fix: give every new batch a fresh key (a retry keeps its key and its records)"
        case .unknownModel(let model):
            "model \(model) is not registered on this collector. Fix: register the version that served, or correct the record's model"
        case .unknownDevice(let device):
            "there is no device \(device) in the fleet. Fix: its agent uploads a run of it first (the fleet learns a device from its first stored run)"
        case .foreignDevice(let device, let bench):
            "device \(device) is not one of bench \(bench)'s devices. Fix: report telemetry with the token of the bench whose agent runs it"
        case .store(let error):
            error.description
        }
    }
}
