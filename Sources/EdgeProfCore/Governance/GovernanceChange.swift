import Foundation

/// Everything one governance act writes, decided by the pure rules and applied by the store
/// in a single transaction together with one audit entry per operation. `expectedAuditHead`
/// makes it optimistic: if anything was written since the snapshot the rules looked at, the
/// store refuses the whole change and the caller decides again on fresh data.
public struct GovernanceChange: Sendable, Hashable {
    public var actor: String
    public var at: Date
    /// The audit sequence number of the snapshot the decision was based on.
    public var expectedAuditHead: Int64
    public var operations: [GovernanceOperation]
    /// SHA-256 of the policy the act was decided under; every audit entry of the act carries it.
    public var policySHA256: String?

    public init(actor: String, at: Date, expectedAuditHead: Int64, operations: [GovernanceOperation], policySHA256: String? = nil) {
        self.actor = actor
        self.at = at
        self.expectedAuditHead = expectedAuditHead
        self.operations = operations
        self.policySHA256 = policySHA256
    }
}

/// One write of a governance act.
public enum GovernanceOperation: Sendable, Hashable {
    case addActor(RegistryActor)
    case registerVersion(RegisteredModel, metadata: VersionMetadata)
    case approve(Approval)
    case attach(Attachment)
    case transition(StageTransition)
    case release(ReleaseRecord)
    case halt(HaltEvent)
    case proposePolicy(PolicyRecord)
    case approvePolicy(PolicyApproval)
    /// Puts `version` in force; the version in force until now is superseded.
    case activatePolicy(version: Int, sha256: String)
    /// A tech_lead asks for an emergency deployment; a second one decides it.
    case requestEmergency(EmergencyRequest)
    case decideEmergency(EmergencyDecision)
    /// Withdrawals: an approval before its move, an actor's roles, an actor's right to act.
    case revokeApproval(ApprovalRevocation)
    case setRoles(name: String, before: [GovernanceRole], after: [GovernanceRole], reason: String)
    case deactivateActor(name: String, ActorDeactivation)
    case reactivateActor(name: String, reason: String)
    /// API tokens: only the hash of the secret is stored.
    case issueToken(TokenGrant, sha256: String)
    case revokeToken(id: String, at: Date, reason: String)
    /// Brings a token's expiry forward (a rotation's grace period).
    case limitToken(id: String, expiresAt: Date)
    /// Replaces a fleet device's labels.
    case labelDevice(device: String, before: [String: String], after: [String: String], reason: String)
    case startABTest(ABTest)
    case stopABTest(ABTestStop)
    /// A data subject's inference records deleted on request.
    case eraseTelemetry(TelemetryErasure)
    /// Incidents: opened by the collector, changed by an act (the store checks it is unchanged since).
    case openIncident(Incident)
    case updateIncident(IncidentUpdate)
    /// Sets a tag, an alias or the model's entry (replacing one at the same address), or removes it.
    case annotate(ModelAnnotation)
    case removeAnnotation(ModelAnnotation)
    /// A person acknowledges an open monitoring alert.
    case acknowledgeAlert(AlertAcknowledgement)

