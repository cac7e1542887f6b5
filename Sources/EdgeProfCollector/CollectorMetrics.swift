import EdgeProfCore
import Foundation
import Prometheus
import Synchronization

/// The collector's Prometheus metrics, each with its help text and a base unit, so the exposition
/// passes `promtool check metrics`. Counters and histograms are this process's; the per-device
/// figures and the webhook backlog are read from the store at each scrape (`refresh`), so every
/// collector sharing a database says the same and a restart loses nothing.
final class CollectorMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let ingestDuration: DurationHistogram
    private let storeSeries = Mutex<[Gauge]>([])

    static let requestBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]

    init() {
        ingestDuration = registry.makeDurationHistogram(
            descriptor: Self.name("ingest_duration", unit: "seconds", help: "Time to validate and store one uploaded run."),
            buckets: [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                      .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1)])
        for outcome in ["stored", "duplicate", "rejected"] { _ = ingestCounter(outcome) }
        for status in [401, 403, 429, 500, 503] { _ = refusalCounter(status) }
        for reason in ["missing", "unknown", "revoked", "deactivated", "expired"] { _ = authenticationFailures(reason) }
        for receiver in ["webhook", "alertmanager"] {
            for outcome in ["delivered", "retried", "dead", "failed"] where receiver == "webhook" || outcome != "dead" && outcome != "retried" {
                _ = deliveryCounter(receiver: receiver, outcome: outcome)
            }
        }
        recordLiveAlerts([:])
        registry.makeGauge(
            descriptor: Self.name("build", unit: "info", help: "The collector's version: always 1, its labels say which."),
            labels: [("version", EdgeProfVersion.current)]
        ).set(1.0)
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

    /// One answered request: its route (the path template), method and status, and how long it took.
    func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: Self.name("http_requests", unit: "total", help: "Requests answered, by route (path template), method and status."),
            labels: [("method", method), ("route", route), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.name("http_request_duration", unit: "seconds", help: "Time to answer a request, by route (path template) and method."),
            labels: [("method", method), ("route", route)], buckets: Self.requestBuckets
        ).record(duration)
    }

    /// A request whose credentials were missing, unknown, revoked, deactivated or expired (401).
    func recordAuthenticationFailure(reason: String) {
        authenticationFailures(reason).increment()
    }

    private func authenticationFailures(_ reason: String) -> Counter {
        registry.makeCounter(
            descriptor: Self.name(
                "authentication_failures", unit: "total", help: "Requests refused 401 for their credentials, by reason: missing, unknown, revoked, deactivated, expired."),
            labels: [("reason", reason)])
    }

    private func deliveryCounter(receiver: String, outcome: String) -> Counter {
        registry.makeCounter(
            descriptor: Self.name("alert_deliveries", unit: "total", help: "Alert deliveries by receiver (webhook, alertmanager) and outcome (delivered, retried, dead, failed)."),
            labels: [("receiver", receiver), ("outcome", outcome)])
    }

    func recordDelivery(receiver: String, outcome: String) {
        deliveryCounter(receiver: receiver, outcome: outcome).increment()
    }

    private func storeUp() -> Gauge {
        registry.makeGauge(
            descriptor: Self.name("store_up", unit: "", help: "1 when the last scrape read the store; 0 when it did not answer (the device figures are then the last read)."))
    }

    func recordStoreUnreadable() {
        storeUp().set(0.0)
    }

    /// Replaces the store-backed series with what the store holds now: a device whose latest run
    /// changed model version or class leaves no stale series behind. Two scrapes at once refresh
    /// one after the other.
    func refresh(_ snapshot: MetricsSnapshot, now: Date) {
        storeSeries.withLock { previous in
            let series = makeSeries(snapshot, now: now)
            let kept = Set(series.map(ObjectIdentifier.init))
            for gauge in previous where !kept.contains(ObjectIdentifier(gauge)) { registry.unregisterGauge(gauge) }
            previous = series
        }
        storeUp().set(1.0)
    }

    private func makeSeries(_ snapshot: MetricsSnapshot, now: Date) -> [Gauge] {
        var series: [Gauge] = []
        func gauge(_ metric: String, unit: String, help: String, _ labels: [(String, String)], _ value: Double?) {
            guard let value, value.isFinite else { return }
            let made = registry.makeGauge(descriptor: Self.name(metric, unit: unit, help: help), labels: labels)
            made.set(value)
            series.append(made)
        }
        for device in snapshot.devices {
            let labels = [
                ("board", device.board), ("serial", device.serial), ("device_class", device.deviceClass), ("model", device.model),
                ("version", device.version), ("bench", device.bench ?? ""),
            ]
            let figures = device.headline
            gauge("device_latency_p50", unit: "seconds", help: "Latency p50 of the latest complete run per board and model.", labels, figures.latencyP50Ms.map { $0 / 1000 })
            gauge("device_latency_p95", unit: "seconds", help: "Latency p95 of the latest complete run per board and model.", labels, figures.latencyP95Ms.map { $0 / 1000 })
            gauge("device_latency_p99", unit: "seconds", help: "Latency p99 of the latest complete run per board and model.", labels, figures.latencyP99Ms.map { $0 / 1000 })
            gauge(
                "device_time_to_first_token_p50", unit: "seconds", help: "Time to first token p50 of the latest complete run per board and model.", labels,
                figures.timeToFirstTokenP50Ms.map { $0 / 1000 })
            gauge("device_tokens_per_second", unit: "", help: "Tokens per second of the latest complete run per board and model.", labels, figures.tokensPerSecond)
            gauge(
                "device_energy_per_inference", unit: "joules", help: "Energy per inference of the latest complete run per board and model.", labels,
                figures.energyPerInferenceMillijoules.map { $0 / 1000 })
            gauge("device_tokens_per_joule", unit: "", help: "Tokens per joule (tokens/mJ × 1000) of the latest complete run per board and model.", labels, figures.tokensPerMillijoule.map { $0 * 1000 })
            gauge("device_last_run", unit: "timestamp_seconds", help: "When the latest complete run per board and model finished (Unix time).", labels, device.finishedAt.timeIntervalSince1970)
        }
        gauge("webhook_backlog", unit: "", help: "Webhook deliveries queued in the store, neither delivered nor dead.", [], Double(snapshot.webhookBacklog))
        gauge(
            "webhook_oldest_pending_age", unit: "seconds", help: "How long the oldest queued webhook delivery has waited (0 with none queued).", [],
            snapshot.oldestPendingWebhook.map { max(0, now.timeIntervalSince($0)) } ?? 0)
        return series
    }

    func recordSpoolDepth(bench: String, depth: Int) {
        registry.makeGauge(
            descriptor: Self.name("agent_spool_depth", unit: "", help: "Runs waiting in an agent's spool, as the agent last reported."),
            labels: [("bench", bench)]
        ).set(Double(depth))
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
