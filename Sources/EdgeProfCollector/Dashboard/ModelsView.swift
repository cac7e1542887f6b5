import EdgeProfCore
import Foundation

/// The registry as people read it: each model's versions by stage, what each version still waits
/// for (approvals and the role that gives them), its gates with their figures, the release
/// history, and the model's part of the audit trail with the chain's verification.
enum ModelsView {
    /// A version's approvals still missing on its way to production, each with the role it needs.
    struct Pending: Hashable {
        var stage: ApprovalStage
        var role: GovernanceRole
    }

    /// One model's line on the models page.
    struct ModelLine {
        var name: String
        var versions: [ModelVersionRecord]
        var pending: [ModelReference: [Pending]]
        var halted: Bool
    }

    static func list(_ models: [ModelLine], viewer: DashboardViewer) -> String {
        let stages: [LifecycleStage] = LifecycleStage.allCases
        let rows = models.map { model -> [String] in
            let byStage = Dictionary(grouping: model.versions, by: \.stage)
            let cells = stages.filter { byStage[$0] != nil }.map { stage in
                "<span class=\"badge\">\(stage.rawValue)</span> " + (byStage[stage] ?? []).map { HTML.escape($0.reference.version.description) }.joined(separator: ", ")
            }.joined(separator: "<br>")
            let waiting = model.pending.sorted { $0.key.version < $1.key.version }.filter { !$0.value.isEmpty }.map { reference, pending in
                "\(HTML.escape(reference.version.description)): " + pending.map { "\($0.stage.rawValue) (\($0.role.rawValue))" }.joined(separator: ", ")
            }.joined(separator: "<br>")
            return [
                "<a href=\"/models/\(HTML.pathSegment(model.name))\">\(HTML.escape(model.name))</a>" + (model.halted ? " <span class=\"badge bad\">halted</span>" : ""),
                cells, waiting.isEmpty ? "<span class=\"empty\">none</span>" : waiting,
            ]
        }
        return DashboardLayout.page(
            title: "Models", viewer: viewer,
            body: DashboardLayout.table(
                class: "models", headers: ["Model", "Versions by stage", "Approvals waiting (role)"], rows: rows,
                empty: "No model is registered yet (edgeprof model register NAME VERSION --artifact FILE)."))
    }

    struct VersionDetail {
        var record: ModelVersionRecord
        var approvals: [Approval]
        var pending: [Pending]
        /// nil: not assessed (the model page lists versions; a version's page assesses its gates).
        var gates: [GovernanceGateResult]?
    }

    static func model(
        name: String, versions: [VersionDetail], snapshot: RegistrySnapshot, audit: [AuditEntry], verification: AuditChain.Verification,
        viewer: DashboardViewer
    ) -> String {
        var body = "<h2>Versions</h2>"
        body += DashboardLayout.table(
            class: "versions", headers: ["Version", "Stage", "Registered by", "Artifact", "Approvals", "Waiting for", ""],
            rows: versions.map { detail in
                let reference = detail.record.reference
                let signed = detail.approvals.map { "\($0.stage.rawValue) by \(HTML.escape($0.actor))" }.joined(separator: "<br>")
                let waiting = detail.pending.map { "\($0.stage.rawValue) (\($0.role.rawValue))" }.joined(separator: "<br>")
                return [
                    "<a data-version=\"\(HTML.escape(reference.version.description))\" href=\"/models/\(HTML.pathSegment(name))/\(HTML.pathSegment(reference.version.description))\">\(HTML.escape(reference.version.description))</a>",
                    "<span class=\"badge\">\(detail.record.stage.rawValue)</span>",
                    HTML.escape(detail.record.registeredBy),
                    "<span class=\"mono\">\(HTML.escape(String(detail.record.model.artifactSHA256.prefix(16))))…</span>",
                    signed.isEmpty ? "<span class=\"empty\">none</span>" : signed,
                    waiting.isEmpty ? "<span class=\"empty\">—</span>" : waiting,
                    "<a href=\"/models/\(HTML.pathSegment(name))/\(HTML.pathSegment(reference.version.description))/card\">model card</a>",
                ]
            }, empty: "No versions.")
        body += "<p class=\"empty\">A version's page shows its gates as they stand now and takes approvals. "
            + "<a href=\"/models/\(HTML.pathSegment(name))/monitoring\">Monitoring</a>: drift window by window, A/B tests, incidents.</p>"
        body += "<h2>Release history</h2>" + history(snapshot)
        body += "<h2 id=\"audit\">Audit trail</h2>" + AuditView.verificationLine(verification, entries: nil) + AuditView.table(audit)
        return DashboardLayout.page(title: name, viewer: viewer, body: body)
    }

