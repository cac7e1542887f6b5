import EdgeProfCore
import Foundation

/// One device's page: what it is and serves, its figures over time with the learned bands, the
/// runs that raised alerts and its firmware changes marked, its alerts, and two runs side by side.
enum DeviceView {
    /// The bands monitoring learned for the latest run's model version on this device.
    struct Bands {
        var model: String?
        var latencyP95: LearnedBand?
        var energy: LearnedBand?
    }

    /// The rules whose alerts are marked on each chart.
    static let rulesByMetric: [String: Set<MonitorRule>] = [
        "latency-p95": [.latencyBand, .latencyRatio, .p95Above, .latencyDriftKS, .latencyDriftPSI],
        "energy-per-inference": [.energyBand, .energyIncrease, .energyDriftKS, .energyDriftPSI],
    ]

    static func page(
        device: FleetDevice, runs: [CollectedRunSummary], alerts: [Alert], bands: Bands, comparison: (StoredRun, StoredRun)?,
        viewer: DashboardViewer, now: Date, notice: String?
    ) -> String {
        var body = facts(device, now: now)
        body += "<h2>Trends</h2>"
        if let model = bands.model {
            body += "<p class=\"empty\">\(runs.count) run\(runs.count == 1 ? "" : "s"), oldest first. Bands: mean ± k·σ of \(HTML.escape(model))'s baseline runs on this device, as monitoring judges new runs"
                + (bands.latencyP95 == nil ? " (not learned yet: too few baseline runs, or the latest run is one of them)" : "") + ".</p>"
        }
        let changes = firmwareChanges(runs)
        let charts: [(metric: String, title: String, unit: String, value: (CollectedRunSummary) -> Double?, band: LearnedBand?)] = [
            ("latency-p95", "Latency p95", "ms", \.latencyP95Ms, bands.latencyP95),
            ("latency-p50", "Latency p50", "ms", \.latencyP50Ms, nil),
            ("ttft-p50", "Time to first token p50", "ms", \.timeToFirstTokenP50Ms, nil),
            ("tokens-per-second", "Tokens per second", "tokens/s", \.tokensPerSecond, nil),
            ("energy-per-inference", "Energy per inference", "mJ", \.energyPerInferenceMillijoules, bands.energy),
            ("tokens-per-mj", "Tokens per mJ", "tokens/mJ", \.tokensPerMillijoule, nil),
        ]
        for chart in charts {
            let rules = rulesByMetric[chart.metric] ?? []
            let marked = alerts.filter { rules.contains($0.rule) }
            let points = runs.compactMap { run -> TrendChart.Point? in
                guard let value = chart.value(run) else { return nil }
                let raised = marked.filter { $0.firstRunID == run.id || $0.lastRunID == run.id }.map { "\($0.rule.rawValue) #\($0.id)" }
                return TrendChart.Point(runID: run.id, at: run.finishedAt, value: value, alerts: raised)
            }
            let svg = TrendChart(metric: chart.metric, title: chart.title, unit: chart.unit, points: points, band: chart.band, firmwareChanges: changes).svg()
            body += "<section class=\"chart\"><h3>\(HTML.escape(chart.title)) (\(HTML.escape(chart.unit)))</h3>\(svg)</section>"
        }
        body += "<h2 id=\"alerts\">Alerts</h2>" + AlertsView.table(alerts, viewer: viewer, back: "/devices/\(HTML.pathSegment(device.device))", now: now)
        body += "<h2 id=\"compare\">Compare two runs</h2>" + compareForm(device: device, runs: runs, chosen: comparison.map { ($0.0.id, $0.1.id) })
        if let comparison { body += compareTable(comparison.0, comparison.1) }
        body += "<h2>Latest runs</h2>" + runsTable(Array(runs.suffix(20).reversed()))
        return DashboardLayout.page(title: device.device, viewer: viewer, notice: notice, body: body)
    }

    static func facts(_ device: FleetDevice, now: Date) -> String {
        let labels = device.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        let rows: [(String, String)] = [
            ("Class", HTML.escape(device.deviceClass) + (device.emulated ? " <span class=\"badge emulated\">emulated</span>" : "")),
            ("Bench / place", HTML.escape([device.bench, device.place].compactMap { $0 }.joined(separator: " / ").nilIfEmpty ?? "local")),
            ("Serving", HTML.escape(device.serving.registered.description) + (device.servingState.map { " (\(HTML.escape($0.rawValue)))" } ?? "")),
            ("Artifact", "<span class=\"mono\">\(HTML.escape(device.serving.artifactSHA256))</span>"),
            ("Firmware", HTML.escape("\(device.firmwareVersion) (build \(device.firmwareBuild))")),
            ("Last contact", HTML.escape("\(DashboardLayout.ago(device.lastContactAt, now: now)) · \(HTML.timestamp(device.lastContactAt))")),
            ("First seen", HTML.escape(HTML.timestamp(device.firstSeenAt))),
            ("Labels", HTML.escape(labels.isEmpty ? "none" : labels)),
        ]
        return "<dl class=\"facts\">" + rows.map { "<dt>\(HTML.escape($0.0))</dt><dd>\($0.1)</dd>" }.joined() + "</dl>"
    }

