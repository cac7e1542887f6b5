import Foundation

/// What a device should serve and shadow, decided from its model's stages in the registry and
/// the policy's canary share, with the reasons in words (`edgeprof fleet explain`). Pure.
public struct DeviceAssignment: Sendable, Codable, Hashable {
    /// Serving: the device answers with `serve`; halted: it serves nothing; unassigned: the
    /// registry has nothing for it to serve, so it keeps what it runs.
    public enum State: String, Sendable, Codable, Hashable {
        case serving, halted, unassigned
    }

    /// Which arm of its model the device is on.
    public enum Arm: String, Sendable, Codable, Hashable {
        case production, canary, a, b
    }

    /// An A/B test split by request: the device serves both versions and sends each request to B
    /// when the bucket of its request id for `rollout` is below `share`.
    public struct RequestSplit: Sendable, Codable, Hashable {
        public var test: Int64
        public var b: ModelReference
        public var bArtifactSHA256: String
        public var share: Double
        public var rollout: String
    }

    public var device: String
    public var model: String
    public var state: State
    public var arm: Arm?
    public var serve: ModelReference?
    public var serveArtifactSHA256: String?
    /// Run beside `serve` on the same inputs; its outputs are recorded, never served.
    public var shadow: ModelReference?
    public var shadowArtifactSHA256: String?
    /// The device's place in the canary rollout, when there is one.
    public var canaryBucket: Double?
    /// The A/B test the device takes part in, and its place in it (unit device).
    public var abTest: Int64?
    public var abBucket: Double?
    public var requestSplit: RequestSplit?
    /// When the model was halted, for a halted assignment.
    public var haltedSince: Date?
    public var reasons: [String]
}
