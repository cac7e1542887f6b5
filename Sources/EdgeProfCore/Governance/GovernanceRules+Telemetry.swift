extension GovernanceRules {
    /// Who may erase a data subject's telemetry: the compliance role.
    public static let telemetryErasers: [GovernanceRole] = [.complianceOfficer]

    /// Erases every stored inference record of `subject` (`extent`, as counted now), with a reason.
    public func eraseTelemetry(subject: String, extent: TelemetrySubjectExtent, reason: String) throws(GovernanceError) -> GovernanceChange {
        _ = try authorized(Self.telemetryErasers, to: "erase a subject's telemetry")
        guard !reason.trimmingWhitespace.isEmpty else { throw .invalid("erasing a subject's telemetry needs a reason: --reason TEXT (the request it answers)") }
        guard !subject.isEmpty, subject.count <= 128 else { throw .invalid("a subject is 1 to 128 characters, as the records name it") }
        guard extent.records > 0 else { throw .notFound("no stored inference record names this subject: nothing to erase") }
        return change([.eraseTelemetry(TelemetryErasure(
            subject: subject, records: extent.records, throughRecord: extent.lastRecord, actor: actor, at: now, reason: reason))])
    }
}
