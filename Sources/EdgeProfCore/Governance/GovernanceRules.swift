import Foundation

/// Decides every governance act: who may do it, whether the lifecycle allows it, whether its
/// guards hold, and what it writes. Pure: a snapshot, the policy, the actor and the time in,
/// a `GovernanceChange` (or a refusal that says why and what to do) out.
public struct GovernanceRules: Sendable {
    public let snapshot: RegistrySnapshot
    public let policy: GovernancePolicy
    public let actor: String
    public let now: Date

    public init(snapshot: RegistrySnapshot, policy: GovernancePolicy, actor: String, now: Date) {
        self.snapshot = snapshot
        self.policy = policy
        self.actor = actor
        self.now = now
    }

    // MARK: - Actors

    /// Adds an actor. The first actor of a registry adds themselves; after that only a
    /// tech_lead or compliance_officer adds people.
    public func addActor(name: String, roles: [GovernanceRole]) throws(GovernanceError) -> GovernanceChange {
        try Self.validate(actorName: name)
        guard !roles.isEmpty else { throw .invalid("\(name) needs at least one role: --role \(GovernanceRole.allCases.map(\.rawValue).joined(separator: "|"))") }
        if snapshot.actors.isEmpty {
            guard name == actor else {
                throw .notPermitted("the registry has no actors yet, so the first one must add themselves: edgeprof actors add \(actor) --role ROLE --actor \(actor)")
            }
        } else {
            _ = try authorized([.techLead, .complianceOfficer], to: "add actors")
            if snapshot.actor(named: name) != nil { throw .invalid("actor '\(name)' already exists") }
        }
        let unique = roles.reduce(into: [GovernanceRole]()) { if !$0.contains($1) { $0.append($1) } }
        return change([.addActor(RegistryActor(name: name, roles: unique, addedAt: now, addedBy: actor))])
    }

    // MARK: - Versions

    /// Registers a version in Development. `model.id` is ignored (the store assigns it). The
    /// registrant is the acting actor; the metadata's `author` stays a claim shown beside it.
    public func register(_ model: RegisteredModel, metadata: VersionMetadata) throws(GovernanceError) -> GovernanceChange {
        _ = try authorized([.dataScientist, .mlEngineer], to: "register \(model.reference)")
        if let existing = snapshot.version(model.reference) {
            throw .duplicate("\(model.reference) is already registered (artifact sha256 \(existing.model.artifactSHA256.prefix(12))…). Versions are immutable: register the new artifact as a new version")
        }
        return change([
            .registerVersion(model, metadata: metadata),
            .transition(StageTransition(reference: model.reference, from: nil, to: .development, at: now, actor: actor, reason: "registered")),
        ])
    }

    /// Attaches a document or data file to a version as evidence.
    public func attach(_ attachment: Attachment) throws(GovernanceError) -> GovernanceChange {
        let version = try existing(attachment.reference)
        _ = try authorized(GovernanceRole.allCases, to: "attach evidence to \(version.reference)")
        guard version.stage != .retired else { throw .illegalMove("\(version.reference) is retired: its record is archived and closed") }
        let kindIsValid = !attachment.kind.isEmpty && attachment.kind.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
        guard kindIsValid else { throw .invalid("attachment kind '\(attachment.kind)' must be lower-case letters, digits and '-' (e.g. risk-assessment)") }
        if attachment.kind == GovernanceGates.predictionsKind {
            _ = try PredictionTable(csv: attachment.content, file: attachment.fileName)
        }
        return change([.attach(attachment)])
    }

