import EdgeProfCore
import Foundation

/// A version's shadow period as its version page shows it: the candidate against the served
/// version on the same requests, overall and per device class, with each class's fairness gaps.
enum ShadowView {
    static func section(_ report: ShadowReport?) -> String {
        guard let report else {
            return "<h2>Shadow period</h2><p class=\"empty\">Not in staging yet: its shadow period starts when it enters staging.</p>"
        }
        func side(_ side: ShadowReport.Side) -> String {
            "accuracy \(HTML.figure(side.accuracy)) (\(side.correct)/\(side.labelled)) · p95 \(HTML.figure(side.latencyP95Ms)) ms · \(HTML.figure(side.meanEnergyMillijoules)) mJ"
        }
        let facts: [(String, String)] = [
            ("Verdict", "<span class=\"badge \(report.outcome.rawValue.lowercased())\" data-shadow=\"\(report.outcome.rawValue)\">\(report.outcome.rawValue)</span>"),
            ("Window", HTML.escape("\(HTML.timestamp(report.window.from)) → \(HTML.timestamp(report.window.to)) (\(report.window.periodDays) days\(report.window.complete ? "" : ", not over yet"))")),
            ("Pairs", "\(report.pairs) (\(report.labelledPairs) labelled) beside " + HTML.escape(report.servedVersions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))),
            ("Agreement", HTML.figure(report.agreementRate)),
            ("Candidate", HTML.escape(side(report.candidateFigures))),
            ("Served", HTML.escape(side(report.servedFigures))),
            ("Tests", HTML.escape("accuracy z \(HTML.figure(report.accuracyZ)), p \(HTML.figure(report.accuracyPValue)) · latency Welch p \(HTML.figure(report.latencyPValue)) · scores KS \(HTML.figure(report.scoreKSStatistic)), p \(HTML.figure(report.scoreKSPValue))")),
        ]
        var html = "<h2>Shadow period</h2><dl class=\"facts shadow\">" + facts.map { "<dt>\(HTML.escape($0.0))</dt><dd>\($0.1)</dd>" }.joined() + "</dl>"
        html += "<h3>Per device class, with fairness</h3>" + DashboardLayout.table(
            class: "shadow-classes", headers: ["Class", "Pairs", "Agreement", "Candidate", "Served", "Fairness"],
            rows: report.deviceClasses.map { row in
                let fairness = row.fairness.state == .firing ? "bad" : row.fairness.state == .clear ? "ok" : "warn"
                return [
                    HTML.escape(row.deviceClass), "\(row.pairs)", HTML.figure(row.agreementRate), HTML.escape(side(row.candidate)), HTML.escape(side(row.served)),
                    "<span class=\"badge \(fairness)\">\(row.fairness.state.rawValue)</span> \(HTML.escape(row.fairness.summary))",
                ]
            }, empty: "No pair yet.")
        html += "<ul>" + report.findings.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>"
        return html
    }
}
