import Foundation

/// A/B tests for people: `edgeprof abtest list|start|stop`.
public enum ABTestListing {
    public static func table(_ tests: [ABTest], now: Date) -> String {
        guard !tests.isEmpty else { return "no A/B test yet: edgeprof abtest start MODEL --b VERSION --reason TEXT\n" }
        return tests.map { test in
            let state: String
            switch test.state {
            case .stopped: state = "stopped by \(test.stoppedBy ?? "?") at \(test.stoppedAt.map(AuditChain.timestamp) ?? "?"): \(test.stopReason ?? "")"
            case .running: state = test.isActive(at: now) ? "running until \(AuditChain.timestamp(test.endsAt))" : "running, past its maximum at \(AuditChain.timestamp(test.endsAt)): stop it"
            }
            return "\(test.id)  \(test.model): A \(test.a) vs B \(test.b), \(String(format: "%g", test.split * 100)) % of \(test.unit.rawValue)s to B, "
                + "≥ \(test.minimumSamples) samples per arm; started by \(test.startedBy) at \(AuditChain.timestamp(test.startedAt)) (\(test.reason)); \(state)"
        }.joined(separator: "\n") + "\n"
    }

    /// `edgeprof abtest verdict ID`: the verdict, then each arm's figures and each metric's test.
    public static func verdict(_ report: ABTestReport) -> String {
        func figure(_ value: Double?, _ format: String) -> String { value.map { String(format: format, $0) } ?? "—" }
        func arm(_ name: String, _ version: String, _ metrics: ArmMetrics) -> String {
            "\(name) \(version): \(metrics.records) inferences, \(metrics.labelled) labelled, accuracy \(figure(metrics.accuracy.map { $0 * 100 }, "%.2f %%")), "
                + "latency p50 \(figure(metrics.latencyMs?.p50, "%.2f")) ms p95 \(figure(metrics.latencyMs?.p95, "%.2f")) ms, "
                + "energy \(figure(metrics.energyPerInferenceMillijoules, "%.3f")) mJ"
        }
        var lines = ["A/B test \(report.test): \(report.verdict.outcome.rawValue.uppercased()) — \(report.verdict.reason)",
                     arm("A", report.a, report.armA), arm("B", report.b, report.armB)]
        for metric in report.verdict.metrics {
            lines.append("  \(metric.metric): \(metric.outcome.rawValue) (\(metric.test.rawValue), \(metric.samplesA) vs \(metric.samplesB) samples, "
                + "statistic \(figure(metric.statistic, "%.4g")), p \(figure(metric.pValue, "%.4g")), α \(figure(metric.alpha, "%g")))")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