    /// Signs one approval stage of a version, enforcing the stage's role and separation of duties.
    public func approve(_ reference: ModelReference, stage: ApprovalStage, reason: String, evidence: [String]) throws(GovernanceError) -> GovernanceChange {
        let version = try existing(reference)
        let role = policy.role(for: stage)
        let signer = try authorized([role], to: "sign \(stage.rawValue) of \(reference)")
        guard version.stage.isPreProduction else {
            throw .illegalMove("\(reference) is in \(version.stage.rawValue): approvals are given before production (development to canary)")
        }
        guard !reason.trimmingWhitespace.isEmpty else { throw .invalid("an approval needs a reason: --reason TEXT") }
        let approvals = snapshot.approvals(of: reference)
        if let earlier = approvals.first(where: { $0.stage == stage }) {
            throw .invalid("\(stage.rawValue) of \(reference) is already signed by \(earlier.actor) at \(Self.timestamp(earlier.at))")
        }
        if stage == .productionApproval, !policy.registrantMayApproveProduction, version.registeredBy == signer.name {
            throw .notPermitted("\(signer.name) registered \(reference) and may not give its production_approval (separation of duties). Fix: another tech_lead signs it")
        }
        if !policy.actorMaySignSeveralRoles, let other = approvals.first(where: { $0.actor == signer.name && $0.role != role }) {
            throw .notPermitted("\(signer.name) already signed \(other.stage.rawValue) of \(reference) as \(other.role.rawValue) and may not also sign as \(role.rawValue) (separation of duties). Fix: another \(role.rawValue) signs \(stage.rawValue)")
        }
        let recorded = ["artifact sha256:\(version.model.artifactSHA256)"] + evidence
        return change([
            .approve(Approval(reference: reference, stage: stage, actor: signer.name, role: role, at: now, reason: reason, evidence: recorded))
        ])
    }

    // MARK: - Lifecycle

    /// The version the evidence requirements are measured against: the one serving, else the
    /// last one that served.
    public func track(of version: ModelVersionRecord) -> ReleaseTrack {
        let serving = snapshot.serving.flatMap { $0.reference == version.reference ? nil : $0 }
        let lastServed = snapshot.transitions.last { $0.to == .production && $0.reference != version.reference }?.reference
        return ReleaseTrack.of(version.reference.version, against: serving?.reference.version ?? lastServed?.version)
    }

    /// The stages this version may be moved to: the lifecycle graph, less the staging shortcut
    /// when its track may not skip staging.
    public func allowedNext(for version: ModelVersionRecord, track: ReleaseTrack) -> [LifecycleStage] {
        let skip = policy.requirements(for: track).maySkipStaging
        return version.stage.allowedNext.filter { !(version.stage == .validation && $0 == .canary && !skip) }
    }

    /// The stage `promote` goes to when `--to` is not given.
    public static func nextOnMainPath(from stage: LifecycleStage) -> LifecycleStage? {
        switch stage {
        case .development: .validation
        case .validation: .staging
        case .staging: .canary
        case .canary: .production
        default: nil
        }
    }

    /// The gates a move must pass (production re-checks all of them for the release record).
    public func requiredGates(to: LifecycleStage, track: ReleaseTrack) -> [GovernanceGate] {
        guard [.staging, .canary, .production].contains(to) else { return [] }
        let shadow = policy.requirements(for: track).shadowEvidence
        return GovernanceGate.allCases.filter { gate in
            gate.requiredBefore <= to && (gate != .shadowEvidence || shadow)
        }
    }

    /// The approvals a move needs (every one the track requires before the target stage).
    public func requiredApprovals(to: LifecycleStage, track: ReleaseTrack) -> [ApprovalStage] {
        guard [.staging, .canary, .production].contains(to) else { return [] }
        return policy.requirements(for: track).approvals.filter { $0.requiredBefore <= to }
    }

    /// What a move decided: the change to commit and the gates it evaluated.
    public struct Decision: Sendable {
        /// The version that moved to `to`.
        public var subject: ModelReference
        public var change: GovernanceChange
        public var gates: [GovernanceGateResult]
        /// The evidence track a promotion followed (nil for rollbacks and retirements).
        public var track: ReleaseTrack?
        public var to: LifecycleStage
    }

    /// Moves a version along the lifecycle (retirement has its own act).
    public func promote(_ reference: ModelReference, to requested: LifecycleStage?, reason: String, evidence: GateEvidence) throws(GovernanceError) -> Decision {
        try move(reference, to: requested, reason: reason, evidence: evidence, byPerson: true)
    }

