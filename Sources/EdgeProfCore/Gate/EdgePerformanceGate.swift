/// Decides whether a model version meets a device class's thresholds on the stored evidence.
/// Pure: it takes the summary of the evidence and the thresholds, and returns a verdict.
public enum EdgePerformanceGate {
    /// Any FAIL fails the gate; otherwise any INCONCLUSIVE makes it inconclusive; otherwise PASS.
    /// With fewer measured iterations than required, every criterion is INCONCLUSIVE.
    public static func evaluate(
        model: ModelReference, thresholds: DeviceClassThresholds, summary: ProfileSummary,
        runIDs: [Int64] = [], evidenceKeys: [String] = [], excluded: [String] = [], emulated: Bool = false
    ) -> GateVerdict {
        let enoughSamples = summary.measuredIterations >= thresholds.minimumIterations
        let unresolved = thresholds.catalogueLimits.map { metric in
            CriterionResult(
                criterion: GateCriterion(metric: metric, threshold: .nan), measured: metric.value(in: summary), outcome: .inconclusive,
                note: "no board of class '\(thresholds.deviceClass)' in the device catalogue gives its \(DeviceClassThresholds.catalogueMetrics[metric] ?? "size")")
        }
        let results = unresolved + thresholds.criteria.map { criterion -> CriterionResult in
            let measured = criterion.metric.value(in: summary)
            guard enoughSamples else {
                return CriterionResult(
                    criterion: criterion, measured: measured, outcome: .inconclusive,
                    note: "\(summary.measuredIterations) of \(thresholds.minimumIterations) required measured iterations")
            }
            guard let measured, measured.isFinite else {
                return CriterionResult(
                    criterion: criterion, measured: nil, outcome: .inconclusive,
                    note: "the evidence has no \(criterion.metric.title) figure")
            }
            return CriterionResult(criterion: criterion, measured: measured, outcome: criterion.isMet(by: measured) ? .pass : .fail)
        }
        let outcome: GateOutcome =
            results.contains { $0.outcome == .fail } ? .fail
            : results.contains { $0.outcome == .inconclusive } ? .inconclusive : .pass
        return GateVerdict(
            model: model, deviceClass: thresholds.deviceClass, outcome: outcome, results: results,
            measuredIterations: summary.measuredIterations, minimumIterations: thresholds.minimumIterations,
            runIDs: runIDs, evidenceKeys: evidenceKeys, excluded: excluded, emulated: emulated)
    }
}
