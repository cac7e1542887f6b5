/// Converts raw PPK2 samples to amperes exactly as Nordic's pc-nrfconnect-ppk does, including
/// its smoothing of the samples just after a range change (a rolling average, α = 0.18, and
/// α = 0.06 in range 4, over the next 3 samples). Stateful, pure, allocation-free.
public struct PPK2Calibration: Sendable {
    public static let adcMultiplier = 1.8 / 163_840
    public static let spikeAlpha = 0.18
    public static let spikeAlphaRange4 = 0.06
    public static let spikeSamples = 3

    public let metadata: PPK2Metadata
    public let vddMillivolts: Double
    /// The formula's constants, one entry per value of the 3-bit range field.
    let ranges: PPK2RangeTable
    /// The smoothing's state, advanced sample by sample.
    var smoothing = PPK2Smoothing()

    public init(metadata: PPK2Metadata, vddMillivolts: Double) {
        self.metadata = metadata
        self.vddMillivolts = vddMillivolts
        ranges = PPK2RangeTable(metadata: metadata, vddMillivolts: vddMillivolts)
    }

    /// The unsmoothed current in amperes for `adc` (already ×4) in `range`; NaN for a range
    /// the PPK2 does not have (5–7), as Nordic's app gives.
    @inline(__always)
    public func amperes(adc: Double, range: Int) -> Double {
        guard (0..<PPK2RangeTable.count).contains(range) else { return .nan }
        return ranges.amperes(adc: adc, range: range)
    }

    /// The current Nordic's app reports for one sample, in amperes.
    @inline(__always)
    public mutating func current(of sample: PPK2Sample) -> Double {
        smoothing.smooth(ranges.amperes(adc: Double(sample.adc * 4), range: sample.range), range: min(sample.range, 5))
    }
}

/// Nordic's formula constants for each value of a sample's 3-bit range field, computed once in
/// the same operation order as Nordic's formula. Ranges 5–7 (which the PPK2 does not have)
/// hold NaN, so every sample takes the same arithmetic and an invalid one comes out NaN.
struct PPK2RangeTable: Sendable {
    static let count = 8

    struct Coefficients: Sendable {
        var offset: Double
        var scale: Double
        var gainSlope: Double
        var gainIntercept: Double
        var vddTerm: Double
        var userGain: Double

        static let invalid = Coefficients(offset: .nan, scale: .nan, gainSlope: .nan, gainIntercept: .nan, vddTerm: .nan, userGain: .nan)
    }

    private let table: [Coefficients]

    init(metadata: PPK2Metadata, vddMillivolts: Double) {
        table = (0..<Self.count).map { range in
            guard range < 5 else { return .invalid }
            return Coefficients(
                offset: metadata.o[range], scale: PPK2Calibration.adcMultiplier / metadata.r[range], gainSlope: metadata.gs[range],
                gainIntercept: metadata.gi[range], vddTerm: metadata.s[range] * (vddMillivolts / 1000) + metadata.i[range],
                userGain: metadata.ug[range])
        }
    }

    /// `range` must be 0–7, as a sample's range field always is.
    @inline(__always)
    func amperes(adc: Double, range: Int) -> Double {
        Self.amperes(adc: adc, table[range])
    }

    /// The table as a buffer for a hot loop: eight entries, so `range & 7` is always inside.
    @inline(__always)
    func withCoefficients<Result>(_ body: (UnsafeBufferPointer<Coefficients>) -> Result) -> Result {
        table.withUnsafeBufferPointer(body)
    }

    @inline(__always)
    static func amperes(adc: Double, _ c: Coefficients) -> Double {
        let withoutGain = (adc - c.offset) * c.scale
        return c.userGain * (withoutGain * (c.gainSlope * withoutGain + c.gainIntercept) + c.vddTerm)
    }
}

/// Nordic's smoothing after a range change: plain scalars, so a hot loop keeps them in registers.
struct PPK2Smoothing: Sendable {
    private var rollingAverage = 0.0
    private var rollingAverage4 = 0.0
    private var hasAverage = false
    private var previousRange = -1
    private var afterSpike = 0
    private var consecutiveRangeSample = 0

    /// The reported current for `value` (unsmoothed amperes) in `range` (0–5, 5 for any invalid range).
    @inline(__always)
    mutating func smooth(_ value: Double, range: Int) -> Double {
        var value = value
        let previousAverage = rollingAverage
        let previousAverage4 = rollingAverage4
        if hasAverage {
            rollingAverage = PPK2Calibration.spikeAlpha * value + (1 - PPK2Calibration.spikeAlpha) * rollingAverage
            rollingAverage4 = PPK2Calibration.spikeAlphaRange4 * value + (1 - PPK2Calibration.spikeAlphaRange4) * rollingAverage4
        } else {
            rollingAverage = value
            rollingAverage4 = value
            hasAverage = true
            previousRange = range
        }
        if previousRange != range || afterSpike > 0 {
            if previousRange != range {
                consecutiveRangeSample = 0
                afterSpike = PPK2Calibration.spikeSamples
            } else {
                consecutiveRangeSample &+= 1
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
            afterSpike &-= 1
        }
        previousRange = range
        return value
    }
}
