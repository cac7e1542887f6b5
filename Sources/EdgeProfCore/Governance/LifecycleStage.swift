/// Where a model version is in its life. The main path is Development → Validation → Staging
/// (shadow) → Canary → Production; a serving version then moves between Production, Monitoring,
/// Degraded and Retraining until a successor replaces it (Deprecated) or it is rolled back
/// (Rollback). Failed and Retired end a version's life. docs/governance.md draws the graph.
public enum LifecycleStage: String, Sendable, Codable, CaseIterable, Hashable, Comparable {
    case development
    case validation
    case staging
    case canary
    case production
    case monitoring
    case degraded
    case retraining
    case rollback
    case deprecated
    case retired
    case failed

    /// The moves a `promote --to` may request from this stage. Moves that only happen as a
    /// consequence of another act (a successor reaching production deprecates the serving
    /// version; `rollback` moves it to Rollback and restores a deprecated one) are not listed.
    public var allowedNext: [LifecycleStage] {
        switch self {
        case .development: [.validation, .failed, .retired]
        case .validation: [.staging, .canary, .failed, .retired]
        case .staging: [.canary, .failed, .retired]
        case .canary: [.production, .failed, .retired]
        case .production: [.monitoring, .degraded, .retraining, .retired]
        case .monitoring: [.degraded, .retraining, .retired]
        case .degraded: [.monitoring, .retraining, .retired]
        case .retraining: [.monitoring, .degraded, .retired]
        case .rollback: [.retired]
        case .deprecated: [.retired]
        case .failed: [.retired]
        case .retired: []
        }
    }

    /// The version answers production traffic in this stage (one per model at a time).
    public var isServing: Bool {
        switch self {
        case .production, .monitoring, .degraded, .retraining: true
        default: false
        }
    }

    /// Before production: approvals may be given and the version may fail.
    public var isPreProduction: Bool {
        switch self {
        case .development, .validation, .staging, .canary: true
        default: false
        }
    }

    public static func < (lhs: LifecycleStage, rhs: LifecycleStage) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}
