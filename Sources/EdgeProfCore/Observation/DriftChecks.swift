import Foundation

/// The drift checks themselves (issue 15 §5): a window's records against the reference period's,
/// under the policy's thresholds. Pure; every figure comes from the statistics statistics.md binds
/// to scipy, numpy and fairlearn. A check with too few records says so (inconclusive) instead of
/// guessing; a change fires only when it is both as large as the documents say and unlikely to be
/// noise, so an unchanged class stays quiet.
public enum DriftChecks {
    public static func evaluate(_ kind: DriftKind, reference: [DriftRecord], current: [DriftRecord], policy: GovernancePolicy) -> DriftOutcome {
        switch kind {
        case .data: data(reference: reference, current: current, policy.drift)
        case .concept: concept(reference: reference, current: current, policy.drift)
        case .label: label(reference: reference, current: current, policy.drift)
        case .prediction: prediction(reference: reference, current: current, policy.drift)
        case .fairness: FairnessDrift.evaluate(current, policy: policy)
        case .calibration: calibration(current, maximum: policy.maxExpectedCalibrationError, policy.drift)
        case .accuracyFloor: accuracyFloor(current, policy.drift)
        }
    }

    /// PSI (default convention: reference deciles) of every feature with enough values on both sides.
    static func data(reference: [DriftRecord], current: [DriftRecord], _ policy: DriftPolicy) -> DriftOutcome {
        let names = Set(reference.flatMap(\.features.keys)).sorted()
        var scored: [(name: String, psi: Double)] = []
        for name in names {
            let before = reference.compactMap { $0.features[name] }.filter(\.isFinite)
            let now = current.compactMap { $0.features[name] }.filter(\.isFinite)
            guard before.count >= policy.minimumSamples, now.count >= policy.minimumSamples,
                  let psi = PopulationStabilityIndex.numeric(reference: before, current: now)?.value, psi.isFinite else { continue }
            scored.append((name, psi))
        }
        let samples = (reference.count, current.count)
        guard let worst = scored.max(by: { $0.psi < $1.psi }) else {
            return DriftOutcome(
                state: .inconclusive, summary: "no feature has \(policy.minimumSamples) values in both the reference and the window",
                referenceSamples: samples.0, currentSamples: samples.1)
        }
        let over = scored.filter { $0.psi > policy.dataDriftPSI }.sorted { $0.psi > $1.psi }
        let summary = over.isEmpty
            ? "every feature within PSI \(format(policy.dataDriftPSI)) (largest: \(worst.name) \(format(worst.psi)), \(scored.count) features)"
            : "PSI above \(format(policy.dataDriftPSI)): " + over.map { "\($0.name) \(format($0.psi))" }.joined(separator: ", ")
        return DriftOutcome(
            state: over.isEmpty ? .clear : .firing, value: worst.psi, threshold: policy.dataDriftPSI, summary: summary, referenceSamples: samples.0,
            currentSamples: samples.1)
    }

    /// Accuracy on labelled records: a relative drop beyond the policy's, confirmed by a pooled
    /// two-proportion z-test (two-sided) against the reference.
    static func concept(reference: [DriftRecord], current: [DriftRecord], _ policy: DriftPolicy) -> DriftOutcome {
        let before = reference.filter { $0.label != nil }
        let now = current.filter { $0.label != nil }
        guard before.count >= policy.minimumSamples, now.count >= policy.minimumSamples else {
            return DriftOutcome(
                state: .inconclusive, summary: "\(now.count) labelled records in the window and \(before.count) in the reference; \(policy.minimumSamples) needed",
                referenceSamples: before.count, currentSamples: now.count)
        }
        let correctBefore = before.filter { $0.label == $0.prediction }.count
        let correctNow = now.filter { $0.label == $0.prediction }.count
        let accuracyBefore = Double(correctBefore) / Double(before.count)
        let accuracyNow = Double(correctNow) / Double(now.count)
        guard accuracyBefore > 0, let test = TwoProportionZTest(successesA: correctNow, trialsA: now.count, successesB: correctBefore, trialsB: before.count) else {
            return DriftOutcome(state: .inconclusive, summary: "the reference has no correct prediction to compare with", referenceSamples: before.count, currentSamples: now.count)
        }
        let drop = (accuracyBefore - accuracyNow) / accuracyBefore
        let significant = test.pValue.isFinite && test.pValue < policy.pValue
        let firing = drop > policy.accuracyDrop && significant
        let summary = "accuracy \(format(accuracyNow)) against \(format(accuracyBefore)) in the reference: "
            + (drop > 0 ? "\(format(drop * 100))% lower" : "not lower") + " (limit \(format(policy.accuracyDrop * 100))%), z-test p \(format(test.pValue))"
            + (drop > policy.accuracyDrop && !significant ? " — within noise" : "")
        return DriftOutcome(
            state: firing ? .firing : .clear, value: drop, threshold: policy.accuracyDrop, pValue: test.pValue, summary: summary,
            referenceSamples: before.count, currentSamples: now.count)
    }

