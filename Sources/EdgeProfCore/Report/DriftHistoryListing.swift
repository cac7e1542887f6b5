import Foundation

/// `edgeprof drift history` as a table: one line per check, newest window first.
public enum DriftHistoryListing {
    public static func table(_ checks: [DriftCheckRecord]) -> String {
        guard !checks.isEmpty else { return "no drift check stored yet (a window is checked once it ends and its version has a reference period behind it)\n" }
        let day = Date.ISO8601FormatStyle().year().month().day()
        var lines = ["window      kind         version                    class              state         figure    limit     p         samples (ref/window)"]
        for check in checks {
            let state = check.outcome.state == .firing ? "FIRING \(check.severity.rawValue)" : check.outcome.state.rawValue
            lines.append([
                pad(check.windowStart.formatted(day), 11), pad(check.kind.rawValue, 12), pad(check.subject.model, 26), pad(check.subject.deviceClass, 18),
                pad(state, 13), pad(ReportText.number(check.outcome.value), 9), pad(ReportText.number(check.outcome.threshold), 9),
                pad(check.outcome.pValue.map(DriftChecks.format) ?? "—", 9), "\(check.outcome.referenceSamples)/\(check.outcome.currentSamples)",
            ].joined(separator: " "))
            if check.outcome.state != .clear { lines.append("            \(check.outcome.summary)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Whether the newest check of some kind, version and class fires: drift is present now.
    public static func firingNow(_ checks: [DriftCheckRecord]) -> Bool {
        var seen = Set<String>()
        for check in checks.sorted(by: { $0.windowStart > $1.windowStart }) {
            let key = "\(check.kind.rawValue)|\(check.subject.model)|\(check.subject.deviceClass)"
            guard seen.insert(key).inserted else { continue }
            if check.outcome.state == .firing { return true }
        }
        return false
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
