@testable import EdgeProfCore
import Foundation
import Testing

/// The lifecycle graph, walked exhaustively: every move the graph allows goes through (with its
/// guards satisfied), every other is refused naming the allowed next stages.
@Suite struct LifecycleGraphTests {
    /// A registry with kws@1.0.0 in `stage`, every approval and piece of evidence in place, and
    /// (for stages after production) 0.9.0 deprecated behind it.
    func registry(at stage: LifecycleStage) throws -> Registry {
        let registry = Registry()
        registry.addTeam()
        try registry.ship("0.9.0")
        try registry.act("ana") { try $0.register(Registry.model("1.0.0", sha: "b"), metadata: Registry.goodMetadata) }
        registry.attachEvidence("1.0.0")
        registry.approveAll("1.0.0")
        registry.evidence.edgeVerdicts = [Registry.edgeVerdict("1.0.0", .pass)]
        let index = registry.snapshot.versions.firstIndex { $0.reference == Registry.reference("1.0.0") }!
        registry.snapshot.versions[index].stage = stage
        if stage.isServing {
            let old = registry.snapshot.versions.firstIndex { $0.reference == Registry.reference("0.9.0") }!
            registry.snapshot.versions[old].stage = .deprecated
        }
        return registry
    }

    @Test(arguments: LifecycleStage.allCases)
    func everyMoveFrom(_ stage: LifecycleStage) throws {
        for target in LifecycleStage.allCases {
            let registry = try registry(at: stage)
            let reference = Registry.reference("1.0.0")
            let allowed = stage.allowedNext.filter { !(stage == .validation && $0 == .canary) }
            let result = Result { () throws(GovernanceError) in
                try registry.rules("hal").promote(reference, to: target, reason: "move", evidence: registry.evidence)
            }
            switch result {
            case .success(let decision):
                #expect(allowed.contains(target), "\(stage) → \(target) went through")
                #expect(decision.to == target)
            case .failure(let error):
                #expect(!allowed.contains(target), "\(stage) → \(target) refused: \(error)")
                #expect(error == expectedRefusal(from: stage, to: target, allowed: allowed))
            }
        }
    }

    func expectedRefusal(from stage: LifecycleStage, to target: LifecycleStage, allowed: [LifecycleStage]) -> GovernanceError {
        let list = allowed.isEmpty ? "none (final stage)" : allowed.map(\.rawValue).joined(separator: ", ")
        if stage == .validation, target == .canary {
            return .illegalMove("kws@1.0.0 is a major release and must pass staging (shadow evidence); allowed next: \(list)")
        }
        if target == .retired, stage == .retired { return .illegalMove("kws@1.0.0 is already retired") }
        return .illegalMove("kws@1.0.0 cannot move from \(stage.rawValue) to \(target.rawValue); allowed next: \(list)")
    }

    @Test func theServingStagesAreExactlyTheFourAfterRelease() {
        #expect(LifecycleStage.allCases.filter(\.isServing) == [.production, .monitoring, .degraded, .retraining])
        #expect(LifecycleStage.retired.allowedNext.isEmpty)
    }

    @Test func tracksFollowTheBump() {
        let v = { (text: String) in try! SemanticVersion(parsing: text) }
        #expect(ReleaseTrack.of(v("1.0.0"), against: nil) == .major)
        #expect(ReleaseTrack.of(v("2.0.0"), against: v("1.4.2")) == .major)
        #expect(ReleaseTrack.of(v("1.5.0"), against: v("1.4.2")) == .minor)
        #expect(ReleaseTrack.of(v("1.4.3"), against: v("1.4.2")) == .patch)
        #expect(TrackRequirements.defaults(for: .patch).maySkipStaging)
        #expect(!TrackRequirements.defaults(for: .minor).approvals.contains(.regulatoryCheck))
    }
}

/// Every refusal of the rules, with its exact message.
@Suite struct GovernanceRefusalTests {
    func team() -> Registry {
        let registry = Registry()
        registry.addTeam()
        return registry
    }

