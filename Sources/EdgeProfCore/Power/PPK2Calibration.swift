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
    // Five stored ranges rather than an array: no bounds check on the hot path.
    private let range0, range1, range2, range3, range4: RangeCoefficients
    private var rollingAverage = 0.0
    private var rollingAverage4 = 0.0
    private var hasAverage = false
    private var previousRange = -1
    private var afterSpike = 0
    private var consecutiveRangeSample = 0

    public init(metadata: PPK2Metadata, vddMillivolts: Double) {
        self.metadata = metadata
        self.vddMillivolts = vddMillivolts
        func coefficients(_ range: Int) -> RangeCoefficients {
            RangeCoefficients(
                offset: metadata.o[range], scale: adcMultiplierOver(metadata.r[range]), gainSlope: metadata.gs[range],
                gainIntercept: metadata.gi[range], vddTerm: metadata.s[range] * (vddMillivolts / 1000) + metadata.i[range],
                userGain: metadata.ug[range])
        }
        range0 = coefficients(0)
        range1 = coefficients(1)
        range2 = coefficients(2)
        range3 = coefficients(3)
        range4 = coefficients(4)
    }

    /// The unsmoothed current in amperes for `adc` (already ×4) in `range`; NaN for a range
    /// the PPK2 does not have (5–7), as Nordic's app gives.
    @inline(__always)
    public func amperes(adc: Double, range: Int) -> Double {
        let c: RangeCoefficients
        switch range {
        case 0: c = range0
        case 1: c = range1
        case 2: c = range2
        case 3: c = range3
        case 4: c = range4
        default: return .nan
        }
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
        if hasAverage {
            rollingAverage = Self.spikeAlpha * value + (1 - Self.spikeAlpha) * rollingAverage
            rollingAverage4 = Self.spikeAlphaRange4 * value + (1 - Self.spikeAlphaRange4) * rollingAverage4
        } else {
            rollingAverage = value
            rollingAverage4 = value
            hasAverage = true
        }
        if previousRange < 0 { previousRange = range }
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
                value = rollingAverage4
            } else {
                value = rollingAverage
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
