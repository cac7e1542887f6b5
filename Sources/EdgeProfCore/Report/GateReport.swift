import Foundation

extension GateVerdict {
    public func rendered(as format: ReportFormat) -> String {
        switch format {
        case .json: return ReportText.json(self)
        case .csv:
            var lines = ["criterion,bound,threshold,measured,unit,outcome,note"]
            for result in results {
                let metric = result.criterion.metric
                lines.append([
                    metric.rawValue, metric.bound.rawValue, "\(result.criterion.threshold)",
                    result.measured.map { "\($0)" } ?? "", metric.unit, result.outcome.rawValue,
                    ReportText.csvField(result.note ?? ""),
                ].joined(separator: ","))
            }
            return lines.joined(separator: "\n") + "\n"
        case .markdown:
            var lines = ["### Edge-performance gate: \(outcome.rawValue)", "", "\(model) on \(deviceClass), \(measuredIterations) measured iterations (minimum \(minimumIterations))\(emulated ? "; emulated evidence: for regression detection, not for real latency" : "").", "", "| criterion | threshold | measured | outcome |", "|---|---:|---:|---|"]
            for result in results {
                lines.append("| \(result.criterion.metric.title) | \(symbol(result.criterion)) \(ReportText.number(result.criterion.threshold)) \(result.criterion.metric.unit) | \(ReportText.number(result.measured)) | \(result.outcome.rawValue)\(result.note.map { " (\($0))" } ?? "") |")
            }
            return lines.joined(separator: "\n") + "\n"
        case .table:
            var lines = ["edge-performance gate: \(outcome.rawValue) for \(model) on device class \(deviceClass)"]
            let width = (results.map(\.criterion.metric.title.count).max() ?? 10) + 2
            for result in results {
                let metric = result.criterion.metric
                let measured = ReportText.padded(ReportText.number(result.measured), 10)
                let threshold = "\(symbol(result.criterion)) \(ReportText.number(result.criterion.threshold)) \(metric.unit)"
                lines.append("  " + ReportText.padded(result.outcome.rawValue, 13) + ReportText.padded(metric.title, width) + measured + ReportText.padded(threshold, 22) + (result.note ?? ""))
            }
            let runs = runIDs.isEmpty ? "no complete run" : "run\(runIDs.count == 1 ? "" : "s") \(runIDs.map(String.init).joined(separator: ", "))"
            let keys = evidenceKeys.isEmpty ? "" : "; evidence key\(evidenceKeys.count == 1 ? "" : "s") \(evidenceKeys.joined(separator: ", "))"
            lines.append("  evidence: \(measuredIterations) measured iterations (minimum \(minimumIterations)) from \(runs)\(keys)")
            for note in excluded { lines.append("  left out: \(note)") }
            if emulated { lines.append("  EMULATED evidence: instruction-count proxies, good for regression detection, not for real latency") }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    private func symbol(_ criterion: GateCriterion) -> String { criterion.metric.bound == .max ? "≤" : "≥" }
}
