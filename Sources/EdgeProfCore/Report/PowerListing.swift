import Foundation

/// Renders power captures: a summary for people, JSON for scripts, a CSV of the windows.
extension PowerReport {
    public func rendered(as format: ReportFormat) -> String {
        switch format {
        case .json: return ReportText.json(VerdictedPowerReport(report: self)) + "\n"
        case .csv:
            var lines = ["window,start_s,duration_ms,energy_mj,average_mw,peak_mw,lost_samples,saturated_samples,verdict"]
            func row(_ name: String, _ start: Double, _ power: PowerAccumulator) -> String {
                [
                    name, String(start), String(power.seconds * 1000), String(power.joules * 1000), String((power.averageWatts ?? .nan) * 1000),
                    String(power.peakWatts * 1000), String(power.lostSamples), String(power.saturatedSamples),
                    power.inconclusiveReason.map { "\"INCONCLUSIVE: \($0)\"" } ?? "ok",
                ].joined(separator: ",")
            }
            for (index, window) in windows.enumerated() {
                lines.append(row(String(index), Double(window.startSample) * PPK2Sample.periodSeconds, window.power))
            }
            lines.append(row("total", 0, total))
            return lines.joined(separator: "\n") + "\n"
        case .table, .markdown:
            return summary
        }
    }

    private var summary: String {
        func mW(_ watts: Double?) -> String { ReportText.number(watts.map { $0 * 1000 }) + " mW" }
        var lines = [
            "PPK2 capture: \(ReportText.number(total.seconds)) s, \(total.samples) samples at \(ReportText.number(volts)) V, \(total.lostSamples) lost",
            "  energy \(ReportText.number(total.joules * 1000)) mJ, average \(mW(total.averageWatts)), peak \(mW(total.peakWatts))",
        ]
        if let channel = markChannel {
            if windows.isEmpty {
                lines.append("  windows (D\(channel) high): none closed in this capture")
            } else {
                let energies = windows.map { $0.power.joules * 1000 }
                let durations = windows.map { $0.seconds * 1000 }
                lines.append("  windows (D\(channel) high): \(windows.count), mean \(ReportText.number(durations.reduce(0, +) / Double(durations.count))) ms")
                lines.append("  energy per window: mean \(ReportText.number(energies.reduce(0, +) / Double(energies.count))) mJ, min \(ReportText.number(energies.min())) mJ, max \(ReportText.number(energies.max())) mJ")
            }
        }
        if let reason = total.inconclusiveReason { lines.append("  INCONCLUSIVE: \(reason)") }
        if bytesSkipped > 0 { lines.append("  note: \(bytesSkipped) bytes skipped to find the sample boundary") }
        if !calibrationFallbacks.isEmpty { lines.append("  note: calibration defaults used for \(calibrationFallbacks.joined(separator: ", "))") }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// A power report as JSON, with its verdict beside its figures: `"verdict": "ok"` or
/// `"INCONCLUSIVE"` and the reason, so a script need not re-derive it.
struct VerdictedPowerReport: Encodable {
    let report: PowerReport

    private enum Keys: String, CodingKey { case verdict, inconclusiveReason }

    func encode(to encoder: any Encoder) throws {
        try report.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(report.total.inconclusiveReason == nil ? "ok" : "INCONCLUSIVE", forKey: .verdict)
        try container.encodeIfPresent(report.total.inconclusiveReason, forKey: .inconclusiveReason)
    }
}
