import Foundation

/// Whether a device runs what it was assigned, as far as its reports can tell.
public struct DeviceConformance: Sendable, Codable, Hashable {
    public enum Verdict: String, Sendable, Codable, Hashable {
        /// It reports the artifact it was assigned.
        case onAssignment = "on-assignment"
        /// It reports another artifact than the one it was assigned: flagged.
        case offAssignment = "off-assignment"
        /// Nothing is assigned to it; it keeps what it runs.
        case unassigned
        /// Its reports cannot say yet (no report since a halt, or firmware that cannot halt).
        case unknown
    }

    public var device: String
    public var deviceClass: String
    public var verdict: Verdict
    public var assignedState: DeviceAssignment.State
    public var arm: DeviceAssignment.Arm?
    public var expected: ModelReference?
    public var reported: ModelReference
    public var lastSeenAt: Date
    public var detail: String
    /// The shadow it was assigned, and whether it reports running it (nil when none is assigned).
    /// A shadow is never served, so it does not decide the verdict.
    public var shadow: ModelReference?
    public var shadowRunning: Bool?
}

/// The fleet against its assignments: counts and each device's verdict.
public struct FleetStatus: Sendable, Codable, Hashable {
    public var devices: Int
    public var onAssignment: Int
    public var offAssignment: Int
    public var unassigned: Int
    public var unknown: Int
    /// Devices assigned a shadow, and those that report running it.
    public var shadowAssigned: Int
    public var shadowRunning: Int
    public var entries: [DeviceConformance]

    public init(_ entries: [DeviceConformance]) {
        self.entries = entries
        devices = entries.count
        onAssignment = entries.filter { $0.verdict == .onAssignment }.count
        offAssignment = entries.filter { $0.verdict == .offAssignment }.count
        unassigned = entries.filter { $0.verdict == .unassigned }.count
        unknown = entries.filter { $0.verdict == .unknown }.count
        shadowAssigned = entries.filter { $0.shadow != nil }.count
        shadowRunning = entries.filter { $0.shadowRunning == true }.count
    }
}

/// Compares what a device reports serving with its assignment. Pure.
public enum FleetConformance {
    public static func judge(_ device: FleetDevice, _ assignment: DeviceAssignment) -> DeviceConformance {
        let reported = device.serving
        var conformance = DeviceConformance(
            device: device.device, deviceClass: device.deviceClass, verdict: .unassigned, assignedState: assignment.state, arm: assignment.arm,
            expected: assignment.serve, reported: reported.registered, lastSeenAt: device.lastSeenAt, detail: "")
        switch assignment.state {
        case .unassigned:
            conformance.detail = "nothing assigned; it runs \(reported.registered)"
        case .halted:
            let since = assignment.haltedSince ?? .distantPast
            switch (device.servingState, device.stateReportedAt) {
            case (.halted?, let at?) where at >= since:
                conformance.verdict = .onAssignment
                conformance.detail = "halted as assigned (reported at \(AuditChain.timestamp(at)))"
            case (.serving?, let at?) where at >= since:
                conformance.verdict = .offAssignment
                conformance.detail = "still serving at \(AuditChain.timestamp(at)), after the halt at \(AuditChain.timestamp(since))"
            case (nil, _):
                conformance.verdict = .unknown
                conformance.detail = "halted, but its firmware reports no serving state (Link v1 capability serve): its last run was \(reported.registered)"
            default:
                conformance.verdict = .unknown
                conformance.detail = "halted at \(AuditChain.timestamp(since)); the device has not reported since"
            }
        case .serving:
            guard let expected = assignment.serve, let sha = assignment.serveArtifactSHA256 else {
                conformance.verdict = .unknown
                conformance.detail = "assigned to serve, with no version named"
                return conformance
            }
            if device.servingState == .halted {
                conformance.verdict = .offAssignment
                conformance.detail = "halted, but assigned to serve \(expected)"
            } else if reported.artifactSHA256 == sha {
                conformance.verdict = .onAssignment
                conformance.detail = "serves \(expected) as assigned (\(assignment.arm?.rawValue ?? "?"))"
                if let shadow = assignment.shadow, let shadowSHA = assignment.shadowArtifactSHA256 {
                    conformance.shadow = shadow
                    conformance.shadowRunning = reported.shadowArtifactSHA256 == shadowSHA
                    conformance.detail += reported.shadowArtifactSHA256 == shadowSHA
                        ? "; runs \(shadow) in shadow"
                        : "; does not run its shadow \(shadow) (reports \(reported.shadowArtifactSHA256.map { "artifact \($0.prefix(12))…" } ?? "none"))"
                }
            } else {
                conformance.verdict = .offAssignment
                conformance.detail = "serves \(reported.registered) (artifact \(reported.artifactSHA256.prefix(12))…), assigned \(expected) (artifact \(sha.prefix(12))…)"
            }
        }
        return conformance
    }
}
