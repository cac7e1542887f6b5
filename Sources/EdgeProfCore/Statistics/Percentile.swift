/// Percentile methods, named as numpy names them. Reports say which one they used.
public enum PercentileMethod: String, Sendable, Codable, CaseIterable {
    /// numpy's default `linear`: h = (n−1)·q, interpolated between neighbours.
    case linear
    /// numpy's `inverted_cdf` (nearest rank): the ⌈n·q⌉-th smallest value.
    case invertedCDF = "inverted_cdf"
}

/// Exact percentiles over a stored sample, matching `numpy.percentile` to the last digit.
public enum Percentile {
    /// The p-th percentile (0…100) of `sorted` (ascending); nil for an empty sample.
    /// NaN when the sample holds NaN, as numpy gives.
    public static func of(sorted: [Double], _ p: Double, method: PercentileMethod = .linear) -> Double? {
        guard !sorted.isEmpty, p >= 0, p <= 100 else { return nil }
        if sorted.contains(where: \.isNaN) { return .nan }
        let q = p / 100
        switch method {
        case .linear:
            return linear(sorted, q)
        case .invertedCDF:
            let rank = Int((Double(sorted.count) * q).rounded(.up))
            return sorted[min(max(rank, 1), sorted.count) - 1]
        }
    }

    /// Sorts, then answers several percentiles at once.
    public static func of(_ values: [Double], _ ps: [Double], method: PercentileMethod = .linear) -> [Double?] {
        let sorted = values.sorted()
        return ps.map { of(sorted: sorted, $0, method: method) }
    }

    /// numpy's `_lerp`: from the lower neighbour below a fraction of 0.5, from the upper one at or above.
    private static func linear(_ x: [Double], _ q: Double) -> Double {
        let virtualIndex = Double(x.count - 1) * q
        let lowerIndex = virtualIndex.rounded(.down)
        let gamma = virtualIndex - lowerIndex
        let lower = Int(lowerIndex)
        let upper = min(lower + 1, x.count - 1)
        let a = x[lower]
        let b = x[upper]
        let difference = b - a
        return gamma >= 0.5 ? b - difference * (1 - gamma) : a + difference * gamma
    }
}
