/// Evaluates the governance gates of one version. Pure: the registry snapshot, the policy and
/// the I/O-derived evidence in, results out. Missing evidence is INCONCLUSIVE, never PASS.
public struct GovernanceGates: Sendable {
    public let snapshot: RegistrySnapshot
    public let policy: GovernancePolicy
    public let evidence: GateEvidence

    /// Attachment kinds the gates read.
    public static let predictionsKind = "predictions"
    public static let shadowReportKind = "shadow-report"

    public init(snapshot: RegistrySnapshot, policy: GovernancePolicy, evidence: GateEvidence) {
        self.snapshot = snapshot
        self.policy = policy
        self.evidence = evidence
    }

    public func evaluate(_ gate: GovernanceGate, for version: ModelVersionRecord) -> GovernanceGateResult {
        switch gate {
        case .quality: quality(version)
        case .calibration: calibration(version)
        case .edgePerformance: edgePerformance(version)
        case .shadowEvidence: shadowEvidence(version)
        case .fairness: fairness(version)
        case .checklist: checklist(version)
        }
    }

    /// The version the quality gate compares with: the one serving, else none.
    public var baseline: ModelVersionRecord? { snapshot.serving }

    func quality(_ version: ModelVersionRecord) -> GovernanceGateResult {
        guard !policy.quality.isEmpty else {
            return GovernanceGateResult(gate: .quality, outcome: .inconclusive, summary: "the policy names no quality metric (gates: quality)")
        }
        let baseline = baseline.flatMap { $0.reference == version.reference ? nil : $0 }
        var findings: [String] = []
        var outcomes: [GateOutcome] = []
        var figures: [String: Double] = [:]
        for criterion in policy.quality {
            guard let value = version.metadata.metrics[criterion.metric], value.isFinite else {
                findings.append("\(criterion.metric): missing from \(version.reference)'s metrics")
                outcomes.append(.inconclusive)
                continue
            }
            figures[criterion.metric] = value
            var met = true
            var parts: [String] = []
            if let floor = criterion.floor {
                let ok = criterion.higherIsBetter ? value >= floor : value <= floor
                met = met && ok
                parts.append("\(criterion.higherIsBetter ? "floor" : "ceiling") \(ReportText.plain(floor)) \(ok ? "met" : "not met")")
            }
            if let baseline, let reference = baseline.metadata.metrics[criterion.metric] {
                let required = criterion.higherIsBetter ? reference + criterion.margin : reference - criterion.margin
                let ok = criterion.higherIsBetter ? value >= required : value <= required
                met = met && ok
                parts.append("\(baseline.reference) has \(ReportText.plain(reference)), needs \(criterion.higherIsBetter ? "≥" : "≤") \(ReportText.plain(required)) (margin \(ReportText.plain(criterion.margin)))")
            } else if let baseline {
                parts.append("\(baseline.reference) has no \(criterion.metric): compared with the floor only")
            } else {
                parts.append("no version in production to beat")
            }
            findings.append("\(criterion.metric) \(ReportText.plain(value)): \(parts.joined(separator: "; ")) → \(met ? "PASS" : "FAIL")")
            outcomes.append(met ? .pass : .fail)
        }
        let outcome = Self.combine(outcomes)
        return GovernanceGateResult(
            gate: .quality, outcome: outcome,
            summary: "offline metrics of \(version.reference) against \(baseline?.reference.description ?? "the floors"): \(outcome.rawValue)",
            findings: findings, figures: figures)
    }

    func calibration(_ version: ModelVersionRecord) -> GovernanceGateResult {
        let table: PredictionTable
        switch predictions(version) {
        case .failure(let result): return result(.calibration)
        case .success(let parsed): table = parsed
        }
        guard let scores = table.scores, let error = CalibrationError(labels: table.labels, probabilities: scores) else {
            return GovernanceGateResult(
                gate: .calibration, outcome: .inconclusive,
                summary: "the predictions have no 'score' column (probability of class 1): calibration cannot be measured")
        }
        let outcome: GateOutcome = error.expected <= policy.maxExpectedCalibrationError ? .pass : .fail
        return GovernanceGateResult(
            gate: .calibration, outcome: outcome,
            summary: "ECE \(ReportText.fixed(error.expected, 4)) (max \(ReportText.plain(policy.maxExpectedCalibrationError))), MCE \(ReportText.fixed(error.maximum, 4)) over \(error.samples) predictions: \(outcome.rawValue)",
            figures: ["ece": error.expected, "mce": error.maximum, "samples": Double(error.samples)])
    }