    @Test func actorsMustExistAndHoldTheRole() throws {
        let empty = Registry()
        #expect(throws: GovernanceError.notPermitted("no actors are registered yet, so 'ana' may not register kws@1.0.0. Fix: add yourself first: edgeprof actors add ana --role ROLE --actor ana")) {
            try empty.rules("ana").register(Registry.model("1.0.0"), metadata: VersionMetadata())
        }
        #expect(throws: GovernanceError.notPermitted("the registry has no actors yet, so the first one must add themselves: edgeprof actors add gus --role ROLE --actor gus")) {
            try empty.rules("gus").addActor(name: "ana", roles: [.dataScientist])
        }
        let registry = team()
        #expect(throws: GovernanceError.notPermitted("unknown actor 'zed'. Fix: a tech_lead or compliance_officer adds them: edgeprof actors add zed --role ROLE")) {
            try registry.rules("zed").register(Registry.model("1.0.0"), metadata: VersionMetadata())
        }
        #expect(throws: GovernanceError.notPermitted("dee (security_team) may not register kws@1.0.0: that needs the role data_scientist or ml_engineer")) {
            try registry.rules("dee").register(Registry.model("1.0.0"), metadata: VersionMetadata())
        }
        #expect(throws: GovernanceError.notPermitted("ana (data_scientist) may not add actors: that needs the role tech_lead or compliance_officer")) {
            try registry.rules("ana").addActor(name: "x", roles: [.techLead])
        }
        #expect(throws: GovernanceError.invalid("actor 'ana' already exists")) { try registry.rules("gus").addActor(name: "ana", roles: [.techLead]) }
        #expect(throws: GovernanceError.invalid("invalid actor name 'a b': use 1 to 64 letters, digits, '.', '_', '@' or '-'")) {
            try registry.rules("gus").addActor(name: "a b", roles: [.techLead])
        }
    }

    @Test func versionsAreImmutable() throws {
        let registry = team()
        try registry.act("ana") { try $0.register(Registry.model("1.0.0"), metadata: VersionMetadata()) }
        #expect(throws: GovernanceError.duplicate("kws@1.0.0 is already registered (artifact sha256 aaaaaaaaaaaa…). Versions are immutable: register the new artifact as a new version")) {
            try registry.rules("cy").register(Registry.model("1.0.0", sha: "b"), metadata: VersionMetadata())
        }
        #expect(registry.snapshot.versions[0].registeredBy == "ana", "the author defaults to the registrant")
    }

    @Test func approvalsFollowRolesAndSeparationOfDuties() throws {
        let registry = team()
        try registry.act("hal") { try $0.register(Registry.model("1.0.0"), metadata: VersionMetadata()) }
        let reference = Registry.reference("1.0.0")
        #expect(throws: GovernanceError.notPermitted("bo (ml_engineer) may not sign security_scan of kws@1.0.0: that needs the role security_team")) {
            try registry.rules("bo").approve(reference, stage: .securityScan, reason: "ok", evidence: [])
        }
        #expect(throws: GovernanceError.notPermitted("hal registered kws@1.0.0 and may not give its production_approval (separation of duties). Fix: another tech_lead signs it")) {
            try registry.rules("hal").approve(reference, stage: .productionApproval, reason: "ok", evidence: [])
        }
        try registry.act("hal") { try $0.approve(reference, stage: .quantizationTest, reason: "ok", evidence: ["run 4"]) }
        #expect(registry.snapshot.approvals[0].evidence == ["artifact sha256:\(String(repeating: "a", count: 64))", "run 4"])
        #expect(throws: GovernanceError.invalid("quantization_test of kws@1.0.0 is already signed by hal at 2027-01-15T08:09:00Z")) {
            try registry.rules("bo").approve(reference, stage: .quantizationTest, reason: "ok", evidence: [])
        }
        try registry.act("cy") { try $0.register(Registry.model("1.1.0"), metadata: VersionMetadata()) }
        let other = Registry.reference("1.1.0")
        try registry.act("hal") { try $0.approve(other, stage: .edgePerformance, reason: "ok", evidence: []) }
        #expect(throws: GovernanceError.notPermitted("hal already signed edge_performance of kws@1.1.0 as ml_engineer and may not also sign as tech_lead (separation of duties). Fix: another tech_lead signs production_approval")) {
            try registry.rules("hal").approve(other, stage: .productionApproval, reason: "ok", evidence: [])
        }
        #expect(throws: GovernanceError.invalid("an approval needs a reason: --reason TEXT")) {
            try registry.rules("gus").approve(other, stage: .productionApproval, reason: " ", evidence: [])
        }
        registry.policy.actorMaySignSeveralRoles = true
        try registry.act("hal") { try $0.approve(other, stage: .productionApproval, reason: "ok", evidence: []) }
        #expect(registry.snapshot.approvals.count == 3, "the separation of duties is configurable")
    }

    @Test func missingEvidenceIsInconclusiveNeverPass() throws {
        let registry = team()
        try registry.act("ana") { try $0.register(Registry.model("1.0.0"), metadata: VersionMetadata()) }
        let reference = Registry.reference("1.0.0")
        try registry.move("bo") { try $0.promote(reference, to: nil, reason: "go", evidence: registry.evidence) }
        registry.approveAll("1.0.0", stages: [.dataValidation, .trainingValidation])
        #expect(throws: GovernanceError.blocked("""
            kws@1.0.0 cannot enter staging (major track):
              - gate quality INCONCLUSIVE: offline metrics of kws@1.0.0 against the floors: INCONCLUSIVE
                  accuracy: missing from kws@1.0.0's metrics
              - gate calibration INCONCLUSIVE: no predictions: attach a CSV (y_true,y_pred,score,group) with `edgeprof model attach kws@1.0.0 --kind predictions FILE`
            """, outcome: .inconclusive)) {
            try registry.rules("bo").promote(reference, to: nil, reason: "go", evidence: registry.evidence)
        }
    }

    @Test func aFailingGateAndMissingApprovalsBlockWithAFail() throws {
        let registry = team()
        try registry.ship("1.0.0")
        var worse = Registry.goodMetadata
        worse.metrics["accuracy"] = 0.85
        try registry.act("ana") { try $0.register(Registry.model("1.1.0", sha: "c"), metadata: worse) }
        registry.attachEvidence("1.1.0")
        let reference = Registry.reference("1.1.0")
        try registry.move("bo") { try $0.promote(reference, to: nil, reason: "go", evidence: registry.evidence) }
        #expect(throws: GovernanceError.blocked("""
            kws@1.1.0 cannot enter staging (minor track):
              - approval data_validation (data_scientist) is missing
              - approval training_validation (data_scientist) is missing
              - gate quality FAIL: offline metrics of kws@1.1.0 against kws@1.0.0: FAIL
                  accuracy 0.85: kws@1.0.0 has 0.91, needs ≥ 0.91 (margin 0) → FAIL
            """, outcome: .fail)) {
            try registry.rules("bo").promote(reference, to: nil, reason: "go", evidence: registry.evidence)
        }
    }

    @Test func aChangedOrMissingArtifactIsRefusedLoudly() throws {
        let registry = team()
        try registry.act("ana") { try $0.register(Registry.model("1.0.0"), metadata: VersionMetadata()) }
        let reference = Registry.reference("1.0.0")
        let sha = String(repeating: "a", count: 64)
        let changed = GateEvidence(artifact: .changed(path: "/models/kws-1.0.0.bin", sha256: String(repeating: "f", count: 64)))
        #expect(throws: GovernanceError.artifactMismatch("the artifact of kws@1.0.0 has CHANGED: /models/kws-1.0.0.bin now has sha256 \(String(repeating: "f", count: 64)), registered \(sha). Refusing to act on a different model. Fix: restore the registered file, or register the new one as a new version")) {
            try registry.rules("bo").promote(reference, to: nil, reason: "go", evidence: changed)
        }
        #expect(throws: GovernanceError.artifactMismatch("the artifact of kws@1.0.0 is missing: /models/kws-1.0.0.bin. Refusing to act on a model that cannot be verified. Fix: restore the registered file (sha256 \(sha))")) {
            try registry.rules("bo").promote(reference, to: nil, reason: "go", evidence: GateEvidence(artifact: .missing(path: "/models/kws-1.0.0.bin")))
        }
        try registry.move("bo") { try $0.promote(reference, to: .failed, reason: "abandon", evidence: changed) }
        #expect(registry.snapshot.versions[0].stage == .failed, "failing a version does not need its artifact")
    }

    @Test func haltStopsDeploymentsAndAnEmergencyNeedsASecondTechLeadWhoLiftsIt() throws {
        let registry = team()
        try registry.ship("1.0.0")
        try registry.act("dee") { try $0.halt(reason: "bad outputs") }
        #expect(throws: GovernanceError.invalid("kws is already halted (since 2027-01-15T08:26:00Z, by dee: bad outputs)")) { try registry.rules("bo").halt(reason: "again") }
        #expect(throws: GovernanceError.notPermitted("bo (ml_engineer) may not resume kws: that needs the role tech_lead")) { try registry.rules("bo").resume(reason: "ok") }
        try registry.act("ana") { try $0.register(Registry.model("1.0.1", sha: "d"), metadata: Registry.goodMetadata) }
        let fix = Registry.reference("1.0.1")
        try registry.move("bo") { try $0.promote(fix, to: nil, reason: "go", evidence: registry.evidence) }
        registry.attachEvidence("1.0.1")
        registry.approveAll("1.0.1", stages: [.quantizationTest, .edgePerformance, .securityScan])
        #expect(throws: GovernanceError.illegalMove("kws is halted (since 2027-01-15T08:26:00Z, by dee: bad outputs): nothing is deployed until `edgeprof model resume kws`; for an urgent fix a tech_lead requests `edgeprof model promote kws@1.0.1 --emergency --lift-halt` and a second one confirms it")) {
            try registry.rules("bo").promote(fix, to: .canary, reason: "fast track", evidence: registry.evidence)
        }
        let outage = Escalation(informed: ["cto@example.com", "on-call"], reason: "outage")
        #expect(throws: GovernanceError.invalid("an emergency deployment needs an escalation record: name who was informed with --informed (e.g. --informed cto@example.com)")) {
            try registry.rules("gus").requestEmergency(fix, escalation: Escalation(informed: [" "], reason: "outage"), liftsHalt: true, artifact: .verified)
        }
        #expect(throws: GovernanceError.notPermitted("bo (ml_engineer) may not request an emergency deployment of kws@1.0.1: that needs the role tech_lead")) {
            try registry.rules("bo").requestEmergency(fix, escalation: outage, liftsHalt: true, artifact: .verified)
        }
        #expect(throws: GovernanceError.illegalMove("kws is halted (since 2027-01-15T08:26:00Z, by dee: bad outputs): add --lift-halt so that the confirmation lifts the halt in the same act, or resume the model first")) {
            try registry.rules("gus").requestEmergency(fix, escalation: outage, liftsHalt: false, artifact: .verified)
        }
        #expect(throws: GovernanceError.notFound("no emergency deployment of kws@1.0.1 is waiting for confirmation: a tech_lead requests one with `edgeprof model promote kws@1.0.1 --emergency --informed WHO --reason WHY`")) {
            try registry.rules("hal").confirmEmergency(fix, reason: "agreed", evidence: registry.evidence)
        }

        // One tech_lead asks; nothing moves; they cannot confirm their own request.
        let asked = try registry.act("gus") { try $0.requestEmergency(fix, escalation: outage, liftsHalt: true, artifact: .verified) }
        #expect(asked.operations.count == 1 && registry.snapshot.version(fix)?.stage == .validation && registry.snapshot.isHalted)
        #expect(throws: GovernanceError.duplicate("an emergency deployment of kws@1.0.1 is already waiting (request 1 by gus at 2027-01-15T08:37:00Z): a second tech_lead confirms or declines it with `edgeprof model confirm kws@1.0.1 --reason WHY [--decline]`")) {
            try registry.rules("hal").requestEmergency(fix, escalation: outage, liftsHalt: true, artifact: .verified)
        }
        #expect(throws: GovernanceError.notPermitted("gus requested the emergency deployment of kws@1.0.1 and may not confirm it (two-person rule). Fix: another tech_lead confirms it")) {
            try registry.rules("gus").confirmEmergency(fix, reason: "mine", evidence: registry.evidence)
        }
        #expect(throws: GovernanceError.notPermitted("fay (compliance_officer) may not confirm an emergency deployment of kws@1.0.1: that needs the role tech_lead")) {
            try registry.rules("fay").confirmEmergency(fix, reason: "ok", evidence: registry.evidence)
        }

        // A second tech_lead confirms: the halt is lifted and the version deployed in one act.
        let decision = try registry.move("hal") { try $0.confirmEmergency(fix, reason: "seen the fix", evidence: registry.evidence) }
        #expect(decision.change.operations.map(\.audit.action) == ["emergency.confirm", "model.resume", "model.transition", "model.transition", "release.emergency"])
        guard case .release(let record) = decision.change.operations.last else { Issue.record("no release record"); return }
        #expect(record.kind == .emergency && record.actor == "hal")
        #expect(record.escalation == Escalation(informed: ["cto@example.com", "on-call"], reason: "outage", requestedBy: "gus", confirmedBy: "hal"))
        #expect(record.replaces == Registry.reference("1.0.0"))
        #expect(!record.gates.isEmpty, "the gates are evaluated and recorded even when bypassed")
        #expect(!registry.snapshot.isHalted && registry.snapshot.serving?.reference == fix)
        #expect(registry.snapshot.emergencies.map(\.state) == [.confirmed])
    }

    @Test func anEmergencyRequestExpiresAndCanBeDeclined() throws {
        let registry = team()
        try registry.ship("1.0.0")
        try registry.act("ana") { try $0.register(Registry.model("1.0.1", sha: "d"), metadata: Registry.goodMetadata) }
        let fix = Registry.reference("1.0.1")
        let outage = Escalation(informed: ["on-call"], reason: "outage")
        #expect(throws: GovernanceError.invalid("kws is not halted: drop --lift-halt")) {
            try registry.rules("gus").requestEmergency(fix, escalation: outage, liftsHalt: true, artifact: .verified)
        }
        try registry.act("gus") { try $0.requestEmergency(fix, escalation: outage, liftsHalt: false, artifact: .verified) }
        registry.clock += 3600
        #expect(throws: GovernanceError.illegalMove("the emergency deployment of kws@1.0.1 requested by gus expired unconfirmed at 2027-01-15T09:27:00Z: request it again")) {
            try registry.rules("hal").confirmEmergency(fix, reason: "late", evidence: registry.evidence)
        }
        registry.policy.emergencyConfirmationMinutes = 180
        try registry.act("gus") { try $0.requestEmergency(fix, escalation: outage, liftsHalt: false, artifact: .verified) }
        try registry.act("gus") { try $0.declineEmergency(fix, reason: "the hotfix is not needed after all") }
        #expect(registry.snapshot.emergencies.map(\.state) == [.pending, .declined])
        #expect(registry.snapshot.emergencies.last?.expiresAt == registry.snapshot.emergencies.last?.requestedAt.addingTimeInterval(3 * 3600))
        #expect(throws: GovernanceError.notFound("no emergency deployment of kws@1.0.1 is waiting for confirmation: a tech_lead requests one with `edgeprof model promote kws@1.0.1 --emergency --informed WHO --reason WHY`")) {
            try registry.rules("hal").confirmEmergency(fix, reason: "too late", evidence: registry.evidence)
        }
        #expect(registry.snapshot.serving?.reference == Registry.reference("1.0.0"))
    }

    @Test func aPolicyBoundsTheConfirmationWindow() throws {
        #expect(try GovernancePolicy(yaml: "emergency: {confirm-within-minutes: 15}", file: "p.yaml").emergencyConfirmationMinutes == 15)
        #expect(GovernancePolicy().emergencyConfirmationMinutes == 60)
        #expect(throws: ConfigError.self) { try GovernancePolicy(yaml: "emergency: {confirm-within-minutes: 0}", file: "p.yaml") }
        #expect(throws: ConfigError.self) { try GovernancePolicy(yaml: "emergency: {confirm-within-minutes: 20000}", file: "p.yaml") }
        #expect(throws: ConfigError.self) { try GovernancePolicy(yaml: "emergency: {confirmations: 0}", file: "p.yaml") }
    }

    @Test func rollbackAndRetirementRefusals() throws {
        let registry = team()
        #expect(throws: GovernanceError.notFound("there is no model kws")) { try registry.rules("dee").halt(reason: "x") }
        try registry.act("ana") { try $0.register(Registry.model("1.0.0"), metadata: Registry.goodMetadata) }
        #expect(throws: GovernanceError.illegalMove("kws has no version in production to roll back from")) {
            try registry.rules("gus").rollback(to: nil, reason: "x", evidence: registry.evidence)
        }
        registry.snapshot.versions.removeAll()
        registry.snapshot.transitions.removeAll()
        try registry.ship("1.0.0")
        #expect(throws: GovernanceError.blocked("kws has no earlier production version to roll back to; to stop serving kws@1.0.0, use `edgeprof model halt kws`", outcome: .fail)) {
            try registry.rules("gus").rollback(to: nil, reason: "x", evidence: registry.evidence)
        }
        #expect(throws: GovernanceError.notPermitted("bo (ml_engineer) may not retire kws@1.0.0: that needs the role tech_lead")) {
            try registry.rules("bo").retire(Registry.reference("1.0.0"), reason: "old")
        }
        #expect(throws: GovernanceError.invalid("a retirement needs a reason: --reason TEXT")) {
            try registry.rules("gus").retire(Registry.reference("1.0.0"), reason: "")
        }
        #expect(throws: GovernanceError.notFound("unknown model kws@9.0.0 (registered: kws@1.0.0)")) {
            try registry.rules("gus").retire(Registry.reference("9.0.0"), reason: "old")
        }
        #expect(throws: GovernanceError.illegalMove("kws@1.0.0 is in production: approvals are given before production (development to canary)")) {
            try registry.rules("eli").approve(Registry.reference("1.0.0"), stage: .ethicalReview, reason: "late", evidence: [])
        }
    }
}
