import EdgeProfCore
import Foundation

/// Alerts as a table, with an Acknowledge form on each open one for the people who may.
enum AlertsView {
    static func page(alerts: [Alert], state: String, viewer: DashboardViewer, now: Date, notice: String?) -> String {
        let tabs = ["live", "open", "acknowledged", "resolved"].map { name in
            name == state ? "<strong>\(name)</strong>" : "<a href=\"/alerts?state=\(name)\">\(name)</a>"
        }.joined(separator: " · ")
        return DashboardLayout.page(
            title: "Alerts", viewer: viewer, notice: notice, body: "<p>\(tabs)</p>" + table(alerts, viewer: viewer, back: "/alerts?state=\(state)", now: now))
    }

    static func table(_ alerts: [Alert], viewer: DashboardViewer, back: String, now: Date) -> String {
        let mayAct = viewer.holds(any: GovernanceRules.alertResponders)
        let rows = alerts.map { alert -> [String] in
            var state = "<span class=\"badge \(alert.state == .open ? "bad" : alert.state == .acknowledged ? "warn" : "ok")\">\(alert.state.rawValue)</span>"
            if let by = alert.acknowledgedBy {
                state += " <span class=\"acknowledged-by\" data-actor=\"\(HTML.escape(by))\">by \(HTML.escape(by))</span>"
            }
            var act = ""
            if alert.state == .open {
                act = mayAct
                    ? """
                    <form class="inline ack" method="post" action="/alerts/\(alert.id)/ack">\(viewer.csrfField)\
                    <input type="hidden" name="back" value="\(HTML.escape(back))"><input type="text" name="reason" maxlength="2000" \
                    placeholder="note (optional)" aria-label="note for alert \(alert.id)"><button type="submit" data-ack="\(alert.id)">Acknowledge</button></form>
                    """
                    : "<span class=\"empty\">ml_engineer or tech_lead acknowledges</span>"
            }
            return [
                "<span data-alert=\"\(alert.id)\">#\(alert.id)</span>",
                "<span class=\"badge \(alert.severity.rawValue)\">\(alert.severity.rawValue)</span>",
                HTML.escape(alert.rule.rawValue),
                "<a href=\"/devices/\(HTML.pathSegment(alert.key.device))\">\(HTML.escape(alert.key.device))</a>",
                HTML.escape(alert.key.model),
                state,
                HTML.escape(alert.finding.summary) + (alert.firstRunID == Alert.noRun ? "" : " (<a href=\"/runs/\(alert.firstRunID)\">run \(alert.firstRunID)</a>)"),
                "<span title=\"\(HTML.escape(HTML.timestamp(alert.openedAt)))\">\(HTML.escape(DashboardLayout.ago(alert.openedAt, now: now)))</span>",
                act,
            ]
        }
        return DashboardLayout.table(
            class: "alerts", headers: ["Alert", "Severity", "Rule", "Device", "Model", "State", "Evidence", "Opened", ""], rows: rows, empty: "No alerts.")
    }
}
