/// Turns token rows read in (run, iteration, index) order into each iteration's gaps between
/// consecutive tokens, as both stores read them for inter-token latency. Ticks out of order (a
/// damaged database) count as a zero gap, never a trap.
public struct TokenGapAccumulator: Sendable {
    /// Gaps by run id, then iteration index.
    public private(set) var gaps: [Int64: [Int64: [UInt64]]] = [:]
    private var current: (run: Int64, iteration: Int64, previous: UInt64)?
    private var series: [UInt64] = []

    public init() {}

    public mutating func add(run: Int64, iteration: Int64, ticks: UInt64) {
        if let last = current, last.run == run, last.iteration == iteration {
            series.append(ticks >= last.previous ? ticks - last.previous : 0)
        } else {
            flush()
        }
        current = (run, iteration, ticks)
    }

    /// Every iteration's gaps, once the last row is added.
    public mutating func finished() -> [Int64: [Int64: [UInt64]]] {
        flush()
        current = nil
        return gaps
    }

    private mutating func flush() {
        if let last = current { gaps[last.run, default: [:]][last.iteration] = series }
        series = []
    }
}
