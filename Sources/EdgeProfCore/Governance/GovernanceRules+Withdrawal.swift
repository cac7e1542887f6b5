import Foundation

/// What was granted can be withdrawn, each as an audited act by an authorised actor: an approval
/// before the move it enabled, a role, an actor's right to act at all (their tokens stop with it).
/// The registry always keeps an active actor who manages actors, so no act can lock everyone out.
extension GovernanceRules {
    public static let actorManagers: [GovernanceRole] = [.techLead, .complianceOfficer]

    /// Withdraws the approval of `stage` on a version that has not yet made the move it enabled.
    /// Its signer, a tech_lead or a compliance_officer may withdraw it.
    public func revokeApproval(_ reference: ModelReference, stage: ApprovalStage, reason: String) throws(GovernanceError) -> GovernanceChange {
        let version = try existing(reference)
        guard let approval = snapshot.approvals(of: reference).first(where: { $0.stage == stage }) else {
            throw .notFound("\(stage.rawValue) of \(reference) is not signed, so there is nothing to revoke")
        }
        let revoker = try authorized(GovernanceRole.allCases, to: "revoke \(stage.rawValue) of \(reference)")
        guard revoker.name == approval.actor || revoker.roles.contains(where: Self.actorManagers.contains) else {
            throw .notPermitted("\(revoker.name) may not revoke \(approval.actor)'s \(stage.rawValue) of \(reference): its signer, a tech_lead or a compliance_officer may")
        }
        guard version.stage.isPreProduction, version.stage < stage.requiredBefore else {
            throw .illegalMove(
                "\(reference) is in \(version.stage.rawValue): the \(stage.rawValue) of \(approval.actor) already enabled its move to \(stage.requiredBefore.rawValue) and stays on record; to undo the move, fail, roll back or retire the version")
        }
        guard !reason.trimmingWhitespace.isEmpty else { throw .invalid("revoking an approval needs a reason: --reason TEXT") }
        return change([.revokeApproval(ApprovalRevocation(approval: approval, revokedBy: revoker.name, revokedAt: now, reason: reason))])
    }

    /// Gives an actor another role. Nobody grants themselves a role.
    public func grantRole(_ role: GovernanceRole, to name: String, reason: String) throws(GovernanceError) -> GovernanceChange {
        let (granter, target) = try managing(name, to: "grant roles")
        guard granter.name != target.name else {
            throw .notPermitted("\(granter.name) may not grant themselves \(role.rawValue) (separation of duties). Fix: another tech_lead or compliance_officer grants it")
        }
        guard !target.roles.contains(role) else { throw .invalid("\(name) already holds \(role.rawValue)") }
        guard !reason.trimmingWhitespace.isEmpty else { throw .invalid("granting a role needs a reason: --reason TEXT") }
        return change([.setRoles(name: name, before: target.roles, after: target.roles + [role], reason: reason)])
    }

    /// Takes a role from an actor (their own included); an actor keeps at least one role.
    public func removeRole(_ role: GovernanceRole, from name: String, reason: String) throws(GovernanceError) -> GovernanceChange {
        let (_, target) = try managing(name, to: "remove roles")
        guard target.roles.contains(role) else { throw .invalid("\(name) does not hold \(role.rawValue) (roles: \(Self.roles(target)))") }
        let remaining = target.roles.filter { $0 != role }
        guard !remaining.isEmpty else {
            throw .invalid("\(role.rawValue) is \(name)'s only role: deactivate the actor instead (edgeprof actors deactivate \(name))")
        }
        guard !reason.trimmingWhitespace.isEmpty else { throw .invalid("removing a role needs a reason: --reason TEXT") }
        try keepsAManager(after: name, holds: remaining)
        return change([.setRoles(name: name, before: target.roles, after: remaining, reason: reason)])
    }

    /// Stops an actor from acting; their tokens stop working at once.
    public func deactivateActor(_ name: String, reason: String) throws(GovernanceError) -> GovernanceChange {
        let manager = try authorized(Self.actorManagers, to: "deactivate actors")
        guard let target = snapshot.actor(named: name) else { throw .notFound("there is no actor \(name)") }
        guard target.isActive else { throw .invalid("\(name) is already deactivated") }
        guard !reason.trimmingWhitespace.isEmpty else { throw .invalid("deactivating an actor needs a reason: --reason TEXT") }
        try keepsAManager(after: name, holds: [])
        return change([.deactivateActor(name: name, ActorDeactivation(at: now, by: manager.name, reason: reason))])
    }

    /// Lets a deactivated actor act again (not themselves: they cannot act while deactivated).
    public func reactivateActor(_ name: String, reason: String) throws(GovernanceError) -> GovernanceChange {
        _ = try authorized(Self.actorManagers, to: "reactivate actors")
        guard let target = snapshot.actor(named: name) else { throw .notFound("there is no actor \(name)") }
        guard !target.isActive else { throw .invalid("\(name) is active") }
        guard !reason.trimmingWhitespace.isEmpty else { throw .invalid("reactivating an actor needs a reason: --reason TEXT") }
        return change([.reactivateActor(name: name, reason: reason)])
    }

    /// The acting manager and the active actor they act on.
    private func managing(_ name: String, to act: String) throws(GovernanceError) -> (RegistryActor, RegistryActor) {
        let manager = try authorized(Self.actorManagers, to: act)
        guard let target = snapshot.actor(named: name) else { throw .notFound("there is no actor \(name)") }
        guard target.isActive else { throw .invalid("\(name) is deactivated: reactivate them first (edgeprof actors reactivate \(name))") }
        return (manager, target)
    }

    /// Refuses a change after which no active actor could manage actors any more.
    private func keepsAManager(after name: String, holds roles: [GovernanceRole]) throws(GovernanceError) {
        let others = snapshot.actors.filter { $0.name != name && $0.isActive && $0.roles.contains(where: Self.actorManagers.contains) }
        guard others.isEmpty, !roles.contains(where: Self.actorManagers.contains) else { return }
        throw .illegalMove("\(name) is the last active tech_lead or compliance_officer: after this nobody could manage actors. Fix: grant the role to someone else first")
    }

    static func roles(_ actor: RegistryActor) -> String {
        actor.roles.map(\.rawValue).joined(separator: ", ")
    }
}
