/// The outcome of a chi-square test of two count rows.
public struct ChiSquareResult: Sendable, Codable, Equatable {
    public var statistic: Double
    public var pValue: Double
    public var degreesOfFreedom: Int
    /// Whether Yates' continuity correction was applied (dof = 1 only).
    public var yatesCorrected: Bool
    /// Categories that were zero in both rows and dropped before the test, as statistics.md says.
    public var droppedCategories: [String]

    public init(statistic: Double, pValue: Double, degreesOfFreedom: Int, yatesCorrected: Bool, droppedCategories: [String]) {
        self.statistic = statistic
        self.pValue = pValue
        self.degreesOfFreedom = degreesOfFreedom
        self.yatesCorrected = yatesCorrected
        self.droppedCategories = droppedCategories
    }
}

/// `scipy.stats.chi2_contingency(table, correction=True)` on the 2×k table of reference and
/// current counts, as statistics.md binds it.
public enum ChiSquareTest {
    /// The test over `categories` (in order) with their counts on each side; nil when a row has no
    /// observations at all (scipy raises: nothing to compare).
    public static func contingency(categories: [String], reference: [Double], current: [Double]) -> ChiSquareResult? {
        precondition(categories.count == reference.count && categories.count == current.count)
        var kept: [(Double, Double)] = []
        var dropped: [String] = []
        for index in categories.indices {
            if reference[index] == 0, current[index] == 0 {
                dropped.append(categories[index])
            } else {
                kept.append((reference[index], current[index]))
            }
        }
        let referenceTotal = kept.reduce(0.0) { $0 + $1.0 }
        let currentTotal = kept.reduce(0.0) { $0 + $1.1 }
        guard referenceTotal > 0, currentTotal > 0 else { return nil }
        let dof = kept.count - 1
        guard dof > 0 else {
            return ChiSquareResult(statistic: 0, pValue: 1, degreesOfFreedom: 0, yatesCorrected: false, droppedCategories: dropped)
        }
        let total = referenceTotal + currentTotal
        let corrected = dof == 1
        var statistic = 0.0
        for (referenceCount, currentCount) in kept {
            let columnTotal = referenceCount + currentCount
            for (observed, rowTotal) in [(referenceCount, referenceTotal), (currentCount, currentTotal)] {
                let expected = rowTotal * columnTotal / total
                var adjusted = observed
                if corrected {
                    let difference = expected - observed
                    let magnitude = min(0.5, abs(difference))
                    adjusted = observed + (difference > 0 ? magnitude : difference < 0 ? -magnitude : 0)
                }
                let deviation = adjusted - expected
                statistic += deviation * deviation / expected
            }
        }
        let p = IncompleteGamma.upperRegularized(Double(dof) / 2, statistic / 2)
        return ChiSquareResult(statistic: statistic, pValue: p, degreesOfFreedom: dof, yatesCorrected: corrected, droppedCategories: dropped)
    }
}
