import EdgeProfCore
import Foundation
import Testing

/// Percentiles and means agree with numpy to the last digit (Fixtures/generate_percentiles.py).
@Suite struct StatisticsTests {
    struct Reference: Decodable {
        struct Case: Decodable {
            var values: [Double]
            var mean: Double
            var linear: [Double]
            var inverted_cdf: [Double]
        }
        var percentiles: [Double]
        var cases: [Case]
    }

    static let reference: Reference = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/percentiles.json")
        return try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }()

    @Test func linearPercentilesEqualNumpyExactly() {
        for sample in Self.reference.cases {
            let got = Percentile.of(sample.values, Self.reference.percentiles, method: .linear)
            for (index, p) in Self.reference.percentiles.enumerated() {
                #expect(got[index] == sample.linear[index], "p\(p) of \(sample.values.count) values")
            }
        }
    }

    @Test func invertedCDFPercentilesEqualNumpyExactly() {
        for sample in Self.reference.cases {
            let got = Percentile.of(sample.values, Self.reference.percentiles, method: .invertedCDF)
            for (index, p) in Self.reference.percentiles.enumerated() {
                #expect(got[index] == sample.inverted_cdf[index], "p\(p) of \(sample.values.count) values")
            }
        }
    }

    @Test func meansEqualNumpyExactly() throws {
        for sample in Self.reference.cases {
            let stats = try #require(SampleStatistics(sample.values))
            #expect(stats.mean == sample.mean, "mean of \(sample.values.count) values")
        }
    }

    @Test func edgeCases() {
        #expect(Percentile.of(sorted: [], 50) == nil)
        #expect(Percentile.of(sorted: [1, 2], 101) == nil)
        #expect(Percentile.of(sorted: [1, .nan], 50)?.isNaN == true)
        #expect(SampleStatistics([]) == nil)
    }
}
