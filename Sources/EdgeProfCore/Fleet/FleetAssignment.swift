import Foundation

/// What a device should serve and shadow, decided from its model's stages in the registry and
/// the policy's canary share, with the reasons in words (`edgeprof fleet explain`). Pure.
public struct DeviceAssignment: Sendable, Codable, Hashable {
    /// Serving: the device answers with `serve`; halted: it serves nothing; unassigned: the
    /// registry has nothing for it to serve, so it keeps what it runs.
    public enum State: String, Sendable, Codable, Hashable {
        case serving, halted, unassigned
    }

    /// Which arm of its model the device is on.
    public enum Arm: String, Sendable, Codable, Hashable {
        case production, canary, a, b
    }

    /// An A/B test split by request: the device serves both versions and sends each request to B
    /// when the bucket of its request id for `rollout` is below `share`.
    public struct RequestSplit: Sendable, Codable, Hashable {
        public var test: Int64
        public var b: ModelReference
        public var bArtifactSHA256: String
        public var share: Double
        public var rollout: String
    }

    public var device: String
    public var model: String
    public var state: State
    public var arm: Arm?
    public var serve: ModelReference?
    public var serveArtifactSHA256: String?
    /// Run beside `serve` on the same inputs; its outputs are recorded, never served.
    public var shadow: ModelReference?
    public var shadowArtifactSHA256: String?
    /// The device's place in the canary rollout, when there is one.
    public var canaryBucket: Double?
    /// The A/B test the device takes part in, and its place in it (unit device).
    public var abTest: Int64?
    public var abBucket: Double?
    public var requestSplit: RequestSplit?
    public var reasons: [String]
}

/// A model's deployment as the registry's stages decide it.
public struct ModelDeployment: Sendable, Hashable {
    public var name: String
    public var production: ModelVersionRecord?
    public var canary: ModelVersionRecord?
    public var staging: ModelVersionRecord?
    /// Set when the model is halted: who halted it, when, why.
    public var halt: HaltEvent?
    /// The A/B test still running (perhaps past its maximum duration), and B's artifact.
    public var abTest: ABTest?
    public var abTestB: ModelVersionRecord?

    public init(_ snapshot: RegistrySnapshot) {
        name = snapshot.name
        production = snapshot.serving
        canary = snapshot.versions.last { $0.stage == .canary }
        staging = snapshot.versions.last { $0.stage == .staging }
        halt = snapshot.isHalted ? snapshot.halts.last : nil
        abTest = snapshot.abTests.last { $0.state == .running }
        abTestB = abTest.flatMap { snapshot.version($0.b) }
    }

    /// The rollout id the canary's subset is drawn for: a new canary version draws anew.
    public var canaryRollout: String? { canary.map { "canary:\($0.reference)" } }
}

public enum FleetAssignment {
    /// The assignment of `device` (one of `classmates`, the devices of its class serving the same
    /// model) under `deployment`, with at most `canaryShare` of the class on the canary.
    public static func assign(
        _ device: FleetDevice, classmates: [FleetDevice], deployment: ModelDeployment, canaryShare: Double, now: Date
    ) -> DeviceAssignment {
        var assignment = DeviceAssignment(
            device: device.device, model: deployment.name, state: .unassigned, arm: nil, serve: nil, serveArtifactSHA256: nil,
            shadow: nil, shadowArtifactSHA256: nil, canaryBucket: nil, abTest: nil, abBucket: nil, requestSplit: nil, reasons: [])
        if let halt = deployment.halt {
            assignment.state = .halted
            assignment.reasons = ["\(deployment.name) is halted (by \(halt.actor): \(halt.reason)): the device serves nothing until it is resumed"]
            if let test = deployment.abTest { assignment.reasons.append("A/B test \(test.id) is paused while the model is halted") }
            return assignment
        }
        if let canary = deployment.canary, let rollout = deployment.canaryRollout {
            let bucket = RolloutBucket.of(device: device.device, rollout: rollout)
            assignment.canaryBucket = bucket
            let (members, slots) = canaryMembers(classmates.map(\.device) + [device.device], rollout: rollout, share: canaryShare)
            let share = "\(percent(canaryShare)) of class \(device.deviceClass) (\(slots) of \(Set(classmates.map(\.device) + [device.device]).count) devices)"
            if members.contains(device.device) {
                assignment.state = .serving
                assignment.arm = .canary
                assignment.serve = canary.reference
                assignment.serveArtifactSHA256 = canary.model.artifactSHA256
                assignment.reasons.append("canary \(canary.reference): its bucket \(format(bucket)) for \(rollout) is among the lowest below \(format(canaryShare)), within \(share)")
                return assignment
            }
            assignment.reasons.append(
                bucket < canaryShare
                    ? "not on canary \(canary.reference): its bucket \(format(bucket)) is below \(format(canaryShare)) but the \(slots) canary slot(s) of \(share) went to lower buckets"
                    : "not on canary \(canary.reference): its bucket \(format(bucket)) for \(rollout) is not below the share \(format(canaryShare))")
        }
        guard let production = deployment.production else {
            assignment.reasons.append("no version of \(deployment.name) serves production: the device keeps what it runs")
            return assignment
        }
        assignment.state = .serving
        assignment.arm = .production
        assignment.serve = production.reference
        assignment.serveArtifactSHA256 = production.model.artifactSHA256
        assignment.reasons.append("production \(production.reference) (\(production.stage.rawValue))")
        if let staging = deployment.staging {
            assignment.shadow = staging.reference
            assignment.shadowArtifactSHA256 = staging.model.artifactSHA256
            assignment.reasons.append("shadow \(staging.reference) (staging): run on the same inputs, recorded, never served")
        }
        if let test = deployment.abTest, let b = deployment.abTestB {
            splitForABTest(&assignment, test: test, b: b, production: production, now: now)
        }
        return assignment
    }

