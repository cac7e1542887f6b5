/// Converts raw PPK2 samples to amperes exactly as Nordic's pc-nrfconnect-ppk does, including
/// its smoothing of the samples just after a range change (a rolling average, α = 0.18, and
/// α = 0.06 in range 4, over the next 3 samples). Stateful, pure, allocation-free.
public struct PPK2Calibration: Sendable {
    public static let adcMultiplier = 1.8 / 163_840
    public static let spikeAlpha = 0.18
    public static let spikeAlphaRange4 = 0.06
    public static let spikeSamples = 3

    /// Per-range constants, computed once in the same operation order as Nordic's formula.
    struct RangeCoefficients: Sendable {
        var offset: Double
        var scale: Double
        var gainSlope: Double
        var gainIntercept: Double
        var vddTerm: Double
        var userGain: Double
    }

    public let metadata: PPK2Metadata
    public let vddMillivolts: Double
    private let coefficients: [RangeCoefficients]
    private var rollingAverage: Double?
    private var rollingAverage4: Double?
    private var previousRange: Int?
    private var afterSpike = 0
    private var consecutiveRangeSample = 0

    public init(metadata: PPK2Metadata, vddMillivolts: Double) {
        self.metadata = metadata
        self.vddMillivolts = vddMillivolts
        coefficients = (0..<5).map { range in
            RangeCoefficients(
                offset: metadata.o[range], scale: adcMultiplierOver(metadata.r[range]), gainSlope: metadata.gs[range],
                gainIntercept: metadata.gi[range], vddTerm: metadata.s[range] * (vddMillivolts / 1000) + metadata.i[range],
                userGain: metadata.ug[range])
        }
    }

    /// Forgets the smoothing state (Nordic resets it when averaging starts).
    public mutating func reset() {
        rollingAverage = nil
        rollingAverage4 = nil
        previousRange = nil
        afterSpike = 0
        consecutiveRangeSample = 0
    }

    /// The unsmoothed current in amperes for `adc` (already ×4) in `range`; NaN for a range
    /// the PPK2 does not have (5–7), as Nordic's app gives.
    @inline(__always)
    public func amperes(adc: Double, range: Int) -> Double {
        guard range < 5 else { return .nan }
        let c = coefficients[range]
        let withoutGain = (adc - c.offset) * c.scale
        return c.userGain * (withoutGain * (c.gainSlope * withoutGain + c.gainIntercept) + c.vddTerm)
    }

    /// The current Nordic's app reports for one sample, in amperes.
    @inline(__always)
    public mutating func current(of sample: PPK2Sample) -> Double {
        let range = min(sample.range, 5)
        var value = amperes(adc: Double(sample.adc * 4), range: range)
        let previousAverage = rollingAverage
        let previousAverage4 = rollingAverage4
        rollingAverage = rollingAverage.map { Self.spikeAlpha * value + (1 - Self.spikeAlpha) * $0 } ?? value
        rollingAverage4 = rollingAverage4.map { Self.spikeAlphaRange4 * value + (1 - Self.spikeAlphaRange4) * $0 } ?? value
        if previousRange == nil { previousRange = range }
        if previousRange != range || afterSpike > 0 {
            if previousRange != range {
                consecutiveRangeSample = 0
                afterSpike = Self.spikeSamples
            } else {
                consecutiveRangeSample += 1
            }
            if range == 4 {
                if consecutiveRangeSample < 2 {
                    rollingAverage4 = previousAverage4
                    rollingAverage = previousAverage
                }
                value = rollingAverage4 ?? value
            } else {
                value = rollingAverage ?? value
            }
            afterSpike -= 1
        }
        previousRange = range
        return value
    }
}

@inline(__always)
private func adcMultiplierOver(_ resistor: Double) -> Double {
    PPK2Calibration.adcMultiplier / resistor
}
