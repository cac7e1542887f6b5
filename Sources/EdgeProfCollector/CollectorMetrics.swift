import EdgeProfCore
import Prometheus

/// The collector's Prometheus metrics, each with its help text and a base unit, so the exposition
/// passes `promtool check metrics`.
final class CollectorMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let ingestDuration: DurationHistogram

    init() {
        ingestDuration = registry.makeDurationHistogram(
            descriptor: Self.name("ingest_duration", unit: "seconds", help: "Time to validate and store one uploaded run."),
            buckets: [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                      .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1)])
        for outcome in ["stored", "duplicate", "rejected"] { _ = ingestCounter(outcome) }
        for status in [401, 403, 429, 500, 503] { _ = refusalCounter(status) }
        recordLiveAlerts([:])
    }

    private static func name(_ metric: String, unit: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "edgeprof", metricName: metric, unitName: unit, helpText: help)
    }

    private func ingestCounter(_ outcome: String) -> Counter {
        registry.makeCounter(descriptor: Self.name("ingest_runs", unit: "total", help: "Uploaded runs by outcome."), labels: [("outcome", outcome)])
    }

    func recordIngest(outcome: String, duration: Duration) {
        ingestCounter(outcome).increment()
        ingestDuration.record(duration)
    }

    private func refusalCounter(_ status: Int) -> Counter {
        registry.makeCounter(
            descriptor: Self.name("http_refusals", unit: "total", help: "Requests answered 401 or 403 (credentials refused), 429 (a source throttled) or 5xx (the collector failed), by status."),
            labels: [("status", String(status))])
    }

    /// A request refused for its credentials (401, 403) or failed by the collector (5xx).
    func recordRefusal(status: Int) {
        refusalCounter(status).increment()
    }

    func recordSpoolDepth(bench: String, depth: Int) {
        registry.makeGauge(
            descriptor: Self.name("agent_spool_depth", unit: "", help: "Runs waiting in an agent's spool, as the agent last reported."),
            labels: [("bench", bench)]
        ).set(Double(depth))
    }

    func recordLatest(_ summary: CollectedRunSummary) {
        let labels = [("device_class", summary.deviceClass), ("model", summary.model)]
        if let p95 = summary.latencyP95Ms {
            registry.makeGauge(
                descriptor: Self.name("latest_latency_p95", unit: "seconds", help: "Latency p95 of the latest run per device class and model."),
                labels: labels
            ).set(p95 / 1000)
        }
        if let energy = summary.energyPerInferenceMillijoules {
            registry.makeGauge(
                descriptor: Self.name("latest_energy_per_inference", unit: "joules", help: "Energy per inference of the latest run per device class and model."),
                labels: labels
            ).set(energy / 1000)
        }
    }

    /// Open and acknowledged alerts by severity (every severity present, zero included).
    func recordLiveAlerts(_ counts: [AlertSeverity: Int]) {
        for severity in AlertSeverity.allCases {
            registry.makeGauge(
                descriptor: Self.name("alerts_live", unit: "", help: "Alerts open or acknowledged (not yet resolved), by severity."),
                labels: [("severity", severity.rawValue)]
            ).set(Double(counts[severity] ?? 0))
        }
    }

    func exposition() -> String {
        registry.emitToString()
    }
}
