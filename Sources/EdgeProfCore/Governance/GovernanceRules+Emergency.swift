import Foundation

/// Emergency deployments follow a two-person rule: one tech_lead requests the deployment (with
/// the escalation record), a different tech_lead confirms it within the policy's window, and only
/// the confirmation moves the version. Gates are evaluated and recorded, not enforced. A halted
/// model takes an emergency deployment only when the request says it lifts the halt; the
/// confirmation then lifts it in the same act.
extension GovernanceRules {
    /// Records a request; nothing moves until a second tech_lead confirms it.
    public func requestEmergency(
        _ reference: ModelReference, escalation: Escalation, liftsHalt: Bool, artifact: ArtifactCheck
    ) throws(GovernanceError) -> GovernanceChange {
        let version = try existing(reference)
        let requester = try authorized([.techLead], to: "request an emergency deployment of \(reference)")
        guard version.stage.isPreProduction else {
            throw .illegalMove("\(reference) is in \(version.stage.rawValue): an emergency deployment takes a version that has not yet served (development to canary)")
        }
        let informed = escalation.informed.map(\.trimmingWhitespace).filter { !$0.isEmpty }
        guard !informed.isEmpty else {
            throw .invalid("an emergency deployment needs an escalation record: name who was informed with --informed (e.g. --informed cto@example.com)")
        }
        guard !escalation.reason.trimmingWhitespace.isEmpty else { throw .invalid("an emergency deployment needs a reason: --reason TEXT") }
        try haltAllows(liftsHalt: liftsHalt, reference: reference)
        if let open = openEmergency {
            throw .duplicate(
                "an emergency deployment of \(open.reference) is already waiting (request \(open.id) by \(open.requestedBy) at \(Self.timestamp(open.requestedAt))): a second tech_lead confirms or declines it with `edgeprof model confirm \(open.reference) --reason WHY [--decline]`")
        }
        try Self.requireIntact(version, artifact)
        let request = EmergencyRequest(
            reference: reference, requestedBy: requester.name, requestedAt: now,
            expiresAt: now.addingTimeInterval(TimeInterval(policy.emergencyConfirmationMinutes) * 60), reason: escalation.reason, informed: informed, liftsHalt: liftsHalt)
        return change([.requestEmergency(request)])
    }

    /// The pending request of this model still inside its confirmation window.
    public var openEmergency: EmergencyRequest? {
        snapshot.emergencies.last { $0.isOpen(at: now) }
    }

    /// A second tech_lead confirms the open request: the version goes to production (lifting the
    /// halt if the request said so), with the gates evaluated and an emergency release record
    /// naming both tech_leads and who was informed.
    public func confirmEmergency(_ reference: ModelReference, reason: String, evidence: GateEvidence) throws(GovernanceError) -> Decision {
        let version = try existing(reference)
        let confirmer = try authorized([.techLead], to: "confirm an emergency deployment of \(reference)")
        let request = try openRequest(for: reference)
        guard confirmer.name != request.requestedBy else {
            throw .notPermitted("\(confirmer.name) requested the emergency deployment of \(reference) and may not confirm it (two-person rule). Fix: another tech_lead confirms it")
        }
        guard !reason.trimmingWhitespace.isEmpty else { throw .invalid("a confirmation needs a reason: --reason TEXT") }
        guard version.stage.isPreProduction else {
            throw .illegalMove("\(reference) is in \(version.stage.rawValue) now: an emergency deployment takes a version that has not yet served; decline the request with --decline")
        }
        try haltAllows(liftsHalt: request.liftsHalt, reference: reference, atConfirmation: true)
        try Self.requireIntact(version, evidence.artifact)
        let track = track(of: version)
        let gates = GovernanceGates(snapshot: snapshot, policy: policy, evidence: evidence)
        let results = requiredGates(to: .production, track: track).map { gates.evaluate($0, for: version) }
        var operations: [GovernanceOperation] = [
            .decideEmergency(EmergencyDecision(requestID: request.id, reference: reference, state: .confirmed, actor: confirmer.name, at: now, reason: reason))
        ]
        if snapshot.isHalted {
            operations.append(.halt(HaltEvent(
                model: snapshot.name, halted: false, at: now, actor: confirmer.name,
                reason: "lifted by the emergency deployment of \(reference) (requested by \(request.requestedBy)): \(request.reason)")))
        }
        let replaced = snapshot.serving
        if let replaced {
            operations.append(.transition(StageTransition(
                reference: replaced.reference, from: replaced.stage, to: .deprecated, at: now, actor: actor, reason: "superseded by \(reference) (emergency)")))
        }
        operations.append(.transition(StageTransition(
            reference: reference, from: version.stage, to: .production, at: now, actor: actor, reason: "emergency: \(request.reason)")))
        var record = release(.emergency, version, gates: results, thresholds: evidence.edgeThresholds, replaces: replaced?.reference, reason: request.reason)
        record.escalation = Escalation(informed: request.informed, reason: request.reason, requestedBy: request.requestedBy, confirmedBy: confirmer.name)
        record.track = track
        operations.append(.release(record))
        return Decision(subject: reference, change: change(operations), gates: results, track: track, to: .production)
    }

    /// Any tech_lead (the requester included, to withdraw it) declines the open request.
    public func declineEmergency(_ reference: ModelReference, reason: String) throws(GovernanceError) -> GovernanceChange {
        _ = try existing(reference)
        let signer = try authorized([.techLead], to: "decline an emergency deployment of \(reference)")
        let request = try openRequest(for: reference)
        guard !reason.trimmingWhitespace.isEmpty else { throw .invalid("declining needs a reason: --reason TEXT") }
        return change([
            .decideEmergency(EmergencyDecision(requestID: request.id, reference: reference, state: .declined, actor: signer.name, at: now, reason: reason))
        ])
    }

    private func openRequest(for reference: ModelReference) throws(GovernanceError) -> EmergencyRequest {
        if let open = openEmergency {
            guard open.reference == reference else {
                throw .notFound("the emergency deployment waiting for \(snapshot.name) is of \(open.reference), not \(reference)")
            }
            return open
        }
        if let expired = snapshot.emergencies.last(where: { $0.reference == reference }), expired.state == .pending {
            throw .illegalMove(
                "the emergency deployment of \(reference) requested by \(expired.requestedBy) expired unconfirmed at \(Self.timestamp(expired.expiresAt)): request it again")
        }
        throw .notFound(
            "no emergency deployment of \(reference) is waiting for confirmation: a tech_lead requests one with `edgeprof model promote \(reference) --emergency --informed WHO --reason WHY`")
    }

    /// A halted model takes an emergency deployment only when the act lifts the halt (the
    /// confirming tech_lead holds the role that resumes).
    private func haltAllows(liftsHalt: Bool, reference: ModelReference, atConfirmation: Bool = false) throws(GovernanceError) {
        if let halt = snapshot.halts.last, halt.halted, !liftsHalt {
            let fix = atConfirmation
                ? "decline this request and request again with --lift-halt, or resume the model first"
                : "add --lift-halt so that the confirmation lifts the halt in the same act, or resume the model first"
            throw .illegalMove("\(reference.name) is halted (since \(Self.timestamp(halt.at)), by \(halt.actor): \(halt.reason)): \(fix)")
        }
        if liftsHalt, !snapshot.isHalted, !atConfirmation {
            throw .invalid("\(reference.name) is not halted: drop --lift-halt")
        }
    }
}
