/// A check the collector runs on every new run of a (model version × device).
public enum MonitorRule: String, Sendable, Codable, CaseIterable, Hashable {
    /// KS of the run's per-iteration latencies against the baseline runs'.
    case latencyDriftKS = "latency-drift-ks"
    /// PSI of the same.
    case latencyDriftPSI = "latency-drift-psi"
    case energyDriftKS = "energy-drift-ks"
    case energyDriftPSI = "energy-drift-psi"
    /// The run's p95 outside mean ± k·σ of the baseline runs' p95.
    case latencyBand = "latency-band"
    /// The run's energy per inference outside mean ± k·σ of the baseline runs'.
    case energyBand = "energy-band"
    /// p95 above a fixed limit for N consecutive runs.
    case p95Above = "p95-above"
    /// p95 at least a multiple of the baseline's median p95.
    case latencyRatio = "latency-ratio"
    /// Energy per inference up by a fraction over the baseline's mean.
    case energyIncrease = "energy-increase"
    /// Share of runs that ended early (partial) in the last runs.
    case errorRate = "error-rate"
    /// A version stayed in a lifecycle stage longer than the governance policy allows (raised
    /// by the registry's sweep, not by a run: its key names the stage, not a device).
    case stageDuration = "stage-duration"
    /// The drift checks on production telemetry (`DriftKind`), raised by the drift scheduler for
    /// a version on a device class (its key names the class, not a device).
    case dataDrift = "data-drift"
    case conceptDrift = "concept-drift"
    case labelDrift = "label-drift"
    case predictionDrift = "prediction-drift"
    case fairnessDrift = "fairness-drift"
    case calibrationDrift = "calibration-drift"
    /// A version's accuracy on a device class over an ISO week is below the policy's floor
    /// (`DriftKind.accuracyFloor`; 0.80 by default).
    case accuracyFloor = "accuracy-floor"
    /// It stayed below the floor for the policy's number of consecutive weeks (3 by default):
    /// the collector proposes the version's retirement (004 §6.2), as an incident for the ML lead.
    case retirementProposal = "retirement-proposal"
    /// An A/B test's B wins and its next move waits for people (approvals, gates, or a policy
    /// that has the system propose): raised by the A/B watcher, its key names the test.
    case promotionProposal = "promotion-proposal"
    /// A version's accuracy on a device class over a UTC day below the documents' warning (0.90,
    /// medium) or critical (0.85, critical) level (issue 15 §2; `OnlineChecks`).
    case onlineAccuracy = "online-accuracy"
    /// Its latency over a UTC day above p95 100 ms or p99 200 ms, or its p95 twice its reference's.
    case onlineLatency = "online-latency"
    /// A bench place whose agent stopped reporting it for three of its declared rounds (issue 19).
    case placeSilent = "place-silent"
    /// A bench place whose last round failed: its board or monitor missing, silent or unusable.
    case placeUnhealthy = "place-unhealthy"
    /// Devices that serve a version on a device class stopped answering: no run, report or
    /// inference for the policy's `outage-after-minutes`, from at least its `outage-share` of them
    /// (`ServingOutage`). Opens the outage playbook's incident; its key names the class.
    case servingOutage = "serving-outage"

    /// The rules that say a version's behaviour drifted from its baseline: an open alert of one
    /// moves a monitored version to degraded.
    public static let drift: Set<MonitorRule> = [
        .latencyDriftKS, .latencyDriftPSI, .energyDriftKS, .energyDriftPSI, .dataDrift, .conceptDrift, .labelDrift, .predictionDrift, .fairnessDrift,
        .calibrationDrift,
    ]

    /// Whether an open critical alert of this rule counts toward the policy's automatic rollback.
    /// Devices that went quiet, a lab's bench and the registry's own process say nothing about
    /// how a version behaves: rolling it back would not bring them back.
    public var countsTowardRollback: Bool {
        switch self {
        case .servingOutage, .placeSilent, .placeUnhealthy, .stageDuration, .promotionProposal: false
        default: true
        }
    }

    /// The severity an alert of this rule carries unless configured otherwise.
    public var defaultSeverity: AlertSeverity {
        switch self {
        case .latencyRatio, .p95Above, .fairnessDrift, .servingOutage: .critical
        case .latencyDriftKS, .latencyBand, .errorRate, .conceptDrift, .accuracyFloor, .retirementProposal, .onlineLatency, .placeSilent: .high
        case .onlineAccuracy: .medium
        case .latencyDriftPSI, .energyDriftKS, .energyBand, .energyIncrease, .stageDuration, .dataDrift, .labelDrift, .predictionDrift, .calibrationDrift,
             .placeUnhealthy: .medium
        case .energyDriftPSI, .promotionProposal: .low
        }
    }
}

/// How urgent an alert is.
public enum AlertSeverity: String, Sendable, Codable, CaseIterable, Hashable, Comparable {
    case critical, high, medium, low

    private var rank: Int {
        switch self {
        case .critical: 0
        case .high: 1
        case .medium: 2
        case .low: 3
        }
    }

    public static func < (lhs: AlertSeverity, rhs: AlertSeverity) -> Bool { lhs.rank < rhs.rank }
}
