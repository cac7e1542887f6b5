import Foundation

/// A device the fleet knows: who it is (`BOARD:SERIAL`), where it is, what it runs and when it
/// was last heard of. Kept by the store from every run it stores; people add labels.
public struct FleetDevice: Sendable, Codable, Hashable {
    /// `BOARD:SERIAL`, as monitoring keys name devices.
    public var device: String
    public var board: String
    public var serial: String
    public var deviceClass: String
    /// The bench (or site) whose agent last uploaded a run of it; nil for local runs.
    public var bench: String?
    /// The bench file's place it was last profiled at (`profile --place`, `agent run --bench`).
    public var place: String?
    public var firmwareVersion: String
    public var firmwareBuild: String
    public var emulated: Bool
    public var labels: [String: String]
    public var firstSeenAt: Date
    /// When its latest run finished (the device's own last contact, not the upload's).
    public var lastSeenAt: Date
    public var lastRunID: Int64
    /// What it announced serving in its latest run.
    public var serving: ServingReport
    /// Whether it serves or is halted, and when it last said so (a run's handshake or its
    /// agent's report); nil for firmware without the `serve` capability.
    public var servingState: ServingState?
    public var stateReportedAt: Date?
    /// When it last answered a request its telemetry reached the collector with (never later than
    /// the collector received it, so a clock running ahead cannot make a silent device look alive).
    public var lastInferenceAt: Date?

    public init(
        device: String, board: String, serial: String, deviceClass: String, bench: String?, firmwareVersion: String, firmwareBuild: String,
        emulated: Bool, labels: [String: String], firstSeenAt: Date, lastSeenAt: Date, lastRunID: Int64, serving: ServingReport,
        servingState: ServingState? = nil, stateReportedAt: Date? = nil, place: String? = nil, lastInferenceAt: Date? = nil
    ) {
        self.place = place
        self.lastInferenceAt = lastInferenceAt
        self.device = device
        self.board = board
        self.serial = serial
        self.deviceClass = deviceClass
        self.bench = bench
        self.firmwareVersion = firmwareVersion
        self.firmwareBuild = firmwareBuild
        self.emulated = emulated
        self.labels = labels
        self.firstSeenAt = firstSeenAt
        self.lastSeenAt = lastSeenAt
        self.lastRunID = lastRunID
        self.serving = serving
        self.servingState = servingState
        self.stateReportedAt = stateReportedAt
    }

    /// The last time anything was heard from it: a run, its agent's report or an inference.
    public var lastContactAt: Date {
        max(lastSeenAt, stateReportedAt ?? .distantPast, lastInferenceAt ?? .distantPast)
    }

    /// The identity monitoring and the fleet use for a board.
    public static func identity(of board: BoardInfo) -> String { "\(board.board):\(board.serial)" }
}

/// What a device said it serves: the model its handshake announced, with the artifact's SHA-256,
/// and the registered version that artifact belongs to.
public struct ServingReport: Sendable, Codable, Hashable {
    /// The model name the board announced.
    public var announcedModel: String
    public var artifactSHA256: String
    /// The registered version the run was stored under, or that the artifact an agent reported belongs to.
    public var registered: ModelReference
    public var reportedAt: Date
    /// When the device was first seen carrying this artifact (a run's start, or the agent's
    /// report after installing it); later reports of the same artifact keep it. Nil in rows
    /// written before edgeprof kept it.
    public var since: Date?
    /// The shadow it runs beside it (Link v1 `shadow`), as its latest run or report said; nil for none.
    public var shadowArtifactSHA256: String?

    public init(
        announcedModel: String, artifactSHA256: String, registered: ModelReference, reportedAt: Date, since: Date? = nil,
        shadowArtifactSHA256: String? = nil
    ) {
        self.announcedModel = announcedModel
        self.artifactSHA256 = artifactSHA256
        self.registered = registered
        self.reportedAt = reportedAt
        self.since = since
        self.shadowArtifactSHA256 = shadowArtifactSHA256
    }

    private enum CodingKeys: String, CodingKey {
        case announcedModel, artifactSHA256, registered, reportedAt, since, shadowArtifactSHA256
    }

    /// `registered` is written `NAME@VERSION`, as people and the API name versions.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(announcedModel, forKey: .announcedModel)
        try container.encode(artifactSHA256, forKey: .artifactSHA256)
        try container.encode(registered.description, forKey: .registered)
        try container.encode(reportedAt, forKey: .reportedAt)
        try container.encodeIfPresent(since, forKey: .since)
        try container.encodeIfPresent(shadowArtifactSHA256, forKey: .shadowArtifactSHA256)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        announcedModel = try container.decode(String.self, forKey: .announcedModel)
        artifactSHA256 = try container.decode(String.self, forKey: .artifactSHA256)
        let text = try container.decode(String.self, forKey: .registered)
        do { registered = try ModelReference(parsing: text) } catch {
            throw DecodingError.dataCorruptedError(forKey: .registered, in: container, debugDescription: "not NAME@VERSION: \(text)")
        }
        reportedAt = try container.decode(Date.self, forKey: .reportedAt)
        since = try container.decodeIfPresent(Date.self, forKey: .since)
        shadowArtifactSHA256 = try container.decodeIfPresent(String.self, forKey: .shadowArtifactSHA256)
    }
}

/// What an agent says of its board after reconciling it with its assignment.
public struct DeviceReport: Sendable, Codable, Hashable {
    public var servingState: ServingState
    /// The artifact the board's handshake announced.
    public var artifactSHA256: String
    /// The shadow it announced (Link v1 `SHADOW`); nil when it runs none.
    public var shadowArtifactSHA256: String?

    public init(servingState: ServingState, artifactSHA256: String, shadowArtifactSHA256: String? = nil) {
        self.servingState = servingState
        self.artifactSHA256 = artifactSHA256
        self.shadowArtifactSHA256 = shadowArtifactSHA256
    }
}

/// Which devices a listing shows: all, or those of one class, bench or label.
public struct FleetQuery: Sendable, Hashable {
    public var deviceClass: String?
    public var bench: String?
    public var label: FleetLabel?

    public init(deviceClass: String? = nil, bench: String? = nil, label: FleetLabel? = nil) {
        self.deviceClass = deviceClass
        self.bench = bench
        self.label = label
    }

    /// Whether `device` is one this query keeps.
    public func matches(_ device: FleetDevice) -> Bool {
        (deviceClass.map { $0 == device.deviceClass } ?? true)
            && (bench.map { $0 == device.bench } ?? true)
            && (label.map { device.labels[$0.key] == $0.value } ?? true)
    }
}

/// One label, `KEY=VALUE`.
public struct FleetLabel: Sendable, Hashable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}
