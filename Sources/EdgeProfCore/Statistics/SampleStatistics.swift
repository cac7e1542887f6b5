/// Summary of one latency series in milliseconds: count, mean, extremes and the reported
/// percentiles (numpy `linear` unless `method` says otherwise).
public struct SampleStatistics: Sendable, Codable, Hashable {
    public var count: Int
    public var mean: Double
    public var min: Double
    public var max: Double
    public var p50: Double
    public var p90: Double
    public var p95: Double
    public var p99: Double
    public var method: PercentileMethod

    /// nil for an empty sample.
    public init?(_ values: [Double], method: PercentileMethod = .linear) {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        count = sorted.count
        mean = Self.mean(values)
        min = sorted[0]
        max = sorted[sorted.count - 1]
        guard let p50 = Percentile.of(sorted: sorted, 50, method: method), let p90 = Percentile.of(sorted: sorted, 90, method: method),
              let p95 = Percentile.of(sorted: sorted, 95, method: method), let p99 = Percentile.of(sorted: sorted, 99, method: method)
        else { return nil }
        (self.p50, self.p90, self.p95, self.p99) = (p50, p90, p95, p99)
        self.method = method
    }

    /// numpy's pairwise summation in the samples' original order, so `np.mean` agrees to the last digit.
    static func mean(_ values: [Double]) -> Double {
        values.withUnsafeBufferPointer { pairwiseSum($0) } / Double(values.count)
    }

    private static func pairwiseSum(_ values: UnsafeBufferPointer<Double>) -> Double {
        if values.count < 8 {
            return values.reduce(0, +)
        }
        if values.count <= 128 {
            var partial = [Double](values[0..<8])
            var index = 8
            while index + 8 <= values.count {
                for lane in 0..<8 { partial[lane] += values[index + lane] }
                index += 8
            }
            var sum = ((partial[0] + partial[1]) + (partial[2] + partial[3])) + ((partial[4] + partial[5]) + (partial[6] + partial[7]))
            while index < values.count {
                sum += values[index]
                index += 1
            }
            return sum
        }
        var half = values.count / 2
        half -= half % 8
        return pairwiseSum(UnsafeBufferPointer(rebasing: values[0..<half]))
            + pairwiseSum(UnsafeBufferPointer(rebasing: values[half...]))
    }
}