    func fairness(_ version: ModelVersionRecord) -> GovernanceGateResult {
        let table: PredictionTable
        switch predictions(version) {
        case .failure(let result): return result(.fairness)
        case .success(let parsed): table = parsed
        }
        guard let groups = table.groups else {
            return GovernanceGateResult(
                gate: .fairness, outcome: .inconclusive, summary: "the predictions have no 'group' column: there is nothing to audit for bias")
        }
        let metrics = FairnessMetrics(labels: table.labels, predictions: table.predictions, groups: groups, weights: table.weights)
        guard metrics.groups.count >= 2 else {
            return GovernanceGateResult(
                gate: .fairness, outcome: .inconclusive, summary: "the predictions cover one group (\(groups[0])): a bias audit needs at least two")
        }
        let parity = metrics.demographicParityDifference
        let odds = metrics.equalizedOddsDifference
        let parityOK = abs(parity) <= policy.maxDemographicParityDifference
        let oddsOK = abs(odds) <= policy.maxEqualizedOddsDifference
        var outcomes: [GateOutcome] = [parityOK && oddsOK ? .pass : .fail]
        var figures = [
            "demographic_parity_difference": parity, "demographic_parity_ratio": metrics.demographicParityRatio,
            "equalized_odds_difference": odds, "equalized_odds_ratio": metrics.equalizedOddsRatio,
        ]
        for (group, rates) in metrics.groups {
            figures["selection_rate[\(group)]"] = rates.selectionRate
            figures["tpr[\(group)]"] = rates.truePositiveRate
            figures["fpr[\(group)]"] = rates.falsePositiveRate
        }
        var findings = [
            "demographic parity difference \(ReportText.fixed(parity, 4)) (max \(ReportText.plain(policy.maxDemographicParityDifference))) → \(parityOK ? "PASS" : "FAIL")",
            "equalized odds difference \(ReportText.fixed(odds, 4)) (max \(ReportText.plain(policy.maxEqualizedOddsDifference))) → \(oddsOK ? "PASS" : "FAIL")",
        ]
        // The same artifact on another class of board can treat groups differently: each class
        // with predictions is held to the same limits.
        for deviceClass in Set(table.deviceClasses ?? []).sorted() {
            let rows = table.rows(on: deviceClass)
            let perClass = FairnessMetrics(labels: rows.labels, predictions: rows.predictions, groups: rows.groups ?? [], weights: rows.weights)
            guard perClass.groups.count >= 2 else {
                outcomes.append(.inconclusive)
                findings.append("\(deviceClass): the predictions cover one group: a bias audit there needs at least two")
                continue
            }
            let classParity = perClass.demographicParityDifference
            let classOdds = perClass.equalizedOddsDifference
            let ok = abs(classParity) <= policy.maxDemographicParityDifference && abs(classOdds) <= policy.maxEqualizedOddsDifference
            outcomes.append(ok ? .pass : .fail)
            figures["demographic_parity_difference@\(deviceClass)"] = classParity
            figures["equalized_odds_difference@\(deviceClass)"] = classOdds
            findings.append(
                "\(deviceClass): demographic parity difference \(ReportText.fixed(classParity, 4)), equalized odds difference \(ReportText.fixed(classOdds, 4)) over \(rows.labels.count) predictions → \(ok ? "PASS" : "FAIL")")
        }
        let outcome = Self.combine(outcomes)
        let classes = Set(table.deviceClasses ?? []).count
        return GovernanceGateResult(
            gate: .fairness, outcome: outcome,
            summary: "\(metrics.groups.count) groups\(classes > 0 ? " on \(classes) device classes" : ""): \(outcome.rawValue)",
            findings: findings, figures: figures)
    }

