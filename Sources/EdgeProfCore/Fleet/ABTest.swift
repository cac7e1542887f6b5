import Foundation

/// An A/B test of a model on the fleet: version A (the one serving) against candidate B, a
/// deterministic share of the traffic to B, until it is stopped or runs past its maximum
/// duration. The unit says what is split: devices (each serves one arm), or requests (each
/// device serves both and routes each request id by its hash).
public struct ABTest: Sendable, Codable, Hashable {
    public enum State: String, Sendable, Codable, Hashable {
        case running, stopped
    }

    public enum Unit: String, Sendable, Codable, Hashable, CaseIterable {
        case device, request
    }

    public static let defaultSplit = 0.1
    public static let defaultMinimumSamples = 1000
    public static let defaultMaximumHours = 24.0

    /// Store-assigned; 0 until stored.
    public var id: Int64
    public var model: String
    public var a: ModelReference
    public var b: ModelReference
    /// The share of devices (or requests) that get B.
    public var split: Double
    public var unit: Unit
    /// Samples per arm below which no verdict is given (the monitoring issue reads it).
    public var minimumSamples: Int
    public var maximumHours: Double
    public var startedBy: String
    public var startedAt: Date
    public var reason: String
    public var state: State
    public var stoppedBy: String?
    public var stoppedAt: Date?
    public var stopReason: String?

    public init(
        id: Int64 = 0, model: String, a: ModelReference, b: ModelReference, split: Double, unit: Unit, minimumSamples: Int, maximumHours: Double,
        startedBy: String, startedAt: Date, reason: String, state: State = .running, stoppedBy: String? = nil, stoppedAt: Date? = nil, stopReason: String? = nil
    ) {
        self.id = id
        self.model = model
        self.a = a
        self.b = b
        self.split = split
        self.unit = unit
        self.minimumSamples = minimumSamples
        self.maximumHours = maximumHours
        self.startedBy = startedBy
        self.startedAt = startedAt
        self.reason = reason
        self.state = state
        self.stoppedBy = stoppedBy
        self.stoppedAt = stoppedAt
        self.stopReason = stopReason
    }

    /// The rollout id the split is drawn for.
    public var rollout: String { "abtest:\(id)" }

    public var endsAt: Date { startedAt.addingTimeInterval(maximumHours * 3600) }

    /// Running and within its maximum duration at `now`.
    public func isActive(at now: Date) -> Bool { state == .running && now < endsAt }
}

/// What starting an A/B test asks for; the rules fill in A (the serving version) and the rest.
public struct ABTestRequest: Sendable, Codable, Hashable {
    public var model: String
    public var b: String
    public var split: Double?
    public var unit: ABTest.Unit?
    public var minimumSamples: Int?
    public var maximumHours: Double?
    public var reason: String

    public init(model: String, b: String, split: Double? = nil, unit: ABTest.Unit? = nil, minimumSamples: Int? = nil, maximumHours: Double? = nil, reason: String) {
        self.model = model
        self.b = b
        self.split = split
        self.unit = unit
        self.minimumSamples = minimumSamples
        self.maximumHours = maximumHours
        self.reason = reason
    }
}

/// Stopping an A/B test: who, when, why.
public struct ABTestStop: Sendable, Codable, Hashable {
    public var testID: Int64
    public var model: String
    public var actor: String
    public var at: Date
    public var reason: String

    public init(testID: Int64, model: String, actor: String, at: Date, reason: String) {
        self.testID = testID
        self.model = model
        self.actor = actor
        self.at = at
        self.reason = reason
    }
}
