import Foundation

/// `edgeprof model shadow-report`: the shadow period of a version, for people.
public enum ShadowReportListing {
    public static func render(_ report: ShadowReport) -> String {
        let window = report.window
        var lines = [
            "\(report.candidate) in shadow (artifact \(report.artifactSHA256.prefix(12))…): \(report.outcome.rawValue)",
            "window: \(ShadowComparison.day(window.from)) → \(ShadowComparison.day(window.to)), \(window.periodDays)-day period \(window.complete ? "complete" : "not complete")",
            "pairs: \(report.pairs) (\(report.labelledPairs) labelled), beside " + report.servedVersions.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", "),
            "",
        ]
        let rows: [(String, Double?, Double?)] = [
            ("accuracy", report.candidateFigures.accuracy, report.servedFigures.accuracy),
            ("latency p50 ms", report.candidateFigures.latencyP50Ms, report.servedFigures.latencyP50Ms),
            ("latency p95 ms", report.candidateFigures.latencyP95Ms, report.servedFigures.latencyP95Ms),
            ("energy mJ/inference", report.candidateFigures.meanEnergyMillijoules, report.servedFigures.meanEnergyMillijoules),
        ]
        lines.append(ReportText.padded("", 22) + ReportText.padded("candidate", 12) + "served")
        for (name, mine, theirs) in rows { lines.append(ReportText.padded(name, 22) + ReportText.padded(figure(mine), 12) + figure(theirs)) }
        lines.append("")
        for row in report.deviceClasses {
            lines.append(
                "\(row.deviceClass): \(row.pairs) pairs, agreement \(row.agreementRate.map { String(format: "%.1f %%", $0 * 100) } ?? "—"), "
                    + "accuracy \(figure(row.candidate.accuracy)) vs \(figure(row.served.accuracy)), fairness \(row.fairness.state.rawValue.uppercased())")
        }
        if !report.deviceClasses.isEmpty { lines.append("") }
        lines += report.findings.map { "- \($0)" }
        return lines.joined(separator: "\n") + "\n"
    }

    static func figure(_ value: Double?) -> String { value.map { DriftChecks.format($0) } ?? "—" }
}
