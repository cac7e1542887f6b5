import Foundation

/// Which null distribution a two-sample KS p-value came from, named as scipy names it.
public enum KSMethod: String, Sendable, Codable, Equatable {
    /// The exact two-sample distribution (D rounded to h / lcm(n_a, n_b)).
    case exact
    /// `scipy.stats.kstwo.sf(D, round(n_a·n_b / (n_a + n_b)))`.
    case asymptotic = "asymp"
}

/// The outcome of a two-sided two-sample Kolmogorov–Smirnov test.
public struct KSTestResult: Sendable, Codable, Equatable {
    /// D = max |F_a − F_b| (rounded to h / lcm in exact mode, as scipy reports it).
    public var statistic: Double
    public var pValue: Double
    public var method: KSMethod

    public init(statistic: Double, pValue: Double, method: KSMethod) {
        self.statistic = statistic
        self.pValue = pValue
        self.method = method
    }
}

/// `scipy.stats.ks_2samp(a, b, alternative='two-sided', method='auto')`, as statistics.md binds it.
public enum KolmogorovSmirnovTest {
    /// `auto` is exact while the larger sample has at most this many values.
    public static let exactLimit = 10_000

    /// The test of `a` against `b`; nil when either sample is empty. NaN in either gives NaN, as scipy does.
    public static func twoSample(_ a: [Double], _ b: [Double]) -> KSTestResult? {
        guard !a.isEmpty, !b.isEmpty else { return nil }
        let method: KSMethod = max(a.count, b.count) <= exactLimit ? .exact : .asymptotic
        if a.contains(where: \.isNaN) || b.contains(where: \.isNaN) {
            return KSTestResult(statistic: .nan, pValue: .nan, method: method)
        }
        let d = statistic(sortedA: a.sorted(), sortedB: b.sorted())
        if method == .exact, let exact = exactTest(d: d, n1: a.count, n2: b.count) {
            return exact
        }
        let larger = Double(max(a.count, b.count))
        let smaller = Double(min(a.count, b.count))
        let effectiveN = (larger * smaller / (larger + smaller)).rounded(.toNearestOrEven)
        let p = KolmogorovDistribution.survival(d, n: Int(effectiveN))
        return KSTestResult(statistic: d, pValue: min(max(p, 0), 1), method: .asymptotic)
    }

    /// D over the pooled sample with right-continuous empirical CDFs (ties step together).
    static func statistic(sortedA a: [Double], sortedB b: [Double]) -> Double {
        let n1 = Double(a.count)
        let n2 = Double(b.count)
        var i = 0
        var j = 0
        var maxDiff = 0.0
        var minDiff = 0.0
        while i < a.count || j < b.count {
            let value = j >= b.count || (i < a.count && a[i] <= b[j]) ? a[i] : b[j]
            while i < a.count, a[i] <= value { i += 1 }
            while j < b.count, b[j] <= value { j += 1 }
            let diff = Double(i) / n1 - Double(j) / n2
            maxDiff = max(maxDiff, diff)
            minDiff = min(minDiff, diff)
        }
        let minS = min(max(-minDiff, 0), 1)
        return minS > maxDiff ? minS : maxDiff
    }

    /// The exact p-value, or nil when it cannot be computed (scipy then falls back to asymp).
    private static func exactTest(d: Double, n1: Int, n2: Int) -> KSTestResult? {
        let g = greatestCommonDivisor(n1, n2)
        let lcm = (n1 / g) * n2
        let h = Int((d * Double(lcm)).rounded(.toNearestOrEven))
        let rounded = Double(h) / Double(lcm)
        if h == 0 { return KSTestResult(statistic: rounded, pValue: 1, method: .exact) }
        let p = n1 == n2
            ? ExactSmirnovDistribution.outsideSquare(n: n1, h: h)
            : ExactSmirnovDistribution.outsideBand(n1, n2, gcd: g, h: h)
        guard p >= 0, p <= 1 else { return nil }
        return KSTestResult(statistic: rounded, pValue: p, method: .exact)
    }

    private static func greatestCommonDivisor(_ a: Int, _ b: Int) -> Int {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }
}
