@testable import EdgeProfCore
import EdgeProfSim
import Foundation
import Testing

/// Issue 15 §3: the collector reads an A/B verdict every sweep and acts on it, so the verdict is
/// group-sequential (`ABLook`). Measured here on simulated tests read again and again as samples
/// arrive: two equal versions end in a verdict at most α of the time however often they are read
/// (7 of 200; a plain α per reading ends 79 of them in one), and a real gain is still found (a
/// 5-point accuracy gain by 400 samples an arm in half the tests).
@Suite struct ABSequentialVerdictTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let a = ModelReference(name: "kws", version: SemanticVersion(major: 1, minor: 0, patch: 0))
    static let b = ModelReference(name: "kws", version: SemanticVersion(major: 1, minor: 1, patch: 0))
    static let test = ABTest(
        id: 1, model: "kws", a: a, b: b, split: 0.5, unit: .request, minimumSamples: 200, maximumHours: 24, startedBy: "bo", startedAt: start, reason: "x")

    /// `count` requests per arm, alternating arms: A right 90 % of the time, B `1 − errorB`;
    /// both about 20 ms.
    static func observations(_ count: Int, errorB: Double, seed: UInt64) -> [InferenceObservation] {
        var random = SplitMix64(seed: seed)
        return (0..<(2 * count)).map { index in
            let onB = index % 2 == 1
            let right = random.nextUnit() >= (onB ? errorB : 0.1)
            return InferenceObservation(
                version: onB ? b.version : a.version, arm: onB ? .b : .a, deviceClass: "m4", prediction: "x", label: right ? "x" : "y",
                latencyMs: 20 * exp(0.1 * random.nextGaussian()), energyMillijoules: nil, at: start.addingTimeInterval(Double(index)))
        }
    }

    @Test func looksDoubleAndSpendAlphaSoItsSumStaysBelowIt() throws {
        #expect(ABLook.latest(available: 199, minimum: 200, alpha: 0.05, metrics: 2) == nil)
        #expect(ABLook.latest(available: 200, minimum: 200, alpha: 0.05, metrics: 2) == ABLook(index: 0, samples: 200, alpha: 0.0125))
        #expect(ABLook.latest(available: 399, minimum: 200, alpha: 0.05, metrics: 2) == ABLook(index: 0, samples: 200, alpha: 0.0125))
        #expect(ABLook.latest(available: 400, minimum: 200, alpha: 0.05, metrics: 2) == ABLook(index: 1, samples: 400, alpha: 0.00625))
        #expect(ABLook.latest(available: Int.max, minimum: 1, alpha: 0.05, metrics: 1)?.samples == 1 << 62)
        let spent = (0..<40).compactMap { ABLook.latest(available: 200 << $0, minimum: 200, alpha: 0.05, metrics: 2)?.alpha }.reduce(0, +) * 2
        #expect(spent < 0.05)
    }

    @Test func readingBetweenTwoLooksGivesTheSameVerdict() throws {
        let all = Self.observations(800, errorB: 0.1, seed: 9)
        let at400 = ABTestReport(test: Self.test, observations: Array(all.prefix(800)))
        let at799 = ABTestReport(test: Self.test, observations: Array(all.prefix(1598)))
        #expect(at400.verdict.metrics == at799.verdict.metrics, "both read look 2: the first 400 of each arm")
        let accuracy = try #require(at400.verdict.metrics.first { $0.metric == "accuracy" })
        #expect(accuracy.look == 1 && accuracy.samplesA == 400 && accuracy.alpha == 0.00625)
        let outcomes = all.prefix(800).filter { $0.arm == .a }.prefix(400).filter { $0.label == $0.prediction }.count
        let z = try #require(TwoProportionZTest(
            successesA: outcomes, trialsA: 400, successesB: all.prefix(800).filter { $0.arm == .b }.filter { $0.label == $0.prediction }.count, trialsB: 400))
        #expect(accuracy.statistic == z.z && accuracy.pValue == z.pValue, "the look's test is statsmodels' on its counts")
        #expect(accuracy.reason.hasPrefix("look 2 (the first 400 of each arm): accuracy: "))
    }

    /// Each arm's outcomes and latencies in the order they happened, as `ABTestReport` reads them.
    struct Arms {
        var outcomes: (a: [Bool], b: [Bool])
        var latencies: (a: [Double], b: [Double])

        init(_ all: [InferenceObservation]) {
            let a = all.filter { $0.arm == .a }
            let b = all.filter { $0.arm == .b }
            outcomes = (a.map { $0.label == $0.prediction }, b.map { $0.label == $0.prediction })
            latencies = (a.compactMap(\.latencyMs), b.compactMap(\.latencyMs))
        }

        /// The metrics over the first `reads` samples of each arm.
        func metrics(reads: Int) -> [ABMetric] {
            [
                .outcomes(name: "accuracy", higherIsBetter: true, a: Array(outcomes.a.prefix(reads)), b: Array(outcomes.b.prefix(reads))),
                .mean(name: "latency ms", higherIsBetter: false, a: Array(latencies.a.prefix(reads)), b: Array(latencies.b.prefix(reads))),
            ]
        }

        func verdict(reads: Int) -> ABTestVerdict {
            let metrics = metrics(reads: reads)
            return ABVerdictRules.overall(metrics.map { ABVerdictRules.judge(sequential: $0, minimumSamples: 200, alpha: 0.05, metrics: metrics.count) })
        }
    }

    /// 200 tests of two equal versions, each read 16 times (every 200 samples an arm up to 3 200),
    /// on a thread of its own (the work would hold a cooperative thread for seconds).
    @Test func equalVersionsRarelyEndInAVerdictHoweverOftenTheyAreRead() async {
        let (sequential, plain) = await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: Self.equalTestsEndingInAVerdict()) }.start()
        }
        #expect(sequential <= 10, "at most α = 5 % of 200 equal tests end in a verdict (measured: \(sequential))")
        #expect(plain >= 60, "a plain α per reading ends far more of them (measured: \(plain) of 200)")
    }

    /// How many of 200 equal tests ever end in a verdict: sequential, and with a plain α per reading.
    static func equalTestsEndingInAVerdict() -> (sequential: Int, plain: Int) {
        var sequential = 0
        var plain = 0
        for seed in 0..<200 {
            let arms = Arms(Self.observations(3200, errorB: 0.1, seed: UInt64(seed) &+ 1000))
            var endedSequential = false
            var endedPlain = false
            for reads in stride(from: 200, through: 3200, by: 200) {
                if [.bWins, .bLoses].contains(arms.verdict(reads: reads).outcome) { endedSequential = true }
                if arms.metrics(reads: reads).contains(where: { [.bBetter, .bWorse].contains(ABVerdictRules.judge($0, minimumSamples: 200).outcome) }) { endedPlain = true }
            }
            sequential += endedSequential ? 1 : 0
            plain += endedPlain ? 1 : 0
        }
        return (sequential, plain)
    }

    /// B right 95 % of the time against 90 %: found at some look in every one of 50 tests.
    @Test func aRealGainIsStillFound() {
        var found: [Int] = []
        for seed in 0..<50 {
            let arms = Arms(Self.observations(3200, errorB: 0.05, seed: UInt64(seed) &+ 5000))
            for reads in stride(from: 200, through: 3200, by: 100) {
                if arms.verdict(reads: reads).outcome == .bWins {
                    found.append(reads)
                    break
                }
            }
        }
        #expect(found.count == 50, "\(found.count) of 50 found by 3 200 samples an arm")
        let median = found.sorted()[found.count / 2]
        #expect(median <= 800, "median samples an arm before the verdict: \(median)")
    }
}
