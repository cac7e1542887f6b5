import Foundation

/// The formats `edgeprof model card` writes.
public enum ModelCardFormat: String, Sendable, CaseIterable {
    case markdown
    case html
    case json
    /// Hugging Face model-card metadata: the YAML with `model-index`.
    case hf
}

/// Renders a model card. Markdown starts with the Hugging Face metadata block, so the file can
/// serve as a Hub README as is.
public enum ModelCardRenderer {
    public static func render(_ card: ModelCard, as format: ModelCardFormat) -> String {
        switch format {
        case .json: ReportText.json(card) + "\n"
        case .hf: huggingFaceMetadata(card)
        case .markdown: "---\n" + huggingFaceMetadata(card) + "---\n\n" + markdown(card)
        case .html: html(card)
        }
    }

    /// `model-index` with the offline metrics, plus tags. Written by hand so numbers read as
    /// people write them (0.91, not 9.1e-1); every text is a JSON-quoted YAML scalar.
    public static func huggingFaceMetadata(_ card: ModelCard) -> String {
        let quote = { (text: String) in CanonicalJSON.string(text) }
        var lines = ["model-index:", "- name: \(quote("\(card.details.name)@\(card.details.version)"))", "  results:"]
        lines.append("  - task:")
        lines.append("      type: \(quote(card.parameters.task ?? "other"))")
        lines.append("    dataset:")
        lines.append("      type: \(quote(card.parameters.dataset ?? "unknown"))")
        lines.append("      name: \(quote(card.parameters.dataset ?? "unknown"))")
        lines.append(card.metrics.isEmpty ? "    metrics: []" : "    metrics:")
        for (name, value) in card.metrics.sorted(by: { $0.key < $1.key }) {
            lines += ["    - type: \(quote(name))", "      name: \(quote(name))", "      value: \(ReportText.plain(value))"]
        }
        lines.append("tags:")
        lines += (["edgeprof"] + card.details.tags).map { "- \(quote($0))" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The card's sections as (title, lines of Markdown).
    static func sections(_ card: ModelCard) -> [(String, [String])] {
        let d = card.details
        let p = card.parameters
        var details = [
            "- **Version:** \(d.version) (\(d.track.rawValue) track), stage **\(d.stage.rawValue)**",
            "- **Registered:** \(AuditChain.timestamp(d.registered)) by \(d.registeredBy)"
                + (d.claimedAuthor.map { $0 == d.registeredBy ? "" : " (its metadata names \($0) as author: a claim, not a record)" } ?? ""),
            "- **Artifact:** sha256 `\(d.artifactSHA256)` (\(d.artifactBytes) bytes)",
        ]
        if !d.tags.isEmpty { details.append("- **Tags:** \(d.tags.joined(separator: ", "))") }
        var parameters: [String] = []
        if let architecture = p.architecture { parameters.append("- **Architecture:** \(architecture)") }
        if let task = p.task { parameters.append("- **Task:** \(task)") }
        if let dataset = p.dataset { parameters.append("- **Dataset:** \(dataset)") }
        if let training = p.trainingData { parameters.append("- **Training data:** sha256 `\(training.sha256)`, \(training.from) to \(training.to)") }
        if let manifest = p.datasetManifestSHA256 { parameters.append("- **Dataset manifest:** sha256 `\(manifest)`") }
        if let quantization = p.quantizationConfigSHA256 { parameters.append("- **Quantization config:** sha256 `\(quantization)`") }
        if let tokenizer = p.tokenizerConfigSHA256 { parameters.append("- **Tokenizer config:** sha256 `\(tokenizer)`") }
        for (key, value) in p.hyperparameters.sorted(by: { $0.key < $1.key }) { parameters.append("- **\(key):** \(value)") }
        var quantitative = card.metrics.isEmpty ? ["No offline metrics were registered."] : ["| Metric | Value |", "|---|---|"]
        quantitative += card.metrics.sorted { $0.key < $1.key }.map { "| \($0.key) | \(ReportText.plain($0.value)) |" }
        var hardware = card.hardware.isEmpty
            ? ["No profile runs are stored for this version: `edgeprof profile --model \(d.name)@\(d.version) …`"]
            : [
                "| Device class | Runs | Iterations | Latency p50 / p95 / p99 (ms) | TTFT p95 (ms) | Tokens/s | Peak RAM (KiB) | Energy/inference (mJ) | Tokens/mJ | Evidence keys |",
                "|---|---|---|---|---|---|---|---|---|---|",
            ]
        hardware += card.hardware.map { h in
            let latency = [h.latencyP50Ms, h.latencyP95Ms, h.latencyP99Ms].map { ReportText.number($0) }.joined(separator: " / ")
            return "| \(h.deviceClass) | \(h.runs) | \(h.measuredIterations) | \(latency) | \(ReportText.number(h.timeToFirstTokenP95Ms)) | \(ReportText.number(h.tokensPerSecond)) | \(ReportText.number(h.peakRAMBytes.map { Double($0) / 1024 })) | \(ReportText.number(h.energyPerInferenceMillijoules)) | \(ReportText.number(h.tokensPerMillijoule)) | \(h.evidenceKeys.joined(separator: ", ")) |"
        }
        var fairness: [String] = []
        if let result = card.fairness {
            fairness.append("**\(result.outcome.rawValue)**: \(result.summary)")
            fairness += result.findings.map { "- \($0)" }
            let perGroup = result.figures.filter { $0.key.hasPrefix("selection_rate[") }.sorted { $0.key < $1.key }
            if !perGroup.isEmpty {
                fairness += ["", "| Group | Selection rate | TPR | FPR |", "|---|---|---|---|"]
                fairness += perGroup.map { key, rate in
                    let group = String(key.dropFirst("selection_rate[".count).dropLast())
                    return "| \(group) | \(ReportText.fixed(rate, 4)) | \(ReportText.fixed(result.figures["tpr[\(group)]"] ?? .nan, 4)) | \(ReportText.fixed(result.figures["fpr[\(group)]"] ?? .nan, 4)) |"
                }
            }
        } else {
            fairness.append("No bias audit.")
        }
        fairness += fairnessByDeviceClass(card)
        let c = card.considerations
        var considerations = [
            "- **Intended use:** \(c.intendedUse ?? "not stated")",
            "- **Limitations:** \(c.limitations ?? "not stated")",
            "- **Ethical considerations:** \(c.ethicalConsiderations ?? "not stated")",
            "- **Trade-offs:** \(c.tradeoffs ?? "not stated")",
        ]
        if let audit = card.ethicsAuditDate { considerations.append("- **Last ethics audit:** \(audit)") }
        var governance = card.gates.map { "- Gate **\($0.gate.rawValue)**: \($0.outcome.rawValue): \($0.summary)" }
        governance += card.approvals.map { "- Approval **\($0.stage.rawValue)** by \($0.actor) (\($0.role.rawValue)), \(AuditChain.timestamp($0.at)): \($0.reason)" }
        governance += card.releases.map { "- Release record `\($0)`" }
        return [
            ("Model details", details), ("Model parameters", parameters.isEmpty ? ["Not stated."] : parameters),
            ("Quantitative analysis", quantitative), ("Hardware", hardware), ("Fairness", fairness), ("Shadow period", shadow(card)),
            ("Considerations", considerations), ("Governance", governance.isEmpty ? ["No gates, approvals or releases yet."] : governance),
            ("Incidents", incidents(card)),
        ]
    }

    /// Fairness per device class (issue 15 §6): the offline audit per class, the shadow period's
    /// per class, and the newest check in the field per class — this artifact on each board.
    static func fairnessByDeviceClass(_ card: ModelCard) -> [String] {
        var rows: [String] = []
        let offline = card.fairness?.figures.keys.filter { $0.hasPrefix("demographic_parity_difference@") }.map { String($0.dropFirst("demographic_parity_difference@".count)) } ?? []
        let shadow = card.shadow?.deviceClasses ?? []
        let classes = Set(offline + shadow.map(\.deviceClass) + card.fieldFairness.map(\.subject.deviceClass)).sorted()
        guard !classes.isEmpty else { return [] }
        rows += ["", "Per device class, artifact sha256 `\(card.details.artifactSHA256.prefix(12))…`:", "",
                 "| Device class | Offline parity / equalized odds | Shadow period | In the field (newest day) |", "|---|---|---|---|"]
        for deviceClass in classes {
            let figures = card.fairness?.figures ?? [:]
            let offlineCell = figures["demographic_parity_difference@\(deviceClass)"].map { parity in
                "\(ReportText.fixed(parity, 4)) / \(ReportText.fixed(figures["equalized_odds_difference@\(deviceClass)"] ?? .nan, 4))"
            } ?? "—"
            let shadowCell = shadow.first { $0.deviceClass == deviceClass }.map { $0.fairness.state.rawValue.uppercased() } ?? "—"
            let fieldCell = card.fieldFairness.first { $0.subject.deviceClass == deviceClass }.map { check in
                "\(check.outcome.state.rawValue.uppercased()) \(AuditChain.timestamp(check.windowStart).prefix(10))"
            } ?? "—"
            rows.append("| \(deviceClass) | \(offlineCell) | \(shadowCell) | \(fieldCell) |")
        }
        return rows
    }

    /// The shadow period judged on the fleet's telemetry (issue 15 §4).
    static func shadow(_ card: ModelCard) -> [String] {
        guard let report = card.shadow else { return ["Not in staging yet: no shadow period."] }
        let figure = { (value: Double?) in value.map { ReportText.fixed($0, 4) } ?? "—" }
        return [
            "**\(report.outcome.rawValue)**: \(report.pairs) requests answered beside \(report.servedVersions.keys.sorted().joined(separator: ", ")), "
                + "\(AuditChain.timestamp(report.window.from).prefix(10)) to \(AuditChain.timestamp(report.window.to).prefix(10)) "
                + "(\(report.window.periodDays)-day period \(report.window.complete ? "complete" : "not complete"))",
            "- Agreement \(figure(report.agreementRate)); accuracy \(figure(report.candidateFigures.accuracy)) against \(figure(report.servedFigures.accuracy)) served "
                + "(z-test p \(figure(report.accuracyPValue))); p95 latency \(figure(report.candidateFigures.latencyP95Ms)) ms against \(figure(report.servedFigures.latencyP95Ms)) ms",
        ] + report.findings.prefix(3).map { "- \($0)" }
    }

    /// The version's incidents with their clocks (issue 15 §7).
    static func incidents(_ card: ModelCard) -> [String] {
        guard !card.incidents.isEmpty else { return ["No incidents."] }
        return ["| # | Opened | Class | Playbook | Device class | State | Resolved by | Reviewed |", "|---|---|---|---|---|---|---|---|"]
            + card.incidents.map { incident in
                "| \(incident.id) | \(AuditChain.timestamp(incident.openedAt)) | \(incident.severity.rawValue) | \(incident.playbook.rawValue) | \(incident.deviceClass) | "
                    + "\(incident.state.rawValue) | \(incident.resolvedBy ?? "—") | \(incident.reviewedBy.map { "by \($0)" } ?? "—") |"
            }
    }

    static func markdown(_ card: ModelCard) -> String {
        var text = "# Model card: \(card.details.name)@\(card.details.version)\n"
        for (title, lines) in sections(card) {
            text += "\n## \(title)\n\n" + lines.joined(separator: "\n") + "\n"
        }
        return text
    }

    /// A standalone HTML page; every value from the registry is escaped.
    static func html(_ card: ModelCard) -> String {
        """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(escape("\(card.details.name)@\(card.details.version)")) model card</title>
            <style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em}</style>
            </head><body>
            \(htmlBody(card))</body></html>

            """
    }

    /// The card's HTML without the page around it (the dashboard shows it in its own frame).
    public static func htmlBody(_ card: ModelCard) -> String {
        var body = "<h1>Model card: \(escape("\(card.details.name)@\(card.details.version)"))</h1>\n"
        for (title, lines) in sections(card) {
            body += "<h2>\(escape(title))</h2>\n"
            var table: [String] = []
            var list: [String] = []
            func flush() {
                if !list.isEmpty { body += "<ul>\n" + list.map { "<li>\($0)</li>\n" }.joined() + "</ul>\n"; list = [] }
                if !table.isEmpty {
                    let rows = table.filter { !$0.hasPrefix("|---") }.map { row in
                        row.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast().map { inline(String($0).trimmingWhitespace) }
                    }
                    body += "<table>\n<tr>" + rows[0].map { "<th>\($0)</th>" }.joined() + "</tr>\n"
                    body += rows.dropFirst().map { "<tr>" + $0.map { "<td>\($0)</td>" }.joined() + "</tr>\n" }.joined() + "</table>\n"
                    table = []
                }
            }
            for line in lines {
                if line.hasPrefix("|") { table.append(line) } else if line.hasPrefix("- ") { list.append(inline(String(line.dropFirst(2)))) } else {
                    flush()
                    if !line.isEmpty { body += "<p>\(inline(line))</p>\n" }
                }
            }
            flush()
        }
        return body
    }

    /// Escapes, then turns Markdown's **bold** and `code` into tags.
    static func inline(_ text: String) -> String {
        var html = escape(text)
        for (marker, tag) in [("**", "strong"), ("`", "code")] {
            var parts = html.components(separatedBy: marker)
            guard parts.count >= 3 else { continue }
            var rebuilt = parts.removeFirst()
            for (index, part) in parts.enumerated() {
                rebuilt += (index % 2 == 0 ? "<\(tag)>" : "</\(tag)>") + part
            }
            if parts.count % 2 == 1 { rebuilt += "</\(tag)>" }
            html = rebuilt
        }
        return html
    }

    static func escape(_ text: String) -> String {
        HTML.escape(text)
    }
}
