/// Renders the audit trail for `edgeprof audit log` and `audit verify`.
public enum AuditListing {
    public static func table(_ entries: [AuditEntry]) -> String {
        guard !entries.isEmpty else { return "the audit trail is empty\n" }
        return entries.map { entry in
            "\(String(entry.sequence).leftPadded(to: 5, with: " "))  \(entry.at)  \(ReportText.padded(entry.actor, 12)) \(ReportText.padded(entry.action, 16)) \(entry.subject)\(entry.reason.map { "  — \($0)" } ?? "")"
        }.joined(separator: "\n") + "\n"
    }

    public static func json(_ entries: [AuditEntry]) -> String {
        ReportText.json(entries) + "\n"
    }

    public static func verdict(_ verification: AuditChain.Verification) -> String {
        switch verification {
        case .intact(let count): "audit trail intact: \(count) entries, every hash and link holds\n"
        case .broken(let sequence, let problem): "audit trail BROKEN at entry \(sequence): \(problem)\n"
        }
    }
}
