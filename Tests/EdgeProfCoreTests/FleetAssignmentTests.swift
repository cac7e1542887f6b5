@testable import EdgeProfCore
import Foundation
import Testing

/// Issue 14 §2: a device's desired state follows its model's stages; the canary is a sticky,
/// order-independent subset of at most the policy's share of a class, drawn by hash.
@Suite struct FleetAssignmentTests {
    static func version(_ text: String, _ stage: LifecycleStage) -> ModelVersionRecord {
        let reference = ModelReference(name: "kws", version: (try? SemanticVersion(parsing: text)) ?? SemanticVersion(major: 0, minor: 0, patch: 0))
        let model = RegisteredModel(
            id: 1, reference: reference, artifactSHA256: String(repeating: text.last.map(String.init) ?? "0", count: 64), artifactPath: "", artifactBytes: 1,
            registeredAt: Date(timeIntervalSince1970: 0))
        return ModelVersionRecord(model: model, registeredBy: "ana", stage: stage, stageChangedAt: Date(timeIntervalSince1970: 0), metadata: VersionMetadata())
    }

    static func device(_ serial: String, class deviceClass: String = "m4") -> FleetDevice {
        FleetDevice(
            device: "b:\(serial)", board: "b", serial: serial, deviceClass: deviceClass, bench: "bench-1", firmwareVersion: "1", firmwareBuild: "x",
            emulated: false, labels: [:], firstSeenAt: Date(timeIntervalSince1970: 0), lastSeenAt: Date(timeIntervalSince1970: 0), lastRunID: 1,
            serving: ServingReport(announcedModel: "kws", artifactSHA256: String(repeating: "0", count: 64),
                                   registered: ModelReference(name: "kws", version: SemanticVersion(major: 1, minor: 0, patch: 0)), reportedAt: Date(timeIntervalSince1970: 0)))
    }

    static func deployment(_ versions: [ModelVersionRecord], halted: Bool = false) -> ModelDeployment {
        ModelDeployment(RegistrySnapshot(
            name: "kws", actors: [], versions: versions,
            halts: halted ? [HaltEvent(model: "kws", halted: true, at: Date(timeIntervalSince1970: 5), actor: "gus", reason: "bias spike")] : [], auditHead: 1))
    }

    @Test func bucketsAreSHA256OfRolloutAndDeviceAsPythonComputesThem() {
        // python3: int.from_bytes(hashlib.sha256(b"canary:kws@1.1.0\0b:A").digest()[:8], "big") >> 11) / 2**53
        #expect(RolloutBucket.of(device: "b:A", rollout: "canary:kws@1.1.0") == 0.377988502678301)
        #expect(RolloutBucket.of(device: "edgeprof-sim:SIM-0001", rollout: "canary:kws@1.1.0") == 0.41813504566838033)
        let buckets = (0..<10_000).map { RolloutBucket.of(device: "b:\($0)", rollout: "r") }
        #expect(buckets.allSatisfy { $0 >= 0 && $0 < 1 })
        let below = Double(buckets.filter { $0 < 0.05 }.count) / 10_000
        #expect(abs(below - 0.05) < 0.01, "uniform enough: \(below) below 0.05")
    }