    /// A lifecycle move under every rule of `promote`; `byPerson` false only for the system's
    /// moves that the policy allows (`promoteABTestWinner`), which no role check applies to.
    func move(_ reference: ModelReference, to requested: LifecycleStage?, reason: String, evidence: GateEvidence, byPerson: Bool) throws(GovernanceError) -> Decision {
        let version = try existing(reference)
        let from = version.stage
        guard let to = requested ?? Self.nextOnMainPath(from: from) else {
            throw .invalid("\(reference) is in \(from.rawValue): say where it goes with --to (allowed next: \(Self.list(allowedNext(for: version, track: track(of: version)))))")
        }
        if to == .retired { return try retire(reference, reason: reason) }
        let track = track(of: version)
        let allowed = allowedNext(for: version, track: track)
        guard allowed.contains(to) else {
            if from.allowedNext.contains(to) {
                throw .illegalMove("\(reference) is a \(track.rawValue) release and must pass staging (shadow evidence); allowed next: \(Self.list(allowed))")
            }
            throw .illegalMove("\(reference) cannot move from \(from.rawValue) to \(to.rawValue); allowed next: \(Self.list(allowed))")
        }
        if byPerson { _ = try authorized(to == .production ? [.techLead] : [.mlEngineer, .techLead], to: "move \(reference) to \(to.rawValue)") }
        guard !reason.trimmingWhitespace.isEmpty else { throw .invalid("a move needs a reason: --reason TEXT") }
        if [.validation, .staging, .canary, .production].contains(to) { try Self.requireIntact(version, evidence.artifact) }
        if [.canary, .production].contains(to), let halt = snapshot.halts.last, halt.halted {
            throw .illegalMove("\(reference.name) is halted (since \(Self.timestamp(halt.at)), by \(halt.actor): \(halt.reason)): nothing is deployed until `edgeprof model resume \(reference.name)`; for an urgent fix a tech_lead requests `edgeprof model promote \(reference) --emergency --lift-halt` and a second one confirms it")
        }
        let gates = GovernanceGates(snapshot: snapshot, policy: policy, evidence: evidence)
        let results = requiredGates(to: to, track: track).map { gates.evaluate($0, for: version) }
        let signed = Set(snapshot.approvals(of: reference).map(\.stage))
        let missing = requiredApprovals(to: to, track: track).filter { !signed.contains($0) }
        let unmet = results.filter { $0.outcome != .pass }
        if !missing.isEmpty || !unmet.isEmpty {
            let lines = missing.map { "  - approval \($0.rawValue) (\(policy.role(for: $0).rawValue)) is missing" }
                + unmet.flatMap { result in
                    ["  - gate \(result.gate.rawValue) \(result.outcome.rawValue): \(result.summary)"] + result.findings.map { "      \($0)" }
                }
            let outcome: GateOutcome = unmet.contains { $0.outcome == .fail } ? .fail : .inconclusive
            throw .blocked("\(reference) cannot enter \(to.rawValue) (\(track.rawValue) track):\n" + lines.joined(separator: "\n"), outcome: outcome)
        }
        var operations: [GovernanceOperation] = []
        let replaced = to == .production ? snapshot.serving : nil
        if let replaced {
            operations.append(.transition(StageTransition(
                reference: replaced.reference, from: replaced.stage, to: .deprecated, at: now, actor: actor, reason: "superseded by \(reference)")))
        }
        operations.append(.transition(StageTransition(reference: reference, from: from, to: to, at: now, actor: actor, reason: reason)))
        if to == .production {
            var record = release(.promotion, version, gates: results, thresholds: evidence.edgeThresholds, replaces: replaced?.reference, reason: reason)
            record.track = track
            operations.append(.release(record))
        }
        return Decision(subject: reference, change: change(operations), gates: results, track: track, to: to)
    }

    /// Earlier production versions that a rollback may restore, most recent first.
    public var rollbackCandidates: [ModelVersionRecord] {
        let current = snapshot.serving?.reference
        var seen: [ModelReference] = []
        for transition in snapshot.transitions.reversed() where transition.to == .production && transition.reference != current {
            if !seen.contains(transition.reference) { seen.append(transition.reference) }
        }
        return seen.prefix(policy.deployableProductionVersions).compactMap(snapshot.version).filter { $0.stage == .deprecated }
    }

    /// Puts the previous production version (or `target`) back, restoring its thresholds and
    /// config from its last release; the version rolled back from moves to Rollback.
    public func rollback(to target: SemanticVersion?, reason: String, evidence: GateEvidence) throws(GovernanceError) -> Decision {
        _ = try authorized([.techLead, .mlEngineer], to: "roll back \(snapshot.name)")
        return try rollbackDecision(to: target, reason: reason, evidence: evidence)
    }