    /// Every device class the policy names must pass; a policy that names none (the built-in
    /// one) gates on every class with runs of the version, and needs at least one.
    func edgePerformance(_ version: ModelVersionRecord) -> GovernanceGateResult {
        let found = Set(evidence.edgeVerdicts.map(\.deviceClass)).union(evidence.edgeProblems.keys).sorted()
        let classes = policy.edgeDeviceClasses.isEmpty ? found : policy.edgeDeviceClasses
        guard !classes.isEmpty else {
            return GovernanceGateResult(
                gate: .edgePerformance, outcome: .inconclusive,
                summary: "no runs of \(version.reference) on any board yet",
                findings: [
                    "profile it on a board of each device class it will serve: edgeprof profile --port PORT --model \(version.reference) (or agents upload to the collector)",
                    "the policy in force names no device class, so every class with runs is gated; a policy with `gates: edge-performance: device-classes` and thresholds sets limits (edgeprof policy propose FILE)",
                ])
        }
        var findings: [String] = []
        var outcomes: [GateOutcome] = []
        for deviceClass in classes {
            guard let verdict = evidence.edgeVerdicts.first(where: { $0.deviceClass == deviceClass }) else {
                findings.append("\(deviceClass): \(evidence.edgeProblems[deviceClass] ?? "no verdict")")
                outcomes.append(.inconclusive)
                continue
            }
            if verdict.emulated, !policy.emulatedEvidenceCounts {
                outcomes.append(.inconclusive)
                findings.append(
                    "\(deviceClass): the evidence comes from emulated boards, which serve regression detection, not production approval (gates: edge-performance: emulated-evidence: count would accept it)")
                continue
            }
            if verdict.results.isEmpty, verdict.measuredIterations < verdict.minimumIterations {
                outcomes.append(.inconclusive)
                findings.append("\(deviceClass): \(verdict.measuredIterations) of \(verdict.minimumIterations) required measured iterations: profile more")
                continue
            }
            outcomes.append(verdict.outcome)
            let failing = verdict.results.filter { $0.outcome != .pass }.map { result in
                "\(result.criterion.metric.title) \(result.measured.map { ReportText.fixed($0, 2) } ?? "—") vs \(result.criterion.metric.bound.rawValue) \(ReportText.plain(result.criterion.threshold))\(result.note.map { " (\($0))" } ?? "")"
            }
            findings.append(
                "\(deviceClass): \(verdict.outcome.rawValue) on \(verdict.measuredIterations) iterations from \(verdict.runIDs.count) run(s)\(failing.isEmpty ? "" : ": " + failing.joined(separator: "; "))")
        }
        let outcome = Self.combine(outcomes)
        return GovernanceGateResult(
            gate: .edgePerformance, outcome: outcome,
            summary: "\(classes.joined(separator: ", ")): \(outcome.rawValue)", findings: findings)
    }

    /// Decided on the fleet's shadow telemetry (`ShadowComparison`). A hand-attached report
    /// stands in only where the policy allows it and the fleet reports no telemetry of the model:
    /// once devices report, the file cannot outvote what they saw.
    func shadowEvidence(_ version: ModelVersionRecord) -> GovernanceGateResult {
        let attached = snapshot.attachments(of: version.reference, kind: Self.shadowReportKind).last
        let telemetryDecides = evidence.modelHasTelemetry || policy.shadow.attachedReports == .ignore || (evidence.shadowReport?.pairs ?? 0) > 0
        if !telemetryDecides, let attached {
            return GovernanceGateResult(
                gate: .shadowEvidence, outcome: .pass,
                summary: "hand-attached shadow report \(attached.fileName) (sha256 \(attached.sha256.prefix(12))…) by \(attached.attachedBy): the fleet reports no telemetry of \(version.reference.name)",
                findings: ["a policy with `gates: shadow-evidence: attached-reports: ignore` decides on telemetry alone"])
        }
        guard let report = evidence.shadowReport else {
            return GovernanceGateResult(
                gate: .shadowEvidence, outcome: .inconclusive,
                summary: "\(version.reference) has not been in staging: its shadow period (\(policy.shadow.periodDays) days beside production) starts when it enters staging")
        }
        var findings = report.findings
        if let attached { findings.append("the attached shadow report \(attached.fileName) is not counted: the fleet's telemetry decides") }
        var figures: [String: Double] = ["pairs": Double(report.pairs), "labelled_pairs": Double(report.labelledPairs)]
        figures["agreement_rate"] = report.agreementRate
        figures["accuracy"] = report.candidateFigures.accuracy
        figures["served_accuracy"] = report.servedFigures.accuracy
        figures["latency_p95_ms"] = report.candidateFigures.latencyP95Ms
        figures["served_latency_p95_ms"] = report.servedFigures.latencyP95Ms
        figures["score_ks_d"] = report.scoreKSStatistic
        figures["score_ks_p"] = report.scoreKSPValue
        return GovernanceGateResult(
            gate: .shadowEvidence, outcome: report.outcome,
            summary: "shadow telemetry of \(report.window.periodDays) days from \(ShadowComparison.day(report.window.from)): \(report.pairs) paired requests: \(report.outcome.rawValue)",
            findings: findings, figures: figures)
    }

