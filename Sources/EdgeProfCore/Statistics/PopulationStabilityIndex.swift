import Foundation

/// Which PSI convention a figure follows (statistics.md).
public enum PSIConvention: String, Sendable, Codable, CaseIterable {
    /// Production monitoring: reference deciles frozen as bins, zeros → 1e-4, Σ (cur − ref)·ln(cur/ref).
    case standard = "default"
    /// Evidently 0.7.x: Sturges bins over the pooled range, per-side ε, Σ (ref − cur)·ln(ref/cur).
    case evidently
}

/// PSI's reading of a value: the bands of the default convention.
public enum PSIBand: String, Sendable, Codable {
    case stable
    case moderate
    case significant

    public init(_ value: Double) {
        self = value < 0.1 ? .stable : value < 0.2 ? .moderate : .significant
    }
}

/// One bin of a PSI computation, with the proportions after zero replacement.
public struct PSIBin: Sendable, Codable, Equatable {
    public var label: String
    public var referenceShare: Double
    public var currentShare: Double
}

/// A PSI figure with the bins it came from.
public struct PSIResult: Sendable, Codable, Equatable {
    public var value: Double
    public var convention: PSIConvention
    public var bins: [PSIBin]
}

/// The Population Stability Index of a current sample against a reference, numeric or categorical.
public enum PopulationStabilityIndex {
    /// PSI of numeric samples; nil when either is empty or holds a value that is not finite (NaN,
    /// ±∞), or when their range overflows a Double (numpy refuses such a range too).
    public static func numeric(reference: [Double], current: [Double], convention: PSIConvention = .standard) -> PSIResult? {
        guard !reference.isEmpty, !current.isEmpty,
              reference.allSatisfy(\.isFinite), current.allSatisfy(\.isFinite) else { return nil }
        let pooled = reference + current
        guard let low = pooled.min(), let high = pooled.max(), (high - low).isFinite else { return nil }
        switch convention {
        case .standard:
            let edges = decileEdges(reference.sorted())
            let labels = binLabels(edges)
            let referenceShares = shares(counts: binCounts(reference, edges: edges, closedLast: false), total: reference.count)
            let currentShares = shares(counts: binCounts(current, edges: edges, closedLast: false), total: current.count)
            return standardResult(labels: labels, reference: referenceShares, current: currentShares)
        case .evidently:
            guard Set(reference).count > 20 else {
                return categorical(reference: reference.map(String.init(describing:)), current: current.map(String.init(describing:)), convention: .evidently)
            }
            let edges = sturgesEdges(reference + current)
            let interior = Array(edges.dropFirst())
            let labels = edges.indices.dropLast().map { "[\(edges[$0]), \(edges[$0 + 1])\($0 == edges.count - 2 ? "]" : ")")" }
            let referenceCounts = binCounts(reference, edges: interior, closedLast: true)
            let currentCounts = binCounts(current, edges: interior, closedLast: true)
            return evidentlyResult(
                labels: labels,
                reference: shares(counts: referenceCounts, total: reference.count),
                current: shares(counts: currentCounts, total: current.count)
            )
        }
    }

    /// PSI of categorical samples: one bin per category in reference ∪ current; nil when either is empty.
    public static func categorical(reference: [String], current: [String], convention: PSIConvention = .standard) -> PSIResult? {
        guard !reference.isEmpty, !current.isEmpty else { return nil }
        let categories = Set(reference).union(current).sorted()
        let referenceCounts = counts(reference, categories: categories)
        let currentCounts = counts(current, categories: categories)
        let referenceShares = shares(counts: referenceCounts, total: reference.count)
        let currentShares = shares(counts: currentCounts, total: current.count)
        switch convention {
        case .standard: return standardResult(labels: categories, reference: referenceShares, current: currentShares)
        case .evidently: return evidentlyResult(labels: categories, reference: referenceShares, current: currentShares)
        }
    }

    /// The unique reference quantiles at 0.1 … 0.9 (numpy `linear`).
    static func decileEdges(_ sorted: [Double]) -> [Double] {
        var edges: [Double] = []
        for decile in 1...9 {
            guard let edge = Percentile.of(sorted: sorted, Double(decile * 10)) else { continue }
            if edges.last != edge { edges.append(edge) }
        }
        return edges
    }

    /// numpy's `histogram_bin_edges(pooled, bins='sturges')`: equal widths over min…max.
    static func sturgesEdges(_ pooled: [Double]) -> [Double] {
        let low = pooled.min() ?? 0
        let high = pooled.max() ?? 0
        guard high > low else { return [low - 0.5, high + 0.5] }
        let width = (high - low) / (log2(Double(pooled.count)) + 1)
        let count = Int(((high - low) / width).rounded(.up))
        let step = (high - low) / Double(count)
        var edges = (0...count).map { Double($0) * step + low }
        edges[count] = high
        return edges
    }

    /// Counts per bin, where a value's bin is the number of `edges` at or below it; with
    /// `closedLast`, values equal to the last edge fall in the last bin (numpy.histogram).
    private static func binCounts(_ values: [Double], edges: [Double], closedLast: Bool) -> [Int] {
        let binCount = closedLast ? edges.count : edges.count + 1
        var counts = [Int](repeating: 0, count: binCount)
        for value in values {
            var low = 0
            var high = edges.count
            while low < high {
                let middle = (low + high) / 2
                if edges[middle] <= value { low = middle + 1 } else { high = middle }
            }
            counts[min(low, binCount - 1)] += 1
        }
        return counts
    }

    private static func binLabels(_ edges: [Double]) -> [String] {
        guard !edges.isEmpty else { return ["(-inf, inf)"] }
        var labels = ["(-inf, \(edges[0]))"]
        for index in 0..<(edges.count - 1) { labels.append("[\(edges[index]), \(edges[index + 1]))") }
        labels.append("[\(edges[edges.count - 1]), inf)")
        return labels
    }

    private static func counts(_ values: [String], categories: [String]) -> [Int] {
        var byCategory: [String: Int] = [:]
        for value in values { byCategory[value, default: 0] += 1 }
        return categories.map { byCategory[$0] ?? 0 }
    }

    private static func shares(counts: [Int], total: Int) -> [Double] {
        counts.map { Double($0) / Double(total) }
    }

    private static func standardResult(labels: [String], reference: [Double], current: [Double]) -> PSIResult {
        let floor = 1e-4
        let referenceShares = reference.map { $0 == 0 ? floor : $0 }
        let currentShares = current.map { $0 == 0 ? floor : $0 }
        var value = 0.0
        for index in labels.indices {
            value += (currentShares[index] - referenceShares[index]) * log(currentShares[index] / referenceShares[index])
        }
        return PSIResult(value: value, convention: .standard, bins: bins(labels, referenceShares, currentShares))
    }

    private static func evidentlyResult(labels: [String], reference: [Double], current: [Double]) -> PSIResult {
        let referenceShares = fillZeros(reference)
        let currentShares = fillZeros(current)
        var value = 0.0
        for index in labels.indices {
            value += (referenceShares[index] - currentShares[index]) * log(referenceShares[index] / currentShares[index])
        }
        return PSIResult(value: value, convention: .evidently, bins: bins(labels, referenceShares, currentShares))
    }

    /// Evidently's per-side ε: a millionth of the smallest non-zero share when that is ≤ 1e-4, else 1e-4.
    private static func fillZeros(_ shares: [Double]) -> [Double] {
        let smallest = shares.filter { $0 != 0 }.min() ?? 1
        let epsilon = smallest <= 1e-4 ? smallest / 1e6 : 1e-4
        return shares.map { $0 == 0 ? epsilon : $0 }
    }

    private static func bins(_ labels: [String], _ reference: [Double], _ current: [Double]) -> [PSIBin] {
        labels.indices.map { PSIBin(label: labels[$0], referenceShare: reference[$0], currentShare: current[$0]) }
    }
}
