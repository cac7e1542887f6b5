@testable import EdgeProfCollector
import EdgeProfCore
import Foundation
import Testing

/// Pages rendered from values, without a server: what the monitoring page draws from drift
/// checks and incidents, and that store text reaches no page as markup.
struct DashboardViewsTests {
    static let viewer = DashboardViewer(actor: "ana<script>", roles: [.mlEngineer], csrf: String(repeating: "c", count: 64))

    @Test func theMonitoringPageDrawsEachKindPerClassWithItsThresholdAndFiredWindows() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let checks = (0..<10).map { day in
            DriftCheckRecord(
                subject: DriftSubject(model: "kws@1.0.0", deviceClass: "m4"), kind: .prediction,
                window: DriftWindow(cadence: .daily, containing: start.addingTimeInterval(Double(day) * 86_400)), severity: .high,
                outcome: DriftOutcome(
                    state: day == 9 ? .firing : .clear, value: day == 9 ? 0.4 : 0.05, threshold: 0.2, summary: "KS D <b>\(day)</b>",
                    referenceSamples: 500, currentSamples: 500),
                policySHA256: "p", checkedAt: start, checkedBy: "host:1")
        }
        let late = Incident(
            id: 3, model: "kws@1.0.0", deviceClass: "m4", playbook: Playbook.allCases[0], severity: .critical, title: "prediction drift on m4",
            alertIDs: [9], onsetAt: start, openedAt: start)
        let html = MonitoringView.page(model: "kws", drift: checks, abTests: [], incidents: [late], viewer: Self.viewer, now: start.addingTimeInterval(7200))
        #expect(html.contains("data-metric=\"drift-prediction-m4\" data-points=\"10\""))
        #expect(html.contains("<line class=\"threshold\" data-threshold=\"0.2\""))
        #expect(html.components(separatedBy: "class=\"point alert outside\"").count - 1 == 0 && html.components(separatedBy: "class=\"point alert\"").count - 1 == 1)
        #expect(html.contains("10 windows, 1 fired"))
        #expect(!html.contains("<b>") && html.contains("KS D &lt;b&gt;9&lt;/b&gt;"), "a summary from the store is text, never markup")
        #expect(!html.contains("href=\"/runs/"), "a drift window links to no run")
        #expect(html.contains("· late"), "a critical incident open two hours is past its response and resolution clocks")
        #expect(html.contains("ana&lt;script&gt;") && !html.contains("ana<script>"))
        #expect(html.contains("No A/B test of this model."))
    }
}
