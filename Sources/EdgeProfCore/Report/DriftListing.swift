import Foundation

/// Renders `edgeprof drift compare` results.
public enum DriftListing {
    /// The overall verdict: drift if any statistic says drift, inconclusive if any cannot decide, else no drift.
    public static func overall(_ findings: [DriftFinding]) -> DriftVerdict {
        if findings.contains(where: { $0.verdict == .drift }) { return .drift }
        if findings.contains(where: { $0.verdict == .inconclusive }) { return .inconclusive }
        return .noDrift
    }

    public static func table(reference: String, current: String, counts: (Int, Int), findings: [DriftFinding]) -> String {
        var lines = [
            "reference: \(reference) (\(counts.0) values)",
            "current:   \(current) (\(counts.1) values)",
            "",
            ReportText.padded("method", 8) + ReportText.padded("statistic", 14) + ReportText.padded("p-value", 14)
                + ReportText.padded("computed", 12) + ReportText.padded("verdict", 14) + "why",
        ]
        for finding in findings {
            lines.append(
                ReportText.padded(finding.method.rawValue, 8)
                    + ReportText.padded(finding.statistic.map { format($0) } ?? "—", 14)
                    + ReportText.padded(finding.pValue.map { format($0) } ?? "—", 14)
                    + ReportText.padded(finding.detail.isEmpty ? "—" : finding.detail, 12)
                    + ReportText.padded(finding.verdict.rawValue.uppercased(), 14)
                    + finding.reason)
        }
        lines.append("")
        lines.append("verdict: \(overall(findings).rawValue.uppercased())")
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json(reference: String, current: String, counts: (Int, Int), findings: [DriftFinding]) -> String {
        struct Side: Encodable {
            var source: String
            var count: Int
        }
        struct Document: Encodable {
            var reference: Side
            var current: Side
            var findings: [DriftFinding]
            var verdict: DriftVerdict
        }
        return ReportText.json(Document(
            reference: Side(source: reference, count: counts.0), current: Side(source: current, count: counts.1),
            findings: findings, verdict: overall(findings))) + "\n"
    }

    /// Enough digits to recompute and compare: 6 significant, scientific when small.
    private static func format(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        if value != 0, abs(value) < 1e-3 { return String(format: "%.4e", value) }
        return String(format: "%.6g", value)
    }
}
