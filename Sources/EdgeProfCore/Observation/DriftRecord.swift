import Foundation

/// One inference as the drift checks read it back: what the version said and how sure it was,
/// what turned out true, about whom, and on what inputs.
public struct DriftRecord: Sendable, Hashable {
    public var prediction: String
    public var label: String?
    public var score: Double?
    public var protected: [String: String]
    public var features: [String: Double]
    public var latencyMs: Double?
    public var at: Date

    public init(
        prediction: String, label: String?, score: Double?, protected: [String: String] = [:], features: [String: Double] = [:], latencyMs: Double? = nil,
        at: Date
    ) {
        self.prediction = prediction
        self.label = label
        self.score = score
        self.protected = protected
        self.features = features
        self.latencyMs = latencyMs
        self.at = at
    }
}

/// A version on a device class: what the drift checks watch. `model` is `NAME@VERSION`.
public struct DriftSubject: Sendable, Codable, Hashable, Comparable, CustomStringConvertible {
    public var model: String
    public var deviceClass: String

    public init(model: String, deviceClass: String) {
        self.model = model
        self.deviceClass = deviceClass
    }

    public static func < (left: DriftSubject, right: DriftSubject) -> Bool {
        (left.model, left.deviceClass) < (right.model, right.deviceClass)
    }

    public var description: String { "\(model) on \(deviceClass)" }

    /// Drift alerts are keyed by the version and the class; the device field says where they come from.
    public var alertKey: MonitorKey { MonitorKey(model: model, deviceClass: deviceClass, device: Self.alertDevice) }
    public static let alertDevice = "telemetry"
}

/// What one check concluded about one window, with the evidence.
public struct DriftOutcome: Sendable, Codable, Hashable {
    public var state: FindingState
    /// The figure that decided (PSI, relative accuracy drop, KS D, gap, ECE).
    public var value: Double?
    public var threshold: Double?
    public var pValue: Double?
    public var summary: String
    public var referenceSamples: Int
    public var currentSamples: Int

    public init(state: FindingState, value: Double? = nil, threshold: Double? = nil, pValue: Double? = nil, summary: String, referenceSamples: Int, currentSamples: Int) {
        self.state = state
        // A figure that is not a number is no evidence (and JSON cannot carry it).
        self.value = value.flatMap { $0.isFinite ? $0 : nil }
        self.threshold = threshold.flatMap { $0.isFinite ? $0 : nil }
        self.pValue = pValue.flatMap { $0.isFinite ? $0 : nil }
        self.summary = summary
        self.referenceSamples = referenceSamples
        self.currentSamples = currentSamples
    }
}

/// One stored drift check: a kind, on a subject, over a window, decided under a policy by a
/// collector at a time. The time series `edgeprof drift history` shows.
public struct DriftCheckRecord: Sendable, Codable, Hashable {
    public var subject: DriftSubject
    public var kind: DriftKind
    public var windowStart: Date
    public var windowEnd: Date
    public var severity: AlertSeverity
    public var outcome: DriftOutcome
    public var policySHA256: String
    public var checkedAt: Date
    /// Which collector ran it (`HOST:PID`).
    public var checkedBy: String

    public init(
        subject: DriftSubject, kind: DriftKind, window: DriftWindow, severity: AlertSeverity, outcome: DriftOutcome, policySHA256: String, checkedAt: Date,
        checkedBy: String
    ) {
        self.subject = subject
        self.kind = kind
        windowStart = window.start
        windowEnd = window.end
        self.severity = severity
        self.outcome = outcome
        self.policySHA256 = policySHA256
        self.checkedAt = checkedAt
        self.checkedBy = checkedBy
    }

    /// The alert finding this check gives.
    public var finding: MonitorFinding {
        MonitorFinding(
            rule: kind.rule, severity: severity, state: outcome.state,
            summary: "\(kind.title), \(AuditChain.timestamp(windowStart)) – \(AuditChain.timestamp(windowEnd)): \(outcome.summary)",
            value: outcome.value, threshold: outcome.threshold, pValue: outcome.pValue)
    }
}

/// Which stored drift checks to list.
public struct DriftHistoryQuery: Sendable, Hashable {
    /// The model's name.
    public var model: String
    /// Only this version, when given.
    public var version: String?
    public var kind: DriftKind?
    public var deviceClass: String?
    public var limit: Int

    public init(model: String, version: String? = nil, kind: DriftKind? = nil, deviceClass: String? = nil, limit: Int = 200) {
        self.model = model
        self.version = version
        self.kind = kind
        self.deviceClass = deviceClass
        self.limit = limit
    }
}
