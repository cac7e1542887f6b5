import EdgeProfAgent
import EdgeProfCore
import Foundation

/// The shadow period of `edgeprof demo --fleet`: how many devices assigned the candidate in
/// shadow report running it, and what the bench boards' runs recorded of it beside production —
/// token agreement and latency on the same inputs. It is written as the shadow report the
/// staging → canary gate asks for, so the evidence is the devices' own.
struct FleetDemoShadowPeriod {
    /// One bench board's run with the shadow beside the served version.
    struct BenchRow {
        var device: String
        var deviceClass: String
        var summary: ShadowSummary
    }

    var version: ModelReference
    var served: ModelReference
    var devicesAssigned: Int
    var devicesRunning: Int
    var rows: [BenchRow]

    init(version: ModelReference, served: ModelReference, status: FleetStatus, benchRuns: [(FleetSimulator.Device, RecordedRun)]) {
        self.version = version
        self.served = served
        devicesAssigned = status.shadowAssigned
        devicesRunning = status.shadowRunning
        rows = benchRuns.compactMap { device, run in
            run.shadow.map { BenchRow(device: device.identity, deviceClass: device.deviceClass, summary: ShadowSummary(run: run, shadow: $0)) }
        }
    }

    /// Share of the served model's tokens the shadow reproduced, over every bench run.
    var tokenAgreement: Double? {
        let compared = rows.compactMap { row in row.summary.tokenAgreement.map { ($0, row.summary.iterations) } }
        let weight = compared.reduce(0) { $0 + $1.1 }
        return weight > 0 ? compared.reduce(0) { $0 + $1.0 * Double($1.1) } / Double(weight) : nil
    }

    /// The median over bench runs of the shadow's median latency ÷ the served model's.
    var latencyRatio: Double? {
        let ratios = rows.compactMap(\.summary.latencyRatio).sorted()
        guard !ratios.isEmpty else { return nil }
        return ratios.count % 2 == 1 ? ratios[ratios.count / 2] : (ratios[ratios.count / 2 - 1] + ratios[ratios.count / 2]) / 2
    }

    var figures: FleetDemoReport.Shadow {
        FleetDemoReport.Shadow(
            version: version.description, devicesAssigned: devicesAssigned, devicesRunning: devicesRunning, benchRuns: rows.count,
            tokenAgreement: tokenAgreement, latencyRatio: latencyRatio)
    }

    /// The shadow report, in Markdown.
    var markdown: String {
        var lines = [
            "# Shadow period of \(version)",
            "",
            "\(devicesRunning) of the \(devicesAssigned) devices assigned \(version) in shadow report running it beside \(served) (Link v1 `shadow`):",
            "it ran on the same inputs after each served inference; its outputs were recorded, never served.",
            "",
            "| bench board | class | shadow iterations | token agreement | shadow p50 ms | served p50 ms | latency ratio |",
            "|---|---|---|---|---|---|---|",
        ]
        for row in rows {
            let summary = row.summary
            lines.append("| \(row.device) | \(row.deviceClass) | \(summary.iterations) | \(Self.percent(summary.tokenAgreement)) | "
                + "\(Self.number(summary.latencyMs?.p50)) | \(Self.number(summary.servingLatencyMs?.p50)) | \(Self.number(summary.latencyRatio)) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func percent(_ value: Double?) -> String { value.map { String(format: "%.1f %%", $0 * 100) } ?? "—" }
    private static func number(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "—" }
}
