/// The roles of people who act on the registry.
public enum GovernanceRole: String, Sendable, Codable, CaseIterable, Hashable {
    case dataScientist = "data_scientist"
    case mlEngineer = "ml_engineer"
    case securityTeam = "security_team"
    case ethicsCommittee = "ethics_committee"
    case complianceOfficer = "compliance_officer"
    case techLead = "tech_lead"

    /// Parses a role name, with the valid names in the error.
    public init(parsing text: String) throws(GovernanceError) {
        guard let role = GovernanceRole(rawValue: text) else {
            throw .invalid("unknown role '\(text)'; roles are \(GovernanceRole.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = role
    }
}

/// The sign-offs a version collects before production, each given by one role.
public enum ApprovalStage: String, Sendable, Codable, CaseIterable, Hashable {
    case dataValidation = "data_validation"
    case trainingValidation = "training_validation"
    case quantizationTest = "quantization_test"
    case edgePerformance = "edge_performance"
    case securityScan = "security_scan"
    case ethicalReview = "ethical_review"
    case regulatoryCheck = "regulatory_check"
    case productionApproval = "production_approval"

    /// The role that signs this stage unless the policy maps it to another.
    public var defaultRole: GovernanceRole {
        switch self {
        case .dataValidation, .trainingValidation: .dataScientist
        case .quantizationTest, .edgePerformance: .mlEngineer
        case .securityScan: .securityTeam
        case .ethicalReview: .ethicsCommittee
        case .regulatoryCheck: .complianceOfficer
        case .productionApproval: .techLead
        }
    }

    /// The lifecycle stage a version cannot enter without this sign-off (when its track requires it).
    public var requiredBefore: LifecycleStage {
        switch self {
        case .dataValidation, .trainingValidation: .staging
        case .quantizationTest, .edgePerformance, .securityScan: .canary
        case .ethicalReview, .regulatoryCheck, .productionApproval: .production
        }
    }

    public init(parsing text: String) throws(GovernanceError) {
        guard let stage = ApprovalStage(rawValue: text) else {
            throw .invalid("unknown approval stage '\(text)'; stages are \(ApprovalStage.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = stage
    }
}
