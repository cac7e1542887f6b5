/// A drift statistic `drift compare` and the monitor can run.
public enum DriftMethod: String, Sendable, Codable, CaseIterable {
    /// Two-sample Kolmogorov–Smirnov (numeric samples).
    case ks
    /// Population Stability Index (numeric or categorical).
    case psi
    /// Chi-square contingency test (categorical samples).
    case chi2

    /// Whether the method applies to samples of this kind.
    public func applies(to sample: DriftSample) -> Bool {
        switch (self, sample) {
        case (.ks, .numeric), (.psi, _), (.chi2, .categorical): true
        default: false
        }
    }
}

/// The verdict of one drift statistic. Too little data is inconclusive: neither an alert nor an all-clear.
public enum DriftVerdict: String, Sendable, Codable {
    case noDrift = "no-drift"
    case drift
    case inconclusive
}
