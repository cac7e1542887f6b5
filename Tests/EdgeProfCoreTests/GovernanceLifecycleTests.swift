@testable import EdgeProfCore
import Foundation
import Testing

/// Releases, rollback, retirement and the production-history query, on the pure rules.
@Suite struct GovernanceLifecycleTests {
    func shipped(_ versions: [String]) throws -> Registry {
        let registry = Registry()
        registry.addTeam()
        for (index, version) in versions.enumerated() {
            var metadata = Registry.goodMetadata
            metadata.quantizationConfigSHA256 = String(repeating: Character("\(index)"), count: 64)
            try registry.ship(version, metadata: metadata)
        }
        return registry
    }

    @Test func promotionWritesAContentAddressedReleaseAndDeprecatesThePredecessor() throws {
        let registry = try shipped(["1.0.0", "1.1.0"])
        let versions = Dictionary(uniqueKeysWithValues: registry.snapshot.versions.map { ($0.reference.description, $0.stage) })
        #expect(versions == ["kws@1.0.0": .deprecated, "kws@1.1.0": .production])
        let release = try #require(registry.snapshot.releases.last)
        #expect(release.kind == .promotion && release.replaces == Registry.reference("1.0.0"))
        #expect(release.id == CanonicalJSON.sha256(Data(release.canonicalJSON.utf8)) && release.id.count == 64)
        #expect(release.approvals.count == 8, "every approval given is recorded, required or not")
        #expect(release.gates.map(\.gate) == GovernanceGate.allCases && release.gates.allSatisfy { $0.outcome == .pass })
        #expect(release.config["quantization_config_sha256"] == String(repeating: "1", count: 64))
        #expect(release.thresholds.map(\.deviceClass) == ["m4"])
        var edited = release
        edited.reason = "something else"
        #expect(edited.id != release.id, "the address changes with the content")
    }

    @Test func rollbackRestoresThePreviousReleasesConfigAndThresholds() throws {
        let registry = try shipped(["1.0.0", "1.1.0"])
        let before = registry.snapshot.releases.first { $0.reference == Registry.reference("1.0.0") }!
        registry.evidence.edgeThresholds = [DeviceClassThresholds(deviceClass: "m4", criteria: [GateCriterion(metric: .latencyP95, threshold: 999)])]
        let decision = try registry.move("bo") { try $0.rollback(to: nil, reason: "p95 regression", evidence: registry.evidence) }
        #expect(decision.to == .production && decision.track == nil)
        let stages = Dictionary(uniqueKeysWithValues: registry.snapshot.versions.map { ($0.reference.description, $0.stage) })
        #expect(stages == ["kws@1.0.0": .production, "kws@1.1.0": .rollback])
        let record = try #require(registry.snapshot.releases.last)
        #expect(record.kind == .rollback && record.restores == before.id && record.replaces == Registry.reference("1.1.0"))
        #expect(record.thresholds == before.thresholds && record.config == before.config, "restored, not the thresholds in force now")
        #expect(registry.snapshot.transitions.suffix(2).map(\.reason) == ["p95 regression", "rollback from kws@1.1.0: p95 regression"])
    }

