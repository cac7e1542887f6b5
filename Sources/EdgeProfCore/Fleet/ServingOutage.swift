import Foundation

/// Serving outages (issue 15 §7, the outage playbook): per version and device class, the share
/// of its serving devices that stopped answering (`OutagePolicy`). Pure: it reads the fleet's
/// conformance, judged with the contact check.
public enum ServingOutage {
    /// Outage alerts are keyed by the version and the class; the device field says where they come from.
    public static let alertDevice = "fleet"

    /// One version on one device class, and what the rule found.
    public struct Group: Sendable, Hashable {
        public var key: MonitorKey
        public var finding: MonitorFinding
        /// The devices silent beyond the policy's minutes, by identity.
        public var silent: [String]
        public var devices: Int
    }

    /// A finding for every version and class that `entries` (one model's devices, judged with
    /// `policy`'s contact check) serve. Devices that take no part in serving, are gone, or are
    /// assigned to be halted are left out.
    public static func groups(_ entries: [DeviceConformance], policy: OutagePolicy, now: Date) -> [Group] {
        let expected = entries.filter { $0.assignedState != .halted && ($0.contact == .answering || $0.contact == .silent) }
        let byGroup = Dictionary(grouping: expected) { MonitorKey(model: $0.reported.description, deviceClass: $0.deviceClass, device: alertDevice) }
        return byGroup.map { key, members in
            let silent = members.filter { $0.contact == .silent }.sorted { $0.device < $1.device }
            let share = Double(silent.count) / Double(members.count)
            let firing = !silent.isEmpty && share >= policy.share
            let summary: String
            if firing {
                let oldest = silent.map(\.lastContactAt).min() ?? now
                summary = "serving outage of \(key.model) on \(key.deviceClass): \(silent.count) of \(members.count) devices silent for more than "
                    + "\(policy.afterMinutes) min (the first since \(AuditChain.timestamp(oldest))); they keep their last good version, flagged stale: "
                    + listed(silent.map(\.device))
            } else if silent.isEmpty {
                summary = "\(key.model) on \(key.deviceClass): all \(members.count) devices answered within \(policy.afterMinutes) min"
            } else {
                summary = "\(key.model) on \(key.deviceClass): \(silent.count) of \(members.count) devices silent, below the outage share "
                    + "\(Int((policy.share * 100).rounded())) %: \(listed(silent.map(\.device)))"
            }
            let finding = MonitorFinding(
                rule: .servingOutage, severity: MonitorRule.servingOutage.defaultSeverity, state: firing ? .firing : .clear, summary: summary,
                value: share, threshold: policy.share)
            return Group(key: key, finding: finding, silent: silent.map(\.device), devices: members.count)
        }.sorted { ($0.key.model, $0.key.deviceClass) < ($1.key.model, $1.key.deviceClass) }
    }

    /// The clearing finding for an open outage whose version no device of the class serves any more.
    public static func vanished(_ key: MonitorKey) -> MonitorFinding {
        MonitorFinding(
            rule: .servingOutage, severity: MonitorRule.servingOutage.defaultSeverity, state: .clear,
            summary: "no device of \(key.deviceClass) is expected to serve \(key.model) any more")
    }

    private static func listed(_ devices: [String]) -> String {
        devices.count <= 5 ? devices.joined(separator: ", ") : devices.prefix(5).joined(separator: ", ") + " and \(devices.count - 5) more"
    }
}
