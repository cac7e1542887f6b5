import Foundation

extension GovernanceRules {
    /// Who may acknowledge a monitoring alert: the people who operate the fleet.
    public static let alertResponders: [GovernanceRole] = [.mlEngineer, .techLead]

    /// Acknowledges an open alert as the actor. An alert already acknowledged or resolved is
    /// refused: there is nothing left to acknowledge.
    public func acknowledgeAlert(_ alert: Alert, reason: String?) throws(GovernanceError) -> GovernanceChange {
        let responder = try authorized(Self.alertResponders, to: "acknowledge alerts")
        switch alert.state {
        case .open: break
        case .acknowledged:
            throw .illegalMove("alert \(alert.id) was already acknowledged by \(alert.acknowledgedBy ?? "someone")\(alert.acknowledgedAt.map { " at \(Self.timestamp($0))" } ?? "")")
        case .resolved:
            throw .illegalMove("alert \(alert.id) resolved by itself\(alert.resolvedAt.map { " at \(Self.timestamp($0))" } ?? ""): nothing to acknowledge")
        }
        let trimmed = reason?.trimmingWhitespace
        if let trimmed, trimmed.count > 2000 { throw .invalid("a reason is at most 2000 characters") }
        return change([
            .acknowledgeAlert(AlertAcknowledgement(
                alertID: alert.id, rule: alert.rule, key: alert.key, actor: responder.name, at: now, reason: trimmed?.isEmpty == false ? trimmed : nil))
        ])
    }
}