    /// What the audit trail records for this operation.
    public var audit: (action: String, subject: String, before: String?, after: String?, reason: String?) {
        switch self {
        case .addActor(let actor):
            ("actor.add", actor.name, nil, CanonicalJSON.string(["roles": actor.roles.map(\.rawValue)]), nil)
        case .registerVersion(let model, let metadata):
            ("model.register", model.reference.description, nil,
             CanonicalJSON.string(RegistrationAudit(artifactSHA256: model.artifactSHA256, artifactPath: model.artifactPath, artifactBytes: model.artifactBytes, metadata: metadata)),
             nil)
        case .approve(let approval):
            ("model.approve", approval.reference.description, nil,
             CanonicalJSON.string(["stage": approval.stage.rawValue, "role": approval.role.rawValue, "evidence": approval.evidence.joined(separator: " ")]),
             approval.reason)
        case .attach(let attachment):
            ("model.attach", attachment.reference.description, nil,
             CanonicalJSON.string(["kind": attachment.kind, "file": attachment.fileName, "sha256": attachment.sha256]), nil)
        case .transition(let transition):
            ("model.transition", transition.reference.description, transition.from.map { CanonicalJSON.string(["stage": $0.rawValue]) },
             CanonicalJSON.string(["stage": transition.to.rawValue]), transition.reason)
        case .release(let record):
            ("release.\(record.kind.rawValue)", record.reference.description, nil, CanonicalJSON.string(["release": record.id]), record.reason)
        case .halt(let event):
            (event.halted ? "model.halt" : "model.resume", event.model, CanonicalJSON.string(["halted": !event.halted]),
             CanonicalJSON.string(["halted": event.halted]), event.reason)
        case .proposePolicy(let record):
            ("policy.propose", "policy v\(record.version)", nil,
             CanonicalJSON.string(["sha256": record.sha256, "based_on": "v\(record.basedOn)"]), record.reason)
        case .approvePolicy(let approval):
            ("policy.approve", "policy v\(approval.version)", nil, CanonicalJSON.string(["role": approval.role.rawValue]), approval.reason)
        case .activatePolicy(let version, let sha256):
            ("policy.activate", "policy v\(version)", nil, CanonicalJSON.string(["sha256": sha256]), nil)
        case .requestEmergency(let request):
            ("emergency.request", request.reference.description, nil,
             CanonicalJSON.string(EmergencyAudit(informed: request.informed, liftsHalt: request.liftsHalt)), request.reason)
        case .revokeApproval(let revocation):
            ("model.approval.revoke", revocation.approval.reference.description,
             CanonicalJSON.string(["stage": revocation.approval.stage.rawValue, "actor": revocation.approval.actor]), nil, revocation.reason)
        case .setRoles(let name, let before, let after, let reason):
            ("actor.roles", name, CanonicalJSON.string(["roles": before.map(\.rawValue)]), CanonicalJSON.string(["roles": after.map(\.rawValue)]), reason)
        case .deactivateActor(let name, let deactivation):
            ("actor.deactivate", name, CanonicalJSON.string(["active": true]), CanonicalJSON.string(["active": false]), deactivation.reason)
        case .reactivateActor(let name, let reason):
            ("actor.reactivate", name, CanonicalJSON.string(["active": false]), CanonicalJSON.string(["active": true]), reason)
        case .issueToken(let grant, _):
            ("token.issue", "token \(grant.id)", nil,
             CanonicalJSON.string(TokenAudit(owner: grant.actor, kind: grant.kind.rawValue, bench: grant.bench, expiresAt: grant.expiresAt)), nil)
        case .revokeToken(let id, _, let reason):
            ("token.revoke", "token \(id)", nil, nil, reason)
        case .limitToken(let id, let expiresAt):
            ("token.limit", "token \(id)", nil, CanonicalJSON.string(["expiresAt": AuditChain.timestamp(expiresAt)]), nil)
        case .labelDevice(let device, let before, let after, let reason):
            ("device.label", device, CanonicalJSON.string(["labels": before]), CanonicalJSON.string(["labels": after]), reason)
        case .startABTest(let test):
            ("abtest.start", test.model, nil,
             CanonicalJSON.string(ABTestAudit(a: test.a.description, b: test.b.description, split: test.split, unit: test.unit.rawValue,
                                              minimumSamples: test.minimumSamples, maximumHours: test.maximumHours)), test.reason)
        case .stopABTest(let stop):
            ("abtest.stop", stop.model, nil, CanonicalJSON.string(["test": stop.testID]), stop.reason)
        case .openIncident(let incident):
            ("incident.open", incident.model, nil,
             CanonicalJSON.string(IncidentAudit(
                 deviceClass: incident.deviceClass, playbook: incident.playbook.rawValue, severity: incident.severity.rawValue, alerts: incident.alertIDs,
                 paged: incident.paged.map(\.rawValue))), incident.title)
        case .updateIncident(let update):
            ("incident.\(update.action)", "\(update.after.model) incident \(update.after.id)",
             CanonicalJSON.string(IncidentState(update.before)), CanonicalJSON.string(IncidentState(update.after)), update.reason)
        case .eraseTelemetry(let erasure):
            ("telemetry.erase", "subject sha256:\(erasure.subjectSHA256)", nil, CanonicalJSON.string(["records": erasure.records]), erasure.reason)
        case .annotate(let annotation):
            (Self.annotationAction(annotation, verb: "set"), Self.annotationSubject(annotation), nil,
             CanonicalJSON.string(AnnotationAudit(annotation)), nil)
        case .removeAnnotation(let annotation):
            (Self.annotationAction(annotation, verb: "remove"), Self.annotationSubject(annotation),
             CanonicalJSON.string(AnnotationAudit(annotation)), nil, nil)
        case .acknowledgeAlert(let acknowledgement):
            ("alert.acknowledge", "alert \(acknowledgement.alertID)", CanonicalJSON.string(["state": AlertState.open.rawValue]),
             CanonicalJSON.string([
                 "state": AlertState.acknowledged.rawValue, "rule": acknowledgement.rule.rawValue, "model": acknowledgement.key.model,
                 "device": acknowledgement.key.device,
             ]), acknowledgement.reason)
        case .decideEmergency(let decision):
            ("emergency.\(decision.state == .confirmed ? "confirm" : "decline")", decision.reference.description, nil,
             CanonicalJSON.string(["request": decision.requestID]), decision.reason)
        }
    }

    private static func annotationAction(_ annotation: ModelAnnotation, verb: String) -> String {
        switch annotation.kind {
        case .entry: verb == "set" ? "model.create" : "model.entry.remove"
        case .modelTag: "model.tag.\(verb)"
        case .versionTag: "version.tag.\(verb)"
        case .alias: "model.alias.\(verb)"
        }
    }

    private static func annotationSubject(_ annotation: ModelAnnotation) -> String {
        guard annotation.kind == .versionTag, let version = annotation.version else { return annotation.model }
        return ModelReference(name: annotation.model, version: version).description
    }

