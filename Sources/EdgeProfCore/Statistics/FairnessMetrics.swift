/// Group fairness of binary predictions, following fairlearn 0.15 (`MetricFrame` and
/// `fairlearn.metrics`) exactly: weighted rates per group, a rate whose denominator is zero is 0,
/// differences are max − min, ratios min / max (0/0 is NaN).
public struct FairnessMetrics: Sendable, Hashable {
    /// Rates of one group (or of everyone).
    public struct Rates: Sendable, Hashable, Codable {
        public var selectionRate: Double
        public var truePositiveRate: Double
        public var falsePositiveRate: Double
        /// Weighted count of samples.
        public var weight: Double
    }

    public var groups: [String: Rates]
    public var overall: Rates

    /// `weights` nil means every sample weighs 1. All arrays have the same length; labels and
    /// predictions are 0 or 1.
    public init(labels: [Int], predictions: [Int], groups: [String], weights: [Double]? = nil) {
        var sums: [String: Sums] = [:]
        var all = Sums()
        for index in labels.indices {
            let weight = weights?[index] ?? 1
            sums[groups[index], default: Sums()].add(label: labels[index], prediction: predictions[index], weight: weight)
            all.add(label: labels[index], prediction: predictions[index], weight: weight)
        }
        self.groups = sums.mapValues(\.rates)
        overall = all.rates
    }

    public var demographicParityDifference: Double { Self.difference(groups.values.map(\.selectionRate)) }
    public var demographicParityRatio: Double { Self.ratio(groups.values.map(\.selectionRate)) }

    public var equalizedOddsDifference: Double {
        max(Self.difference(groups.values.map(\.truePositiveRate)), Self.difference(groups.values.map(\.falsePositiveRate)))
    }

    /// Python's `min(tpr_ratio, fpr_ratio)`: NaN when the first is NaN, the first when only the second is.
    public var equalizedOddsRatio: Double {
        Self.pythonMin(Self.ratio(groups.values.map(\.truePositiveRate)), Self.ratio(groups.values.map(\.falsePositiveRate)))
    }

    /// `method='to_overall'`: the largest distance of a group's selection rate from everyone's.
    public var demographicParityDifferenceToOverall: Double {
        Self.differenceToOverall(groups.values.map(\.selectionRate), overall.selectionRate)
    }

    public var demographicParityRatioToOverall: Double {
        Self.ratioToOverall(groups.values.map(\.selectionRate), overall.selectionRate)
    }

    public var equalizedOddsDifferenceToOverall: Double {
        max(
            Self.differenceToOverall(groups.values.map(\.truePositiveRate), overall.truePositiveRate),
            Self.differenceToOverall(groups.values.map(\.falsePositiveRate), overall.falsePositiveRate))
    }

    public var equalizedOddsRatioToOverall: Double {
        Self.pythonMin(
            Self.ratioToOverall(groups.values.map(\.truePositiveRate), overall.truePositiveRate),
            Self.ratioToOverall(groups.values.map(\.falsePositiveRate), overall.falsePositiveRate))
    }

    static func difference(_ values: [Double]) -> Double {
        guard let high = values.max(), let low = values.min() else { return .nan }
        return high - low
    }

    static func ratio(_ values: [Double]) -> Double {
        guard let high = values.max(), let low = values.min() else { return .nan }
        return low / high
    }

    static func differenceToOverall(_ values: [Double], _ overall: Double) -> Double {
        values.map { abs($0 - overall) }.max() ?? .nan
    }

    /// pandas semantics: group/overall, inverted above 1, NaN skipped by `min` (all NaN → NaN).
    static func ratioToOverall(_ values: [Double], _ overall: Double) -> Double {
        let ratios = values.map { value -> Double in
            let ratio = value / overall
            return ratio <= 1 ? ratio : 1 / ratio
        }.filter { !$0.isNaN }
        return ratios.min() ?? .nan
    }

    static func pythonMin(_ first: Double, _ second: Double) -> Double {
        second < first ? second : first
    }

    private struct Sums {
        var weight = 0.0
        var selected = 0.0
        var positives = 0.0
        var truePositives = 0.0
        var negatives = 0.0
        var falsePositives = 0.0

        mutating func add(label: Int, prediction: Int, weight: Double) {
            self.weight += weight
            if prediction == 1 { selected += weight }
            if label == 1 {
                positives += weight
                if prediction == 1 { truePositives += weight }
            } else {
                negatives += weight
                if prediction == 1 { falsePositives += weight }
            }
        }

        var rates: Rates {
            Rates(
                selectionRate: Self.rate(selected, weight), truePositiveRate: Self.rate(truePositives, positives),
                falsePositiveRate: Self.rate(falsePositives, negatives), weight: weight)
        }

        static func rate(_ numerator: Double, _ denominator: Double) -> Double {
            denominator == 0 ? 0 : numerator / denominator
        }
    }
}
