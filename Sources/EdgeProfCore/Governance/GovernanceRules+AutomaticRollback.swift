import Foundation

/// Automatic rollback (issue 14 §4): a serving version that collects the policy's number of
/// critical alerts (default 2) within its window (default 24 h) is rolled back to the previous
/// production version by the system — through the same rollback rule as a person's, audited
/// under the system actor with the alerts it acted on, never around the rules.
extension GovernanceRules {
    /// The actor of automatic rollbacks. A person can never act under it: actor names may not
    /// contain ':'.
    public static let automaticRollbackActor = "system:auto-rollback"

    /// The critical alerts that count against the serving version now: opened on it after it
    /// began serving and within the policy's window, oldest first. Empty when nothing serves.
    public func rollbackTriggers(_ alerts: [Alert]) -> [Alert] {
        guard let current = snapshot.serving else { return [] }
        let since = max(now.addingTimeInterval(-Double(policy.rollbackWindowHours) * 3600), servingSince(current.reference) ?? .distantPast)
        return alerts
            .filter {
                $0.severity == .critical && $0.rule.countsTowardRollback && $0.key.model == current.reference.description && $0.openedAt >= since
                    && $0.openedAt <= now
            }
            .sorted { ($0.openedAt, $0.id) < ($1.openedAt, $1.id) }
    }

    /// Whether the system should roll back now: automatic rollback is on, and enough critical alerts count.
    public func automaticRollbackIsDue(_ alerts: [Alert]) -> Bool {
        policy.automaticRollback && snapshot.serving != nil && !snapshot.isHalted && rollbackTriggers(alerts).count >= policy.rollbackCriticalAlerts
    }

    /// The system's rollback to the previous production version, with the alerts in its reason.
    /// Refused for any other actor, when the policy turns it off, and when the alerts do not
    /// reach the policy's count (so a second collector deciding on the same alerts after the
    /// first one rolled back finds nothing to do).
    public func automaticRollback(alerts: [Alert], evidence: GateEvidence) throws(GovernanceError) -> Decision {
        guard actor == Self.automaticRollbackActor else {
            throw .notPermitted("only the system (\(Self.automaticRollbackActor)) rolls back automatically; people use `edgeprof model rollback`")
        }
        guard policy.automaticRollback else {
            throw .blocked("automatic rollback is off in the policy in force (fleet: automatic-rollback: false)", outcome: .fail)
        }
        guard let current = snapshot.serving else {
            throw .illegalMove("\(snapshot.name) has no serving version to roll back")
        }
        guard !snapshot.isHalted else {
            throw .blocked("\(snapshot.name) is halted: nothing serves, so nothing is rolled back automatically", outcome: .fail)
        }
        let triggers = rollbackTriggers(alerts)
        guard triggers.count >= policy.rollbackCriticalAlerts else {
            throw .blocked(
                "\(current.reference) has \(triggers.count) critical alert(s) within \(policy.rollbackWindowHours) h of serving; the policy rolls back at \(policy.rollbackCriticalAlerts)",
                outcome: .fail)
        }
        let listed = triggers.map { "#\($0.id) \($0.rule.rawValue) on \($0.key.device) at \(Self.timestamp($0.openedAt))" }.joined(separator: "; ")
        let reason = "automatic rollback: \(triggers.count) critical alerts on \(current.reference) within \(policy.rollbackWindowHours) h (policy: \(policy.rollbackCriticalAlerts)): \(listed)"
        return try rollbackDecision(to: nil, reason: reason, evidence: evidence)
    }

    /// When `reference` last began serving in production.
    func servingSince(_ reference: ModelReference) -> Date? {
        snapshot.transitions.last { $0.reference == reference && $0.to == .production }?.at
    }
}
