import Foundation

/// Two-proportion z-test with the pooled standard error (statistics.md, "A/B comparison"; as
/// statsmodels `proportions_ztest([a, b], [n_a, n_b])`): z = (p_A − p_B) / √(p(1−p)(1/n_A + 1/n_B))
/// with p the pooled rate, and the two-sided p = 2·Φ(−|z|). Both are NaN when the pooled rate is
/// 0 or 1 (both arms all failures or all successes): nothing can be told apart.
public struct TwoProportionZTest: Sendable, Codable, Hashable {
    public var successesA: Int
    public var trialsA: Int
    public var successesB: Int
    public var trialsB: Int
    public var z: Double
    public var pValue: Double

    /// nil when an arm has no trials or more successes than trials (no rate exists).
    public init?(successesA: Int, trialsA: Int, successesB: Int, trialsB: Int) {
        guard trialsA > 0, trialsB > 0, (0...trialsA).contains(successesA), (0...trialsB).contains(successesB) else { return nil }
        self.successesA = successesA
        self.trialsA = trialsA
        self.successesB = successesB
        self.trialsB = trialsB
        let rateA = Double(successesA) / Double(trialsA)
        let rateB = Double(successesB) / Double(trialsB)
        let pooled = Double(successesA + successesB) / Double(trialsA + trialsB)
        let standardError = (pooled * (1 - pooled) * (1 / Double(trialsA) + 1 / Double(trialsB))).squareRoot()
        guard standardError > 0 else {
            z = .nan
            pValue = .nan
            return
        }
        z = (rateA - rateB) / standardError
        pValue = erfc(abs(z) / 2.0.squareRoot())
    }

    public var rateA: Double { Double(successesA) / Double(trialsA) }
    public var rateB: Double { Double(successesB) / Double(trialsB) }
}
