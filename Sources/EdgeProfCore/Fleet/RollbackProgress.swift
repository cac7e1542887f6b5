import Foundation

/// How far the fleet has followed a model's latest rollback (pure). A rollback counts as done —
/// *verified* — only when every device assigned the restored version has reported, after the
/// decision, that it serves the restored version's artifact; until then it is *partial*, with
/// the stragglers named.
public struct RollbackProgress: Sendable, Codable, Hashable {
    public enum State: String, Sendable, Codable, Hashable {
        case verified, partial
    }

    /// A device that has not yet confirmed the restored version.
    public struct Straggler: Sendable, Codable, Hashable {
        public var device: String
        /// The artifact it last reported, and when.
        public var reportedArtifactSHA256: String
        public var lastReportAt: Date?
        public var servingState: ServingState?
    }

    public var model: String
    public var from: ModelReference
    public var to: ModelReference
    public var artifactSHA256: String
    public var decidedAt: Date
    public var decidedBy: String
    /// Decided by the system on critical alerts, not by a person.
    public var automatic: Bool
    public var reason: String
    public var state: State
    /// Devices assigned the restored version, and how many confirmed it.
    public var devices: Int
    public var verified: Int
    public var stragglers: [Straggler]
    /// When the last device confirmed it, and how long after the decision (verified only).
    public var verifiedAt: Date?
    public var secondsToVerified: Double?

    /// The progress of the latest rollback in `snapshot`, over the model's devices and their
    /// assignments; nil when the model was never rolled back.
    public static func measure(_ snapshot: RegistrySnapshot, devices: [(FleetDevice, DeviceAssignment)]) -> RollbackProgress? {
        guard let index = snapshot.transitions.lastIndex(where: { $0.to == .rollback }) else { return nil }
        let away = snapshot.transitions[index]
        guard let back = snapshot.transitions[index...].first(where: { $0.to == .production && $0.reference != away.reference }),
              let restored = snapshot.version(back.reference) else { return nil }
        let sha = restored.model.artifactSHA256
        var confirmed: [Date] = []
        var stragglers: [Straggler] = []
        for (device, assignment) in devices where assignment.serve == restored.reference {
            let reportedAt = device.stateReportedAt ?? device.serving.reportedAt
            if device.serving.artifactSHA256 == sha, reportedAt >= away.at, device.servingState != .halted {
                confirmed.append(max(device.serving.since ?? device.serving.reportedAt, away.at))
            } else {
                stragglers.append(Straggler(
                    device: device.device, reportedArtifactSHA256: device.serving.artifactSHA256, lastReportAt: reportedAt, servingState: device.servingState))
            }
        }
        let done = stragglers.isEmpty
        let verifiedAt = done ? (confirmed.max() ?? away.at) : nil
        return RollbackProgress(
            model: snapshot.name, from: away.reference, to: restored.reference, artifactSHA256: sha, decidedAt: away.at, decidedBy: away.actor,
            automatic: away.actor == GovernanceRules.automaticRollbackActor, reason: away.reason, state: done ? .verified : .partial,
            devices: confirmed.count + stragglers.count, verified: confirmed.count, stragglers: stragglers.sorted { $0.device < $1.device },
            verifiedAt: verifiedAt, secondsToVerified: verifiedAt.map { $0.timeIntervalSince(away.at) })
    }
}
