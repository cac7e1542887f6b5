import Foundation

/// One metric of an A/B test, as its two arms measured it: a rate (accuracy, error rate — counts
/// of successes in trials) or a mean (latency, energy per inference — the samples themselves).
public enum ABMetric: Sendable, Hashable {
    case rate(name: String, higherIsBetter: Bool, successesA: Int, trialsA: Int, successesB: Int, trialsB: Int)
    case mean(name: String, higherIsBetter: Bool, a: [Double], b: [Double])
    /// A rate as each arm's outcomes in the order they happened (true: a success), so a look can
    /// take the first of them.
    case outcomes(name: String, higherIsBetter: Bool, a: [Bool], b: [Bool])

    public var name: String {
        switch self {
        case .rate(let name, _, _, _, _, _), .mean(let name, _, _, _), .outcomes(let name, _, _, _): name
        }
    }

    /// Samples in each arm.
    var counts: (a: Int, b: Int) {
        switch self {
        case .rate(_, _, _, let trialsA, _, let trialsB): (trialsA, trialsB)
        case .mean(_, _, let a, let b): (a.count, b.count)
        case .outcomes(_, _, let a, let b): (a.count, b.count)
        }
    }

    /// The metric over the first `samples` of each arm (counts cannot be cut: a rate given as
    /// counts stays whole), outcomes turned into counts.
    func first(_ samples: Int) -> ABMetric {
        switch self {
        case .rate: self
        case .mean(let name, let higherIsBetter, let a, let b): .mean(name: name, higherIsBetter: higherIsBetter, a: Array(a.prefix(samples)), b: Array(b.prefix(samples)))
        case .outcomes(let name, let higherIsBetter, let a, let b):
            .rate(
                name: name, higherIsBetter: higherIsBetter, successesA: a.prefix(samples).filter { $0 }.count, trialsA: min(samples, a.count),
                successesB: b.prefix(samples).filter { $0 }.count, trialsB: min(samples, b.count))
        }
    }
}

/// What the comparison of one metric concludes (issue 15 §3): no verdict before both arms reach
/// the minimum sample, a winner only when the difference is significant at `alpha`.
public struct ABMetricVerdict: Sendable, Codable, Hashable {
    public enum Outcome: String, Sendable, Codable, Hashable {
        /// An arm has fewer samples than the minimum: nothing is concluded yet.
        case inconclusive
        /// B is significantly better.
        case bBetter = "b-better"
        /// B is significantly worse: harmful.
        case bWorse = "b-worse"
        /// Both arms have their samples and the difference is not significant (or cannot be computed).
        case noDifference = "no-difference"
    }

    public enum Test: String, Sendable, Codable, Hashable {
        case twoProportionZ = "two-proportion-z"
        case welchT = "welch-t"
    }

    public var metric: String
    public var test: Test
    public var outcome: Outcome
    public var samplesA: Int
    public var samplesB: Int
    public var minimumSamples: Int
    /// The rate or mean of each arm.
    public var valueA: Double
    public var valueB: Double
    /// z or t, and the two-sided p; nil before the minimum sample, NaN where the test cannot tell.
    public var statistic: Double?
    public var pValue: Double?
    public var alpha: Double
    /// The group-sequential look the verdict was read at (`ABLook.index`); nil before the first.
    public var look: Int?
    public var reason: String
}

/// The verdict of a whole A/B test over its metrics.
public struct ABTestVerdict: Sendable, Codable, Hashable {
    public enum Outcome: String, Sendable, Codable, Hashable {
        /// Some metric is short of its minimum sample: no verdict, whatever the others say.
        case inconclusive
        /// B is significantly better on some metric and significantly worse on none: B wins.
        case bWins = "b-wins"
        /// B is significantly worse on some metric: it loses, and the test stops.
        case bLoses = "b-loses"
        /// Every metric has its samples and none differs significantly.
        case noDifference = "no-difference"
    }

    public var outcome: Outcome
    public var metrics: [ABMetricVerdict]
    public var reason: String
}

/// Decides A/B tests (statistics.md, "A/B comparison"). Pure.
public enum ABVerdictRules {
    /// Significance level when the policy sets none.
    public static let defaultAlpha = 0.05

    /// One metric at its look: the first `look.samples` samples of each arm at the look's α
    /// (`ABLook`), or — before the first look — inconclusive on all the samples there are. Give
    /// rates as `.outcomes`: a `.rate` of counts cannot be cut to its first samples, so a look at
    /// it would test them all (`ABTestReport` never does).
    public static func judge(sequential metric: ABMetric, minimumSamples: Int, alpha: Double, metrics: Int) -> ABMetricVerdict {
        let counts = metric.counts
        let minimum = if case .mean = metric { max(2, minimumSamples) } else { max(1, minimumSamples) }
        guard let look = ABLook.latest(available: min(counts.a, counts.b), minimum: minimum, alpha: alpha, metrics: metrics) else {
            return judge(metric, minimumSamples: minimum, alpha: alpha)
        }
        var verdict = judge(metric.first(look.samples), minimumSamples: look.samples, alpha: look.alpha)
        verdict.minimumSamples = minimum
        verdict.look = look.index
        verdict.reason = "look \(look.index + 1) (the first \(look.samples) of each arm): " + verdict.reason
        return verdict
    }

