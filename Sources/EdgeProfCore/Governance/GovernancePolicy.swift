/// The rules a registry enforces, with defaults that hold until the registry adopts a policy
/// (docs/governance.md shows the text; `PolicyRecord` keeps it in the registry). Pure data.
public struct GovernancePolicy: Sendable, Hashable {
    /// Which role signs each approval stage.
    public var stageRoles: [ApprovalStage: GovernanceRole]
    /// Separation of duties: the registrant may not give the production approval.
    public var registrantMayApproveProduction: Bool
    /// Separation of duties: one actor may not sign stages of two different roles on one version.
    public var actorMaySignSeveralRoles: Bool
    public var tracks: [ReleaseTrack: TrackRequirements]
    public var quality: [QualityCriterion]
    public var maxDemographicParityDifference: Double
    public var maxEqualizedOddsDifference: Double
    public var maxExpectedCalibrationError: Double
    /// Device classes whose edge-performance gate must pass (none: every class with real-board
    /// runs of the version, at least one), and the thresholds file (relative to the policy
    /// file) whose text is embedded in the policy record when it is proposed.
    public var edgeDeviceClasses: [String]
    public var edgeThresholdsFile: String
    /// The embedded thresholds, parsed (`PolicyRecord.parsed()` sets them).
    public var edgeThresholds: GatePolicy?
    /// The roles that must each approve a change of the policy (by distinct actors, none of
    /// them its proposer).
    public var policyChangeApprovals: [GovernanceRole]
    /// Whether evidence from emulated boards counts toward production (default: no, it serves
    /// regression detection only).
    public var emulatedEvidenceCounts: Bool
    /// The production-eligibility checklist: `model-card`, `rollback-target` and attachment kinds.
    public var checklist: [String]
    /// How many earlier production versions stay deployable for rollback.
    public var deployableProductionVersions: Int
    /// How long an API token lives when its issuer does not say, and at most.
    public var tokenDefaultDays: Int
    public var tokenMaxDays: Int
    /// How long a second tech_lead has to confirm an emergency deployment request.
    public var emergencyConfirmationMinutes: Int
    /// The largest share of a device class that serves a canary version.
    public var canaryShare: Double
    /// Whether the system rolls a production version back by itself once it collects
    /// `rollbackCriticalAlerts` critical alerts within `rollbackWindowHours` of serving.
    public var automaticRollback: Bool
    public var rollbackCriticalAlerts: Int
    public var rollbackWindowHours: Int
    /// Whether the system moves a serving version between production, monitoring and degraded
    /// by itself (`GovernanceRules.dueStageMove`), and how many hours a new production version
    /// settles before it enters monitoring.
    public var automaticStageMoves: Bool
    public var settleHours: Int
    /// Hours a version may stay in a stage before a stage-duration alert is raised, by stage.
    public var maxStageHours: [LifecycleStage: Int]
    /// What the system does with an A/B test whose B wins (`fleet: ab-test-winner:`).
    public var abTestWinner = ABTestWinnerPolicy.propose
    /// The thresholds of the drift checks on production telemetry (`monitoring:`).
    public var drift = DriftPolicy()
    /// What the staging gate's shadow evidence asks (`gates: shadow-evidence:`).
    public var shadow = ShadowPolicy()
    /// When devices that stopped answering make a serving outage (`monitoring: outage-…`).
    public var outage = OutagePolicy()
    /// SHA-256 of the policy record the rules come from (`PolicyRecord.sha256`).
    public var sha256: String

    /// The governance documents' maximum stage durations: development 2 weeks, validation 3 days,
    /// staging 7 days, degraded 48 hours.
    public static let defaultMaxStageHours: [LifecycleStage: Int] = [.development: 336, .validation: 72, .staging: 168, .degraded: 48]

    public static let builtInChecklistItems = ["model-card", "rollback-target"]

