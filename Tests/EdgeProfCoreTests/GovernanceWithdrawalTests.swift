@testable import EdgeProfCore
import Foundation
import Testing

/// What was granted can be withdrawn: approvals before their move, roles, actors. Each refusal
/// names who may do it or what to do instead.
@Suite struct GovernanceWithdrawalTests {
    func team() -> Registry {
        let registry = Registry()
        registry.addTeam()
        return registry
    }

    @Test func anApprovalIsWithdrawnBeforeTheMoveItEnabledNeverAfter() throws {
        let registry = team()
        try registry.act("ana") { try $0.register(Registry.model("1.0.0"), metadata: Registry.goodMetadata) }
        let reference = Registry.reference("1.0.0")
        registry.approveAll("1.0.0", stages: [.dataValidation, .securityScan])
        #expect(throws: GovernanceError.notFound("quantization_test of kws@1.0.0 is not signed, so there is nothing to revoke")) {
            try registry.rules("bo").revokeApproval(reference, stage: .quantizationTest, reason: "x")
        }
        #expect(throws: GovernanceError.notPermitted("ana may not revoke dee's security_scan of kws@1.0.0: its signer, a tech_lead or a compliance_officer may")) {
            try registry.rules("ana").revokeApproval(reference, stage: .securityScan, reason: "I disagree")
        }
        #expect(throws: GovernanceError.invalid("revoking an approval needs a reason: --reason TEXT")) {
            try registry.rules("dee").revokeApproval(reference, stage: .securityScan, reason: " ")
        }
        try registry.act("dee") { try $0.revokeApproval(reference, stage: .securityScan, reason: "a CVE in the runtime") }
        #expect(registry.snapshot.approvals(of: reference).map(\.stage) == [.dataValidation])
        #expect(registry.snapshot.revokedApprovals.map(\.approval.actor) == ["dee"])
        registry.approveAll("1.0.0", stages: [.securityScan])

        // Once the version is in staging, the data validation that let it in stays on record.
        registry.approveAll("1.0.0", stages: [.trainingValidation])
        registry.attachEvidence("1.0.0")
        try registry.move("bo") { try $0.promote(reference, to: nil, reason: "validate", evidence: registry.evidence) }
        try registry.move("bo") { try $0.promote(reference, to: nil, reason: "shadow", evidence: registry.evidence) }
        #expect(throws: GovernanceError.illegalMove("kws@1.0.0 is in staging: the data_validation of cy already enabled its move to staging and stays on record; to undo the move, fail, roll back or retire the version")) {
            try registry.rules("gus").revokeApproval(reference, stage: .dataValidation, reason: "too late")
        }
        try registry.act("fay") { try $0.revokeApproval(reference, stage: .securityScan, reason: "scan was on the wrong artifact") }
        #expect(!registry.snapshot.approvals(of: reference).contains { $0.stage == .securityScan })
    }

    @Test func rolesAreGrantedByAnotherManagerAndRemovedWithoutLockingEveryoneOut() throws {
        let registry = team()
        #expect(throws: GovernanceError.notPermitted("gus may not grant themselves compliance_officer (separation of duties). Fix: another tech_lead or compliance_officer grants it")) {
            try registry.rules("gus").grantRole(.complianceOfficer, to: "gus", reason: "to approve policies alone")
        }
        #expect(throws: GovernanceError.notPermitted("ana (data_scientist) may not grant roles: that needs the role tech_lead or compliance_officer")) {
            try registry.rules("ana").grantRole(.techLead, to: "cy", reason: "x")
        }
        try registry.act("fay") { try $0.grantRole(.mlEngineer, to: "ana", reason: "moved teams") }
        #expect(registry.snapshot.actor(named: "ana")?.roles == [.dataScientist, .mlEngineer])
        #expect(throws: GovernanceError.invalid("ana already holds ml_engineer")) { try registry.rules("gus").grantRole(.mlEngineer, to: "ana", reason: "x") }
        try registry.act("gus") { try $0.removeRole(.dataScientist, from: "ana", reason: "no longer trains") }
        #expect(throws: GovernanceError.invalid("ml_engineer is ana's only role: deactivate the actor instead (edgeprof actors deactivate ana)")) {
            try registry.rules("gus").removeRole(.mlEngineer, from: "ana", reason: "x")
        }
        #expect(throws: GovernanceError.notFound("there is no actor zed")) { try registry.rules("gus").grantRole(.techLead, to: "zed", reason: "x") }

        // The last manager standing cannot remove themselves.
        try registry.act("gus") { try $0.deactivateActor("hal", reason: "left the company") }
        try registry.act("gus") { try $0.deactivateActor("fay", reason: "on leave") }
        #expect(throws: GovernanceError.illegalMove("gus is the last active tech_lead or compliance_officer: after this nobody could manage actors. Fix: grant the role to someone else first")) {
            try registry.rules("gus").deactivateActor("gus", reason: "bye")
        }
        try registry.act("gus") { try $0.reactivateActor("fay", reason: "back") }
        try registry.act("gus") { try $0.deactivateActor("gus", reason: "handing over") }
        #expect(registry.snapshot.actor(named: "gus")?.isActive == false)
    }

    @Test func aDeactivatedActorCannotActAtAll() throws {
        let registry = team()
        try registry.act("gus") { try $0.deactivateActor("ana", reason: "left the company") }
        #expect(throws: GovernanceError.notPermitted("ana was deactivated on 2027-01-15T08:08:00Z by gus (left the company) and may not register kws@1.0.0")) {
            try registry.rules("ana").register(Registry.model("1.0.0"), metadata: VersionMetadata())
        }
        #expect(throws: GovernanceError.invalid("ana is deactivated: reactivate them first (edgeprof actors reactivate ana)")) {
            try registry.rules("gus").grantRole(.mlEngineer, to: "ana", reason: "x")
        }
        #expect(throws: GovernanceError.invalid("ana is already deactivated")) { try registry.rules("fay").deactivateActor("ana", reason: "x") }
        try registry.act("fay") { try $0.reactivateActor("ana", reason: "rehired") }
        try registry.act("ana") { try $0.register(Registry.model("1.0.0"), metadata: VersionMetadata()) }
        #expect(throws: GovernanceError.invalid("ana is active")) { try registry.rules("fay").reactivateActor("ana", reason: "x") }
    }
}
