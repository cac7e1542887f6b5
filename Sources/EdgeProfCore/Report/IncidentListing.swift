import Foundation

/// `edgeprof incidents` for people: one line per incident, and an incident in full with its
/// playbook and clocks.
public enum IncidentListing {
    public static func table(_ incidents: [Incident], now: Date) -> String {
        guard !incidents.isEmpty else { return "no incident\n" }
        return incidents.map { incident in
            var line = "#\(incident.id)  \(incident.severity.rawValue.uppercased())  \(incident.state.rawValue)  \(incident.playbook.rawValue)  "
                + "\(incident.model) on \(incident.deviceClass)  opened \(AuditChain.timestamp(incident.openedAt))"
            if let assignee = incident.assignee { line += "  → \(assignee)" }
            if incident.isLive, incident.state == .open, now > incident.responseDue { line += "  RESPONSE OVERDUE" }
            if incident.isLive, now > incident.resolutionDue { line += "  RESOLUTION OVERDUE" }
            if let due = incident.reviewDue, incident.reviewedAt == nil, now > due { line += "  REVIEW OVERDUE" }
            return line
        }.joined(separator: "\n") + "\n"
    }

    public static func detail(_ detail: IncidentDetail, now: Date) -> String {
        let incident = detail.incident
        var lines = [
            "incident #\(incident.id): \(incident.title)",
            "  class \(incident.severity.rawValue), \(incident.state.rawValue); alerts \(incident.alertIDs.map { "#\($0)" }.joined(separator: ", "))",
            "  detection \(duration(detail.detectionSeconds)) (limit \(duration(detail.detectionLimitSeconds)))"
                + "; response due \(AuditChain.timestamp(detail.responseDue)); resolution due \(AuditChain.timestamp(detail.resolutionDue))",
        ]
        if !incident.paged.isEmpty { lines.append("  paged at once: \(incident.paged.map(\.rawValue).joined(separator: ", "))") }
        for escalation in incident.escalations {
            lines.append("  escalated \(AuditChain.timestamp(escalation.at)): \(escalation.clock.rawValue) clock ran out, paged \(escalation.paged.rawValue)")
        }
        if let by = incident.acknowledgedBy, let at = incident.acknowledgedAt { lines.append("  acknowledged by \(by) at \(AuditChain.timestamp(at))") }
        if let assignee = incident.assignee { lines.append("  assigned to \(assignee)") }
        if let by = incident.resolvedBy, let at = incident.resolvedAt {
            lines.append("  resolved by \(by) at \(AuditChain.timestamp(at)): \(incident.resolution ?? "")")
        }
        if let due = detail.reviewDue {
            if let by = incident.reviewedBy, let at = incident.reviewedAt {
                lines.append("  reviewed by \(by) at \(AuditChain.timestamp(at))\(at > due ? " (late)" : ""): \(incident.review ?? "")")
            } else {
                lines.append("  post-incident review due \(AuditChain.timestamp(due))\(now > due ? " — OVERDUE" : "")")
            }
        }
        lines.append("  playbook \(incident.playbook.rawValue):")
        for (number, step) in detail.steps.enumerated() {
            let who = step.roles.map { $0.map(\.rawValue).joined(separator: " + ") } ?? "automated"
            let when = step.withinHours.map { $0 == 0 ? ", at once" : ", within \(duration($0 * 3600))" } ?? ""
            lines.append("    \(number + 1). \(step.action) — \(who)\(when)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        if seconds < 120 { return "\(Int(seconds.rounded())) s" }
        if seconds < 7200 { return "\(Int((seconds / 60).rounded())) min" }
        return String(format: "%.1f h", seconds / 3600)
    }
}
