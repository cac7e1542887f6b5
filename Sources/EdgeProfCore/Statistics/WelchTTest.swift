import Foundation

/// Welch's t-test (statistics.md, "A/B comparison"; scipy `ttest_ind(a, b, equal_var=False)`):
/// t = (mean_A − mean_B) / √(s²_A/n_A + s²_B/n_B) with sample variances (n − 1), the
/// Welch–Satterthwaite degrees of freedom, and the two-sided p from Student's t. With fewer than
/// two values in an arm everything is NaN; with no spread in either arm t is ±∞ (p = 0) when the
/// means differ and NaN when they do not, as scipy answers.
public struct WelchTTest: Sendable, Codable, Hashable {
    public var countA: Int
    public var countB: Int
    public var meanA: Double
    public var meanB: Double
    public var t: Double
    public var degreesOfFreedom: Double
    public var pValue: Double

    public init(_ a: [Double], _ b: [Double]) {
        countA = a.count
        countB = b.count
        meanA = Self.mean(a)
        meanB = Self.mean(b)
        guard a.count >= 2, b.count >= 2, meanA.isFinite, meanB.isFinite else {
            t = .nan
            degreesOfFreedom = .nan
            pValue = .nan
            return
        }
        let shareA = Self.variance(a, mean: meanA) / Double(a.count)
        let shareB = Self.variance(b, mean: meanB) / Double(b.count)
        let standardError = (shareA + shareB).squareRoot()
        guard standardError > 0 else {
            t = meanA == meanB ? .nan : (meanA < meanB ? -.infinity : .infinity)
            degreesOfFreedom = .nan
            pValue = meanA == meanB ? .nan : 0
            return
        }
        t = (meanA - meanB) / standardError
        degreesOfFreedom = (shareA + shareB) * (shareA + shareB)
            / (shareA * shareA / Double(a.count - 1) + shareB * shareB / Double(b.count - 1))
        pValue = StudentT.twoSidedP(t, degreesOfFreedom: degreesOfFreedom)
    }

    /// The mean by a second pass over the deviations from a first one, as numpy's is exact enough
    /// for values far from zero (1e9 + small differences).
    private static func mean(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let first = values.reduce(0, +) / Double(values.count)
        return first + values.reduce(0) { $0 + ($1 - first) } / Double(values.count)
    }

    private static func variance(_ values: [Double], mean: Double) -> Double {
        values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
    }
}
