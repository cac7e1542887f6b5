@testable import EdgeProfCore
import Foundation
import Testing

/// A bench's agent fetches only the artifacts the registry could assign to its devices: a version
/// of a model they run, in staging (shadow), canary or a serving stage, or arm B of a running A/B
/// test — never a candidate still in development or validation, a failed or retired version, or
/// another model's.
@Suite struct ArtifactAccessTests {
    static let incumbent = String(repeating: "a", count: 64)
    static let candidate = String(repeating: "b", count: 64)

    @Test func onlyWhatCouldBeAssignedIsHandedToAnAgent() throws {
        let registry = Registry()
        registry.addTeam()
        try registry.ship("1.0.0")
        try registry.act("ana") { try $0.register(Registry.model("1.1.0", sha: "b"), metadata: Registry.goodMetadata) }
        #expect(ArtifactAccess.agentMayFetch(Self.incumbent, snapshots: [registry.snapshot]), "production serves it")
        #expect(!ArtifactAccess.agentMayFetch(Self.candidate, snapshots: [registry.snapshot]), "1.1.0 is in development")
        #expect(!ArtifactAccess.agentMayFetch(Self.incumbent, snapshots: []), "no device of the bench runs this model")
        #expect(!ArtifactAccess.agentMayFetch(String(repeating: "c", count: 64), snapshots: [registry.snapshot]), "nothing has these bytes")

        registry.attachEvidence("1.1.0")
        registry.approveAll("1.1.0")
        let reference = Registry.reference("1.1.0")
        try registry.move("gus") { try $0.promote(reference, to: .validation, reason: "r", evidence: registry.evidence) }
        #expect(!ArtifactAccess.agentMayFetch(Self.candidate, snapshots: [registry.snapshot]), "validation: not yet on any device")
        try registry.move("gus") { try $0.promote(reference, to: .staging, reason: "r", evidence: registry.evidence) }
        #expect(ArtifactAccess.agentMayFetch(Self.candidate, snapshots: [registry.snapshot]), "staging: devices run it in shadow")
        try registry.move("gus") { try $0.promote(reference, to: .failed, reason: "shadow disagreed", evidence: registry.evidence) }
        #expect(!ArtifactAccess.agentMayFetch(Self.candidate, snapshots: [registry.snapshot]), "a failed version is never assigned")
    }

    @Test func armBOfARunningTestIsAssignable() throws {
        let registry = Registry()
        registry.addTeam()
        try registry.ship("1.0.0")
        var snapshot = registry.snapshot
        let model = Registry.model("1.1.0", sha: "b")
        snapshot.versions.append(ModelVersionRecord(model: model, registeredBy: "ana", stage: .development, stageChangedAt: registry.clock, metadata: Registry.goodMetadata))
        var test = ABTest(
            model: "kws", a: Registry.reference("1.0.0"), b: model.reference, split: 0.1, unit: .device, minimumSamples: 10, maximumHours: 24,
            startedBy: "gus", startedAt: registry.clock, reason: "r")
        test.id = 1
        snapshot.abTests = [test]
        #expect(ArtifactAccess.agentMayFetch(Self.candidate, snapshots: [snapshot]))
        snapshot.abTests[0].state = .stopped
        #expect(!ArtifactAccess.agentMayFetch(Self.candidate, snapshots: [snapshot]), "a stopped test assigns nothing")
    }
}