    public static func judge(_ metric: ABMetric, minimumSamples: Int, alpha: Double = defaultAlpha) -> ABMetricVerdict {
        let minimum = max(1, minimumSamples)
        switch metric {
        case .outcomes:
            let counts = metric.counts
            return judge(metric.first(max(counts.a, counts.b)), minimumSamples: minimumSamples, alpha: alpha)
        case .rate(let name, let higherIsBetter, let successesA, let trialsA, let successesB, let trialsB):
            var verdict = ABMetricVerdict(
                metric: name, test: .twoProportionZ, outcome: .inconclusive, samplesA: trialsA, samplesB: trialsB, minimumSamples: minimum,
                valueA: trialsA > 0 ? Double(successesA) / Double(trialsA) : .nan, valueB: trialsB > 0 ? Double(successesB) / Double(trialsB) : .nan,
                statistic: nil, pValue: nil, alpha: alpha, look: nil, reason: "")
            guard trialsA >= minimum, trialsB >= minimum else {
                verdict.reason = "\(name): \(trialsA) and \(trialsB) samples; no verdict before \(minimum) in each arm"
                return verdict
            }
            guard let test = TwoProportionZTest(successesA: successesA, trialsA: trialsA, successesB: successesB, trialsB: trialsB) else {
                verdict.outcome = .noDifference
                verdict.reason = "\(name): the counts are not rates (successes must be 0 to the trials)"
                return verdict
            }
            verdict.statistic = test.z
            verdict.pValue = test.pValue
            return decided(verdict, higherIsBetter: higherIsBetter)
        case .mean(let name, let higherIsBetter, let a, let b):
            let test = WelchTTest(a, b)
            var verdict = ABMetricVerdict(
                metric: name, test: .welchT, outcome: .inconclusive, samplesA: a.count, samplesB: b.count, minimumSamples: max(2, minimum),
                valueA: test.meanA, valueB: test.meanB, statistic: nil, pValue: nil, alpha: alpha, look: nil, reason: "")
            guard a.count >= verdict.minimumSamples, b.count >= verdict.minimumSamples else {
                verdict.reason = "\(name): \(a.count) and \(b.count) samples; no verdict before \(verdict.minimumSamples) in each arm"
                return verdict
            }
            verdict.statistic = test.t
            verdict.pValue = test.pValue
            return decided(verdict, higherIsBetter: higherIsBetter)
        }
    }

    /// The test's verdict: inconclusive with no metric or while any metric is; B loses on any significant harm;
    /// B wins on a significant gain and no harm; otherwise no difference.
    public static func overall(_ metrics: [ABMetricVerdict]) -> ABTestVerdict {
        if metrics.isEmpty { return ABTestVerdict(outcome: .inconclusive, metrics: [], reason: "no telemetry from either arm yet") }
        if let short = metrics.first(where: { $0.outcome == .inconclusive }) {
            return ABTestVerdict(outcome: .inconclusive, metrics: metrics, reason: short.reason)
        }
        let worse = metrics.filter { $0.outcome == .bWorse }
        if !worse.isEmpty {
            return ABTestVerdict(outcome: .bLoses, metrics: metrics, reason: "B is significantly worse: " + worse.map(\.reason).joined(separator: "; "))
        }
        let better = metrics.filter { $0.outcome == .bBetter }
        if !better.isEmpty {
            return ABTestVerdict(outcome: .bWins, metrics: metrics, reason: "B is significantly better and worse on nothing: " + better.map(\.reason).joined(separator: "; "))
        }
        return ABTestVerdict(outcome: .noDifference, metrics: metrics, reason: "no metric differs significantly")
    }

    private static func decided(_ verdict: ABMetricVerdict, higherIsBetter: Bool) -> ABMetricVerdict {
        var verdict = verdict
        let p = verdict.pValue ?? .nan
        let figures = "A \(format(verdict.valueA)), B \(format(verdict.valueB)), p = \(format(p))"
        guard p.isFinite, p < verdict.alpha else {
            verdict.outcome = .noDifference
            verdict.reason = p.isNaN
                ? "\(verdict.metric): \(figures): the arms cannot be told apart (no spread)"
                : "\(verdict.metric): \(figures), not significant at \(format(verdict.alpha))"
            return verdict
        }
        let bHigher = verdict.valueB > verdict.valueA
        verdict.outcome = bHigher == higherIsBetter ? .bBetter : .bWorse
        verdict.reason = "\(verdict.metric): \(figures) < \(format(verdict.alpha))"
        return verdict
    }

    private static func format(_ value: Double) -> String {
        value.isNaN ? "NaN" : String(format: "%.4g", value)
    }
}