    static func version(_ detail: VersionDetail, shadow: ShadowReport?, viewer: DashboardViewer, notice: String?) -> String {
        let reference = detail.record.reference
        let name = reference.name
        let signed = detail.approvals.map { "\($0.stage.rawValue) by \(HTML.escape($0.actor)) (\($0.role.rawValue)): \(HTML.escape($0.reason))" }
        let waiting = detail.pending.map { "\($0.stage.rawValue), given by a \($0.role.rawValue)" }
        let facts: [(String, String)] = [
            ("Stage", "<span class=\"badge\">\(detail.record.stage.rawValue)</span> since \(HTML.escape(HTML.timestamp(detail.record.stageChangedAt)))"),
            ("Registered by", HTML.escape(detail.record.registeredBy)),
            ("Artifact", "<span class=\"mono\">\(HTML.escape(detail.record.model.artifactSHA256))</span>"),
            ("Approvals", signed.isEmpty ? "none" : signed.joined(separator: "<br>")),
            ("Waiting for", waiting.isEmpty ? "nothing" : HTML.escape(waiting.joined(separator: "; "))),
            ("Model card", "<a href=\"/models/\(HTML.pathSegment(name))/\(HTML.pathSegment(reference.version.description))/card\">rendered</a>"),
        ]
        var body = "<p><a href=\"/models/\(HTML.pathSegment(name))\">\(HTML.escape(name))</a></p>"
        body += "<dl class=\"facts\">" + facts.map { "<dt>\(HTML.escape($0.0))</dt><dd>\($0.1)</dd>" }.joined() + "</dl>"
        body += approveForm(name: name, detail: detail, viewer: viewer)
        body += "<h2>Gates, as they stand now</h2>" + gatesTable(detail.gates ?? [])
        body += ShadowView.section(shadow)
        return DashboardLayout.page(title: reference.description, viewer: viewer, notice: notice, body: body)
    }

    static func gatesTable(_ gates: [GovernanceGateResult]) -> String {
        DashboardLayout.table(
            class: "gates", headers: ["Gate", "Verdict", "Summary", "Figures"],
            rows: gates.map { gate in
                let figures = gate.figures.sorted { $0.key < $1.key }.map { "\(HTML.escape($0.key)) = \(HTML.figure($0.value))" }.joined(separator: "<br>")
                return [
                    HTML.escape(gate.gate.rawValue),
                    "<span class=\"badge \(gate.outcome.rawValue.lowercased())\" data-gate=\"\(HTML.escape(gate.gate.rawValue))\">\(gate.outcome.rawValue)</span>",
                    HTML.escape(gate.summary) + (gate.findings.isEmpty ? "" : "<br><small>" + gate.findings.map(HTML.escape).joined(separator: "<br>") + "</small>"),
                    figures,
                ]
            }, empty: "No gate applies.")
    }