    /// Puts the device on arm A or B of a running A/B test, or says why the test no longer splits.
    static func splitForABTest(_ assignment: inout DeviceAssignment, test: ABTest, b: ModelVersionRecord, production: ModelVersionRecord, now: Date) {
        guard test.a == production.reference else {
            assignment.reasons.append("A/B test \(test.id) compared \(test.a) with \(test.b), but \(production.reference) serves now: it splits nothing until it is stopped")
            return
        }
        guard test.isActive(at: now) else {
            assignment.reasons.append("A/B test \(test.id) ran past its \(String(format: "%g", test.maximumHours)) h at \(AuditChain.timestamp(test.endsAt)): devices serve A until it is stopped")
            return
        }
        assignment.abTest = test.id
        // B is measured live while the test runs: running it in shadow as well would only double the work.
        let shadowReason = assignment.shadow.map { "shadow \($0) (staging): run on the same inputs, recorded, never served" }
        if assignment.shadow == test.b {
            assignment.shadow = nil
            assignment.shadowArtifactSHA256 = nil
        }
        defer {
            if assignment.shadow != nil, let shadowReason { assignment.reasons.append(shadowReason) }
        }
        switch test.unit {
        case .device:
            let bucket = RolloutBucket.of(device: assignment.device, rollout: test.rollout)
            assignment.abBucket = bucket
            if bucket < test.split {
                assignment.arm = .b
                assignment.serve = test.b
                assignment.serveArtifactSHA256 = b.model.artifactSHA256
                assignment.reasons = ["A/B test \(test.id), arm B \(test.b): its bucket \(format(bucket)) for \(test.rollout) is below the split \(format(test.split))"]
            } else {
                assignment.arm = .a
                assignment.reasons = ["A/B test \(test.id), arm A \(test.a): its bucket \(format(bucket)) for \(test.rollout) is not below the split \(format(test.split))"]
            }
        case .request:
            assignment.arm = .a
            assignment.requestSplit = DeviceAssignment.RequestSplit(
                test: test.id, b: test.b, bArtifactSHA256: b.model.artifactSHA256, share: test.split, rollout: test.rollout)
            assignment.reasons = ["A/B test \(test.id) by request: serves \(test.a), and \(test.b) for each request whose id's bucket for \(test.rollout) is below \(format(test.split))"]
        }
    }

    /// The class's canary devices: those with the lowest buckets below `share`, at most
    /// ⌊share × class size⌋ of them; and that number of slots.
    public static func canaryMembers(_ devices: [String], rollout: String, share: Double) -> (members: Set<String>, slots: Int) {
        let unique = Array(Set(devices))
        let slots = Int((share * Double(unique.count)).rounded(.down))
        let candidates: [(device: String, bucket: Double)] = unique.compactMap { device in
            let bucket = RolloutBucket.of(device: device, rollout: rollout)
            return bucket < share ? (device, bucket) : nil
        }
        let ranked = candidates.sorted { first, second in
            first.bucket == second.bucket ? first.device < second.device : first.bucket < second.bucket
        }
        return (Set(ranked.prefix(slots).map { $0.device }), slots)
    }

    static func format(_ value: Double) -> String {
        String(format: "%.4f", value)
    }

    static func percent(_ share: Double) -> String {
        String(format: "%g %%", share * 100)
    }
}
