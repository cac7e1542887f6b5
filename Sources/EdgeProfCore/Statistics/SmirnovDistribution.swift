import Foundation

/// The one-sided Smirnov statistic D⁺_n of a sample of n: `scipy.special.smirnov(n, x)`.
enum SmirnovDistribution {
    /// P(D⁺_n ≥ x) by the Birnbaum–Tingey sum
    /// x · Σ_{j=0}^{⌊n(1−x)⌋} C(n, j) (1 − x − j/n)^{n−j} (x + j/n)^{j−1},
    /// whose terms are all positive; summed in log space so large n neither overflows nor cancels.
    static func survival(_ x: Double, n: Int) -> Double {
        guard n > 0, !x.isNaN else { return .nan }
        if x <= 0 { return 1 }
        if x >= 1 { return 0 }
        let nd = Double(n)
        let nx = nd * x
        let last = min(Int((nd - nx).rounded(.down)), n)
        guard last >= 0 else { return 0 }
        let logNFactorial = logGamma(nd + 1)
        var logTerms: [Double] = []
        logTerms.reserveCapacity(last + 1)
        for j in 0...last {
            let jd = Double(j)
            let below = (nd - jd - nx) / nd
            let above = (nx + jd) / nd
            if below <= 0, n - j > 0 { continue }
            let logBinomial = logNFactorial - logGamma(jd + 1) - logGamma(nd - jd + 1)
            let logBelow = n - j == 0 ? 0 : (nd - jd) * log(below)
            logTerms.append(logBinomial + logBelow + (jd - 1) * log(above))
        }
        guard let largest = logTerms.max() else { return 0 }
        let sum = logTerms.reduce(0.0) { $0 + exp($1 - largest) }
        return min(max(x * exp(largest) * sum, 0), 1)
    }
}