    static func approveForm(name: String, detail: VersionDetail, viewer: DashboardViewer) -> String {
        guard detail.record.stage.isPreProduction, !detail.pending.isEmpty else { return "" }
        let mine = detail.pending.filter { viewer.roles.contains($0.role) }
        guard !mine.isEmpty else {
            let roles = Set(detail.pending.map(\.role.rawValue)).sorted().joined(separator: ", ")
            return "<p class=\"empty\">Waiting for approvals from \(HTML.escape(roles)); you hold none of these roles.</p>"
        }
        let version = detail.record.reference.version.description
        let options = mine.map { "<option value=\"\($0.stage.rawValue)\">\($0.stage.rawValue) (as \($0.role.rawValue))</option>" }.joined()
        return """
            <form class="act approve" method="post" action="/models/\(HTML.pathSegment(name))/\(HTML.pathSegment(version))/approve">\(viewer.csrfField)\
            <label>Approve <select name="stage" aria-label="approval stage">\(options)</select></label>\
            <input type="text" name="reason" maxlength="2000" required placeholder="reason (recorded in the audit trail)" aria-label="reason">\
            <button type="submit" data-approve="\(HTML.escape(version))">Approve \(HTML.escape(version))</button></form>
            """
    }

    static func history(_ snapshot: RegistrySnapshot) -> String {
        var events: [(Date, String)] = snapshot.transitions.map { transition in
            (transition.at, "\(HTML.escape(transition.reference.description)): \(transition.from?.rawValue ?? "registered") → \(transition.to.rawValue) by \(HTML.escape(transition.actor)) — \(HTML.escape(transition.reason))")
        }
        events += snapshot.halts.map { halt in
            (halt.at, "\(halt.halted ? "halted" : "resumed") by \(HTML.escape(halt.actor)) — \(HTML.escape(halt.reason))")
        }
        events.sort { $0.0 > $1.0 }
        return DashboardLayout.table(
            class: "history", headers: ["When", "What"], rows: events.map { [HTML.escape(HTML.timestamp($0.0)), $0.1] }, empty: "No stage changes yet.")
    }

    static func card(_ card: ModelCard, reference: ModelReference, viewer: DashboardViewer) -> String {
        DashboardLayout.page(
            title: "Model card · \(reference)", viewer: viewer,
            body: "<p><a href=\"/models/\(HTML.pathSegment(reference.name))\">\(HTML.escape(reference.name))</a></p><div class=\"card\">\(ModelCardRenderer.htmlBody(card))</div>")
    }
}

/// The audit trail: every act with its actor, policy and hash link, and whether the chain holds.
enum AuditView {
    static func page(_ entries: [AuditEntry], verification: AuditChain.Verification, total: Int, viewer: DashboardViewer) -> String {
        DashboardLayout.page(
            title: "Audit trail", viewer: viewer,
            body: verificationLine(verification, entries: total) + "<p class=\"empty\">Newest first; the latest \(entries.count) of \(total) entries.</p>" + table(entries))
    }

    static func verificationLine(_ verification: AuditChain.Verification, entries: Int?) -> String {
        switch verification {
        case .intact:
            return "<p class=\"verification\" data-intact=\"true\"><span class=\"badge ok\">verified</span> every hash and link of the trail checks\(entries.map { " (\($0) entries)" } ?? "").</p>"
        case .broken(let sequence, let problem):
            return "<p class=\"verification\" data-intact=\"false\"><span class=\"badge bad\">BROKEN</span> at entry \(sequence): \(HTML.escape(problem))</p>"
        }
    }

    static func table(_ entries: [AuditEntry]) -> String {
        DashboardLayout.table(
            class: "audit", headers: ["#", "When", "Actor", "Act", "Subject", "Change", "Reason", "Policy"],
            rows: entries.map { entry in
                [
                    "\(entry.sequence)", HTML.escape(entry.at), "<span class=\"actor\">\(HTML.escape(entry.actor))</span>",
                    "<span class=\"action\">\(HTML.escape(entry.action))</span>", HTML.escape(entry.subject),
                    "<span class=\"mono\">\(HTML.escape([entry.before, entry.after].compactMap { $0 }.joined(separator: " → ")))</span>",
                    HTML.escape(entry.reason ?? ""), "<span class=\"mono\">\(HTML.escape(entry.policy.map { String($0.prefix(12)) } ?? ""))</span>",
                ]
            }, empty: "Nothing recorded yet.")
    }
}
