@testable import EdgeProfCore
import Foundation
import Testing

/// The policy lives in the registry: proposing and approving it are governance acts, the roles
/// of the policy in force decide who approves, nobody approves their own proposal, and every
/// act carries the digest of the policy it was decided under.
@Suite struct PolicyRecordTests {
    let strict = "approvals:\n  separation-of-duties: {registrant-may-approve-production: false}\n"
    let lax = "approvals:\n  separation-of-duties: {registrant-may-approve-production: true}\n"

    /// Rules under the policy the registry holds (not the fixture's hand-set one).
    @discardableResult
    func act(_ registry: Registry, _ actor: String, _ decide: (GovernanceRules) throws -> GovernanceChange) throws -> GovernanceChange {
        let rules = GovernanceRules(snapshot: registry.snapshot, policy: try registry.snapshot.policyInForce.parsed(), actor: actor, now: registry.clock)
        let change = try decide(rules)
        registry.apply(change)
        return change
    }

    func team() -> Registry {
        let registry = Registry()
        registry.addTeam()
        return registry
    }

    @Test func theFirstPolicyIsAdoptedAsProposedWhileTheRegistryHoldsNoVersion() throws {
        let registry = team()
        let change = try act(registry, "gus") { try $0.proposePolicy(text: strict, thresholds: nil, reason: "lab rules") }
        #expect(change.operations.map(\.audit.action) == ["policy.propose", "policy.activate"])
        #expect(change.policySHA256 == PolicyRecord.builtIn.sha256, "decided under the built-in policy")
        #expect(registry.snapshot.policyInForce.version == 1 && registry.snapshot.policyInForce.text == strict)
    }

