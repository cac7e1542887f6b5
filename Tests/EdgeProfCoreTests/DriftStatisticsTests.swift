@testable import EdgeProfCore
import Foundation
import Testing

/// KS, kstwo, smirnov and chi-square agree with scipy 1.17; PSI with Evidently 0.7.14 and with a
/// numpy transcription of statistics.md's default convention (Fixtures/generate_drift.py).
@Suite struct DriftStatisticsTests {
    /// A sample as the generator describes it: literal values or a seeded SplitMix64 draw.
    struct SampleSpec: Decodable {
        var kind: String
        var values: [Double]?
        var seed: UInt64?
        var count: Int?
        var mean: Double?
        var sd: Double?
        var low: Double?
        var high: Double?
        var scale: Double?

        func draw() -> [Double] {
            if kind == "literal" { return values ?? [] }
            var state = seed ?? 0
            func uniform() -> Double {
                state &+= 0x9E37_79B9_7F4A_7C15
                var z = state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                z ^= z >> 31
                return Double(z >> 11) * 0x1p-53
            }
            return (0..<(count ?? 0)).map { _ in
                switch kind {
                case "normal":
                    var sum = 0.0
                    for _ in 0..<12 { sum += uniform() }
                    return mean! + sd! * (sum - 6.0)
                case "uniform":
                    return low! + uniform() * (high! - low!)
                case "integers":
                    return low! + (uniform() * (high! - low!)).rounded(.down)
                default:
                    let u1 = uniform()
                    let u2 = uniform()
                    return low! + scale! * u1 * u2
                }
            }
        }
    }

    struct KSCase: Decodable {
        var name: String
        var a: SampleSpec
        var b: SampleSpec
        var statistic: Double
        var p: Double
        var method: String
    }

    struct DistributionPoint: Decodable {
        var n: Int
        var x: Double
        var sf: Double
    }

    struct ChiSquareCase: Decodable {
        var name: String
        var categories: [String]
        var reference: [Double]
        var current: [Double]
        var statistic: Double
        var p: Double
        var dof: Int
    }

    struct PSICase: Decodable {
        var name: String
        var reference: SampleSpec
        var current: SampleSpec
        var `default`: Double
        var evidently: Double
    }

    struct CategoricalPSICase: Decodable {
        var name: String
        var reference: [String]
        var current: [String]
        var `default`: Double
        var evidently: Double
    }

    struct Fixture: Decodable {
        var ks: [KSCase]
        var kstwo: [DistributionPoint]
        var smirnov: [DistributionPoint]
        var chi2: [ChiSquareCase]
        var psi: [PSICase]
        var psi_categorical: [CategoricalPSICase]
    }

    static let fixture: Fixture = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/drift.json")
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    static func close(_ actual: Double, _ expected: Double, relative: Double, absolute: Double = 1e-300) -> Bool {
        if expected.isNaN { return actual.isNaN }
        return abs(actual - expected) <= max(absolute, relative * abs(expected))
    }

    @Test(arguments: fixture.ks.map(\.name))
    func ksMatchesScipy(name: String) throws {
        let c = try #require(Self.fixture.ks.first { $0.name == name })
        let result = try #require(KolmogorovSmirnovTest.twoSample(c.a.draw(), c.b.draw()))
        #expect(result.method.rawValue == c.method)
        #expect(Self.close(result.statistic, c.statistic, relative: 1e-9, absolute: 1e-12), "D \(result.statistic) vs \(c.statistic)")
        let tolerance = c.method == "exact" ? 1e-8 : 1e-6
        #expect(Self.close(result.pValue, c.p, relative: tolerance), "p \(result.pValue) vs \(c.p)")
    }

    @Test func kstwoSurvivalMatchesScipyInEveryRegion() {
        for point in Self.fixture.kstwo {
            let value = KolmogorovDistribution.survival(point.x, n: point.n)
            #expect(Self.close(value, point.sf, relative: 1e-6), "kstwo.sf(\(point.x), \(point.n)) = \(value), scipy \(point.sf)")
        }
    }

    @Test func smirnovSurvivalMatchesScipy() {
        for point in Self.fixture.smirnov {
            let value = SmirnovDistribution.survival(point.x, n: point.n)
            #expect(Self.close(value, point.sf, relative: 1e-6), "smirnov(\(point.n), \(point.x)) = \(value), scipy \(point.sf)")
        }
    }

    @Test(arguments: fixture.chi2.map(\.name))
    func chiSquareMatchesScipy(name: String) throws {
        let c = try #require(Self.fixture.chi2.first { $0.name == name })
        let result = try #require(ChiSquareTest.contingency(categories: c.categories, reference: c.reference, current: c.current))
        #expect(result.degreesOfFreedom == c.dof)
        #expect(result.yatesCorrected == (c.dof == 1))
        #expect(Self.close(result.statistic, c.statistic, relative: 1e-9, absolute: 1e-12), "χ² \(result.statistic) vs \(c.statistic)")
        #expect(Self.close(result.pValue, c.p, relative: 1e-6), "p \(result.pValue) vs \(c.p)")
    }

