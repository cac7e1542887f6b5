@testable import EdgeProfCore
import EdgeProfSim
import Foundation
import Testing

/// The run page's histogram is numpy's: `numpy.histogram(values, bins="sqrt")` (numpy 2.4.6)
/// gave every expected count and edge below, bit for bit.
struct EqualWidthHistogramTests {
    @Test func tenValues() throws {
        let histogram = try #require(EqualWidthHistogram(sqrtRuleOf: (1...10).map(Double.init)))
        #expect(histogram.counts == [3, 2, 2, 3])
        #expect(histogram.edges == [1.0, 3.25, 5.5, 7.75, 10.0])
    }

    @Test func equalValuesGetOneBinAUnitWide() throws {
        let histogram = try #require(EqualWidthHistogram(sqrtRuleOf: [5, 5, 5]))
        #expect(histogram.counts == [3] && histogram.edges == [4.5, 5.5])
        let single = try #require(EqualWidthHistogram(sqrtRuleOf: [42]))
        #expect(single.counts == [1] && single.edges == [41.5, 42.5])
    }

    @Test func valuesOnEdgesLandInTheBinNumpyPutsThemIn() throws {
        let histogram = try #require(EqualWidthHistogram(sqrtRuleOf: [0.1, 0.2, 0.30000000000000004, 0.3, 0.7, 1.0]))
        #expect(histogram.counts == [4, 0, 2])
        #expect(histogram.edges == [0.1, 0.4, 0.7, 1.0])
    }

    @Test func aThousandLatencies() throws {
        let values = (0..<1000).map { (i: Int) -> Double in
            let spread: Double = Double((i * 7919) % 1000) / 997.0
            let wobble: Double = Double(i % 7) * 0.013
            return 30.0 + spread + wobble
        }
        let histogram = try #require(EqualWidthHistogram(sqrtRuleOf: values))
        #expect(histogram.counts == [
            12, 21, 31, 32, 35, 34, 33, 34, 33, 34, 34, 33, 33, 35, 33, 33, 34, 33, 33, 35, 33, 33, 34, 34, 33, 33, 35, 33, 33, 32, 21, 11,
        ])
        #expect(histogram.edges.count == 33)
        #expect(histogram.edges[0] == 30.0 && histogram.edges[1] == 30.033750188064193 && histogram.edges[32] == 31.080006018054164)
        #expect(histogram.counts.reduce(0, +) == values.count)
    }

    @Test func nothingFiniteIsNoHistogramAndNonFiniteValuesAreLeftOut() throws {
        #expect(EqualWidthHistogram(sqrtRuleOf: []) == nil)
        #expect(EqualWidthHistogram(sqrtRuleOf: [.nan, .infinity]) == nil)
        let histogram = try #require(EqualWidthHistogram(sqrtRuleOf: [1, .nan, 2, -.infinity, 3, 4]))
        #expect(histogram.counts.reduce(0, +) == 4)
    }

    @Test func everyValueIsCountedOnceWhateverTheSpread() throws {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<200 {
            let count = Int(generator.next() % 500) + 1
            let scale = Double(generator.next() % 1_000_000) / 7 + 1e-9
            let values = (0..<count).map { _ in Double(generator.next() % 100_000) / 100_000 * scale - scale / 3 }
            let histogram = try #require(EqualWidthHistogram(sqrtRuleOf: values))
            #expect(histogram.counts.reduce(0, +) == count)
            #expect(histogram.edges.count == histogram.counts.count + 1)
            #expect(zip(histogram.edges, histogram.edges.dropFirst()).allSatisfy { $0 < $1 })
        }
    }
}