    @Test func onceVersionsExistAChangeNeedsTheRolesThePolicyInForceNamesThroughOtherActors() throws {
        let registry = team()
        try act(registry, "gus") { try $0.proposePolicy(text: strict, thresholds: nil, reason: "lab rules") }
        try registry.act("ana") { try $0.register(Registry.model("1.0.0"), metadata: VersionMetadata()) }

        try act(registry, "gus") { try $0.proposePolicy(text: lax, thresholds: nil, reason: "let me approve my own") }
        #expect(registry.snapshot.policyInForce.version == 1, "a proposal changes nothing by itself")
        #expect(throws: GovernanceError.notPermitted("gus proposed policy v2 and may not approve it (separation of duties). Fix: another compliance_officer or tech_lead approves it")) {
            try act(registry, "gus") { try $0.approvePolicy(version: 2, reason: "fine") }
        }
        #expect(throws: GovernanceError.self, "a data scientist holds no role the policy names") {
            try act(registry, "ana") { try $0.approvePolicy(version: 2, reason: "fine") }
        }
        try act(registry, "fay") { try $0.approvePolicy(version: 2, reason: "reviewed") }
        #expect(registry.snapshot.policyInForce.version == 1, "tech_lead has not approved yet")
        #expect(throws: GovernanceError.self, "fay already signed; compliance_officer is covered") {
            try act(registry, "fay") { try $0.approvePolicy(version: 2, reason: "again") }
        }
        let last = try act(registry, "hal") { try $0.approvePolicy(version: 2, reason: "agreed") }
        #expect(last.operations.map(\.audit.action) == ["policy.approve", "policy.activate"])
        #expect(last.policySHA256 == registry.snapshot.policies[0].sha256, "decided under v1, the policy in force when approved")
        #expect(registry.snapshot.policyInForce.version == 2 && registry.snapshot.policies[0].state == .superseded)
    }

    @Test func aProposalMadeAgainstAnOlderPolicyCannotComeIntoForce() throws {
        let registry = team()
        try act(registry, "gus") { try $0.proposePolicy(text: strict, thresholds: nil, reason: "lab rules") }
        try registry.act("ana") { try $0.register(Registry.model("1.0.0"), metadata: VersionMetadata()) }
        try act(registry, "gus") { try $0.proposePolicy(text: lax, thresholds: nil, reason: "a") }
        try act(registry, "fay") { try $0.proposePolicy(text: strict + "deployable-production-versions: 4\n", thresholds: nil, reason: "b") }
        try act(registry, "hal") { try $0.approvePolicy(version: 3, reason: "ok") }
        try act(registry, "fay") { try $0.approvePolicy(version: 2, reason: "ok") }
        #expect(throws: GovernanceError.self, "tech_lead is signed already") { try act(registry, "gus") { try $0.approvePolicy(version: 3, reason: "ok") } }
        #expect(throws: GovernanceError.self, "v3's proposer may not approve it") { try act(registry, "fay") { try $0.approvePolicy(version: 3, reason: "ok") } }
        #expect(registry.snapshot.policyInForce.version == 1)
        try registry.act("gus") { try $0.addActor(name: "ivy", roles: [.complianceOfficer]) }
        try act(registry, "ivy") { try $0.approvePolicy(version: 3, reason: "ok") }
        #expect(registry.snapshot.policyInForce.version == 3)
        #expect(throws: GovernanceError.illegalMove("policy v2 was proposed against v1, but v3 is in force now: propose it again against the policy in force")) {
            try act(registry, "hal") { try $0.approvePolicy(version: 2, reason: "late") }
        }
    }

    @Test func whatCannotBeEnforcedIsRefusedWhenProposed() throws {
        let registry = team()
        let noThresholds = "gates:\n  edge-performance: {device-classes: [m4]}\n"
        #expect(throws: GovernanceError.self) { try act(registry, "gus") { try $0.proposePolicy(text: noThresholds, thresholds: nil, reason: "x") } }
        let otherClass = "device-classes:\n  m7:\n    max-latency-p95-ms: 10\n"
        #expect(throws: GovernanceError.self) { try act(registry, "gus") { try $0.proposePolicy(text: noThresholds, thresholds: otherClass, reason: "x") } }
        #expect(throws: GovernanceError.self, "nobody may approve policy changes") {
            try act(registry, "gus") { try $0.proposePolicy(text: "policy-changes: {approvals: []}\n", thresholds: nil, reason: "x") }
        }
        #expect(throws: GovernanceError.self, "a data scientist may not propose") {
            try act(registry, "ana") { try $0.proposePolicy(text: strict, thresholds: nil, reason: "x") }
        }
        #expect(throws: GovernanceError.self, "the built-in policy is already in force") {
            try act(registry, "gus") { try $0.proposePolicy(text: PolicyRecord.builtIn.text, thresholds: nil, reason: "x") }
        }
        #expect(registry.snapshot.policies.isEmpty)
    }

    @Test func everyActCarriesTheDigestOfThePolicyItWasDecidedUnder() throws {
        let registry = team()
        let thresholds = "device-classes:\n  m4:\n    max-latency-p95-ms: 120\n"
        try act(registry, "gus") {
            try $0.proposePolicy(text: "gates:\n  edge-performance: {thresholds: g.yaml, device-classes: [m4]}\n", thresholds: thresholds, reason: "x")
        }
        let record = registry.snapshot.policyInForce
        let policy = try record.parsed()
        #expect(policy.sha256 == record.sha256 && policy.edgeThresholds?.classes["m4"] != nil)
        let change = try act(registry, "ana") { try $0.register(Registry.model("1.0.0"), metadata: VersionMetadata()) }
        #expect(change.policySHA256 == record.sha256)
        #expect(record.sha256 != PolicyRecord.digest(text: record.text, thresholds: nil), "the thresholds are part of the digest")
    }

    @Test func theBuiltInPolicyGatesEveryDeviceClassWithRunsAndSaysWhatToDoWithoutAny() throws {
        let registry = team()
        try registry.act("ana") { try $0.register(Registry.model("1.0.0"), metadata: VersionMetadata()) }
        let version = try #require(registry.snapshot.versions.first)
        let builtIn = try PolicyRecord.builtIn.parsed()
        let none = GovernanceGates(snapshot: registry.snapshot, policy: builtIn, evidence: GateEvidence(artifact: .verified)).evaluate(.edgePerformance, for: version)
        #expect(none.outcome == .inconclusive && none.summary == "no runs of kws@1.0.0 on any board yet")
        #expect(none.findings.first?.contains("edgeprof profile --port PORT --model kws@1.0.0") == true)

        var evidence = GateEvidence(artifact: .verified)
        let enough = GateVerdict(
            model: version.reference, deviceClass: "nrf52", outcome: .pass, results: [], measuredIterations: 20, minimumIterations: 10,
            runIDs: [1], evidenceKeys: ["k"], excluded: [])
        evidence.edgeVerdicts = [enough]
        #expect(GovernanceGates(snapshot: registry.snapshot, policy: builtIn, evidence: evidence).evaluate(.edgePerformance, for: version).outcome == .pass)
        var few = enough
        few.measuredIterations = 3
        evidence.edgeVerdicts = [few]
        #expect(GovernanceGates(snapshot: registry.snapshot, policy: builtIn, evidence: evidence).evaluate(.edgePerformance, for: version).outcome == .inconclusive)
        evidence.edgeVerdicts = []
        evidence.edgeProblems = ["nrf52": "the store could not be read"]
        let unreadable = GovernanceGates(snapshot: registry.snapshot, policy: builtIn, evidence: evidence).evaluate(.edgePerformance, for: version)
        #expect(unreadable.outcome == .inconclusive && unreadable.findings == ["nrf52: the store could not be read"], "a class whose check failed is named, not dropped")
        evidence.edgeProblems = [:]
        var emulated = enough
        emulated.emulated = true
        evidence.edgeVerdicts = [emulated]
        #expect(GovernanceGates(snapshot: registry.snapshot, policy: builtIn, evidence: evidence).evaluate(.edgePerformance, for: version).outcome == .inconclusive)
    }

    @Test func auditEntriesWrittenBeforePoliciesKeepTheirHashes() {
        let old = AuditChain.seal(after: nil, at: Date(timeIntervalSince1970: 0), actor: "gus", action: "actor.add", subject: "gus")
        let stamped = AuditChain.seal(after: nil, at: Date(timeIntervalSince1970: 0), actor: "gus", action: "actor.add", subject: "gus", policy: "ab")
        #expect(old.policy == nil && old.hash != stamped.hash)
        var forged = stamped
        forged.policy = "cd"
        #expect(AuditChain.verify([forged]) != .intact(entries: 1), "the policy digest is covered by the hash")
        #expect(AuditChain.verify([old]) == .intact(entries: 1))
    }
}
