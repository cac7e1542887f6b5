import EdgeProfCore
import Foundation

/// One run's page: what was measured where, its headline figures, monitoring's findings, the
/// latency histogram with p50/p95/p99 marked, and per-iteration and per-token timelines.
enum RunView {
    static func page(run stored: StoredRun, bench: String?, findings: [MonitorFinding]?, viewer: DashboardViewer) -> String {
        let run = stored.run
        let summary = ProfileSummary(runs: [run])
        let device = FleetDevice.identity(of: run.board)
        var body = ""
        if run.board.isEmulated {
            body += "<p class=\"notice\"><span class=\"badge emulated\">emulated</span> Measured on an emulated board: its ticks count emulated instructions, not a real clock.</p>"
        }
        let facts: [(String, String)] = [
            ("Model", HTML.escape(stored.model.description)),
            ("Device", "<a href=\"/devices/\(HTML.pathSegment(device))\">\(HTML.escape(device))</a> · \(HTML.escape(stored.context.deviceClass))"),
            ("Bench / place", HTML.escape([bench, stored.context.place].compactMap { $0 }.joined(separator: " / ").nilIfEmpty ?? "local")),
            ("Status", HTML.escape(run.status.rawValue + (run.partialReason.map { " — \($0)" } ?? ""))),
            ("Measured", HTML.escape("\(HTML.timestamp(stored.context.startedAt)) → \(HTML.timestamp(stored.context.finishedAt))")),
            ("Evidence key", "<span class=\"mono evidence-key\">\(HTML.escape(run.evidenceKey().description))</span>"),
            ("Firmware", HTML.escape("\(run.board.firmwareVersion) (build \(run.board.firmwareBuild)), tick \(run.board.tickHz) Hz")),
            ("Energy", HTML.escape(run.energySource ?? (summary.energyPerInferenceMillijoules == nil ? "not measured" : "measured (source not named by the agent)")) + (run.energyNote.map { " · \(HTML.escape($0))" } ?? "")),
            ("Link", HTML.escape("\(run.link.linesReceived) lines, \(run.link.droppedLines) dropped, \(run.link.lostLines) lost")),
        ]
        body += "<dl class=\"facts\">" + facts.map { "<dt>\(HTML.escape($0.0))</dt><dd>\($0.1)</dd>" }.joined() + "</dl>"
        body += "<h2>Figures</h2>" + figures(summary)
        body += "<h2>Monitoring</h2>" + findingsTable(findings)
        let latencies = RunMetric.latency.values(in: run)
        body += "<h2>Latency histogram (ms)</h2>"
        if let histogram = EqualWidthHistogram(sqrtRuleOf: latencies), let latency = summary.latencyMs {
            let chart = HistogramChart(histogram: histogram, markers: [("p50", latency.p50), ("p95", latency.p95), ("p99", latency.p99)], unit: "ms")
            body += "<section class=\"chart\">\(chart.svg())</section>"
        } else {
            body += "<p class=\"empty\">No measured iteration.</p>"
        }
        let timeline = IterationTimeline(run: run)
        body += "<h2>Iterations</h2><section class=\"chart\"><h3>Latency per iteration (ms)</h3>\(timeline.latencySVG())</section>"
        if let tokens = timeline.tokensSVG() {
            let shown = min(run.iterations.count, IterationTimeline.tokenRows)
            body += "<section class=\"chart\"><h3>Tokens since each iteration's start (ms), iterations 1–\(shown) of \(run.iterations.count)</h3>\(tokens)</section>"
        }
        body += "<h2>Power</h2>"
        if let energy = timeline.energySVG() {
            body += "<section class=\"chart\"><h3>Energy per iteration (mJ)</h3>\(energy)</section>"
            body += "<p class=\"empty\">The collector keeps each iteration's integrated energy, not the power monitor's raw trace; <code>edgeprof power capture</code> records a trace on the bench.</p>"
        } else {
            body += "<p class=\"empty\">No power monitor measured this run.</p>"
        }
        return DashboardLayout.page(title: "Run \(stored.id)", viewer: viewer, body: body)
    }

    static func figures(_ summary: ProfileSummary) -> String {
        let rows: [(String, String)] = [
            ("Measured iterations", "\(summary.measuredIterations) (\(summary.discardedIterations) discarded)"),
            ("Latency p50 / p95 / p99 (ms)", [summary.latencyMs?.p50, summary.latencyMs?.p95, summary.latencyMs?.p99].map(HTML.figure).joined(separator: " / ")),
            ("Time to first token p50 (ms)", HTML.figure(summary.timeToFirstTokenMs?.p50)),
            ("Tokens per second", HTML.figure(summary.tokensPerSecond)),
            ("Energy per inference (mJ)", HTML.figure(summary.energyPerInferenceMillijoules)),
            ("Average power (mW)", HTML.figure(summary.averagePowerMilliwatts)),
            ("Tokens per mJ", HTML.figure(summary.tokensPerMillijoule)),
            ("Peak RAM / stack / arena (bytes)", [summary.ramPeakBytes, summary.stackPeakBytes, summary.arenaHighWaterBytes].map { $0.map(String.init) ?? "—" }.joined(separator: " / ")),
            ("Flash (bytes)", summary.flashBytes.map(String.init) ?? "—"),
        ]
        return "<dl class=\"facts figures\">" + rows.map { "<dt>\(HTML.escape($0.0))</dt><dd>\(HTML.escape($0.1))</dd>" }.joined() + "</dl>"
    }

    static func findingsTable(_ findings: [MonitorFinding]?) -> String {
        guard let findings else { return "<p class=\"empty\">Not judged: a baseline run, or monitoring had not seen it.</p>" }
        return DashboardLayout.table(
            class: "findings", headers: ["Rule", "State", "Evidence"],
            rows: findings.map { finding in
                let state = finding.state.rawValue
                return [HTML.escape(finding.rule.rawValue), "<span class=\"badge \(finding.state == .firing ? "bad" : finding.state == .clear ? "ok" : "warn")\">\(HTML.escape(state))</span>", HTML.escape(finding.summary)]
            }, empty: "No rule applied.")
    }
}
