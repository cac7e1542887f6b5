/// The evidence a version needs follows from its version bump against the version serving
/// (or, if none serves, the last one that did): major = architecture or feature change, full
/// re-validation; minor = retrained on new data, shadow evidence required; patch = a fix or a
/// threshold change, fast track. A model's first version takes the major track.
public enum ReleaseTrack: String, Sendable, Codable, CaseIterable, Hashable {
    case major
    case minor
    case patch

    public static func of(_ candidate: SemanticVersion, against baseline: SemanticVersion?) -> ReleaseTrack {
        guard let baseline else { return .major }
        if candidate.major != baseline.major { return .major }
        if candidate.minor != baseline.minor { return .minor }
        return .patch
    }
}

/// What a track demands before production.
public struct TrackRequirements: Sendable, Codable, Hashable {
    public var approvals: [ApprovalStage]
    /// A `shadow-report` attachment, from the version's time in staging.
    public var shadowEvidence: Bool
    /// Validation may go straight to canary.
    public var maySkipStaging: Bool

    public init(approvals: [ApprovalStage], shadowEvidence: Bool, maySkipStaging: Bool) {
        self.approvals = approvals
        self.shadowEvidence = shadowEvidence
        self.maySkipStaging = maySkipStaging
    }

    public static func defaults(for track: ReleaseTrack) -> TrackRequirements {
        switch track {
        case .major:
            TrackRequirements(approvals: ApprovalStage.allCases, shadowEvidence: true, maySkipStaging: false)
        case .minor:
            TrackRequirements(approvals: ApprovalStage.allCases.filter { $0 != .regulatoryCheck }, shadowEvidence: true, maySkipStaging: false)
        case .patch:
            TrackRequirements(
                approvals: [.quantizationTest, .edgePerformance, .securityScan, .productionApproval], shadowEvidence: false,
                maySkipStaging: true)
        }
    }
}
