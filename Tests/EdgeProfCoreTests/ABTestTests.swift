@testable import EdgeProfCore
import Foundation
import Testing

/// Issue 14 §2: A/B tests are objects the registry governs (start, list, stop), and their split
/// is deterministic: each device's arm follows from the test's id and its identity.
@Suite struct ABTestTests {
    /// 1.0.0 serves; `candidate` is registered and moved `moves` steps (2: staging, 3: canary).
    func registry(candidate: String = "1.1.0", moves: Int = 2) throws -> Registry {
        let registry = Registry()
        registry.addTeam()
        try registry.ship("1.0.0")
        try registry.act("ana") { try $0.register(Registry.model(candidate, sha: "b"), metadata: Registry.goodMetadata) }
        registry.attachEvidence(candidate)
        registry.approveAll(candidate)
        registry.evidence.edgeVerdicts = [Registry.edgeVerdict(candidate, .pass)]
        for _ in 0..<moves {
            try registry.move("gus") { try $0.promote(Registry.reference(candidate), to: nil, reason: "ready", evidence: registry.evidence) }
        }
        return registry
    }

    @Test func aTestIsStartedAgainstTheServingVersionByAnOperatorAndStoppedOnce() throws {
        let registry = try registry()
        let start = try registry.act("bo") { try $0.startABTest(ABTestRequest(model: "kws", b: "1.1.0", reason: "does 1.1 beat 1.0 on the fleet?")) }
        guard case .startABTest(let test) = start.operations.first else { Issue.record("no test started"); return }
        #expect(test.a.description == "kws@1.0.0" && test.b.description == "kws@1.1.0")
        #expect(test.split == 0.1 && test.unit == .device && test.minimumSamples == 1000 && test.maximumHours == 24 && test.startedBy == "bo")
        #expect(start.operations[0].audit.action == "abtest.start")
        #expect(throws: GovernanceError.self, "one test per model at a time") {
            try registry.rules("bo").startABTest(ABTestRequest(model: "kws", b: "1.1.0", reason: "again"))
        }
        #expect(throws: GovernanceError.self, "a data scientist does not run the fleet") { try registry.rules("ana").stopABTest(1, reason: "x") }
        try registry.act("gus") { try $0.stopABTest(1, reason: "enough data") }
        #expect(registry.snapshot.abTests[0].state == .stopped && registry.snapshot.abTests[0].stoppedBy == "gus")
        #expect(throws: GovernanceError.illegalMove("A/B test 1 was stopped already (by gus)")) { try registry.rules("gus").stopABTest(1, reason: "x") }
        #expect(throws: GovernanceError.notFound("kws has no A/B test 9")) { try registry.rules("gus").stopABTest(9, reason: "x") }
    }

    @Test func whatCannotBeATestIsRefusedInWords() throws {
        let registry = try registry()
        let rules = registry.rules("bo")
        #expect(throws: GovernanceError.illegalMove("kws@1.0.0 is in production: arm B must be a candidate in staging or canary (validated, not yet serving)")) {
            try rules.startABTest(ABTestRequest(model: "kws", b: "1.0.0", reason: "x"))
        }
        #expect(throws: GovernanceError.notFound("there is no version kws@9.0.0")) { try rules.startABTest(ABTestRequest(model: "kws", b: "9.0.0", reason: "x")) }
        for (split, hours, samples) in [(0.0, 24.0, 10), (0.6, 24.0, 10), (0.1, 0.0, 10), (0.1, 3000.0, 10), (0.1, 24.0, 0)] {
            #expect(throws: GovernanceError.self, "split \(split), \(hours) h, \(samples) samples") {
                try rules.startABTest(ABTestRequest(model: "kws", b: "1.1.0", split: split, minimumSamples: samples, maximumHours: hours, reason: "x"))
            }
        }
        #expect(throws: GovernanceError.invalid("starting an A/B test needs a reason: --reason TEXT")) {
            try rules.startABTest(ABTestRequest(model: "kws", b: "1.1.0", reason: " "))
        }
        let fresh = Registry()
        fresh.addTeam()
        try fresh.act("ana") { try $0.register(Registry.model("1.0.0"), metadata: Registry.goodMetadata) }
        #expect(throws: GovernanceError.self, "no serving version to be arm A") {
            try fresh.rules("bo").startABTest(ABTestRequest(model: "kws", b: "1.0.0", reason: "x"))
        }
    }

    @Test(arguments: [ABTest.Unit.device, .request]) func devicesFollowTheSplitAndAHaltPausesIt(unit: ABTest.Unit) throws {
        let registry = try registry()
        try registry.act("bo") { try $0.startABTest(ABTestRequest(model: "kws", b: "1.1.0", split: 0.2, unit: unit, reason: "x")) }
        let devices = (0..<500).map { FleetAssignmentTests.device("\($0)") }
        let now = registry.clock
        let assignments = devices.map { FleetAssignment.assign($0, classmates: devices, deployment: ModelDeployment(registry.snapshot), canaryShare: 0.05, now: now) }
        switch unit {
        case .device:
            let b = assignments.filter { $0.arm == .b }
            #expect(abs(Double(b.count) / 500 - 0.2) < 0.05, "observed split \(b.count) of 500")
            #expect(b.allSatisfy { $0.serve?.description == "kws@1.1.0" && ($0.abBucket ?? 1) < 0.2 && $0.abTest == 1 })
            #expect(assignments.allSatisfy { $0.shadow == nil }, "B, the staging version, is measured live, not in shadow")
            #expect(assignments.filter { $0.arm == .a }.allSatisfy { $0.serve?.description == "kws@1.0.0" && ($0.abBucket ?? 0) >= 0.2 })
            let again = devices.reversed().map { FleetAssignment.assign($0, classmates: devices, deployment: ModelDeployment(registry.snapshot), canaryShare: 0.05, now: now) }
            #expect(Set(again.filter { $0.arm == .b }.map(\.device)) == Set(b.map(\.device)), "the same devices, whatever the order")
        case .request:
            #expect(assignments.allSatisfy { $0.arm == .a && $0.requestSplit?.b.description == "kws@1.1.0" && $0.requestSplit?.share == 0.2 })
        }
        let late = FleetAssignment.assign(devices[0], classmates: devices, deployment: ModelDeployment(registry.snapshot), canaryShare: 0.05, now: now.addingTimeInterval(25 * 3600))
        #expect(late.arm == .production && late.serve?.description == "kws@1.0.0" && late.reasons.contains { $0.hasPrefix("A/B test 1 ran past its 24 h at ") }, "\(late.reasons)")
        try registry.act("gus") { try $0.halt(reason: "incident") }
        let halted = FleetAssignment.assign(devices[0], classmates: devices, deployment: ModelDeployment(registry.snapshot), canaryShare: 0.05, now: now)
        #expect(halted.state == .halted && halted.serve == nil && halted.reasons.last == "A/B test 1 is paused while the model is halted")
    }
}
