@testable import EdgeProfCore
import Foundation
import Testing

/// A/B statistics (statistics.md, "A/B comparison"; issue 15 §3) equal statsmodels 0.15 and
/// scipy 1.17 on the same counts and samples (Fixtures/generate_abtest.py), and the verdict gives
/// no winner before the minimum sample and none without significance.
@Suite struct ABStatisticsTests {
    struct Fixture: Decodable {
        struct Proportion: Decodable {
            var successesA: Int
            var trialsA: Int
            var successesB: Int
            var trialsB: Int
            var z: Number
            var p: Number
        }

        struct Welch: Decodable {
            var a: [Double]
            var b: [Double]
            var t: Number
            var p: Number
            var df: Number
        }

        struct StudentPoint: Decodable {
            var t: Double
            var df: Double
            var twoSided: Number
        }

        var proportions: [Proportion]
        var welch: [Welch]
        var studentT: [StudentPoint]
    }

    /// A number that the generator may have written as "NaN", "Infinity" or "-Infinity".
    struct Number: Decodable {
        var value: Double

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Double.self) {
                value = number
                return
            }
            switch try container.decode(String.self) {
            case "NaN": value = .nan
            case "Infinity": value = .infinity
            case "-Infinity": value = -.infinity
            case let other: throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a number: \(other)")
            }
        }
    }

    static let fixture: Fixture = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/abtest.json")
        guard let data = try? Data(contentsOf: url), let fixture = try? JSONDecoder().decode(Fixture.self, from: data) else {
            return Fixture(proportions: [], welch: [], studentT: [])
        }
        return fixture
    }()

    /// Equal to 1e-9 relative (or 1e-300 absolute for p-values at the bottom of the range); NaN equals NaN.
    static func agrees(_ ours: Double, _ theirs: Double) -> Bool {
        if theirs.isNaN { return ours.isNaN }
        if theirs.isInfinite { return ours == theirs }
        return abs(ours - theirs) <= max(1e-9 * abs(theirs), 1e-300)
    }

    @Test func theFixtureIsThere() {
        #expect(Self.fixture.proportions.count == 54 && Self.fixture.welch.count == 28 && Self.fixture.studentT.count == 72)
    }

    @Test func twoProportionZEqualsStatsmodels() throws {
        for row in Self.fixture.proportions {
            let test = try #require(TwoProportionZTest(successesA: row.successesA, trialsA: row.trialsA, successesB: row.successesB, trialsB: row.trialsB))
            #expect(Self.agrees(test.z, row.z.value), "z of \(row.successesA)/\(row.trialsA) vs \(row.successesB)/\(row.trialsB): \(test.z) vs \(row.z.value)")
            #expect(Self.agrees(test.pValue, row.p.value), "p of \(row.successesA)/\(row.trialsA) vs \(row.successesB)/\(row.trialsB): \(test.pValue) vs \(row.p.value)")
        }
    }

    @Test func welchEqualsScipy() {
        for (index, row) in Self.fixture.welch.enumerated() {
            let test = WelchTTest(row.a, row.b)
            #expect(Self.agrees(test.t, row.t.value), "case \(index): t \(test.t) vs \(row.t.value)")
            #expect(Self.agrees(test.pValue, row.p.value), "case \(index): p \(test.pValue) vs \(row.p.value)")
            if test.t.isFinite {
                #expect(Self.agrees(test.degreesOfFreedom, row.df.value), "case \(index): df \(test.degreesOfFreedom) vs \(row.df.value)")
            }
        }
    }

    @Test func studentTTailEqualsScipy() {
        for point in Self.fixture.studentT {
            let ours = StudentT.twoSidedP(point.t, degreesOfFreedom: point.df)
            #expect(Self.agrees(ours, point.twoSided.value), "t \(point.t), ν \(point.df): \(ours) vs \(point.twoSided.value)")
        }
    }

    @Test func theLimitsOfStudentsTAreTheNormalAndZero() {
        #expect(Self.agrees(StudentT.twoSidedP(1.959963984540054, degreesOfFreedom: .infinity), 0.05))
        #expect(StudentT.twoSidedP(1e200, degreesOfFreedom: 3) == 0 && StudentT.twoSidedP(-.infinity, degreesOfFreedom: 3) == 0)
        #expect(StudentT.twoSidedP(0, degreesOfFreedom: 5) == 1)
        #expect(StudentT.twoSidedP(1, degreesOfFreedom: 0).isNaN && StudentT.twoSidedP(.nan, degreesOfFreedom: 5).isNaN)
    }

    @Test func ratesThatAreNotRatesAreRefusedAndNothingTraps() {
        #expect(TwoProportionZTest(successesA: 1, trialsA: 0, successesB: 0, trialsB: 5) == nil)
        #expect(TwoProportionZTest(successesA: 6, trialsA: 5, successesB: 0, trialsB: 5) == nil)
        #expect(TwoProportionZTest(successesA: -1, trialsA: 5, successesB: 0, trialsB: 5) == nil)
        var random = SystemRandomNumberGenerator()
        let awkward: [Double] = [.nan, .infinity, -.infinity, 0, -0.0, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude, 1e308, -1e-308]
        for _ in 0..<2000 {
            let a = (0..<Int.random(in: 0...6, using: &random)).map { _ in Bool.random(using: &random) ? awkward.randomElement(using: &random) ?? 0 : Double.random(in: -1e6...1e6, using: &random) }
            let b = (0..<Int.random(in: 0...6, using: &random)).map { _ in Bool.random(using: &random) ? awkward.randomElement(using: &random) ?? 0 : Double.random(in: -1e6...1e6, using: &random) }
            let test = WelchTTest(a, b)
            #expect(test.pValue.isNaN || (0...1).contains(test.pValue), "\(a) vs \(b): p \(test.pValue)")
            _ = ABVerdictRules.judge(.mean(name: "latency", higherIsBetter: false, a: a, b: b), minimumSamples: Int.random(in: -5...5, using: &random))
            _ = ABVerdictRules.judge(
                .rate(name: "accuracy", higherIsBetter: true, successesA: Int.random(in: -3...10, using: &random), trialsA: Int.random(in: -3...10, using: &random),
                      successesB: Int.random(in: -3...10, using: &random), trialsB: Int.random(in: -3...10, using: &random)),
                minimumSamples: Int.random(in: -5...5, using: &random))
        }
    }

    /// B's error rate is 6 % against A's 10 %: a known effect. Drawn sequentially (seeded), the
    /// verdict is inconclusive below the minimum sample whatever the counts say, and B wins from
    /// the first check after it where the difference is significant, never A.
    @Test func aKnownEffectWinsOnlyOnceSignificantAndNeverBeforeTheMinimum() {
        var random = SplitMix(seed: 15)
        var errorsA = 0, errorsB = 0, trials = 0
        var firstWin: Int?
        let minimum = 1000
        while trials < 4000 {
            for _ in 0..<50 {
                if random.unit() < 0.10 { errorsA += 1 }
                if random.unit() < 0.06 { errorsB += 1 }
            }
            trials += 50
            let metric = ABVerdictRules.judge(
                .rate(name: "error rate", higherIsBetter: false, successesA: errorsA, trialsA: trials, successesB: errorsB, trialsB: trials), minimumSamples: minimum)
            let verdict = ABVerdictRules.overall([metric])
            if trials < minimum {
                #expect(verdict.outcome == .inconclusive && metric.pValue == nil, "\(trials) trials: \(verdict.reason)")
                continue
            }
            #expect(verdict.outcome != .bLoses, "\(trials): \(verdict.reason)")
            let significant = (metric.pValue ?? 1) < ABVerdictRules.defaultAlpha
            #expect((verdict.outcome == .bWins) == significant, "a winner exactly when significant: \(verdict.reason)")
            if significant, firstWin == nil { firstWin = trials }
        }
        #expect(firstWin != nil && (firstWin ?? 0) >= minimum, "B wins once significant, not before \(minimum): \(String(describing: firstWin))")
    }

    @Test func harmOnOneMetricLosesWhateverTheOthersGain() {
        let faster = ABVerdictRules.judge(.mean(name: "latency ms", higherIsBetter: false, a: Array(repeating: 10, count: 30) + [11, 9], b: Array(repeating: 8, count: 30) + [9, 7]), minimumSamples: 30)
        let lessAccurate = ABVerdictRules.judge(.rate(name: "accuracy", higherIsBetter: true, successesA: 950, trialsA: 1000, successesB: 900, trialsB: 1000), minimumSamples: 500)
        #expect(faster.outcome == .bBetter && lessAccurate.outcome == .bWorse)
        #expect(ABVerdictRules.overall([faster, lessAccurate]).outcome == .bLoses)
        #expect(ABVerdictRules.overall([faster]).outcome == .bWins)
        let same = ABVerdictRules.judge(.rate(name: "accuracy", higherIsBetter: true, successesA: 950, trialsA: 1000, successesB: 951, trialsB: 1000), minimumSamples: 500)
        #expect(same.outcome == .noDifference && ABVerdictRules.overall([faster, same]).outcome == .bWins)
        let short = ABVerdictRules.judge(.rate(name: "accuracy", higherIsBetter: true, successesA: 90, trialsA: 100, successesB: 50, trialsB: 100), minimumSamples: 500)
        #expect(ABVerdictRules.overall([faster, short]).outcome == .inconclusive, "no verdict while a metric is short of its minimum, even a harmful-looking one")
        let flat = ABVerdictRules.judge(.mean(name: "energy", higherIsBetter: false, a: [1, 1, 1], b: [1, 1, 1]), minimumSamples: 2)
        #expect(flat.outcome == .noDifference && flat.pValue?.isNaN == true)
    }

    /// A seeded uniform stream (the tests' own, so the sequence is the same everywhere).
    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func unit() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) * 0x1p-53
        }
    }
}