    @Test func chiSquareNamesTheDroppedCategory() throws {
        let result = try #require(ChiSquareTest.contingency(categories: ["a", "b", "c"], reference: [3, 0, 4], current: [5, 0, 1]))
        #expect(result.droppedCategories == ["b"])
        #expect(ChiSquareTest.contingency(categories: ["a"], reference: [0], current: [4]) == nil)
    }

    @Test(arguments: fixture.psi.map(\.name))
    func numericPSIMatchesBothConventions(name: String) throws {
        let c = try #require(Self.fixture.psi.first { $0.name == name })
        let reference = c.reference.draw()
        let current = c.current.draw()
        let standard = try #require(PopulationStabilityIndex.numeric(reference: reference, current: current))
        let evidently = try #require(PopulationStabilityIndex.numeric(reference: reference, current: current, convention: .evidently))
        #expect(Self.close(standard.value, c.default, relative: 1e-9, absolute: 1e-12), "default \(standard.value) vs \(c.default)")
        #expect(Self.close(evidently.value, c.evidently, relative: 1e-9, absolute: 1e-12), "evidently \(evidently.value) vs \(c.evidently)")
    }

    @Test(arguments: fixture.psi_categorical.map(\.name))
    func categoricalPSIMatchesBothConventions(name: String) throws {
        let c = try #require(Self.fixture.psi_categorical.first { $0.name == name })
        let standard = try #require(PopulationStabilityIndex.categorical(reference: c.reference, current: c.current))
        let evidently = try #require(PopulationStabilityIndex.categorical(reference: c.reference, current: c.current, convention: .evidently))
        #expect(Self.close(standard.value, c.default, relative: 1e-9, absolute: 1e-12))
        #expect(Self.close(evidently.value, c.evidently, relative: 1e-9, absolute: 1e-12))
    }

    @Test func psiBandsFollowStatisticsMd() {
        #expect(PSIBand(0.0999) == .stable)
        #expect(PSIBand(0.1) == .moderate)
        #expect(PSIBand(0.1999) == .moderate)
        #expect(PSIBand(0.2) == .significant)
    }

    @Test func ksIsSymmetricAndHandlesEdgeInputs() throws {
        let a = (0..<37).map { Double($0 % 11) * 0.7 }
        let b = (0..<53).map { Double($0 % 13) * 0.6 + 0.2 }
        let forward = try #require(KolmogorovSmirnovTest.twoSample(a, b))
        let backward = try #require(KolmogorovSmirnovTest.twoSample(b, a))
        #expect(forward == backward)
        #expect(KolmogorovSmirnovTest.twoSample([], [1]) == nil)
        let nan = try #require(KolmogorovSmirnovTest.twoSample([1, .nan], [2]))
        #expect(nan.statistic.isNaN && nan.pValue.isNaN)
    }

    @Test func tooFewValuesIsInconclusiveNeverAnAllClear() throws {
        let findings = try DriftComparison.compare(
            reference: .numeric([1, 2, 3]), current: .numeric([10, 20, 30]), methods: [],
            settings: DriftSettings(minimumSamples: 5)
        )
        #expect(findings.map(\.method) == [.ks, .psi])
        #expect(findings.allSatisfy { $0.verdict == .inconclusive })
        #expect(findings[0].reason == "3 values on the smaller side; at least 5 are needed to decide")
    }

    @Test func methodsThatDoNotApplyAreRefusedWithTheFix() {
        #expect(throws: DriftComparisonError.methodNotApplicable(.chi2, kind: "numeric")) {
            try DriftComparison.compare(reference: .numeric([1]), current: .numeric([2]), methods: [.chi2])
        }
        #expect(throws: DriftComparisonError.kindMismatch(reference: "numeric", current: "categorical")) {
            try DriftComparison.compare(reference: .numeric([1]), current: .categorical(["a"]), methods: [])
        }
        #expect(DriftComparisonError.methodNotApplicable(.ks, kind: "categorical").description
            == "ks does not apply to categorical values; use chi2 or psi")
    }

    @Test func fuzzedSamplesNeverTrapAndStayInRange() {
        var state: UInt64 = 7
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
        for _ in 0..<300 {
            let a = (0..<(1 + Int(next() % 60))).map { _ in Double(next() % 9) }
            let b = (0..<(1 + Int(next() % 60))).map { _ in Double(next() % 9) + Double(next() % 3) * 0.5 }
            if let ks = KolmogorovSmirnovTest.twoSample(a, b) {
                #expect(ks.statistic >= 0 && ks.statistic <= 1)
                #expect(ks.pValue >= 0 && ks.pValue <= 1)
            }
            for convention in PSIConvention.allCases {
                let psi = PopulationStabilityIndex.numeric(reference: a, current: b, convention: convention)
                #expect(psi.map { $0.value >= 0 && $0.value.isFinite } == true)
            }
        }
    }
}
