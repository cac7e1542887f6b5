import Foundation

/// The lifecycle moves the system makes by itself (issue 14 §4), through the same transition
/// records as a person's, audited under the system actor with the reason that decided them:
/// - **production → monitoring**: a new production version settles for the policy's
///   `settle-hours` (24), then enters continuous automated checks;
/// - **monitoring → degraded**: a drift alert is open on it;
/// - **degraded → monitoring**: no drift alert is open on it any more (healthy again).
/// And the stages that outstay the policy's maximum durations, which the collector raises as
/// stage-duration alerts.
extension GovernanceRules {
    /// The actor of automatic stage moves. A person can never act under it: actor names may not contain ':'.
    public static let lifecycleActor = "system:lifecycle"

    /// A move the system is due to make: which version, where to, and why.
    public struct StageMove: Sendable, Hashable {
        public var reference: ModelReference
        public var from: LifecycleStage
        public var to: LifecycleStage
        public var reason: String
    }

    /// A version that has been in its stage longer than the policy allows.
    public struct StageOverrun: Sendable, Hashable {
        public var reference: ModelReference
        public var stage: LifecycleStage
        public var since: Date
        public var limitHours: Int
        public var hours: Double

        /// The alert's evidence in words.
        public var summary: String {
            String(
                format: "%@ has been in %@ for %.1f h since %@; the policy allows %d h (lifecycle: max-hours: %@)", reference.description, stage.rawValue, hours,
                GovernanceRules.timestamp(since), limitHours, stage.rawValue)
        }
    }

    /// The move due on the serving version now, given the alerts of the model (any state), if any.
    /// None while the model is halted: a halt freezes the lifecycle until a person resumes it.
    public func dueStageMove(alerts: [Alert]) -> StageMove? {
        guard policy.automaticStageMoves, !snapshot.isHalted, let serving = snapshot.serving else { return nil }
        let drifting = alerts
            .filter { $0.state != .resolved && MonitorRule.drift.contains($0.rule) && $0.key.model == serving.reference.description }
            .sorted { $0.id < $1.id }
        switch serving.stage {
        case .production:
            let settled = serving.stageChangedAt.addingTimeInterval(Double(policy.settleHours) * 3600)
            guard now >= settled else { return nil }
            return StageMove(
                reference: serving.reference, from: .production, to: .monitoring,
                reason: "settled: in production since \(Self.timestamp(serving.stageChangedAt)), \(policy.settleHours) h (policy: lifecycle: settle-hours); continuous automated checks from now")
        case .monitoring:
            guard !drifting.isEmpty else { return nil }
            let listed = drifting.map { "#\($0.id) \($0.rule.rawValue) on \($0.key.device)" }.joined(separator: "; ")
            return StageMove(reference: serving.reference, from: .monitoring, to: .degraded, reason: "drift detected: \(listed)")
        case .degraded:
            guard drifting.isEmpty else { return nil }
            return StageMove(reference: serving.reference, from: .degraded, to: .monitoring, reason: "healthy: no drift alert is open on \(serving.reference) any more")
        default:
            return nil
        }
    }

    /// The system's move of the serving version, decided on `alerts` again here so that a stale
    /// caller (a second collector, an alert resolved meanwhile) decides nothing.
    public func automaticStageMove(alerts: [Alert]) throws(GovernanceError) -> Decision {
        guard actor == Self.lifecycleActor else {
            throw .notPermitted("only the system (\(Self.lifecycleActor)) moves stages automatically; people use `edgeprof model promote --to STAGE`")
        }
        guard let move = dueStageMove(alerts: alerts), let version = snapshot.version(move.reference) else {
            throw .blocked("no automatic stage move is due on \(snapshot.name)", outcome: .fail)
        }
        let transition = StageTransition(reference: move.reference, from: version.stage, to: move.to, at: now, actor: actor, reason: move.reason)
        return Decision(subject: move.reference, change: change([.transition(transition)]), gates: [], track: nil, to: move.to)
    }

    /// Every version that has stayed in its stage longer than the policy's maximum for it.
    public func stageOverruns() -> [StageOverrun] {
        snapshot.versions.compactMap { version in
            guard let limit = policy.maxStageHours[version.stage] else { return nil }
            let hours = now.timeIntervalSince(version.stageChangedAt) / 3600
            guard hours > Double(limit) else { return nil }
            return StageOverrun(reference: version.reference, stage: version.stage, since: version.stageChangedAt, limitHours: limit, hours: hours)
        }
    }
}
