@testable import EdgeProfCore
import Foundation

/// A registry held in memory for the pure rules: changes are applied the way the store applies
/// them (the store's own behaviour is tested against SQLite in EdgeProfStoreTests).
final class Registry {
    var snapshot: RegistrySnapshot
    var policy = GovernancePolicy()
    var clock = Date(timeIntervalSince1970: 1_800_000_000)
    /// Edge-performance verdicts and artifact checks as the agent would gather them.
    var evidence = GateEvidence(artifact: .verified)

    init(name: String = "kws") {
        snapshot = RegistrySnapshot(name: name, actors: [], versions: [], auditHead: 0)
        policy.edgeDeviceClasses = ["m4"]
    }

    func rules(_ actor: String) -> GovernanceRules {
        GovernanceRules(snapshot: snapshot, policy: policy, actor: actor, now: clock)
    }

    func apply(_ change: GovernanceChange) {
        for operation in change.operations {
            switch operation {
            case .addActor(let actor): snapshot.actors.append(actor)
            case .registerVersion(var model, let metadata):
                model.id = Int64(snapshot.versions.count + 1)
                snapshot.versions.append(ModelVersionRecord(
                    model: model, registeredBy: change.actor, stage: .development, stageChangedAt: change.at, metadata: metadata))
                snapshot.registeredVersions += 1
            case .approve(let approval): snapshot.approvals.append(approval)
            case .attach(let attachment): snapshot.attachments.append(attachment)
            case .transition(let transition):
                snapshot.transitions.append(transition)
                let index = snapshot.versions.firstIndex { $0.reference == transition.reference }!
                snapshot.versions[index].stage = transition.to
                snapshot.versions[index].stageChangedAt = transition.at
            case .release(let record): snapshot.releases.append(record)
            case .halt(let event): snapshot.halts.append(event)
            case .proposePolicy(let record): snapshot.policies.append(record)
            case .approvePolicy(let approval):
                snapshot.policies[snapshot.policies.firstIndex { $0.version == approval.version }!].approvals.append(approval)
            case .activatePolicy(let version, _):
                for index in snapshot.policies.indices where snapshot.policies[index].state == .active { snapshot.policies[index].state = .superseded }
                snapshot.policies[snapshot.policies.firstIndex { $0.version == version }!].state = .active
            case .revokeApproval(let revocation):
                snapshot.approvals.removeAll { $0 == revocation.approval }
                snapshot.revokedApprovals.append(revocation)
            case .setRoles(let name, _, let roles, _):
                snapshot.actors[snapshot.actors.firstIndex { $0.name == name }!].roles = roles
            case .deactivateActor(let name, let deactivation):
                snapshot.actors[snapshot.actors.firstIndex { $0.name == name }!].deactivation = deactivation
            case .reactivateActor(let name, _):
                snapshot.actors[snapshot.actors.firstIndex { $0.name == name }!].deactivation = nil
            case .issueToken, .revokeToken, .limitToken, .labelDevice, .eraseTelemetry, .acknowledgeAlert:
                break
            case .startABTest(var test):
                test.id = Int64(snapshot.abTests.count + 1)
                snapshot.abTests.append(test)
            case .stopABTest(let stop):
                let index = snapshot.abTests.firstIndex { $0.id == stop.testID }!
                snapshot.abTests[index].state = .stopped
                snapshot.abTests[index].stoppedBy = stop.actor
                snapshot.abTests[index].stoppedAt = stop.at
                snapshot.abTests[index].stopReason = stop.reason
            case .openIncident(var incident):
                incident.id = Int64(snapshot.incidents.count + 1)
                snapshot.incidents.append(incident)
            case .updateIncident(let update):
                let index = snapshot.incidents.firstIndex { $0.id == update.before.id }!
                precondition(snapshot.incidents[index] == update.before, "an incident act saw a stale incident")
                snapshot.incidents[index] = update.after
            case .annotate(let annotation):
                snapshot.annotations.removeAll { $0.address == annotation.address }
                snapshot.annotations.append(annotation)
            case .removeAnnotation(let annotation):
                snapshot.annotations.removeAll { $0.address == annotation.address }
            case .requestEmergency(var request):
                request.id = Int64(snapshot.emergencies.count + 1)
                snapshot.emergencies.append(request)
            case .decideEmergency(let decision):
                let index = snapshot.emergencies.firstIndex { $0.id == decision.requestID }!
                snapshot.emergencies[index].state = decision.state
                snapshot.emergencies[index].decidedBy = decision.actor
                snapshot.emergencies[index].decidedAt = decision.at
                snapshot.emergencies[index].decisionReason = decision.reason
            }
            snapshot.auditHead += 1
        }
        clock += 60
    }

    /// Decides with the rules and applies the change; returns the decision.
    @discardableResult
    func act(_ actor: String, _ decide: (GovernanceRules) throws -> GovernanceChange) throws -> GovernanceChange {
        let change = try decide(rules(actor))
        apply(change)
        return change
    }

