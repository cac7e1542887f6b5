import Foundation

/// Decides each device's assignment from its model's deployment. Pure.
public enum FleetAssignment {
    /// The assignment of `device` (one of `classmates`, the devices of its class serving the same
    /// model) under `deployment`, with at most `canaryShare` of the class on the canary.
    /// `canary` is the class's draw when the caller made it once for many devices.
    public static func assign(
        _ device: FleetDevice, classmates: [FleetDevice], deployment: ModelDeployment, canaryShare: Double, now: Date, canary draw: CanaryDraw? = nil
    ) -> DeviceAssignment {
        var assignment = DeviceAssignment(
            device: device.device, model: deployment.name, state: .unassigned, arm: nil, serve: nil, serveArtifactSHA256: nil,
            shadow: nil, shadowArtifactSHA256: nil, canaryBucket: nil, abTest: nil, abBucket: nil, requestSplit: nil, haltedSince: nil, reasons: [])
        if let halt = deployment.halt {
            assignment.state = .halted
            assignment.haltedSince = halt.at
            assignment.reasons = ["\(deployment.name) is halted (by \(halt.actor): \(halt.reason)): the device serves nothing until it is resumed"]
            if let test = deployment.abTest { assignment.reasons.append("A/B test \(test.id) is paused while the model is halted") }
            return assignment
        }
        if let canary = deployment.canary, let rollout = deployment.canaryRollout {
            let bucket = RolloutBucket.of(device: device.device, rollout: rollout)
            assignment.canaryBucket = bucket
            let draw = draw ?? CanaryDraw(classmates.map(\.device) + [device.device], rollout: rollout, share: canaryShare)
            let (members, slots) = (draw.members, draw.slots)
            let share = "\(percent(canaryShare)) of class \(device.deviceClass) (\(slots) of \(draw.classSize) devices)"
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
        let draw = CanaryDraw(devices, rollout: rollout, share: share)
        return (draw.members, draw.slots)
    }
}

extension FleetAssignment {
    static func format(_ value: Double) -> String {
        String(format: "%.4f", value)
    }

    static func percent(_ share: Double) -> String {
        String(format: "%g %%", share * 100)
    }
}
