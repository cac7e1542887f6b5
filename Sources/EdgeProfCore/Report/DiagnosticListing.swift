/// Renders `edgeprof diag` reports.
extension DiagnosticReport {
    public func rendered(as format: ReportFormat) -> String {
        if format == .json { return ReportText.json(self) + "\n" }
        var lines = ["diag \(port): \(verdict.rawValue)"]
        let width = (checks.map(\.name.count).max() ?? 8) + 2
        for check in checks {
            lines.append("  " + ReportText.padded(check.verdict.rawValue, 9) + ReportText.padded(check.name, width) + check.measured)
            if let hint = check.hint, check.verdict != .ok {
                lines.append("  " + String(repeating: " ", count: 9 + width) + "fix: " + hint)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// JSON for several diagnostic reports.
public enum DiagnosticListing {
    public static func json(_ reports: [DiagnosticReport]) -> String {
        ReportText.json(reports) + "\n"
    }
}
