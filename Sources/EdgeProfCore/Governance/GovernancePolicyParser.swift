import Foundation

extension GovernancePolicy {
    /// Parses a governance policy file; every field is optional and errors name the file, the
    /// line and the field. `sha256` identifies the text in release records.
    public init(yaml: String, file: String) throws(ConfigError) {
        self.init(sha256: CanonicalJSON.sha256(Data(yaml.utf8)))
        let top = try YAMLFile(yaml: yaml, file: file).root.fields(
            known: ["approvals", "tracks", "gates", "deployable-production-versions", "policy-changes", "emergency", "tokens", "fleet", "lifecycle", "monitoring"], what: "a governance policy mapping")
        if let approvals = top.node("approvals") {
            try readApprovals(approvals.withContext("approvals: "))
        }
        if let tracks = top.node("tracks") {
            for (name, line, node) in try tracks.entries(expecting: "'tracks' to map major, minor, patch to requirements") {
                guard let track = ReleaseTrack(rawValue: name) else {
                    throw tracks.error("unknown track '\(name)'; tracks are major, minor, patch", line: line)
                }
                self.tracks[track] = try Self.track(node.withContext("tracks: \(name): "), defaults: requirements(for: track))
            }
        }
        if let gates = top.node("gates") {
            try readGates(gates.withContext("gates: "))
        }
        deployableProductionVersions = try top.integer("deployable-production-versions", atLeast: 1) ?? deployableProductionVersions
        if let emergency = top.node("emergency") {
            let fields = try emergency.withContext("emergency: ").fields(known: ["confirm-within-minutes"], what: "a mapping")
            if let minutes = try fields.integer("confirm-within-minutes", atLeast: 1) {
                guard minutes <= 7 * 24 * 60 else {
                    throw emergency.error("emergency: confirm-within-minutes is \(minutes); at most 10080 (a week): an emergency that waits longer is not one")
                }
                emergencyConfirmationMinutes = minutes
            }
        }
        if let tokens = top.node("tokens") {
            let fields = try tokens.withContext("tokens: ").fields(known: ["default-expiry-days", "max-expiry-days"], what: "a mapping")
            tokenMaxDays = try fields.integer("max-expiry-days", atLeast: 1) ?? tokenMaxDays
            tokenDefaultDays = try fields.integer("default-expiry-days", atLeast: 1) ?? min(tokenDefaultDays, tokenMaxDays)
            guard tokenMaxDays <= 3650, tokenDefaultDays <= tokenMaxDays else {
                throw tokens.error("tokens: default-expiry-days (\(tokenDefaultDays)) must not exceed max-expiry-days (\(tokenMaxDays)), itself at most 3650")
            }
        }
        if let fleet = top.node("fleet") {
            let fields = try fleet.withContext("fleet: ").fields(
                known: ["canary-share", "automatic-rollback", "rollback-critical-alerts", "rollback-window-hours", "ab-test-winner"], what: "a mapping")
            if let share = try fields.number("canary-share", atLeast: 0) {
                guard share > 0, share <= 0.5 else {
                    throw fleet.error("fleet: canary-share is \(share); it must be above 0 and at most 0.5 (a canary is a small share of a class)")
                }
                canaryShare = share
            }
            automaticRollback = try fields.boolean("automatic-rollback") ?? automaticRollback
            if let alerts = try fields.integer("rollback-critical-alerts", atLeast: 1) {
                guard alerts <= 100 else { throw fleet.error("fleet: rollback-critical-alerts is \(alerts); at most 100") }
                rollbackCriticalAlerts = alerts
            }
            if let hours = try fields.integer("rollback-window-hours", atLeast: 1) {
                guard hours <= 720 else { throw fleet.error("fleet: rollback-window-hours is \(hours); at most 720 (30 days)") }
                rollbackWindowHours = hours
            }
            if let winner = try fields.choice("ab-test-winner", of: ABTestWinnerPolicy.allCases.map(\.rawValue)) {
                abTestWinner = ABTestWinnerPolicy(rawValue: winner) ?? abTestWinner
            }
        }
        if let lifecycle = top.node("lifecycle") {
            try readLifecycle(lifecycle.withContext("lifecycle: "))
        }
        if let monitoring = top.node("monitoring") {
            try readMonitoring(monitoring.withContext("monitoring: "))
        }
        if let changes = top.node("policy-changes") {
            let fields = try changes.withContext("policy-changes: ").fields(known: ["approvals"], what: "a mapping")
            if let names = try fields.strings("approvals") {
                var roles: [GovernanceRole] = []
                for name in names {
                    guard let role = GovernanceRole(rawValue: name) else {
                        throw changes.error("policy-changes: approvals: unknown role '\(name)'; roles are \(GovernanceRole.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    if !roles.contains(role) { roles.append(role) }
                }
                guard !roles.isEmpty else { throw changes.error("policy-changes: approvals needs at least one role: a policy nobody approves could be changed by anyone") }
                policyChangeApprovals = roles
            }
        }
    }

    private mutating func readApprovals(_ node: YAMLNode) throws(ConfigError) {
        let fields = try node.fields(known: ["roles", "separation-of-duties"], what: "a mapping")
        if let roles = fields.node("roles") {
            for (name, line, value) in try roles.entries(expecting: "'roles' to map approval stages to roles") {
                guard let stage = ApprovalStage(rawValue: name) else {
                    throw roles.error("unknown approval stage '\(name)'; stages are \(ApprovalStage.allCases.map(\.rawValue).joined(separator: ", "))", line: line)
                }
                guard let text = value.scalar, let role = GovernanceRole(rawValue: text) else {
                    throw value.error("stage '\(name)' needs one of the roles \(GovernanceRole.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                stageRoles[stage] = role
            }
        }
        if let duties = fields.node("separation-of-duties") {
            let sod = try duties.fields(known: ["registrant-may-approve-production", "actor-may-sign-several-roles"], what: "a mapping")
            registrantMayApproveProduction = try sod.boolean("registrant-may-approve-production") ?? registrantMayApproveProduction
            actorMaySignSeveralRoles = try sod.boolean("actor-may-sign-several-roles") ?? actorMaySignSeveralRoles
        }
    }

    private static func track(_ node: YAMLNode, defaults: TrackRequirements) throws(ConfigError) -> TrackRequirements {
        let fields = try node.fields(known: ["approvals", "shadow-evidence", "may-skip-staging"], what: "a mapping")
        var requirements = defaults
        if let names = try fields.strings("approvals") {
            var stages: [ApprovalStage] = []
            for name in names {
                guard let stage = ApprovalStage(rawValue: name) else {
                    throw fields.error(at: "approvals", "unknown approval stage '\(name)'; stages are \(ApprovalStage.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                stages.append(stage)
            }
            requirements.approvals = stages
        }
        requirements.shadowEvidence = try fields.boolean("shadow-evidence") ?? requirements.shadowEvidence
        requirements.maySkipStaging = try fields.boolean("may-skip-staging") ?? requirements.maySkipStaging
        return requirements
    }

    /// Stages a maximum duration may be set for: those a version waits in, not the final ones.
    public static let timedStages: [LifecycleStage] = [.development, .validation, .staging, .canary, .monitoring, .degraded, .retraining]

    private mutating func readLifecycle(_ node: YAMLNode) throws(ConfigError) {
        let fields = try node.fields(known: ["automatic-moves", "settle-hours", "max-hours"], what: "a mapping")
        automaticStageMoves = try fields.boolean("automatic-moves") ?? automaticStageMoves
        if let hours = try fields.integer("settle-hours", atLeast: 0) {
            guard hours <= 720 else { throw node.error("lifecycle: settle-hours is \(hours); at most 720 (30 days)") }
            settleHours = hours
        }
        if let limits = fields.node("max-hours") {
            let stages = try limits.withContext("lifecycle: max-hours: ").fields(known: Self.timedStages.map(\.rawValue), what: "a mapping of stages to hours")
            for stage in Self.timedStages {
                guard let hours = try stages.integer(stage.rawValue, atLeast: 1) else { continue }
                guard hours <= 8760 else { throw limits.error("lifecycle: max-hours: \(stage.rawValue) is \(hours); at most 8760 (a year)") }
                maxStageHours[stage] = hours
            }
        }
    }

    private mutating func readGates(_ node: YAMLNode) throws(ConfigError) {
        let fields = try node.fields(known: ["quality", "fairness", "calibration", "edge-performance", "shadow-evidence", "checklist"], what: "a mapping")
        if let quality = fields.node("quality") {
            self.quality = []
            for (metric, _, value) in try quality.entries(expecting: "'quality' to map metric names to rules") {
                let rule = try value.withContext("gates: quality: \(metric): ").fields(known: ["better", "margin", "floor"], what: "a mapping")
                let better = try rule.choice("better", of: ["higher", "lower"]) ?? "higher"
                self.quality.append(
                    QualityCriterion(
                        metric: metric, higherIsBetter: better == "higher",
                        margin: try rule.number("margin", atLeast: -.greatestFiniteMagnitude) ?? 0,
                        floor: try rule.number("floor", atLeast: -.greatestFiniteMagnitude)))
            }
        }
        if let fairness = fields.node("fairness") {
            let rule = try fairness.fields(known: ["max-demographic-parity-difference", "max-equalized-odds-difference"], what: "a mapping")
            maxDemographicParityDifference = try rule.number("max-demographic-parity-difference", atLeast: 0) ?? maxDemographicParityDifference
            maxEqualizedOddsDifference = try rule.number("max-equalized-odds-difference", atLeast: 0) ?? maxEqualizedOddsDifference
        }
        if let calibration = fields.node("calibration") {
            let rule = try calibration.fields(known: ["max-ece"], what: "a mapping")
            maxExpectedCalibrationError = try rule.number("max-ece", atLeast: 0) ?? maxExpectedCalibrationError
        }
        if let edge = fields.node("edge-performance") {
            let rule = try edge.fields(known: ["thresholds", "device-classes", "emulated-evidence"], what: "a mapping")
            edgeThresholdsFile = try rule.string("thresholds") ?? edgeThresholdsFile
            edgeDeviceClasses = try rule.strings("device-classes") ?? edgeDeviceClasses
            if let emulated = try rule.choice("emulated-evidence", of: ["regression-only", "count"]) {
                emulatedEvidenceCounts = emulated == "count"
            }
        }
        if let shadow = fields.node("shadow-evidence") {
            try readShadowEvidence(shadow.withContext("gates: shadow-evidence: "))
        }
        checklist = try fields.strings("checklist") ?? checklist
    }
}
