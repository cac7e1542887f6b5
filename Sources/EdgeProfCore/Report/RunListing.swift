/// Renders stored runs for `edgeprof runs list`.
public enum RunListing {
    public static func table(_ runs: [StoredRun]) -> String {
        guard !runs.isEmpty else { return "no runs stored yet: edgeprof profile --port PATH --model NAME@VERSION\n" }
        var lines = ["   id  status    model                       class              board                iterations  latency p95 (ms)"]
        for stored in runs {
            let summary = ProfileSummary(runs: [stored.run])
            lines.append(
                ReportText.padded(String(stored.id).leftPadded(to: 5, with: " "), 7) + ReportText.padded(stored.run.status.rawValue, 10)
                    + ReportText.padded(stored.model.description, 28) + ReportText.padded(stored.context.deviceClass, 19)
                    + ReportText.padded("\(stored.run.board.board):\(stored.run.board.serial)", 21)
                    + ReportText.padded(String(summary.measuredIterations), 12) + ReportText.number(summary.latencyMs?.p95))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json(_ runs: [StoredRun]) -> String {
        ReportText.json(runs) + "\n"
    }
}
