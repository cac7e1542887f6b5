import Foundation

/// The retirement trigger of the governance documents (004 §6.2: accuracy below 0.80 for 3
/// consecutive periods), on the weekly accuracy-floor checks of one version on one device class.
/// Pure: the week's check and the earlier stored ones in, the finding out.
public enum RetirementTrigger {
    /// A firing proposal when this week and the `retirementPeriods − 1` weeks right before it were
    /// all below the floor; a clear one when this week is at or above it (a proposal resolves);
    /// nil while this week is inconclusive or an earlier week is missing, inconclusive or above.
    public static func finding(after check: DriftCheckRecord, earlier: [DriftCheckRecord], policy: DriftPolicy) -> MonitorFinding? {
        let severity = MonitorRule.retirementProposal.defaultSeverity
        switch check.outcome.state {
        case .inconclusive: return nil
        case .clear:
            return MonitorFinding(
                rule: .retirementProposal, severity: severity, state: .clear,
                summary: "week of \(day(check.windowStart)): \(check.outcome.summary)", value: check.outcome.value, threshold: policy.retirementAccuracy)
        case .firing:
            let weeks = (1..<max(policy.retirementPeriods, 1)).map { check.windowStart.addingTimeInterval(-Double($0) * DriftCadence.weekly.seconds) }
            let below = weeks.compactMap { start in earlier.first { $0.windowStart == start && $0.kind == .accuracyFloor && $0.outcome.state == .firing } }
            guard below.count == weeks.count else { return nil }
            let figures = ([check] + below).reversed().map { "\(day($0.windowStart)) \(DriftChecks.format($0.outcome.value ?? .nan))" }
            return MonitorFinding(
                rule: .retirementProposal, severity: severity, state: .firing,
                summary: "accuracy below \(DriftChecks.format(policy.retirementAccuracy)) for \(policy.retirementPeriods) consecutive weeks "
                    + "(\(figures.joined(separator: ", "))): retirement proposed",
                value: check.outcome.value, threshold: policy.retirementAccuracy)
        }
    }

    static func day(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle().year().month().day()) }
}
