import Foundation

/// Renders `edgeprof alerts list`.
public enum AlertListing {
    public static func table(_ alerts: [Alert]) -> String {
        guard !alerts.isEmpty else { return "no alerts\n" }
        let deviceWidth = (alerts.map { "\($0.key.device) (\($0.key.deviceClass))".count }.max() ?? 0) + 2
        let modelWidth = max(7, (alerts.map(\.key.model.count).max() ?? 0) + 2)
        var lines = [
            ReportText.padded("id", 6) + ReportText.padded("severity", 10) + ReportText.padded("state", 14) + ReportText.padded("rule", 19)
                + ReportText.padded("device", deviceWidth) + ReportText.padded("model", modelWidth) + ReportText.padded("runs", 12) + "evidence",
        ]
        for alert in alerts {
            let state = alert.state == .acknowledged ? "ack (\(alert.acknowledgedBy ?? "?"))" : alert.state.rawValue
            let runs = alert.firstRunID == Alert.noRun ? "—" : alert.firstRunID == alert.lastRunID ? "\(alert.firstRunID)" : "\(alert.firstRunID)–\(alert.lastRunID)"
            lines.append(
                ReportText.padded(String(alert.id), 6) + ReportText.padded(alert.severity.rawValue.uppercased(), 10) + ReportText.padded(state, 14)
                    + ReportText.padded(alert.rule.rawValue, 19) + ReportText.padded("\(alert.key.device) (\(alert.key.deviceClass))", deviceWidth)
                    + ReportText.padded(alert.key.model, modelWidth) + ReportText.padded(runs, 12) + alert.finding.summary)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json(_ alerts: [Alert]) -> String {
        ReportText.json(alerts) + "\n"
    }

    /// `edgeprof alerts findings RUN`: every rule's verdict on one run, inconclusive ones with why.
    public static func findings(_ findings: [MonitorFinding], run: Int64) -> String {
        guard !findings.isEmpty else { return "run \(run): no rule had anything to say\n" }
        return "run \(run)\n" + findings.map { finding in
            "  \(ReportText.padded(finding.state.rawValue.uppercased(), 13)) \(ReportText.padded(finding.rule.rawValue, 18)) "
                + "\(ReportText.padded(finding.severity.rawValue, 9)) \(finding.summary)"
        }.joined(separator: "\n") + "\n"
    }
}
