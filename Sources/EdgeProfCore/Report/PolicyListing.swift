/// Governance policy versions for people: `edgeprof policy list` and `policy show`.
public enum PolicyListing {
    public static func list(_ policies: [PolicyRecord]) -> String {
        guard !policies.isEmpty else {
            return "the registry has adopted no policy: the built-in one (v0, docs/governance.md) is in force. Adopt one with `edgeprof policy propose FILE --reason TEXT`\n"
        }
        return policies.map { record in
            let approvals = record.approvals.map { "\($0.actor) (\($0.role.rawValue))" }.joined(separator: ", ")
            return "\(ReportText.padded("v\(record.version)", 5)) \(ReportText.padded(record.state.rawValue, 11)) sha256 \(record.sha256.prefix(16))…  "
                + "proposed by \(record.proposedBy) at \(AuditChain.timestamp(record.proposedAt))"
                + (approvals.isEmpty ? "" : "; approved by \(approvals)")
        }.joined(separator: "\n") + "\n"
    }

    public static func show(_ record: PolicyRecord, missing: [GovernanceRole]) -> String {
        var lines = [
            "policy v\(record.version)  \(record.state.rawValue)  sha256 \(record.sha256)",
            record.version == 0
                ? "the built-in defaults of docs/governance.md"
                : "proposed by \(record.proposedBy) at \(AuditChain.timestamp(record.proposedAt)) against v\(record.basedOn): \(record.reason)",
        ]
        lines += record.approvals.map { "approved by \($0.actor) (\($0.role.rawValue)) at \(AuditChain.timestamp($0.at)): \($0.reason)" }
        if !missing.isEmpty { lines.append("waiting for: \(missing.map(\.rawValue).joined(separator: ", ")) (each another actor than the proposer)") }
        var text = lines.joined(separator: "\n") + "\n\n" + record.text
        if let thresholds = record.thresholds { text += "\n# edge thresholds (embedded)\n" + thresholds }
        return text.hasSuffix("\n") ? text : text + "\n"
    }
}