    /// The rollback itself, once the actor may decide it (a person's role, or the system's trigger).
    func rollbackDecision(to target: SemanticVersion?, reason: String, evidence: GateEvidence) throws(GovernanceError) -> Decision {
        guard let current = snapshot.serving else {
            throw .illegalMove("\(snapshot.name) has no version in production to roll back from")
        }
        guard !reason.trimmingWhitespace.isEmpty else { throw .invalid("a rollback needs a reason: --reason TEXT") }
        let candidates = rollbackCandidates
        let chosen: ModelVersionRecord
        if let target {
            guard let match = candidates.first(where: { $0.reference.version == target }) else {
                throw .blocked(
                    "\(snapshot.name)@\(target) is not deployable for rollback; candidates (the last \(policy.deployableProductionVersions) production versions, deprecated): \(candidates.isEmpty ? "none" : candidates.map(\.reference.description).joined(separator: ", "))",
                    outcome: .fail)
            }
            chosen = match
        } else {
            guard let first = candidates.first else {
                throw .blocked("\(snapshot.name) has no earlier production version to roll back to; to stop serving \(current.reference), use `edgeprof model halt \(snapshot.name)`", outcome: .fail)
            }
            chosen = first
        }
        try Self.requireIntact(chosen, evidence.artifact)
        let restored = snapshot.releases(of: chosen.reference).last { $0.kind != .retirement }
        var record = release(
            .rollback, chosen, gates: [], thresholds: restored?.thresholds ?? evidence.edgeThresholds, replaces: current.reference, reason: reason)
        if let restored {
            record.config = restored.config
            record.restores = restored.id
        }
        let operations: [GovernanceOperation] = [
            .transition(StageTransition(reference: current.reference, from: current.stage, to: .rollback, at: now, actor: actor, reason: reason)),
            .transition(StageTransition(
                reference: chosen.reference, from: chosen.stage, to: .production, at: now, actor: actor, reason: "rollback from \(current.reference): \(reason)")),
            .release(record),
        ]
        return Decision(subject: chosen.reference, change: change(operations), gates: [], track: nil, to: .production)
    }

    /// Retires a version: it leaves the lifecycle for good (a serving version leaves serving,
    /// and the model serves nothing until another version is promoted), and
    /// its whole record is archived in a retirement record.
    public func retire(_ reference: ModelReference, reason: String) throws(GovernanceError) -> Decision {
        let version = try existing(reference)
        _ = try authorized([.techLead], to: "retire \(reference)")
        guard version.stage != .retired else { throw .illegalMove("\(reference) is already retired") }
        guard !reason.trimmingWhitespace.isEmpty else { throw .invalid("a retirement needs a reason: --reason TEXT") }
        let archive = RetirementArchive(
            version: version, approvals: snapshot.approvals(of: reference), attachments: snapshot.attachments(of: reference),
            transitions: snapshot.transitions.filter { $0.reference == reference }, releaseIDs: snapshot.releases(of: reference).map(\.id))
        var record = release(.retirement, version, gates: [], thresholds: [], replaces: nil, reason: reason)
        record.archive = archive
        return Decision(
            subject: reference,
            change: change([
                .transition(StageTransition(reference: reference, from: version.stage, to: .retired, at: now, actor: actor, reason: reason)),
                .release(record),
            ]),
            gates: [], track: nil, to: .retired)
    }

    // MARK: - Halt

    /// Emergency halt: the model serves nothing until resumed. Anyone with a role may pull it.
    public func halt(reason: String) throws(GovernanceError) -> GovernanceChange {
        guard !snapshot.versions.isEmpty else { throw .notFound("there is no model \(snapshot.name)") }
        _ = try authorized(GovernanceRole.allCases, to: "halt \(snapshot.name)")
        if let last = snapshot.halts.last, last.halted {
            throw .invalid("\(snapshot.name) is already halted (since \(Self.timestamp(last.at)), by \(last.actor): \(last.reason))")
        }
        guard !reason.trimmingWhitespace.isEmpty else { throw .invalid("a halt needs a reason: --reason TEXT") }
        return change([.halt(HaltEvent(model: snapshot.name, halted: true, at: now, actor: actor, reason: reason))])
    }