    @Test(arguments: [0.01, 0.05, 0.2, 0.5]) func theCanaryIsAtMostTheShareStickyAndOrderFree(share: Double) {
        let devices = (0..<400).map { "b:\($0)" }
        let (members, slots) = FleetAssignment.canaryMembers(devices, rollout: "canary:kws@1.1.0", share: share)
        #expect(slots == Int(share * 400) && members.count <= slots)
        #expect(members.count >= slots * 7 / 10, "most slots fill at this size: \(members.count) of \(slots)")
        #expect(FleetAssignment.canaryMembers(devices.reversed() + devices.shuffled(), rollout: "canary:kws@1.1.0", share: share).members == members,
                "the order and repetition of the devices change nothing")
        let wider = FleetAssignment.canaryMembers(devices, rollout: "canary:kws@1.1.0", share: min(0.5, share * 2)).members
        #expect(members.isSubset(of: wider), "a device on the canary stays on it as the share grows")
        let other = FleetAssignment.canaryMembers(devices, rollout: "canary:kws@1.2.0", share: share).members
        #expect(other != members || members.isEmpty, "a new canary version draws its own subset")
    }

    @Test func aSmallClassHasNoCanarySlotAndSaysSo() {
        let devices = (0..<10).map { Self.device("\($0)") }
        let deployment = Self.deployment([Self.version("1.0.0", .production), Self.version("1.1.0", .canary)])
        let assignments = devices.map { FleetAssignment.assign($0, classmates: devices, deployment: deployment, canaryShare: 0.05, now: Date(timeIntervalSince1970: 100)) }
        #expect(assignments.allSatisfy { $0.arm == .production && $0.serve?.description == "kws@1.0.0" })
        #expect(assignments.allSatisfy { $0.reasons.first?.contains("0 of 10 devices") == true || $0.reasons.first?.contains("is not below the share") == true },
                "\(assignments.map(\.reasons))")
    }

    @Test func stagesDecideWhatEachDeviceServesAndShadows() throws {
        let devices = (0..<100).map { Self.device("\($0)") }
        let deployment = Self.deployment([Self.version("1.0.0", .production), Self.version("1.1.0", .canary), Self.version("1.2.0", .staging)])
        let assignments = devices.map { FleetAssignment.assign($0, classmates: devices, deployment: deployment, canaryShare: 0.05, now: Date(timeIntervalSince1970: 100)) }
        let canary = assignments.filter { $0.arm == .canary }
        #expect(canary.count <= 5 && !canary.isEmpty, "\(canary.count) on the canary")
        #expect(canary.allSatisfy { $0.serve?.description == "kws@1.1.0" && $0.serveArtifactSHA256 == String(repeating: "0", count: 64) && $0.shadow == nil })
        let production = assignments.filter { $0.arm == .production }
        #expect(production.count == 100 - canary.count)
        #expect(production.allSatisfy { $0.serve?.description == "kws@1.0.0" && $0.shadow?.description == "kws@1.2.0" && $0.state == .serving })
        let first = try #require(canary.first)
        #expect(first.reasons == ["canary kws@1.1.0: its bucket \(FleetAssignment.format(first.canaryBucket ?? 1)) for canary:kws@1.1.0 is among the lowest below 0.0500, within 5 % of class m4 (5 of 100 devices)"])
    }

    @Test func aHaltServesNothingAndNoProductionLeavesTheDeviceAlone() {
        let device = Self.device("1")
        let halted = FleetAssignment.assign(device, classmates: [device], deployment: Self.deployment([Self.version("1.0.0", .production)], halted: true), canaryShare: 0.05, now: Date(timeIntervalSince1970: 100))
        #expect(halted.state == .halted && halted.serve == nil && halted.shadow == nil)
        #expect(halted.reasons == ["kws is halted (by gus: bias spike): the device serves nothing until it is resumed"])
        let none = FleetAssignment.assign(device, classmates: [device], deployment: Self.deployment([Self.version("1.0.0", .validation)]), canaryShare: 0.05, now: Date(timeIntervalSince1970: 100))
        #expect(none.state == .unassigned && none.serve == nil)
        #expect(none.reasons == ["no version of kws serves production: the device keeps what it runs"])
    }

    @Test func thePolicySetsTheCanaryShareWithinBounds() throws {
        #expect(GovernancePolicy().canaryShare == 0.05)
        #expect(try GovernancePolicy(yaml: "fleet: {canary-share: 0.1}\n", file: "p.yaml").canaryShare == 0.1)
        #expect(throws: ConfigError.self) { try GovernancePolicy(yaml: "fleet: {canary-share: 0.8}\n", file: "p.yaml") }
        #expect(throws: ConfigError.self) { try GovernancePolicy(yaml: "fleet: {canary-share: 0}\n", file: "p.yaml") }
        #expect(throws: ConfigError.self) { try GovernancePolicy(yaml: "fleet: {canary: 0.1}\n", file: "p.yaml") }
    }
}
