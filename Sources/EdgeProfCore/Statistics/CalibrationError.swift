/// Expected and maximum calibration error of positive-class probabilities, as
/// statistics.md defines them: 10 equal-width bins, bin = min(⌊10·p⌋, 9),
/// ECE = Σ over non-empty bins (n_b / N) · |mean(y) − mean(p)|, MCE = the largest bin gap.
public struct CalibrationError: Sendable, Hashable, Codable {
    public var expected: Double
    public var maximum: Double
    public var samples: Int

    /// nil when there are no samples.
    public init?(labels: [Int], probabilities: [Double], bins: Int = 10) {
        guard !labels.isEmpty, labels.count == probabilities.count, bins > 0 else { return nil }
        var count = [Int](repeating: 0, count: bins)
        var labelSum = [Double](repeating: 0, count: bins)
        var probabilitySum = [Double](repeating: 0, count: bins)
        for (label, probability) in zip(labels, probabilities) {
            let bin = min(Int((Double(bins) * probability).rounded(.down)), bins - 1)
            count[bin] += 1
            labelSum[bin] += Double(label)
            probabilitySum[bin] += probability
        }
        var expected = 0.0
        var maximum = 0.0
        for bin in 0..<bins where count[bin] > 0 {
            let n = Double(count[bin])
            let gap = abs(labelSum[bin] / n - probabilitySum[bin] / n)
            expected += n / Double(labels.count) * gap
            maximum = max(maximum, gap)
        }
        self.expected = expected
        self.maximum = maximum
        samples = labels.count
    }
}
