import Foundation

/// API tokens are issued, rotated and revoked as audited acts. A tech_lead or compliance_officer
/// issues any token; every actor may issue a person token for themselves. A person token belongs
/// to an existing, active actor; an agent token to one bench. Every token expires: the policy
/// sets the default and the longest lifetime.
extension GovernanceRules {
    /// What to issue: whose token, what kind, and for how long (nil: the policy's default).
    public struct TokenRequest: Sendable {
        public var owner: String
        public var kind: TokenKind
        public var bench: String?
        public var expiresInDays: Int?

        public init(owner: String, kind: TokenKind, bench: String?, expiresInDays: Int?) {
            self.owner = owner
            self.kind = kind
            self.bench = bench
            self.expiresInDays = expiresInDays
        }
    }

    /// Issues a token whose id and SHA-256 the caller drew (the secret never reaches the rules).
    public func issueToken(_ request: TokenRequest, id: String, sha256: String) throws(GovernanceError) -> GovernanceChange {
        let issuer = try authorized(GovernanceRole.allCases, to: "issue API tokens")
        let manager = issuer.roles.contains(where: Self.actorManagers.contains)
        try Self.validate(actorName: request.owner)
        switch request.kind {
        case .person:
            guard request.bench == nil else { throw .invalid("a person token belongs to no bench: drop --bench") }
            guard let owner = snapshot.actor(named: request.owner) else {
                throw .notFound("there is no actor \(request.owner): a person token acts as a registered actor (edgeprof actors add \(request.owner) --role ROLE)")
            }
            guard owner.isActive else { throw .invalid("\(owner.name) is deactivated: their tokens would not work") }
            guard manager || owner.name == issuer.name else {
                throw .notPermitted("\(issuer.name) may issue a person token only for themselves; a tech_lead or compliance_officer issues tokens for others")
            }
        case .agent:
            guard manager else { throw .notPermitted("\(issuer.name) (\(Self.roles(issuer))) may not issue agent tokens: that needs the role tech_lead or compliance_officer") }
            guard request.bench != nil else { throw .invalid("an agent token uploads for one bench: give --bench BENCH") }
        }
        let days = request.expiresInDays ?? policy.tokenDefaultDays
        guard (1...policy.tokenMaxDays).contains(days) else {
            throw .invalid("a token lives 1 to \(policy.tokenMaxDays) days under the policy in force (tokens: max-expiry-days); asked for \(days)")
        }
        let grant = TokenGrant(
            id: id, actor: request.owner, kind: request.kind, bench: request.bench, createdAt: now, expiresAt: now.addingTimeInterval(Double(days) * 86400))
        return change([.issueToken(grant, sha256: sha256)])
    }

    /// Revokes a token at once: its owner (a person token) or a tech_lead or compliance_officer.
    public func revokeToken(_ grant: TokenGrant, reason: String) throws(GovernanceError) -> GovernanceChange {
        try requireTokenAuthority(over: grant, to: "revoke")
        guard grant.revokedAt == nil else { throw .invalid("token \(grant.id) is already revoked") }
        guard !reason.trimmingWhitespace.isEmpty else { throw .invalid("revoking a token needs a reason: --reason TEXT") }
        return change([.revokeToken(id: grant.id, at: now, reason: reason)])
    }

    /// Issues a replacement with the same owner, kind and bench; the old token stops at once, or
    /// after `graceHours` so that an agent can switch without losing an upload.
    public func rotateToken(_ grant: TokenGrant, id: String, sha256: String, graceHours: Int) throws(GovernanceError) -> GovernanceChange {
        try requireTokenAuthority(over: grant, to: "rotate")
        guard grant.revokedAt == nil, grant.expiresAt.map({ $0 > now }) ?? true else {
            throw .invalid("token \(grant.id) no longer works: issue a new one with `edgeprof collector token create`")
        }
        guard (0...168).contains(graceHours) else { throw .invalid("--grace-hours must be 0 to 168 (a week); got \(graceHours)") }
        var issued = try issueToken(TokenRequest(owner: grant.actor, kind: grant.kind, bench: grant.bench, expiresInDays: nil), id: id, sha256: sha256)
        let end = now.addingTimeInterval(Double(graceHours) * 3600)
        issued.operations.append(
            graceHours == 0
                ? .revokeToken(id: grant.id, at: now, reason: "rotated to \(id)")
                : .limitToken(id: grant.id, expiresAt: min(end, grant.expiresAt ?? end)))
        return issued
    }

    private func requireTokenAuthority(over grant: TokenGrant, to act: String) throws(GovernanceError) {
        let actor = try authorized(GovernanceRole.allCases, to: "\(act) API tokens")
        let own = grant.kind == .person && grant.actor == actor.name
        guard own || actor.roles.contains(where: Self.actorManagers.contains) else {
            throw .notPermitted("\(actor.name) may not \(act) token \(grant.id) of \(grant.actor): its owner, a tech_lead or a compliance_officer may")
        }
    }
}