    /// Where the firmware announced in consecutive runs differs.
    static func firmwareChanges(_ runs: [CollectedRunSummary]) -> [TrendChart.FirmwareChange] {
        zip(runs, runs.dropFirst()).compactMap { previous, next in
            previous.firmwareVersion == next.firmwareVersion ? nil : TrendChart.FirmwareChange(at: next.startedAt, firmware: next.firmwareVersion)
        }
    }

    static func compareForm(device: FleetDevice, runs: [CollectedRunSummary], chosen: (Int64, Int64)?) -> String {
        let recent = Array(runs.suffix(50).reversed())
        guard recent.count >= 2 else { return "<p class=\"empty\">Two runs are needed to compare.</p>" }
        let a = chosen?.0 ?? recent[1].id
        let b = chosen?.1 ?? recent[0].id
        func select(_ name: String, _ selected: Int64) -> String {
            "<select name=\"\(name)\" aria-label=\"run \(name)\">" + recent.map { run in
                "<option value=\"\(run.id)\"\(run.id == selected ? " selected" : "")>run \(run.id) · \(HTML.escape(run.model)) · \(HTML.escape(HTML.timestamp(run.finishedAt)))</option>"
            }.joined() + "</select>"
        }
        return "<form class=\"act\" method=\"get\" action=\"/devices/\(HTML.pathSegment(device.device))#compare\">\(select("a", a)) with \(select("b", b))<button type=\"submit\">Compare</button></form>"
    }

    static func compareTable(_ a: StoredRun, _ b: StoredRun) -> String {
        let first = ProfileSummary(runs: [a.run])
        let second = ProfileSummary(runs: [b.run])
        let figures: [(String, Double?, Double?)] = [
            ("Latency p50 (ms)", first.latencyMs?.p50, second.latencyMs?.p50),
            ("Latency p95 (ms)", first.latencyMs?.p95, second.latencyMs?.p95),
            ("Latency p99 (ms)", first.latencyMs?.p99, second.latencyMs?.p99),
            ("Time to first token p50 (ms)", first.timeToFirstTokenMs?.p50, second.timeToFirstTokenMs?.p50),
            ("Tokens per second", first.tokensPerSecond, second.tokensPerSecond),
            ("Energy per inference (mJ)", first.energyPerInferenceMillijoules, second.energyPerInferenceMillijoules),
            ("Tokens per mJ", first.tokensPerMillijoule, second.tokensPerMillijoule),
            ("Measured iterations", Double(first.measuredIterations), Double(second.measuredIterations)),
        ]
        let rows = figures.map { name, x, y -> [String] in
            var change = "—"
            if let x, let y, x != 0, x.isFinite, y.isFinite { change = String(format: "%+.1f %%", (y / x - 1) * 100) }
            return [HTML.escape(name), HTML.figure(x), HTML.figure(y), change]
        } + [
            ["Model", HTML.escape(a.model.description), HTML.escape(b.model.description), ""],
            ["Firmware", HTML.escape(a.run.board.firmwareVersion), HTML.escape(b.run.board.firmwareVersion), ""],
        ]
        return DashboardLayout.table(
            class: "comparison", headers: ["", "run \(a.id)", "run \(b.id)", "change"], rows: rows, empty: "")
    }

    static func runsTable(_ runs: [CollectedRunSummary]) -> String {
        DashboardLayout.table(
            class: "runs", headers: ["Run", "Model", "Status", "p50 ms", "p95 ms", "mJ / inference", "Finished"],
            rows: runs.map { run in
                [
                    "<a href=\"/runs/\(run.id)\">\(run.id)</a>", HTML.escape(run.model), HTML.escape(run.status.rawValue), HTML.figure(run.latencyP50Ms),
                    HTML.figure(run.latencyP95Ms), HTML.figure(run.energyPerInferenceMillijoules), HTML.escape(HTML.timestamp(run.finishedAt)),
                ]
            }, empty: "No runs stored.")
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