    private struct AnnotationAudit: Encodable {
        var key: String
        var value: String
        var version: String?

        init(_ annotation: ModelAnnotation) {
            key = annotation.key
            value = annotation.value
            version = annotation.kind == .alias ? annotation.version?.description : nil
        }
    }

    private struct IncidentAudit: Encodable {
        var deviceClass: String
        var playbook: String
        var severity: String
        var alerts: [Int64]
        var paged: [String]
    }

    /// What an incident act changes, as the audit trail shows it.
    private struct IncidentState: Encodable {
        var state: String
        var severity: String
        var assignee: String?
        var alerts: [Int64]
        var escalations: [String]

        init(_ incident: Incident) {
            state = incident.state.rawValue
            severity = incident.severity.rawValue
            assignee = incident.assignee
            alerts = incident.alertIDs
            escalations = incident.escalations.map { "\($0.clock.rawValue) → \($0.paged.rawValue)" }
        }
    }

    private struct TokenAudit: Encodable {
        var owner: String
        var kind: String
        var bench: String?
        var expiresAt: Date?
    }

    private struct ABTestAudit: Encodable {
        var a: String
        var b: String
        var split: Double
        var unit: String
        var minimumSamples: Int
        var maximumHours: Double
    }

    private struct EmergencyAudit: Encodable {
        var informed: [String]
        var liftsHalt: Bool
    }

    private struct RegistrationAudit: Encodable {
        var artifactSHA256: String
        var artifactPath: String
        var artifactBytes: Int64
        var metadata: VersionMetadata
    }
}

/// All the registry holds about one model (every version), plus the actors: what the rules
/// decide on.
public struct RegistrySnapshot: Sendable, Hashable {
    public var name: String
    public var actors: [RegistryActor]
    public var versions: [ModelVersionRecord]
    public var approvals: [Approval]
    public var attachments: [Attachment]
    /// In the order they happened.
    public var transitions: [StageTransition]
    public var releases: [ReleaseRecord]
    public var halts: [HaltEvent]
    /// The sequence number of the last audit entry when the snapshot was read.
    public var auditHead: Int64
    /// Every version of the registry's governance policy, oldest first.
    public var policies: [PolicyRecord]
    /// How many versions of any model the registry holds (a policy is adopted without approvals
    /// only while there are none).
    public var registeredVersions: Int
    /// This model's emergency deployment requests, oldest first.
    public var emergencies: [EmergencyRequest]
    /// Approvals of this model's versions withdrawn before their move, oldest first.
    public var revokedApprovals: [ApprovalRevocation]
    /// The model's A/B tests, oldest first.
    public var abTests: [ABTest]
    /// The model's incidents, oldest first.
    public var incidents: [Incident] = []
    /// The model's entry, tags and aliases (`ModelAnnotation`).
    public var annotations: [ModelAnnotation] = []

    public init(
        name: String, actors: [RegistryActor], versions: [ModelVersionRecord], approvals: [Approval] = [],
        attachments: [Attachment] = [], transitions: [StageTransition] = [], releases: [ReleaseRecord] = [],
        halts: [HaltEvent] = [], auditHead: Int64, policies: [PolicyRecord] = [], registeredVersions: Int? = nil,
        emergencies: [EmergencyRequest] = [], revokedApprovals: [ApprovalRevocation] = [], abTests: [ABTest] = [], incidents: [Incident] = [],
        annotations: [ModelAnnotation] = []
    ) {
        self.name = name
        self.actors = actors
        self.versions = versions
        self.approvals = approvals
        self.attachments = attachments
        self.transitions = transitions
        self.releases = releases
        self.halts = halts
        self.auditHead = auditHead
        self.policies = policies
        self.registeredVersions = registeredVersions ?? versions.count
        self.emergencies = emergencies
        self.revokedApprovals = revokedApprovals
        self.incidents = incidents
        self.abTests = abTests
        self.annotations = annotations
    }

    /// The policy in force: the registry's active version, else the built-in one.
    public var policyInForce: PolicyRecord {
        policies.last { $0.state == .active } ?? .builtIn
    }

    public func policy(version: Int) -> PolicyRecord? {
        version == 0 ? .builtIn : policies.first { $0.version == version }
    }

    public func version(_ reference: ModelReference) -> ModelVersionRecord? {
        versions.first { $0.reference == reference }
    }

    public func actor(named name: String) -> RegistryActor? {
        actors.first { $0.name == name }
    }

    /// The version serving production traffic now, if any.
    public var serving: ModelVersionRecord? {
        versions.first { $0.stage.isServing }
    }

    public var isHalted: Bool { halts.last?.halted ?? false }

    public func approvals(of reference: ModelReference) -> [Approval] {
        approvals.filter { $0.reference == reference }
    }

    public func attachments(of reference: ModelReference, kind: String? = nil) -> [Attachment] {
        attachments.filter { $0.reference == reference && (kind == nil || $0.kind == kind) }
    }

    public func releases(of reference: ModelReference) -> [ReleaseRecord] {
        releases.filter { $0.reference == reference }
    }
}
