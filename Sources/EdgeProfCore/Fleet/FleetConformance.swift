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
    /// The last time anything was heard from it (a run, its agent's report, an inference).
    public var lastContactAt: Date
    /// Whether it answers, as the outage policy judges it; nil when not judged, or for a device
    /// that takes no part in serving (`OutagePolicy`).
    public var contact: Contact?
    public var detail: String

    /// How a serving device stands with the outage policy.
    public enum Contact: String, Sendable, Codable, Hashable {
        case answering
        /// Silent beyond `outage-after-minutes`: what it serves is its last known version, not
        /// confirmed (the outage playbook's "flagged stale").
        case silent
        /// Silent beyond `outage-forget-days`: taken as gone from the fleet.
        case gone
    }

    /// Silent beyond the policy's minutes: its serving is stale.
    public var stale: Bool { contact == .silent }
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
    /// Devices silent beyond the outage policy's minutes, whatever their verdict.
    public var stale: Int
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
        stale = entries.filter(\.stale).count
        shadowAssigned = entries.filter { $0.shadow != nil }.count
        shadowRunning = entries.filter { $0.shadowRunning == true }.count
    }
}

/// Compares what a device reports serving with its assignment. Pure.
public enum FleetConformance {
    /// When a device counts as silent: `now`, and the outage policy's minutes.
    public struct ContactCheck: Sendable, Hashable {
        public var now: Date
        public var policy: OutagePolicy

        public init(now: Date, policy: OutagePolicy) {
            self.now = now
            self.policy = policy
        }

        /// How `device` stands; nil for a device that takes no part in serving.
        public func contact(of device: FleetDevice) -> DeviceConformance.Contact? {
            guard device.stateReportedAt != nil || device.lastInferenceAt != nil else { return nil }
            let silence = now.timeIntervalSince(device.lastContactAt)
            return silence > policy.forget ? .gone : silence > policy.after ? .silent : .answering
        }
    }

    /// The verdict on `device`; with `contact`, a device silent beyond the policy's minutes is
    /// flagged stale and its detail says since when.
    public static func judge(_ device: FleetDevice, _ assignment: DeviceAssignment, contact: ContactCheck? = nil) -> DeviceConformance {
        var conformance = verdict(device, assignment)
        conformance.contact = contact?.contact(of: device)
        switch conformance.contact {
        case .silent?:
            conformance.detail += "; stale: silent since \(AuditChain.timestamp(device.lastContactAt)) (over \(contact?.policy.afterMinutes ?? 0) min), "
                + "its last known version \(device.serving.registered) unconfirmed"
        case .gone?:
            conformance.detail += "; gone: silent since \(AuditChain.timestamp(device.lastContactAt)) (over \(contact?.policy.forgetDays ?? 0) days)"
        case .answering?, nil:
            break
        }
        return conformance
    }

    private static func verdict(_ device: FleetDevice, _ assignment: DeviceAssignment) -> DeviceConformance {
        let reported = device.serving
        var conformance = DeviceConformance(
            device: device.device, deviceClass: device.deviceClass, verdict: .unassigned, assignedState: assignment.state, arm: assignment.arm,
            expected: assignment.serve, reported: reported.registered, lastSeenAt: device.lastSeenAt, lastContactAt: device.lastContactAt,
            contact: nil, detail: "")
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