    public init(
        stageRoles: [ApprovalStage: GovernanceRole] = Dictionary(uniqueKeysWithValues: ApprovalStage.allCases.map { ($0, $0.defaultRole) }),
        registrantMayApproveProduction: Bool = false, actorMaySignSeveralRoles: Bool = false,
        tracks: [ReleaseTrack: TrackRequirements] = Dictionary(uniqueKeysWithValues: ReleaseTrack.allCases.map { ($0, .defaults(for: $0)) }),
        quality: [QualityCriterion] = [QualityCriterion(metric: "accuracy", higherIsBetter: true, margin: 0, floor: nil)],
        maxDemographicParityDifference: Double = 0.05, maxEqualizedOddsDifference: Double = 0.05,
        maxExpectedCalibrationError: Double = 0.1, edgeDeviceClasses: [String] = [], edgeThresholdsFile: String = "edgeprof-gates.yaml", emulatedEvidenceCounts: Bool = false,
        checklist: [String] = ["model-card", "risk-assessment", "runbook", "rollback-plan", "rollback-target"],
        deployableProductionVersions: Int = 3, policyChangeApprovals: [GovernanceRole] = [.complianceOfficer, .techLead],
        emergencyConfirmationMinutes: Int = 60, tokenDefaultDays: Int = 90, tokenMaxDays: Int = 365, canaryShare: Double = 0.05,
        automaticRollback: Bool = true, rollbackCriticalAlerts: Int = 2, rollbackWindowHours: Int = 24,
        automaticStageMoves: Bool = true, settleHours: Int = 24, maxStageHours: [LifecycleStage: Int] = GovernancePolicy.defaultMaxStageHours,
        sha256: String = PolicyRecord.builtIn.sha256
    ) {
        self.stageRoles = stageRoles
        self.registrantMayApproveProduction = registrantMayApproveProduction
        self.actorMaySignSeveralRoles = actorMaySignSeveralRoles
        self.tracks = tracks
        self.quality = quality
        self.maxDemographicParityDifference = maxDemographicParityDifference
        self.maxEqualizedOddsDifference = maxEqualizedOddsDifference
        self.maxExpectedCalibrationError = maxExpectedCalibrationError
        self.edgeDeviceClasses = edgeDeviceClasses
        self.edgeThresholdsFile = edgeThresholdsFile
        self.emulatedEvidenceCounts = emulatedEvidenceCounts
        self.checklist = checklist
        self.deployableProductionVersions = deployableProductionVersions
        self.policyChangeApprovals = policyChangeApprovals
        self.emergencyConfirmationMinutes = emergencyConfirmationMinutes
        self.tokenDefaultDays = tokenDefaultDays
        self.tokenMaxDays = tokenMaxDays
        self.canaryShare = canaryShare
        self.automaticRollback = automaticRollback
        self.rollbackCriticalAlerts = rollbackCriticalAlerts
        self.rollbackWindowHours = rollbackWindowHours
        self.automaticStageMoves = automaticStageMoves
        self.settleHours = settleHours
        self.maxStageHours = maxStageHours
        self.sha256 = sha256
    }

    public func role(for stage: ApprovalStage) -> GovernanceRole {
        stageRoles[stage] ?? stage.defaultRole
    }

    public func requirements(for track: ReleaseTrack) -> TrackRequirements {
        tracks[track] ?? .defaults(for: track)
    }
}

/// One offline figure the quality gate compares with production: the candidate must beat
/// production by `margin` (negative = tolerated regression) and stay on the right side of `floor`.
public struct QualityCriterion: Sendable, Codable, Hashable {
    public var metric: String
    public var higherIsBetter: Bool
    public var margin: Double
    public var floor: Double?

    public init(metric: String, higherIsBetter: Bool, margin: Double, floor: Double?) {
        self.metric = metric
        self.higherIsBetter = higherIsBetter
        self.margin = margin
        self.floor = floor
    }
}