    @Test func onlyTheLastThreeProductionVersionsStayDeployable() throws {
        let registry = try shipped(["1.0.0", "1.1.0", "1.2.0", "1.3.0", "1.4.0"])
        #expect(registry.rules("gus").rollbackCandidates.map(\.reference.description) == ["kws@1.3.0", "kws@1.2.0", "kws@1.1.0"])
        #expect(throws: GovernanceError.blocked("kws@1.0.0 is not deployable for rollback; candidates (the last 3 production versions, deprecated): kws@1.3.0, kws@1.2.0, kws@1.1.0", outcome: .fail)) {
            try registry.rules("gus").rollback(to: SemanticVersion(major: 1, minor: 0, patch: 0), reason: "x", evidence: registry.evidence)
        }
        try registry.move("gus") { try $0.rollback(to: SemanticVersion(major: 1, minor: 2, patch: 0), reason: "pick", evidence: registry.evidence) }
        #expect(registry.snapshot.serving?.reference == Registry.reference("1.2.0"))
        #expect(throws: GovernanceError.artifactMismatch("the artifact of kws@1.3.0 is missing: /models/kws-1.3.0.bin. Refusing to act on a model that cannot be verified. Fix: restore the registered file (sha256 \(String(repeating: "a", count: 64)))")) {
            try registry.rules("gus").rollback(to: nil, reason: "x", evidence: GateEvidence(artifact: .missing(path: "/models/kws-1.3.0.bin")))
        }
    }

    @Test func retirementArchivesEverything() throws {
        let registry = try shipped(["1.0.0", "1.1.0"])
        let decision = try registry.move("gus") { try $0.retire(Registry.reference("1.0.0"), reason: "superseded") }
        #expect(decision.to == .retired)
        let record = try #require(registry.snapshot.releases.last)
        let archive = try #require(record.archive)
        #expect(record.kind == .retirement && archive.version.reference == Registry.reference("1.0.0"))
        #expect(archive.approvals.count == 8 && archive.attachments.count == 5)
        #expect(archive.transitions.map(\.to) == [.development, .validation, .staging, .canary, .production, .deprecated])
        #expect(archive.releaseIDs.count == 1)
        #expect(throws: GovernanceError.illegalMove("kws@1.0.0 is already retired")) { try registry.rules("gus").retire(Registry.reference("1.0.0"), reason: "again") }
        #expect(throws: GovernanceError.illegalMove("kws@1.0.0 is retired: its record is archived and closed")) {
            try registry.rules("bo").attach(Attachment(reference: Registry.reference("1.0.0"), kind: "note", fileName: "n", sha256: "", content: "", attachedAt: Date(), attachedBy: "bo"))
        }
    }

    @Test func retiringTheServingVersionLeavesNothingInProduction() throws {
        let registry = try shipped(["1.0.0"])
        try registry.move("gus") { try $0.retire(Registry.reference("1.0.0"), reason: "end of life") }
        #expect(registry.snapshot.serving == nil)
        let history = ProductionHistory(model: "kws", transitions: registry.snapshot.transitions, halts: [])
        #expect(history.serving(at: registry.clock).version == nil)
    }

    @Test func emulatedEvidenceDoesNotApproveProductionUnlessThePolicySaysSo() throws {
        let registry = try shipped(["1.0.0"])
        try registry.act("ana") { try $0.register(Registry.model("1.1.0", sha: "e"), metadata: Registry.goodMetadata) }
        var emulated = Registry.edgeVerdict("1.1.0", .pass)
        emulated.emulated = true
        registry.evidence.edgeVerdicts = [emulated]
        let gates = GovernanceGates(snapshot: registry.snapshot, policy: registry.policy, evidence: registry.evidence)
        let version = registry.snapshot.version(Registry.reference("1.1.0"))!
        let result = gates.evaluate(.edgePerformance, for: version)
        #expect(result.outcome == .inconclusive)
        #expect(result.findings == ["m4: the evidence comes from emulated boards, which serve regression detection, not production approval (gates: edge-performance: emulated-evidence: count would accept it)"])
        registry.policy.emulatedEvidenceCounts = true
        #expect(GovernanceGates(snapshot: registry.snapshot, policy: registry.policy, evidence: registry.evidence).evaluate(.edgePerformance, for: version).outcome == .pass)
    }

    @Test func aPatchMayTakeTheFastTrack() throws {
        let registry = try shipped(["1.0.0"])
        try registry.act("ana") { try $0.register(Registry.model("1.0.1", sha: "e"), metadata: Registry.goodMetadata) }
        registry.attach("1.0.1", "predictions", Registry.fairPredictions)
        for kind in ["risk-assessment", "runbook", "rollback-plan"] { registry.attach("1.0.1", kind, kind) }
        registry.approveAll("1.0.1", stages: [.quantizationTest, .edgePerformance, .securityScan, .productionApproval])
        let reference = Registry.reference("1.0.1")
        try registry.move("bo") { try $0.promote(reference, to: nil, reason: "fix", evidence: registry.evidence) }
        let canary = try registry.move("bo") { try $0.promote(reference, to: .canary, reason: "fast track", evidence: registry.evidence) }
        #expect(canary.track == .patch && !canary.gates.contains { $0.gate == .shadowEvidence })
        try registry.move("gus") { try $0.promote(reference, to: nil, reason: "ship", evidence: registry.evidence) }
        #expect(registry.snapshot.serving?.reference == reference)
    }

    @Test func whichVersionWasInProductionAtATime() throws {
        let registry = try shipped(["1.0.0", "1.1.0"])
        try registry.act("dee") { try $0.halt(reason: "incident") }
        try registry.act("gus") { try $0.resume(reason: "clear") }
        try registry.move("gus") { try $0.rollback(to: nil, reason: "regression", evidence: registry.evidence) }
        let history = ProductionHistory(model: "kws", transitions: registry.snapshot.transitions, halts: registry.snapshot.halts)
        let enter = { (version: String) in registry.snapshot.transitions.last { $0.reference == Registry.reference(version) && $0.to == .production }!.at }
        let firstRelease = registry.snapshot.transitions.first { $0.to == .production }!.at
        let halt = registry.snapshot.halts[0].at
        #expect(history.serving(at: firstRelease - 1).version == nil)
        #expect(history.serving(at: firstRelease).version == Registry.reference("1.0.0"))
        let second = registry.snapshot.transitions.first { $0.reference == Registry.reference("1.1.0") && $0.to == .production }!.at
        #expect(history.serving(at: second - 1).version == Registry.reference("1.0.0"))
        #expect(history.serving(at: second).version == Registry.reference("1.1.0"))
        let halted = history.serving(at: halt + 1)
        #expect(halted.version == Registry.reference("1.1.0") && halted.halted && halted.since == second)
        #expect(!history.serving(at: registry.snapshot.halts[1].at).halted)
        #expect(history.serving(at: enter("1.0.0")).version == Registry.reference("1.0.0"), "back after the rollback")
        #expect(history.serving(at: enter("1.0.0")).since == enter("1.0.0"))
    }
}
