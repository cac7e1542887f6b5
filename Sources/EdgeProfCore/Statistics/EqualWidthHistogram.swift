import Foundation

/// A histogram of equal-width bins, exactly as `numpy.histogram(values, bins="sqrt")` computes it:
/// the same bin count (⌈range / (range / √n)⌉), the same edges (`numpy.linspace`), the same
/// bin of every value (the last bin closed, edge rounding corrected as numpy corrects it).
public struct EqualWidthHistogram: Sendable, Hashable {
    /// `counts.count + 1` edges, first to last.
    public var edges: [Double]
    public var counts: [Int]

    /// nil for no finite value (non-finite values are left out).
    public init?(sqrtRuleOf values: [Double]) {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return nil }
        var first = low
        var last = high
        if first == last {
            first -= 0.5
            last += 0.5
        }
        let width = (high - low) / Double(finite.count).squareRoot()
        let bins = width > 0 ? Int(((last - first) / width).rounded(.up)) : 1
        self.init(finite, first: first, last: last, bins: max(bins, 1))
    }

    /// `bins` equal bins from `first` to `last` (values outside are left out, as numpy does).
    public init(_ values: [Double], first: Double, last: Double, bins: Int) {
        let bins = max(bins, 1)
        let step = (last - first) / Double(bins)
        var edges = (0...bins).map { step == 0 ? Double($0) / Double(bins) * (last - first) + first : Double($0) * step + first }
        edges[bins] = last
        var counts = [Int](repeating: 0, count: bins)
        let span = last - first
        for value in values where value >= first && value <= last {
            let scaled = (value - first) / span * Double(bins)
            var index = scaled.isFinite ? min(Int(scaled), bins) : 0
            if index == bins { index -= 1 }
            if value < edges[index] { index -= 1 }
            if index + 1 <= bins, value >= edges[index + 1], index != bins - 1 { index += 1 }
            counts[index] += 1
        }
        self.edges = edges
        self.counts = counts
    }
}