    /// Lifts a halt; a tech_lead decides.
    public func resume(reason: String) throws(GovernanceError) -> GovernanceChange {
        guard !snapshot.versions.isEmpty else { throw .notFound("there is no model \(snapshot.name)") }
        _ = try authorized([.techLead], to: "resume \(snapshot.name)")
        guard snapshot.isHalted else { throw .invalid("\(snapshot.name) is not halted") }
        guard !reason.trimmingWhitespace.isEmpty else { throw .invalid("resuming needs a reason: --reason TEXT") }
        return change([.halt(HaltEvent(model: snapshot.name, halted: false, at: now, actor: actor, reason: reason))])
    }

    // MARK: - Helpers

    /// The acting actor, if they hold one of `roles`.
    public func authorized(_ roles: [GovernanceRole], to act: String) throws(GovernanceError) -> RegistryActor {
        guard let known = snapshot.actor(named: actor) else {
            if snapshot.actors.isEmpty {
                throw .notPermitted("no actors are registered yet, so '\(actor)' may not \(act). Fix: add yourself first: edgeprof actors add \(actor) --role ROLE --actor \(actor)")
            }
            throw .notPermitted("unknown actor '\(actor)'. Fix: a tech_lead or compliance_officer adds them: edgeprof actors add \(actor) --role ROLE")
        }
        if let deactivation = known.deactivation {
            throw .notPermitted("\(known.name) was deactivated on \(Self.timestamp(deactivation.at)) by \(deactivation.by) (\(deactivation.reason)) and may not \(act)")
        }
        guard known.roles.contains(where: roles.contains) else {
            let needed = roles.count == GovernanceRole.allCases.count ? "any role" : "the role \(roles.map(\.rawValue).joined(separator: " or "))"
            throw .notPermitted("\(known.name) (\(known.roles.map(\.rawValue).joined(separator: ", "))) may not \(act): that needs \(needed)")
        }
        return known
    }

    func existing(_ reference: ModelReference) throws(GovernanceError) -> ModelVersionRecord {
        guard let version = snapshot.version(reference) else {
            let known = snapshot.versions.map(\.reference.description)
            throw .notFound("unknown model \(reference)\(known.isEmpty ? "" : " (registered: \(known.joined(separator: ", ")))")")
        }
        return version
    }

    static func requireIntact(_ version: ModelVersionRecord, _ check: ArtifactCheck) throws(GovernanceError) {
        switch check {
        case .verified: return
        case .missing(let path):
            throw .artifactMismatch("the artifact of \(version.reference) is missing: \(path). Refusing to act on a model that cannot be verified. Fix: restore the registered file (sha256 \(version.model.artifactSHA256))")
        case .changed(let path, let sha):
            throw .artifactMismatch("the artifact of \(version.reference) has CHANGED: \(path) now has sha256 \(sha), registered \(version.model.artifactSHA256). Refusing to act on a different model. Fix: restore the registered file, or register the new one as a new version")
        }
    }

    func release(
        _ kind: ReleaseRecord.Kind, _ version: ModelVersionRecord, gates: [GovernanceGateResult], thresholds: [DeviceClassThresholds],
        replaces: ModelReference?, reason: String
    ) -> ReleaseRecord {
        let metadata = version.metadata
        var config = metadata.hyperparameters.reduce(into: [String: String]()) { $0["hyperparameter.\($1.key)"] = $1.value }
        config["quantization_config_sha256"] = metadata.quantizationConfigSHA256
        config["tokenizer_config_sha256"] = metadata.tokenizerConfigSHA256
        return ReleaseRecord(
            kind: kind, reference: version.reference, artifactSHA256: version.model.artifactSHA256,
            datasetManifestSHA256: metadata.datasetManifestSHA256, config: config, thresholds: thresholds, policySHA256: policy.sha256,
            gates: gates, approvals: snapshot.approvals(of: version.reference), replaces: replaces, at: now, actor: actor, reason: reason)
    }

    func change(_ operations: [GovernanceOperation]) -> GovernanceChange {
        GovernanceChange(actor: actor, at: now, expectedAuditHead: snapshot.auditHead, operations: operations, policySHA256: policy.sha256)
    }

    static func validate(actorName name: String) throws(GovernanceError) {
        let allowed = name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._@-".contains($0)) }
        guard (1...64).contains(name.count), allowed else {
            throw .invalid("invalid actor name '\(name)': use 1 to 64 letters, digits, '.', '_', '@' or '-'")
        }
    }

    static func list(_ stages: [LifecycleStage]) -> String {
        stages.isEmpty ? "none (final stage)" : stages.map(\.rawValue).joined(separator: ", ")
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }
}
