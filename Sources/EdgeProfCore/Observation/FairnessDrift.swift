import Foundation

/// Fairness of a window's records (issue 15 §5, §6): per protected attribute and per predicted
/// class (one against the rest, so multi-class models are covered and a binary model's two
/// classes agree), the gap between the groups' selection rates (demographic parity), true-positive
/// rates and false-positive rates (equalized odds), as fairlearn computes them over the groups
/// with at least `minimumGroupSamples` records. A gap fires when it exceeds the policy's gate
/// limit and a pooled two-proportion z-test between the two groups that make it says it is not
/// noise at the policy's p-value divided by the number of gaps compared (Bonferroni), so checking
/// many attributes and classes does not multiply false alarms.
public enum FairnessDrift {
    /// One compared gap.
    public struct Gap: Sendable, Hashable {
        public enum Metric: String, Sendable, Hashable {
            case selectionRate = "selection rate"
            case truePositiveRate = "true-positive rate"
            case falsePositiveRate = "false-positive rate"
        }

        public var attribute: String
        public var predictedClass: String
        public var metric: Metric
        public var highGroup: String
        public var lowGroup: String
        public var gap: Double
        public var pValue: Double
        public var limit: Double
    }

    public static func evaluate(_ records: [DriftRecord], policy: GovernancePolicy) -> DriftOutcome {
        let gaps = self.gaps(records, minimumGroupSamples: policy.drift.minimumGroupSamples, policy: policy)
        guard let largest = gaps.max(by: { $0.gap - $0.limit < $1.gap - $1.limit }) else {
            return DriftOutcome(
                state: .inconclusive, summary: "no protected attribute has two groups of \(policy.drift.minimumGroupSamples) records",
                referenceSamples: 0, currentSamples: records.count)
        }
        let corrected = policy.drift.pValue / Double(gaps.count)
        let firing = gaps.filter { $0.gap > $0.limit && $0.pValue < corrected }.sorted { $0.gap > $1.gap }
        let decisive = firing.first ?? largest
        let summary = firing.isEmpty
            ? "every gap within its limit or within noise (largest: \(describe(largest)); \(gaps.count) gaps compared)"
            : firing.prefix(3).map(describe).joined(separator: "; ") + (firing.count > 3 ? "; and \(firing.count - 3) more" : "")
        return DriftOutcome(
            state: firing.isEmpty ? .clear : .firing, value: decisive.gap, threshold: decisive.limit, pValue: decisive.pValue, summary: summary,
            referenceSamples: 0, currentSamples: records.count)
    }

    /// Every gap that two or more groups large enough allow, in a stable order.
    public static func gaps(_ records: [DriftRecord], minimumGroupSamples: Int, policy: GovernancePolicy) -> [Gap] {
        let attributes = Set(records.flatMap(\.protected.keys)).sorted()
        let classes = Set(records.map(\.prediction) + records.compactMap(\.label)).sorted()
        var gaps: [Gap] = []
        for attribute in attributes {
            let tallies = Dictionary(grouping: records.filter { $0.protected[attribute] != nil }) { $0.protected[attribute] ?? "" }
            for predictedClass in classes {
                var selection: [String: (hits: Int, trials: Int)] = [:]
                var truePositive: [String: (hits: Int, trials: Int)] = [:]
                var falsePositive: [String: (hits: Int, trials: Int)] = [:]
                for (group, members) in tallies {
                    selection[group] = (members.filter { $0.prediction == predictedClass }.count, members.count)
                    let positives = members.filter { $0.label == predictedClass }
                    let negatives = members.filter { $0.label != nil && $0.label != predictedClass }
                    truePositive[group] = (positives.filter { $0.prediction == predictedClass }.count, positives.count)
                    falsePositive[group] = (negatives.filter { $0.prediction == predictedClass }.count, negatives.count)
                }
                for (metric, counts, limit) in [
                    (Gap.Metric.selectionRate, selection, policy.maxDemographicParityDifference),
                    (.truePositiveRate, truePositive, policy.maxEqualizedOddsDifference),
                    (.falsePositiveRate, falsePositive, policy.maxEqualizedOddsDifference),
                ] {
                    let eligible = counts.filter { $0.value.trials >= minimumGroupSamples }
                    guard eligible.count >= 2 else { continue }
                    let rate = { (group: String) in Double(eligible[group]?.hits ?? 0) / Double(eligible[group]?.trials ?? 1) }
                    let ordered = eligible.keys.sorted { rate($0) != rate($1) ? rate($0) > rate($1) : $0 < $1 }
                    guard let high = ordered.first, let low = ordered.last, let a = eligible[high], let b = eligible[low] else { continue }
                    let test = TwoProportionZTest(successesA: a.hits, trialsA: a.trials, successesB: b.hits, trialsB: b.trials)
                    let p = test.map { $0.pValue.isFinite ? $0.pValue : 1 } ?? 1
                    gaps.append(Gap(attribute: attribute, predictedClass: predictedClass, metric: metric, highGroup: high, lowGroup: low, gap: rate(high) - rate(low), pValue: p, limit: limit))
                }
            }
        }
        return gaps
    }

    static func describe(_ gap: Gap) -> String {
        "\(gap.attribute): \(gap.metric.rawValue) of \(gap.predictedClass) \(DriftChecks.format(gap.gap)) apart between \(gap.highGroup) and \(gap.lowGroup) "
            + "(limit \(DriftChecks.format(gap.limit)), p \(DriftChecks.format(gap.pValue)))"
    }
}
