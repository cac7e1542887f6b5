/// The kinds of drift the collector checks on production telemetry (issue 15 §5), each on the
/// governance documents' schedule and at their severity.
public enum DriftKind: String, Sendable, Codable, CaseIterable, Hashable {
    /// Input feature distributions shift: PSI of each feature against the reference.
    case data
    /// The relation between features and target changes: accuracy on recent labelled data drops.
    case concept
    /// The target distribution changes: PSI of the labels against the reference.
    case label
    /// The model's output distribution shifts: KS test of the scores against the reference.
    case prediction
    /// A group is treated differently: demographic parity or equalized odds gap per protected attribute.
    case fairness
    /// Scores stop meaning what they say: expected calibration error of the scores.
    case calibration
    /// Not a drift but the absolute floor behind the retirement trigger (004 §6.2): accuracy on
    /// the week's labelled records below the policy's `retirement-accuracy`.
    case accuracyFloor = "accuracy-floor"

    /// How often the documents ask for the check (003 §4.3).
    public var cadence: DriftCadence {
        switch self {
        case .data, .label, .prediction, .fairness: .daily
        case .concept, .calibration, .accuracyFloor: .weekly
        }
    }

    /// The alert rule a firing check raises.
    public var rule: MonitorRule {
        switch self {
        case .data: .dataDrift
        case .concept: .conceptDrift
        case .label: .labelDrift
        case .prediction: .predictionDrift
        case .fairness: .fairnessDrift
        case .calibration: .calibrationDrift
        case .accuracyFloor: .accuracyFloor
        }
    }

    /// How a finding names the check.
    public var title: String { self == .accuracyFloor ? "accuracy floor" : "\(rawValue) drift" }

    /// The kinds checked on one cadence.
    public static func checked(_ cadence: DriftCadence) -> [DriftKind] { allCases.filter { $0.cadence == cadence } }
}

/// How often a check runs: over each UTC day, or each ISO week (Monday 00:00 UTC onwards).
public enum DriftCadence: String, Sendable, Codable, CaseIterable, Hashable {
    case daily, weekly

    public var seconds: Double {
        switch self {
        case .daily: 86_400
        case .weekly: 7 * 86_400
        }
    }
}