    /// Accuracy on the window's labelled records against the absolute floor of the retirement
    /// trigger: a point estimate over at least the minimum sample, as the documents state it.
    static func accuracyFloor(_ current: [DriftRecord], _ policy: DriftPolicy) -> DriftOutcome {
        let labelled = current.filter { $0.label != nil }
        guard labelled.count >= policy.minimumSamples else {
            return DriftOutcome(
                state: .inconclusive, summary: "\(labelled.count) labelled records in the window; \(policy.minimumSamples) needed", referenceSamples: 0,
                currentSamples: labelled.count)
        }
        let accuracy = Double(labelled.filter { $0.label == $0.prediction }.count) / Double(labelled.count)
        let below = accuracy < policy.retirementAccuracy
        return DriftOutcome(
            state: below ? .firing : .clear, value: accuracy, threshold: policy.retirementAccuracy,
            summary: "accuracy \(format(accuracy)) over \(labelled.count) labelled records, \(below ? "below" : "at or above") the floor \(format(policy.retirementAccuracy))",
            referenceSamples: 0, currentSamples: labelled.count)
    }

    /// PSI of the label distribution (one bin per label).
    static func label(reference: [DriftRecord], current: [DriftRecord], _ policy: DriftPolicy) -> DriftOutcome {
        let before = reference.compactMap(\.label)
        let now = current.compactMap(\.label)
        guard before.count >= policy.minimumSamples, now.count >= policy.minimumSamples,
              let psi = PopulationStabilityIndex.categorical(reference: before, current: now) else {
            return DriftOutcome(
                state: .inconclusive, summary: "\(now.count) labels in the window and \(before.count) in the reference; \(policy.minimumSamples) needed",
                referenceSamples: before.count, currentSamples: now.count)
        }
        let moved = psi.bins.max { abs($0.currentShare - $0.referenceShare) < abs($1.currentShare - $1.referenceShare) }
        let detail = moved.map { "; \($0.label) \(format($0.referenceShare * 100))% → \(format($0.currentShare * 100))%" } ?? ""
        return DriftOutcome(
            state: psi.value > policy.labelDriftPSI ? .firing : .clear, value: psi.value, threshold: policy.labelDriftPSI,
            summary: "label PSI \(format(psi.value)) (limit \(format(policy.labelDriftPSI)))\(detail)", referenceSamples: before.count, currentSamples: now.count)
    }

    /// Two-sample KS test of the scores (scipy `ks_2samp`): p below the policy's and D at least its minimum.
    static func prediction(reference: [DriftRecord], current: [DriftRecord], _ policy: DriftPolicy) -> DriftOutcome {
        let before = reference.compactMap(\.score).filter(\.isFinite)
        let now = current.compactMap(\.score).filter(\.isFinite)
        guard before.count >= policy.minimumSamples, now.count >= policy.minimumSamples, let test = KolmogorovSmirnovTest.twoSample(before, now), test.pValue.isFinite else {
            return DriftOutcome(
                state: .inconclusive, summary: "\(now.count) scores in the window and \(before.count) in the reference; \(policy.minimumSamples) needed",
                referenceSamples: before.count, currentSamples: now.count)
        }
        let meanBefore = before.reduce(0, +) / Double(before.count)
        let meanNow = now.reduce(0, +) / Double(now.count)
        let firing = test.pValue < policy.pValue && test.statistic >= policy.predictionDriftMinimumD
        return DriftOutcome(
            state: firing ? .firing : .clear, value: test.statistic, threshold: policy.predictionDriftMinimumD, pValue: test.pValue,
            summary: "scores KS D \(format(test.statistic)) (fires from \(format(policy.predictionDriftMinimumD))), p \(format(test.pValue)) "
                + "(fires below \(format(policy.pValue))); mean \(format(meanBefore)) → \(format(meanNow))",
            referenceSamples: before.count, currentSamples: now.count)
    }

    /// ECE of the scores as the probability that the prediction is right (labelled records with a
    /// score in [0, 1]; a logit is not a probability and is left out).
    static func calibration(_ current: [DriftRecord], maximum: Double, _ policy: DriftPolicy) -> DriftOutcome {
        let usable = current.filter { record in record.label != nil && record.score.map { $0.isFinite && (0...1).contains($0) } == true }
        guard usable.count >= policy.minimumSamples,
              let error = CalibrationError(labels: usable.map { $0.label == $0.prediction ? 1 : 0 }, probabilities: usable.compactMap(\.score)) else {
            return DriftOutcome(
                state: .inconclusive, summary: "\(usable.count) labelled records with a probability score; \(policy.minimumSamples) needed",
                referenceSamples: 0, currentSamples: usable.count)
        }
        return DriftOutcome(
            state: error.expected > maximum ? .firing : .clear, value: error.expected, threshold: maximum,
            summary: "ECE \(format(error.expected)) (limit \(format(maximum))), largest bin gap \(format(error.maximum))", referenceSamples: 0,
            currentSamples: usable.count)
    }

    static func format(_ value: Double) -> String {
        guard value.isFinite else { return String(value) }
        if value != 0, abs(value) < 0.001 { return String(format: "%.2e", value) }
        return String(format: "%.3f", value)
    }
}
