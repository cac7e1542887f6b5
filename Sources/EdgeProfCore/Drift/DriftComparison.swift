/// The thresholds a drift comparison decides with.
public struct DriftSettings: Sendable, Codable, Equatable {
    /// KS and chi-square: drift when p < alpha.
    public var alpha: Double
    /// Fewer values than this on either side is inconclusive.
    public var minimumSamples: Int
    /// Which PSI convention to compute.
    public var psiConvention: PSIConvention

    public init(alpha: Double = 0.05, minimumSamples: Int = 20, psiConvention: PSIConvention = .standard) {
        self.alpha = alpha
        self.minimumSamples = minimumSamples
        self.psiConvention = psiConvention
    }

    /// PSI at or above this is drift: 0.2 (significant) by default, 0.1 for Evidently's convention.
    public var psiThreshold: Double { psiConvention == .evidently ? 0.1 : 0.2 }
}

/// One statistic's figure and verdict.
public struct DriftFinding: Sendable, Codable, Equatable {
    public var method: DriftMethod
    public var statistic: Double?
    public var pValue: Double?
    /// How the figure was computed: "exact"/"asymp" (KS), "default"/"evidently" (PSI), "yates" (chi²).
    public var detail: String
    public var verdict: DriftVerdict
    /// Why the verdict is what it is, in words.
    public var reason: String
    public var ks: KSTestResult?
    public var psi: PSIResult?
    public var chiSquare: ChiSquareResult?
}

/// Errors in asking for a comparison that cannot be made.
public enum DriftComparisonError: Error, Equatable, CustomStringConvertible {
    case kindMismatch(reference: String, current: String)
    case methodNotApplicable(DriftMethod, kind: String)

    public var description: String {
        switch self {
        case .kindMismatch(let reference, let current):
            "the reference is \(reference) but the current sample is \(current); compare like with like"
        case .methodNotApplicable(let method, let kind):
            "\(method.rawValue) does not apply to \(kind) values; use "
                + (kind == "numeric" ? "ks or psi" : "chi2 or psi")
        }
    }
}

/// Runs drift statistics on a reference and a current sample and decides each.
public enum DriftComparison {
    /// The findings of `methods` (all applicable ones when empty), in the order given.
    public static func compare(
        reference: DriftSample, current: DriftSample, methods: [DriftMethod], settings: DriftSettings = DriftSettings()
    ) throws(DriftComparisonError) -> [DriftFinding] {
        guard reference.kind == current.kind else {
            throw .kindMismatch(reference: reference.kind, current: current.kind)
        }
        let chosen = methods.isEmpty ? DriftMethod.allCases.filter { $0.applies(to: reference) } : methods
        for method in chosen where !method.applies(to: reference) {
            throw .methodNotApplicable(method, kind: reference.kind)
        }
        return chosen.map { finding($0, reference, current, settings) }
    }

    private static func finding(_ method: DriftMethod, _ reference: DriftSample, _ current: DriftSample, _ settings: DriftSettings) -> DriftFinding {
        let smaller = min(reference.count, current.count)
        if smaller < settings.minimumSamples {
            return DriftFinding(
                method: method, statistic: nil, pValue: nil, detail: "", verdict: .inconclusive,
                reason: "\(smaller) values on the smaller side; at least \(settings.minimumSamples) are needed to decide"
            )
        }
        switch (method, reference, current) {
        case (.ks, .numeric(let a), .numeric(let b)):
            return ksFinding(KolmogorovSmirnovTest.twoSample(a, b), settings)
        case (.psi, .numeric(let a), .numeric(let b)):
            return psiFinding(PopulationStabilityIndex.numeric(reference: a, current: b, convention: settings.psiConvention), settings)
        case (.psi, .categorical(let a), .categorical(let b)):
            return psiFinding(PopulationStabilityIndex.categorical(reference: a, current: b, convention: settings.psiConvention), settings)
        case (.chi2, .categorical(let a), .categorical(let b)):
            return chiSquareFinding(a, b, settings)
        default:
            return DriftFinding(method: method, statistic: nil, pValue: nil, detail: "", verdict: .inconclusive, reason: "not applicable")
        }
    }

    private static func ksFinding(_ result: KSTestResult?, _ settings: DriftSettings) -> DriftFinding {
        guard let result, !result.pValue.isNaN else {
            return DriftFinding(method: .ks, statistic: nil, pValue: nil, detail: "", verdict: .inconclusive,
                                reason: "a sample holds NaN or is empty")
        }
        let drift = result.pValue < settings.alpha
        return DriftFinding(
            method: .ks, statistic: result.statistic, pValue: result.pValue, detail: result.method.rawValue,
            verdict: drift ? .drift : .noDrift,
            reason: "p \(drift ? "<" : "≥") \(settings.alpha)", ks: result
        )
    }

    private static func psiFinding(_ result: PSIResult?, _ settings: DriftSettings) -> DriftFinding {
        guard let result, !result.value.isNaN else {
            return DriftFinding(method: .psi, statistic: nil, pValue: nil, detail: settings.psiConvention.rawValue,
                                verdict: .inconclusive, reason: "a sample is empty or holds a value that is not finite (NaN, ±inf), or their range overflows")
        }
        let drift = result.value >= settings.psiThreshold
        let band = settings.psiConvention == .standard ? " (\(PSIBand(result.value).rawValue))" : ""
        return DriftFinding(
            method: .psi, statistic: result.value, pValue: nil, detail: result.convention.rawValue,
            verdict: drift ? .drift : .noDrift,
            reason: "PSI \(drift ? "≥" : "<") \(settings.psiThreshold)\(band)", psi: result
        )
    }

    private static func chiSquareFinding(_ reference: [String], _ current: [String], _ settings: DriftSettings) -> DriftFinding {
        let categories = Set(reference).union(current).sorted()
        var referenceCounts: [String: Double] = [:]
        var currentCounts: [String: Double] = [:]
        for value in reference { referenceCounts[value, default: 0] += 1 }
        for value in current { currentCounts[value, default: 0] += 1 }
        guard let result = ChiSquareTest.contingency(
            categories: categories,
            reference: categories.map { referenceCounts[$0] ?? 0 },
            current: categories.map { currentCounts[$0] ?? 0 }
        ) else {
            return DriftFinding(method: .chi2, statistic: nil, pValue: nil, detail: "", verdict: .inconclusive, reason: "a sample is empty")
        }
        let drift = result.pValue < settings.alpha
        return DriftFinding(
            method: .chi2, statistic: result.statistic, pValue: result.pValue,
            detail: result.yatesCorrected ? "yates" : "dof \(result.degreesOfFreedom)",
            verdict: drift ? .drift : .noDrift,
            reason: "p \(drift ? "<" : "≥") \(settings.alpha)", chiSquare: result
        )
    }
}
