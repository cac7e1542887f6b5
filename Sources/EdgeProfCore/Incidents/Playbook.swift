/// The incident response playbooks of the governance documents (003 §7), as step lists with the
/// role responsible for each. Roles map the documents' titles onto the registry's roles: the ML
/// Lead is `tech_lead`, the Ethics Officer `ethics_committee`, ML and data engineers
/// `ml_engineer`, the domain expert `data_scientist`.
public enum Playbook: String, Sendable, Codable, Hashable, CaseIterable {
    case performanceDegradation = "performance-degradation"
    case fairnessAlert = "fairness-alert"
    case outage
    /// Accuracy below the floor for consecutive periods: the collector proposes retirement (004 §6.2).
    case retirement

    /// One step: what to do, who does it, and how long they have from the incident's opening.
    public struct Step: Sendable, Codable, Hashable {
        public var action: String
        /// nil: the collector does it.
        public var roles: [GovernanceRole]?
        public var withinHours: Double?
    }

    public var title: String {
        switch self {
        case .performanceDegradation: "Model performance degradation"
        case .fairnessAlert: "Fairness alert"
        case .outage: "System outage (no predictions available)"
        case .retirement: "Retirement proposed (accuracy below the floor for consecutive periods)"
        }
    }

    public var steps: [Step] {
        switch self {
        case .performanceDegradation:
            [
                Step(action: "Alert triggered (metric drop beyond its threshold)", roles: nil),
                Step(action: "Verify the alert is not a data quality issue", roles: [.mlEngineer], withinHours: 1),
                Step(action: "Check for data drift (PSI analysis: edgeprof drift history)", roles: [.mlEngineer], withinHours: 2),
                Step(action: "If data drift: evaluate retraining on recent data", roles: [.techLead], withinHours: 4),
                Step(action: "If concept drift: investigate the root cause", roles: [.techLead, .dataScientist], withinHours: 8),
                Step(action: "If critical: roll back to the previous version (edgeprof model rollback)", roles: [.techLead], withinHours: 0),
                Step(action: "Document the incident in the model registry (edgeprof incidents resolve)", roles: [.mlEngineer]),
                Step(action: "Post-incident review within 48 hours (edgeprof incidents review)", roles: [.techLead, .mlEngineer, .dataScientist], withinHours: 48),
            ]
        case .fairnessAlert:
            [
                Step(action: "Fairness metric exceeds its threshold", roles: nil),
                Step(action: "Notify the Ethics Officer at once (paged with the incident)", roles: nil),
                Step(action: "Assess the impact: how many predictions are affected?", roles: [.mlEngineer], withinHours: 1),
                Step(action: "Consider a rollback or an emergency halt", roles: [.techLead, .ethicsCommittee], withinHours: 2),
                Step(action: "Root-cause analysis: data, model or threshold?", roles: [.mlEngineer, .dataScientist], withinHours: 24),
                Step(action: "Remediation plan approved by the Ethics Committee (it resolves the incident)", roles: [.ethicsCommittee], withinHours: 48),
                Step(action: "Full documentation in the audit log", roles: [.mlEngineer]),
            ]
        case .outage:
            [
                Step(action: "Health check fails for the prediction service", roles: nil),
                Step(action: "Devices serve their last good version, flagged stale", roles: nil),
                Step(action: "Page the on-call ML engineer", roles: nil),
                Step(action: "Diagnose: infrastructure, model or data?", roles: [.mlEngineer], withinHours: 0.5),
                Step(action: "Restore the service or escalate to the ML lead", roles: [.mlEngineer, .techLead]),
                Step(action: "Post-incident review", roles: [.techLead, .mlEngineer, .dataScientist], withinHours: 48),
            ]
        case .retirement:
            [
                Step(action: "Weekly accuracy below the floor for the policy's consecutive periods: retirement proposed", roles: nil),
                Step(action: "Notify the ML lead at once (paged with the incident)", roles: nil),
                Step(action: "Impact assessment: the devices and users the version serves (edgeprof fleet status)", roles: [.mlEngineer], withinHours: 1),
                Step(action: "Migration plan: a replacement version or a fallback", roles: [.techLead, .dataScientist], withinHours: 4),
                Step(action: "Tell the affected parties the timeline", roles: [.complianceOfficer]),
                Step(action: "Gradual move to the replacement through a canary with monitoring, then retire (edgeprof model retire)", roles: [.techLead]),
                Step(action: "Post-retirement monitoring: no residual impact", roles: [.mlEngineer]),
                Step(action: "Archive the documentation and lessons learned (edgeprof incidents review)", roles: [.techLead, .mlEngineer], withinHours: 48),
            ]
        }
    }

    /// Roles paged the moment an incident of this playbook opens.
    public var pagedAtOnce: [GovernanceRole] {
        switch self {
        case .performanceDegradation: []
        case .fairnessAlert: [.ethicsCommittee]
        case .outage: [.mlEngineer]
        case .retirement: [.techLead]
        }
    }

    /// The roles that take part: they may acknowledge and be assigned.
    public var roles: Set<GovernanceRole> { Set(steps.flatMap { $0.roles ?? [] }).union(pagedAtOnce).union([.techLead]) }

    /// The roles that may resolve: the Ethics Committee approves a fairness remediation; otherwise
    /// the assignee or the ML lead.
    public var resolvers: [GovernanceRole] {
        self == .fairnessAlert ? [.ethicsCommittee] : [.techLead]
    }

    /// The playbook an alert of `rule` opens an incident of; nil for rules that are not incidents
    /// (a stage that lasts too long is a process matter, a bench place a lab matter, not an incident).
    public static func opened(by rule: MonitorRule) -> Playbook? {
        switch rule {
        case .fairnessDrift: .fairnessAlert
        case .retirementProposal: .retirement
        case .servingOutage: .outage
        case .stageDuration, .promotionProposal, .placeSilent, .placeUnhealthy: nil
        case .latencyDriftKS, .latencyDriftPSI, .energyDriftKS, .energyDriftPSI, .latencyBand, .energyBand, .p95Above, .latencyRatio, .energyIncrease,
             .errorRate, .dataDrift, .conceptDrift, .labelDrift, .predictionDrift, .calibrationDrift, .accuracyFloor, .onlineAccuracy, .onlineLatency:
            .performanceDegradation
        }
    }
}
