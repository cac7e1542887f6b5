import Foundation

/// Changing the policy is a governance act: a tech_lead or compliance_officer proposes a
/// version, and it comes into force once every role the policy in force names has approved it,
/// each through a different actor, none of them the proposer. While the registry holds no model
/// version there is nothing to govern yet, and the first policy is adopted as it is proposed.
extension GovernanceRules {
    public static let policyProposers: [GovernanceRole] = [.techLead, .complianceOfficer]

    public func proposePolicy(text: String, thresholds: String?, reason: String) throws(GovernanceError) -> GovernanceChange {
        let proposer = try authorized(Self.policyProposers, to: "propose a governance policy")
        guard !reason.trimmingWhitespace.isEmpty else { throw .invalid("a policy proposal needs a reason: --reason TEXT") }
        let current = snapshot.policyInForce
        let record = PolicyRecord(
            version: (snapshot.policies.map(\.version).max() ?? 0) + 1, text: text, thresholds: thresholds, proposedBy: proposer.name,
            proposedAt: now, reason: reason, basedOn: current.version)
        do { _ = try record.parsed() } catch { throw .invalid(error.description) }
        if record.sha256 == current.sha256 {
            throw .invalid("this policy is already in force (v\(current.version), sha256 \(current.sha256.prefix(12))…)")
        }
        if let pending = snapshot.policies.first(where: { $0.state == .proposed && $0.sha256 == record.sha256 && $0.basedOn == current.version }) {
            throw .duplicate("the same policy is already proposed as v\(pending.version) by \(pending.proposedBy): approve it with `edgeprof policy approve \(pending.version)`")
        }
        guard snapshot.registeredVersions > 0 else {
            return change([.proposePolicy(record), .activatePolicy(version: record.version, sha256: record.sha256)])
        }
        return change([.proposePolicy(record)])
    }

    /// Signs a proposed version for one of the roles the policy in force still needs; the last
    /// needed signature puts it in force in the same act.
    public func approvePolicy(version: Int, reason: String) throws(GovernanceError) -> GovernanceChange {
        guard let record = snapshot.policies.first(where: { $0.version == version }) else {
            throw .notFound("there is no policy v\(version)\(snapshot.policies.isEmpty ? "" : " (versions: \(snapshot.policies.map { "v\($0.version)" }.joined(separator: ", ")))")")
        }
        guard record.state == .proposed else { throw .illegalMove("policy v\(version) is \(record.state.rawValue), not waiting for approvals") }
        let current = snapshot.policyInForce
        guard record.basedOn == current.version else {
            throw .illegalMove("policy v\(version) was proposed against v\(record.basedOn), but v\(current.version) is in force now: propose it again against the policy in force")
        }
        let missing = record.missingRoles(under: policy)
        let signer = try authorized(missing.isEmpty ? policy.policyChangeApprovals : missing, to: "approve policy v\(version)")
        guard signer.name != record.proposedBy else {
            throw .notPermitted("\(signer.name) proposed policy v\(version) and may not approve it (separation of duties). Fix: another \(Self.roleList(missing)) approves it")
        }
        if let earlier = record.approvals.first(where: { $0.actor == signer.name }) {
            throw .notPermitted("\(signer.name) already approved policy v\(version) as \(earlier.role.rawValue); each role is signed by a different actor. Fix: another \(Self.roleList(missing)) approves it")
        }
        guard !reason.trimmingWhitespace.isEmpty else { throw .invalid("an approval needs a reason: --reason TEXT") }
        guard let role = missing.first(where: signer.roles.contains) else {
            throw .invalid("policy v\(version) already has every approval it needs")
        }
        var operations: [GovernanceOperation] = [.approvePolicy(PolicyApproval(version: version, actor: signer.name, role: role, at: now, reason: reason))]
        if missing.count == 1 { operations.append(.activatePolicy(version: version, sha256: record.sha256)) }
        return change(operations)
    }

    static func roleList(_ roles: [GovernanceRole]) -> String {
        roles.map(\.rawValue).joined(separator: " or ")
    }
}