    func checklist(_ version: ModelVersionRecord) -> GovernanceGateResult {
        var findings: [String] = []
        var outcomes: [GateOutcome] = []
        for item in policy.checklist {
            let (outcome, finding) = checklistItem(item, version)
            outcomes.append(outcome)
            findings.append("\(item): \(finding)")
        }
        let outcome = policy.checklist.isEmpty ? .pass : Self.combine(outcomes)
        let done = outcomes.filter { $0 == .pass }.count
        return GovernanceGateResult(
            gate: .checklist, outcome: outcome, summary: "\(done) of \(policy.checklist.count) items done: \(outcome.rawValue)", findings: findings)
    }

    private func checklistItem(_ item: String, _ version: ModelVersionRecord) -> (GateOutcome, String) {
        switch item {
        case "model-card":
            let considerations = version.metadata.considerations
            let missing = [("intended-use", considerations.intendedUse), ("limitations", considerations.limitations)]
                .filter { ($0.1 ?? "").isEmpty }.map(\.0)
            return missing.isEmpty
                ? (.pass, "renders with intended use and limitations")
                : (.inconclusive, "the metadata lacks considerations: \(missing.joined(separator: ", "))")
        case "rollback-target":
            guard let target = evidence.rollbackTarget else {
                return (.pass, "first production version: rollback means `edgeprof model halt`")
            }
            switch target.check {
            case .verified: return (.pass, "\(target.reference) is deployable (artifact verified)")
            case .missing(let path): return (.fail, "\(target.reference)'s artifact \(path) is missing: rollback would fail")
            case .changed(let path, _): return (.fail, "\(target.reference)'s artifact \(path) has changed: rollback would deploy a different model")
            }
        default:
            guard let document = snapshot.attachments(of: version.reference, kind: item).last else {
                return (.inconclusive, "missing: `edgeprof model attach \(version.reference) --kind \(item) FILE`")
            }
            return (.pass, "\(document.fileName) (sha256 \(document.sha256.prefix(12))…)")
        }
    }

    private enum Parsed {
        case success(PredictionTable)
        case failure((GovernanceGate) -> GovernanceGateResult)
    }

    private func predictions(_ version: ModelVersionRecord) -> Parsed {
        guard let attachment = snapshot.attachments(of: version.reference, kind: Self.predictionsKind).last else {
            return .failure { gate in
                GovernanceGateResult(
                    gate: gate, outcome: .inconclusive,
                    summary: "no predictions: attach a CSV (y_true,y_pred,score,group) with `edgeprof model attach \(version.reference) --kind \(Self.predictionsKind) FILE`")
            }
        }
        do {
            return .success(try PredictionTable(csv: attachment.content, file: attachment.fileName))
        } catch {
            return .failure { gate in GovernanceGateResult(gate: gate, outcome: .inconclusive, summary: "unreadable predictions: \(error.description)") }
        }
    }

    /// Any FAIL fails; otherwise any INCONCLUSIVE is inconclusive; otherwise PASS (nothing → INCONCLUSIVE).
    public static func combine(_ outcomes: [GateOutcome]) -> GateOutcome {
        if outcomes.isEmpty { return .inconclusive }
        if outcomes.contains(.fail) { return .fail }
        if outcomes.contains(.inconclusive) { return .inconclusive }
        return .pass
    }
}
