/// Renders the audit trail for `edgeprof audit log` and `audit verify`.
public enum AuditListing {
    public static func table(_ entries: [AuditEntry]) -> String {
        guard !entries.isEmpty else { return "the audit trail is empty\n" }
        return entries.map { entry in
            "\(String(entry.sequence).leftPadded(to: 5, with: " "))  \(entry.at)  \(ReportText.padded(entry.actor, 12)) \(ReportText.padded(entry.action, 16)) \(entry.subject)\(entry.reason.map { "  — \($0)" } ?? "")"
        }.joined(separator: "\n") + "\n"
    }

    public static func json<T: Encodable>(_ value: T) -> String {
        ReportText.json(value) + "\n"
    }

    /// What `audit verify --checkpoint` found.
    public static func checkpoint(_ found: AuditCheckpoint.Verification, _ checkpoint: AuditCheckpoint, keyPinned: Bool) -> String {
        let signer = keyPinned ? "the pinned key" : "the key in the checkpoint (\(checkpoint.publicKey); pin it with --public-key)"
        return switch found {
        case .holds(let sequence): "checkpoint holds: entry \(sequence) signed at \(checkpoint.at) by \(signer) is still in the trail\n"
        case .badSignature(let problem): "checkpoint REFUSED: \(problem)\n"
        case .untrustedKey(let key): "checkpoint REFUSED: signed by \(key), not by the pinned key\n"
        case .truncated(let signed, let length):
            "audit trail CUT SHORT: the checkpoint signed at \(checkpoint.at) saw \(signed) entries; the trail now ends at entry \(length) (entries \(length + 1)…\(signed) were deleted)\n"
        case .replaced(let sequence): "audit trail REWRITTEN: entry \(sequence) is not the one signed at \(checkpoint.at)\n"
        }
    }

    public static func verdict(_ verification: AuditChain.Verification) -> String {
        switch verification {
        case .intact(let count): "audit trail intact: \(count) entries, every hash and link holds\n"
        case .broken(let sequence, let problem): "audit trail BROKEN at entry \(sequence): \(problem)\n"
        }
    }
}