    @discardableResult
    func move(_ actor: String, _ decide: (GovernanceRules) throws -> GovernanceRules.Decision) throws -> GovernanceRules.Decision {
        let decision = try decide(rules(actor))
        apply(decision.change)
        return decision
    }

    static func reference(_ version: String, _ name: String = "kws") -> ModelReference {
        try! ModelReference(parsing: "\(name)@\(version)")
    }

    static func model(_ version: String, sha: Character = "a") -> RegisteredModel {
        RegisteredModel(
            id: 0, reference: reference(version), artifactSHA256: String(repeating: sha, count: 64), artifactPath: "/models/kws-\(version).bin",
            artifactBytes: 1024, registeredAt: Date(timeIntervalSince1970: 1_800_000_000))
    }

    static let goodMetadata = VersionMetadata(
        metrics: ["accuracy": 0.91],
        considerations: VersionMetadata.Considerations(intendedUse: "keyword spotting", limitations: "English only"))

    /// Fair, well-calibrated predictions for two groups.
    static let fairPredictions: String = {
        var rows = ["y_true,y_pred,score,group"]
        for index in 0..<100 {
            let score = (Double(index) + 0.5) / 100
            let label = index % 10 < Int(score * 10) ? 1 : 0
            for group in ["a", "b"] { rows.append("\(label),\(score >= 0.5 ? 1 : 0),\(score),\(group)") }
        }
        return rows.joined(separator: "\n")
    }()

    /// The team of the scenario: one actor per role, plus a second tech lead.
    func addTeam() {
        let team: [(String, [GovernanceRole])] = [
            ("ana", [.dataScientist]), ("bo", [.mlEngineer]), ("cy", [.dataScientist]), ("dee", [.securityTeam]),
            ("eli", [.ethicsCommittee]), ("fay", [.complianceOfficer]), ("gus", [.techLead]), ("hal", [.techLead, .mlEngineer]),
        ]
        try! act("gus") { try $0.addActor(name: "gus", roles: [.techLead]) }
        for (name, roles) in team where name != "gus" {
            try! act("gus") { try $0.addActor(name: name, roles: roles) }
        }
    }

    func attach(_ version: String, _ kind: String, _ content: String, by actor: String = "bo") {
        let attachment = Attachment(
            reference: Self.reference(version), kind: kind, fileName: "\(kind).txt", sha256: CanonicalJSON.sha256(Data(content.utf8)),
            content: content, attachedAt: clock, attachedBy: actor)
        try! act(actor) { try $0.attach(attachment) }
    }

    /// Approvals of every stage by the right role (ana registered; gus signs production).
    func approveAll(_ version: String, stages: [ApprovalStage] = ApprovalStage.allCases) {
        let signer: [ApprovalStage: String] = [
            .dataValidation: "cy", .trainingValidation: "cy", .quantizationTest: "bo", .edgePerformance: "bo", .securityScan: "dee",
            .ethicalReview: "eli", .regulatoryCheck: "fay", .productionApproval: "gus",
        ]
        for stage in stages {
            try! act(signer[stage]!) { try $0.approve(Self.reference(version), stage: stage, reason: "checked", evidence: []) }
        }
    }

    /// Everything the gates read: predictions, shadow report, checklist documents.
    func attachEvidence(_ version: String) {
        attach(version, "predictions", Self.fairPredictions)
        for kind in ["shadow-report", "risk-assessment", "runbook", "rollback-plan"] { attach(version, kind, "# \(kind)") }
    }

    /// Registers `version` and takes it to production through every gate and approval.
    func ship(_ version: String, metadata: VersionMetadata = goodMetadata) throws {
        try act("ana") { try $0.register(Self.model(version), metadata: metadata) }
        attachEvidence(version)
        approveAll(version)
        evidence.edgeVerdicts = [Self.edgeVerdict(version, .pass)]
        evidence.edgeThresholds = [DeviceClassThresholds(deviceClass: "m4", criteria: [GateCriterion(metric: .latencyP95, threshold: 120)])]
        let reference = Self.reference(version)
        for _ in 0..<4 {
            try move("gus") { try $0.promote(reference, to: nil, reason: "ready", evidence: evidence) }
        }
    }

    /// An edge-performance verdict for the policy's device classes.
    static func edgeVerdict(_ version: String, _ outcome: GateOutcome, deviceClass: String = "m4") -> GateVerdict {
        GateVerdict(
            model: reference(version), deviceClass: deviceClass, outcome: outcome,
            results: [CriterionResult(criterion: GateCriterion(metric: .latencyP95, threshold: 120), measured: outcome == .fail ? 130 : 100, outcome: outcome)],
            measuredIterations: 20, minimumIterations: 10, runIDs: [1], evidenceKeys: ["k1"], excluded: [])
    }
}
