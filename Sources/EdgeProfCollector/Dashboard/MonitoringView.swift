import EdgeProfCore
import Foundation

/// A model in production: its scheduled drift checks over time per kind and device class (with
/// their thresholds and the windows that fired), its A/B tests with their verdicts, and its
/// incidents with their clocks.
enum MonitoringView {
    /// An A/B test with its verdict as the telemetry judges it now (nil when not judged here).
    struct ABLine {
        var test: ABTest
        var report: ABTestReport?
    }

    static func page(
        model: String, drift: [DriftCheckRecord], abTests: [ABLine], incidents: [Incident], viewer: DashboardViewer, now: Date
    ) -> String {
        var body = "<p><a href=\"/models/\(HTML.pathSegment(model))\">\(HTML.escape(model))</a> in production: what the collector watches on its telemetry.</p>"
        body += "<h2>Incidents</h2>" + incidentsTable(incidents, now: now)
        body += "<h2>A/B tests</h2>" + abTable(abTests)
        body += "<h2>Drift, window by window</h2>"
        let series = Dictionary(grouping: drift) { "\($0.kind.rawValue) · \($0.subject.deviceClass)" }.sorted { $0.key < $1.key }
        if series.isEmpty {
            body += "<p class=\"empty\">No scheduled drift check has run on this model's telemetry yet.</p>"
        }
        for (name, checks) in series {
            let ordered = checks.sorted { $0.windowEnd < $1.windowEnd }
            guard let first = ordered.first else { continue }
            let points = ordered.compactMap { check -> TrendChart.Point? in
                guard let value = check.outcome.value else { return nil }
                let firing = check.outcome.state == .firing ? ["\(check.kind.rawValue) drift"] : []
                return TrendChart.Point(runID: nil, at: check.windowEnd, value: value, alerts: firing)
            }
            let chart = TrendChart(
                metric: "drift-\(first.kind.rawValue)-\(first.subject.deviceClass)", title: "\(first.kind.rawValue) drift", unit: "statistic",
                points: points, threshold: ordered.last?.outcome.threshold)
            let firing = ordered.filter { $0.outcome.state == .firing }.count
            body += """
                <section class="chart"><h3>\(HTML.escape(name)) — \(ordered.count) windows, \(firing) fired; latest: \
                \(HTML.escape(ordered.last?.outcome.summary ?? ""))</h3>\(chart.svg())</section>
                """
        }
        return DashboardLayout.page(title: "Monitoring · \(model)", viewer: viewer, body: body)
    }

    static func incidentsTable(_ incidents: [Incident], now: Date) -> String {
        DashboardLayout.table(
            class: "incidents", headers: ["Incident", "Severity", "Class", "State", "Opened", "Response due", "Resolution due", "Assignee", "Outcome"],
            rows: incidents.map { incident in
                func due(_ date: Date, done: Date?) -> String {
                    let late = (done ?? now) > date
                    return "<span class=\"badge \(late ? "bad" : "ok")\">\(HTML.escape(HTML.timestamp(date)))\(late ? " · late" : "")</span>"
                }
                return [
                    "#\(incident.id) \(HTML.escape(incident.title))<br><small>\(HTML.escape(incident.playbook.rawValue))</small>",
                    "<span class=\"badge \(incident.severity.rawValue)\">\(incident.severity.rawValue)</span>", HTML.escape(incident.deviceClass),
                    HTML.escape(incident.state.rawValue), HTML.escape(HTML.timestamp(incident.openedAt)),
                    due(incident.responseDue, done: incident.acknowledgedAt), due(incident.resolutionDue, done: incident.resolvedAt),
                    HTML.escape(incident.assignee ?? "—"),
                    HTML.escape(incident.resolution ?? "") + (incident.reviewDue.map { "<br><small>review due \(HTML.escape(HTML.timestamp($0)))\(incident.reviewedAt == nil ? "" : " · reviewed")</small>" } ?? ""),
                ]
            }, empty: "No incident.")
    }

    static func abTable(_ lines: [ABLine]) -> String {
        DashboardLayout.table(
            class: "ab-tests", headers: ["Test", "A", "B", "Split to B", "State", "Records A / B", "Verdict"],
            rows: lines.map { line in
                let test = line.test
                let verdict = line.report.map { report in
                    "<span class=\"badge \(report.verdict.outcome == .bWins ? "ok" : report.verdict.outcome == .bLoses ? "bad" : "warn")\" data-verdict=\"\(report.verdict.outcome.rawValue)\">\(report.verdict.outcome.rawValue)</span> \(HTML.escape(report.verdict.reason))"
                } ?? "—"
                let records = line.report.map { "\($0.armA.records) / \($0.armB.records)" } ?? "—"
                return [
                    "#\(test.id) by \(HTML.escape(test.startedBy))", HTML.escape(test.a.description), HTML.escape(test.b.description),
                    String(format: "%.0f %%", test.split * 100), HTML.escape(test.state.rawValue), records, verdict,
                ]
            }, empty: "No A/B test of this model.")
    }
}
