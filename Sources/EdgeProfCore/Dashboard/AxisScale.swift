import Foundation

/// A linear axis over a data range with "nice" tick values (1, 2 or 5 × 10ⁿ apart), padded so
/// no point sits on the frame. Pure: the charts take their coordinates from here.
public struct AxisScale: Sendable, Hashable {
    public var lower: Double
    public var upper: Double
    public var ticks: [Double]

    /// A scale covering `values` (non-finite ones ignored) with about `tickCount` ticks; a
    /// single value or none gets a unit-wide range around it. `floorAtZero`: quantities that
    /// cannot be negative (counts, durations from a start) start at 0, never below it.
    public init(covering values: [Double], tickCount: Int = 5, floorAtZero: Bool = false) {
        let finite = values.filter(\.isFinite)
        var low = finite.min() ?? 0
        var high = finite.max() ?? 1
        if high - low <= abs(high) * 1e-12 {
            let pad = max(abs(high) * 0.1, 1e-9)
            low -= pad
            high += pad
        }
        let step = Self.niceStep((high - low) / Double(max(tickCount, 1)))
        lower = (low / step).rounded(.down) * step
        upper = (high / step).rounded(.up) * step
        if lower == low { lower -= step }
        if upper == high { upper += step }
        if floorAtZero, low >= 0, lower < 0 { lower = 0 }
        var ticks: [Double] = []
        var tick = lower
        while tick <= upper + step * 1e-9, ticks.count < 50 {
            ticks.append(abs(tick) < step * 1e-9 ? 0 : tick)
            tick += step
        }
        self.ticks = ticks
    }

    /// Where `value` falls between `from` (the lower end) and `to` (the upper end) in pixels.
    public func position(_ value: Double, from: Double, to: Double) -> Double {
        guard upper > lower else { return (from + to) / 2 }
        return from + (value - lower) / (upper - lower) * (to - from)
    }

    static func niceStep(_ raw: Double) -> Double {
        guard raw.isFinite, raw > 0 else { return 1 }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let fraction = raw / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * magnitude
    }
}
