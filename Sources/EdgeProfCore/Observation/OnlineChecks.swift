import Foundation

/// The online thresholds of the governance documents on a UTC day of a version's telemetry on a
/// device class (issue 15 §2): accuracy below the warning level (0.90, medium) or the critical
/// one (0.85, critical) — its 10 % error rate is the same line —, and latency p95 above 100 ms,
/// p99 above 200 ms, or p95 at least twice the version's reference p95 on that class (high).
/// A day's accuracy is a sample: it counts as below a level only when a one-sided test says the
/// true accuracy is below it (p under the monitoring p-value), and a warning also needs the day
/// before to have been below the warning level (Prometheus' `for:`), so a model right 90 % of the
/// time does not page someone for sitting on its warning line (1 day in 100 alone; two in a row
/// about 1 in 10 000). A critical level is far from such a model and pages on its first day. An
/// alert clears only on a day at or above the warning level, so a model truly below it does not
/// flap with the days its drop stays within the noise.
/// Absolute levels need no reference, so they hold from a version's first day. Pure: each rule
/// gives a firing or a clear finding, or none while it cannot tell.
public enum OnlineChecks {
    public static func findings(current: [DriftRecord], previousDay: [DriftRecord], reference: [DriftRecord]?, policy: DriftPolicy) -> [MonitorFinding] {
        let limits = policy.online
        var findings: [MonitorFinding] = []
        let labelled = current.filter { $0.label != nil }
        if labelled.count >= policy.minimumSamples {
            let accuracy = Double(labelled.filter { $0.label == $0.prediction }.count) / Double(labelled.count)
            let below = { (threshold: Double) in belowLevel(accuracy, samples: labelled.count, level: threshold) }
            let critical = below(limits.accuracyCritical)
            let warning = below(limits.accuracyWarning)
            let level: (severity: AlertSeverity, threshold: Double, p: Double)? =
                critical < policy.pValue ? (.critical, limits.accuracyCritical, critical) : warning < policy.pValue ? (.medium, limits.accuracyWarning, warning) : nil
            let figure = "accuracy \(DriftChecks.format(accuracy)) over \(labelled.count) labelled inferences"
            let before = previousDay.filter { $0.label != nil }
            let warnedBefore = before.count >= policy.minimumSamples
                && belowLevel(Double(before.filter { $0.label == $0.prediction }.count) / Double(before.count), samples: before.count, level: limits.accuracyWarning) < policy.pValue
            // A warning on one day alone waits for the next, and a day below the warning level but
            // within its noise neither raises nor clears: nothing changes yet.
            if level?.severity == .medium ? !warnedBefore : (level == nil && accuracy < limits.accuracyWarning) {
                return findings + latencyFindings(current: current, reference: reference, policy: policy)
            }
            findings.append(MonitorFinding(
                rule: .onlineAccuracy, severity: level?.severity ?? MonitorRule.onlineAccuracy.defaultSeverity, state: level == nil ? .clear : .firing,
                summary: level.map { "\(figure), below \(DriftChecks.format($0.threshold)) (one-sided p \(DriftChecks.format($0.p)))\($0.severity == .medium ? ", the second day running" : "")" }
                    ?? "\(figure), not shown below \(DriftChecks.format(limits.accuracyWarning)) (one-sided p \(DriftChecks.format(warning)))",
                value: accuracy, threshold: level?.threshold ?? limits.accuracyWarning, pValue: level?.p ?? warning))
        }
        return findings + latencyFindings(current: current, reference: reference, policy: policy)
    }

    static func latencyFindings(current: [DriftRecord], reference: [DriftRecord]?, policy: DriftPolicy) -> [MonitorFinding] {
        let limits = policy.online
        var findings: [MonitorFinding] = []
        let latencies = current.compactMap(\.latencyMs)
        if latencies.count >= policy.minimumSamples, let now = SampleStatistics(latencies) {
            var over: [String] = []
            if now.p95 > limits.latencyP95Ms { over.append("p95 \(DriftChecks.format(now.p95)) ms above \(DriftChecks.format(limits.latencyP95Ms)) ms") }
            if now.p99 > limits.latencyP99Ms { over.append("p99 \(DriftChecks.format(now.p99)) ms above \(DriftChecks.format(limits.latencyP99Ms)) ms") }
            let before = (reference ?? []).compactMap(\.latencyMs)
            if before.count >= policy.minimumSamples, let then = SampleStatistics(before), then.p95 > 0, now.p95 >= limits.latencyRatio * then.p95 {
                over.append("p95 \(DriftChecks.format(now.p95)) ms, \(DriftChecks.format(now.p95 / then.p95))× the reference's \(DriftChecks.format(then.p95)) ms")
            }
            findings.append(MonitorFinding(
                rule: .onlineLatency, severity: MonitorRule.onlineLatency.defaultSeverity, state: over.isEmpty ? .clear : .firing,
                summary: over.isEmpty
                    ? "latency p95 \(DriftChecks.format(now.p95)) ms, p99 \(DriftChecks.format(now.p99)) ms over \(latencies.count) inferences: within limits"
                    : over.joined(separator: "; "),
                value: now.p95, threshold: limits.latencyP95Ms))
        }
        return findings
    }

    /// One-sided p-value that an accuracy of `accuracy` over `samples` comes from a true accuracy
    /// at `level` or above (normal approximation of the binomial under the level): small when the
    /// true accuracy is below it.
    static func belowLevel(_ accuracy: Double, samples: Int, level: Double) -> Double {
        let spread = (level * (1 - level) / Double(samples)).squareRoot()
        guard spread > 0 else { return accuracy < level ? 0 : 1 }
        return 0.5 * erfc((level - accuracy) / spread / 2.0.squareRoot())
    }
}
