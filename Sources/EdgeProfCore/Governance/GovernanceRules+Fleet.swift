/// The fleet's own acts: people who run devices label them (the labels later target rollouts),
/// each change audited with the labels before and after.
extension GovernanceRules {
    /// Who may label devices: those who deploy and those who answer for deployments.
    public static let fleetOperators: [GovernanceRole] = [.mlEngineer, .techLead]

    /// Sets and removes labels of `device`; a change that changes nothing is refused.
    public func labelDevice(_ device: FleetDevice, set: [String: String], remove: [String], reason: String) throws(GovernanceError) -> GovernanceChange {
        _ = try authorized(Self.fleetOperators, to: "label devices")
        guard !reason.trimmingWhitespace.isEmpty else { throw .invalid("labelling a device needs a reason: --reason TEXT") }
        let after = try FleetLabels.applying(set: set, remove: remove, to: device.labels)
        guard after != device.labels else { throw .invalid("\(device.device) already carries exactly these labels: nothing to change") }
        return change([.labelDevice(device: device.device, before: device.labels, after: after, reason: reason)])
    }
}
