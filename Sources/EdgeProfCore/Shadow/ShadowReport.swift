import Foundation

/// A candidate's shadow period judged on the fleet's telemetry (issue 15 §4): over its data
/// window, how often it agreed with the served version on the same requests, how its accuracy,
/// latency and energy compared, how far its score distribution moved (KS), and whether it treats
/// protected groups differently on each device class. It is the staging gate's shadow evidence.
public struct ShadowReport: Sendable, Codable, Hashable {
    /// When the shadow period runs, and whether it has run long enough.
    public struct Window: Sendable, Codable, Hashable {
        /// The candidate's entry into staging, and its exit or now.
        public var from: Date
        public var to: Date
        public var periodDays: Int
        public var complete: Bool
        /// The first and last paired request inside the window.
        public var firstPair: Date?
        public var lastPair: Date?
    }

    /// One side's figures over the pairs: labelled pairs, accuracy, latency and energy.
    public struct Side: Sendable, Codable, Hashable {
        public var labelled: Int
        public var correct: Int
        public var accuracy: Double?
        public var latencyP50Ms: Double?
        public var latencyP95Ms: Double?
        public var meanEnergyMillijoules: Double?
    }

    /// The comparison on one device class, with the candidate's fairness there.
    public struct DeviceClassRow: Sendable, Codable, Hashable {
        public var deviceClass: String
        public var pairs: Int
        public var agreementRate: Double?
        public var candidate: Side
        public var served: Side
        /// The candidate's group gaps on this class (fairlearn's figures) against the served
        /// version's on the same requests (`ShadowComparison.fairness`).
        public var fairness: DriftOutcome
    }

    /// `NAME@VERSION` of the candidate, and the SHA-256 of its artifact (the quantized variant).
    public var candidate: String
    public var artifactSHA256: String
    public var window: Window
    public var pairs: Int
    public var labelledPairs: Int
    /// Pairs per version served beside the candidate.
    public var servedVersions: [String: Int]
    /// Share of pairs in which both gave the same prediction.
    public var agreementRate: Double?
    public var candidateFigures: Side
    public var servedFigures: Side
    /// Pooled two-proportion z-test of the candidate's accuracy against the served version's.
    public var accuracyZ: Double?
    public var accuracyPValue: Double?
    /// Welch's t-test of the candidate's latencies against the served version's.
    public var latencyPValue: Double?
    /// Two-sample KS of the candidate's scores against the served version's (scipy `ks_2samp`).
    public var scoreKSStatistic: Double?
    public var scoreKSPValue: Double?
    public var scoreKSMethod: KSMethod?
    public var deviceClasses: [DeviceClassRow]
    public var outcome: GateOutcome
    /// One line per criterion: what was compared and how it came out.
    public var findings: [String]
}
