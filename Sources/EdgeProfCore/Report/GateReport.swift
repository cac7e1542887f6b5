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

    /// A JUnit XML report: one test case per criterion; FAIL is a failure, INCONCLUSIVE an error.
    public func junitXML() -> String {
        let failures = results.filter { $0.outcome == .fail }.count
        let errors = results.filter { $0.outcome == .inconclusive }.count
        var xml = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>"]
        xml.append("<testsuites name=\"edgeprof gate\" tests=\"\(results.count)\" failures=\"\(failures)\" errors=\"\(errors)\">")
        xml.append("  <testsuite name=\"\(escape("edge-performance \(model) \(deviceClass)"))\" tests=\"\(results.count)\" failures=\"\(failures)\" errors=\"\(errors)\">")
        for result in results {
            let metric = result.criterion.metric
            let name = "\(metric.title) \(symbol(result.criterion)) \(ReportText.number(result.criterion.threshold)) \(metric.unit)"
            let detail = "measured \(ReportText.number(result.measured)) \(metric.unit)"
            xml.append("    <testcase classname=\"edgeprof.gate.\(escape(deviceClass))\" name=\"\(escape(name))\">")
            switch result.outcome {
            case .pass: break
            case .fail: xml.append("      <failure message=\"\(escape(detail))\" type=\"FAIL\"/>")
            case .inconclusive: xml.append("      <error message=\"\(escape("INCONCLUSIVE: \(result.note ?? detail)"))\" type=\"INCONCLUSIVE\"/>")
            }
            xml.append("      <system-out>\(escape(detail))</system-out>")
            xml.append("    </testcase>")
        }
        xml.append("  </testsuite>")
        xml.append("</testsuites>")
        return xml.joined(separator: "\n") + "\n"
    }

    private func symbol(_ criterion: GateCriterion) -> String { criterion.metric.bound == .max ? "≤" : "≥" }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
