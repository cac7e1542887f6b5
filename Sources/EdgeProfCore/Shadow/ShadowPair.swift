import Foundation

/// What one version answered to one request: its prediction, score, latency and energy.
public struct ShadowAnswer: Sendable, Hashable {
    public var prediction: String
    public var score: Double?
    public var latencyMs: Double?
    public var energyMillijoules: Double?

    public init(prediction: String, score: Double? = nil, latencyMs: Double? = nil, energyMillijoules: Double? = nil) {
        self.prediction = prediction
        self.score = score
        self.latencyMs = latencyMs
        self.energyMillijoules = energyMillijoules
    }
}

/// One request a device answered with the version it serves and, beside it on the same input,
/// with its shadow (issue 15 §4): the two answers, the request's label once known, and who the
/// request was about. Joined from telemetry by device and request id.
public struct ShadowPair: Sendable, Hashable {
    public var deviceClass: String
    /// `NAME@VERSION` of the version the device served the request with.
    public var servedModel: String
    public var served: ShadowAnswer
    public var shadow: ShadowAnswer
    public var label: String?
    public var protected: [String: String]
    /// When the shadow answered.
    public var at: Date

    public init(
        deviceClass: String, servedModel: String, served: ShadowAnswer, shadow: ShadowAnswer, label: String?, protected: [String: String] = [:], at: Date
    ) {
        self.deviceClass = deviceClass
        self.servedModel = servedModel
        self.served = served
        self.shadow = shadow
        self.label = label
        self.protected = protected
        self.at = at
    }
}

/// A candidate's shadow telemetry over its shadow window: the pairs, and whether the fleet
/// reports any telemetry of the model at all (so that missing pairs mean "the shadow did not
/// run", not "this lab has no telemetry").
public struct ShadowTelemetry: Sendable, Hashable {
    public var pairs: [ShadowPair]
    public var modelHasTelemetry: Bool

    public init(pairs: [ShadowPair], modelHasTelemetry: Bool) {
        self.pairs = pairs
        self.modelHasTelemetry = modelHasTelemetry
    }
}
