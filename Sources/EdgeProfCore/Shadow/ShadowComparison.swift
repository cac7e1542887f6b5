import Foundation

/// Judges a candidate's shadow pairs under the policy (issue 15 §4). Pure. A candidate fails as
/// soon as the evidence shows it worse (accuracy significantly lower by more than the allowed
/// drop, p95 latency or energy beyond the allowed ratio, a group gap on a device class); it
/// passes only once the whole shadow period has run with enough paired, labelled requests.
public enum ShadowComparison {
    public static func report(
        candidate: String, artifactSHA256: String, pairs: [ShadowPair], from: Date, to: Date, policy: GovernancePolicy
    ) -> ShadowReport {
        let rules = policy.shadow
        let complete = to.timeIntervalSince(from) >= Double(rules.periodDays) * 86_400
        let window = ShadowReport.Window(
            from: from, to: to, periodDays: rules.periodDays, complete: complete, firstPair: pairs.map(\.at).min(), lastPair: pairs.map(\.at).max())
        let candidateSide = side(pairs, \.shadow)
        let servedSide = side(pairs, \.served)
        let labelled = pairs.filter { $0.label != nil }.count
        let accuracyTest = TwoProportionZTest(
            successesA: candidateSide.correct, trialsA: candidateSide.labelled, successesB: servedSide.correct, trialsB: servedSide.labelled)
        let latencyTest = WelchTTest(pairs.compactMap(\.shadow.latencyMs), pairs.compactMap(\.served.latencyMs))
        let ks = KolmogorovSmirnovTest.twoSample(pairs.compactMap(\.shadow.score), pairs.compactMap(\.served.score))
        let classes = Dictionary(grouping: pairs, by: \.deviceClass).sorted { $0.key < $1.key }.map { deviceClass, members in
            ShadowReport.DeviceClassRow(
                deviceClass: deviceClass, pairs: members.count, agreementRate: agreement(members), candidate: side(members, \.shadow),
                served: side(members, \.served), fairness: fairness(members, policy: policy))
        }
        var report = ShadowReport(
            candidate: candidate, artifactSHA256: artifactSHA256, window: window, pairs: pairs.count, labelledPairs: labelled,
            servedVersions: Dictionary(grouping: pairs, by: \.servedModel).mapValues(\.count), agreementRate: agreement(pairs),
            candidateFigures: candidateSide, servedFigures: servedSide, accuracyZ: finite(accuracyTest?.z), accuracyPValue: finite(accuracyTest?.pValue),
            latencyPValue: finite(latencyTest.pValue), scoreKSStatistic: finite(ks?.statistic), scoreKSPValue: finite(ks?.pValue), scoreKSMethod: ks?.method,
            deviceClasses: classes, outcome: .inconclusive, findings: [])
        judge(&report, policy: policy)
        return report
    }

    /// Sets the outcome and the findings: failures first, then what is still missing.
    static func judge(_ report: inout ShadowReport, policy: GovernancePolicy) {
        let rules = policy.shadow
        var failures: [String] = []
        var missing: [String] = []
        var notes: [String] = []
        guard report.pairs > 0 else {
            report.findings = ["no request answered by both \(report.candidate) in shadow and the served version between \(day(report.window.from)) and \(day(report.window.to)): devices report shadow answers with arm `shadow` (POST /v1/inferences)"]
            return
        }
        notes.append("\(report.pairs) paired requests (\(report.labelledPairs) labelled) from \(day(report.window.firstPair ?? report.window.from)) to \(day(report.window.lastPair ?? report.window.to)) beside \(report.servedVersions.keys.sorted().joined(separator: ", "))")
        if let agreement = report.agreementRate { notes.append("agreement \(percent(agreement)) of the pairs") }

        let candidate = report.candidateFigures
        let served = report.servedFigures
        if let mine = candidate.accuracy, let theirs = served.accuracy, report.labelledPairs >= rules.minimumPairs {
            let drop = theirs > 0 ? (theirs - mine) / theirs : 0
            let significant = (report.accuracyPValue ?? 1) < policy.drift.pValue
            let line = "accuracy \(DriftChecks.format(mine)) against \(DriftChecks.format(theirs)) served (relative drop \(percent(drop)), limit \(percent(rules.maxAccuracyDrop)); z-test p \(report.accuracyPValue.map(DriftChecks.format) ?? "—"))"
            if drop > rules.maxAccuracyDrop, significant { failures.append(line + " → FAIL") } else { notes.append(line) }
        } else {
            missing.append("\(report.labelledPairs) of \(rules.minimumPairs) labelled pairs needed to compare accuracy")
        }
        if let mine = candidate.latencyP95Ms, let theirs = served.latencyP95Ms, theirs > 0 {
            let line = "p95 latency \(DriftChecks.format(mine)) ms against \(DriftChecks.format(theirs)) ms served (×\(DriftChecks.format(mine / theirs)), limit ×\(DriftChecks.format(rules.maxLatencyRatio)))"
            if mine / theirs > rules.maxLatencyRatio { failures.append(line + " → FAIL") } else { notes.append(line) }
        }
        if let mine = candidate.meanEnergyMillijoules, let theirs = served.meanEnergyMillijoules, theirs > 0 {
            let line = "energy \(DriftChecks.format(mine)) mJ per inference against \(DriftChecks.format(theirs)) mJ served (×\(DriftChecks.format(mine / theirs)), limit ×\(DriftChecks.format(rules.maxEnergyRatio)))"
            if mine / theirs > rules.maxEnergyRatio { failures.append(line + " → FAIL") } else { notes.append(line) }
        }
        for row in report.deviceClasses {
            switch row.fairness.state {
            case .firing: failures.append("fairness on \(row.deviceClass): \(row.fairness.summary) → FAIL")
            case .clear: notes.append("fairness on \(row.deviceClass): \(row.fairness.summary)")
            case .inconclusive: notes.append("fairness on \(row.deviceClass): inconclusive, \(row.fairness.summary)")
            }
        }
        if let d = report.scoreKSStatistic {
            notes.append("scores: KS D \(DriftChecks.format(d)), p \(report.scoreKSPValue.map(DriftChecks.format) ?? "—") (\(report.scoreKSMethod?.rawValue ?? "")), reported, not judged: a better model may score differently")
        }
        if report.pairs < rules.minimumPairs { missing.append("\(report.pairs) of \(rules.minimumPairs) paired requests") }
        if !report.window.complete {
            let days = report.window.to.timeIntervalSince(report.window.from) / 86_400
            missing.append("the shadow period has run \(String(format: "%.1f", max(days, 0))) of \(rules.periodDays) days (until \(day(report.window.from.addingTimeInterval(Double(rules.periodDays) * 86_400))))")
        }
        report.outcome = !failures.isEmpty ? .fail : missing.isEmpty ? .pass : .inconclusive
        report.findings = failures + missing.map { "needs: \($0)" } + notes
    }

    /// The candidate's group gaps on one device class against the served version's on the same
    /// requests: a gap fires when it is over its limit, significant (`FairnessDrift`'s z-test at
    /// the Bonferroni-corrected p-value) and wider than the served version's same gap by more
    /// than the limit — the requests' own mix of groups and labels is shared by both, so only
    /// what the candidate adds counts. Absolute gaps are the offline fairness gate's.
    static func fairness(_ pairs: [ShadowPair], policy: GovernancePolicy) -> DriftOutcome {
        let minimum = policy.drift.minimumGroupSamples
        let mine = FairnessDrift.gaps(pairs.map(\.candidateRecord), minimumGroupSamples: minimum, policy: policy)
        let theirs = FairnessDrift.gaps(pairs.map(\.servedRecord), minimumGroupSamples: minimum, policy: policy)
        let key = { (gap: FairnessDrift.Gap) in "\(gap.attribute)\u{1F}\(gap.predictedClass)\u{1F}\(gap.metric.rawValue)" }
        let served = Dictionary(theirs.map { (key($0), $0.gap) }, uniquingKeysWith: max)
        guard let largest = mine.max(by: { $0.gap - (served[key($0)] ?? 0) < $1.gap - (served[key($1)] ?? 0) }) else {
            return DriftOutcome(
                state: .inconclusive, summary: "no protected attribute has two groups of \(minimum) requests", referenceSamples: pairs.count, currentSamples: pairs.count)
        }
        let corrected = policy.drift.pValue / Double(mine.count)
        let firing = mine.filter { $0.gap > $0.limit && $0.pValue < corrected && $0.gap - (served[key($0)] ?? 0) > $0.limit }.sorted { $0.gap > $1.gap }
        let describe = { (gap: FairnessDrift.Gap) in "\(FairnessDrift.describe(gap)), served \(DriftChecks.format(served[key(gap)] ?? 0))" }
        let decisive = firing.first ?? largest
        let summary = firing.isEmpty
            ? "no gap wider than the served version's by more than its limit (largest: \(describe(largest)); \(mine.count) gaps compared)"
            : firing.prefix(3).map(describe).joined(separator: "; ") + (firing.count > 3 ? "; and \(firing.count - 3) more" : "")
        return DriftOutcome(
            state: firing.isEmpty ? .clear : .firing, value: decisive.gap, threshold: decisive.limit, pValue: decisive.pValue, summary: summary,
            referenceSamples: pairs.count, currentSamples: pairs.count)
    }

    static func side(_ pairs: [ShadowPair], _ answer: KeyPath<ShadowPair, ShadowAnswer>) -> ShadowReport.Side {
        let labelled = pairs.filter { $0.label != nil }
        let correct = labelled.filter { $0.label == $0[keyPath: answer].prediction }.count
        let latencies = SampleStatistics(pairs.compactMap { $0[keyPath: answer].latencyMs })
        let energies = pairs.compactMap { $0[keyPath: answer].energyMillijoules }
        return ShadowReport.Side(
            labelled: labelled.count, correct: correct, accuracy: labelled.isEmpty ? nil : Double(correct) / Double(labelled.count),
            latencyP50Ms: finite(latencies?.p50), latencyP95Ms: finite(latencies?.p95),
            meanEnergyMillijoules: energies.isEmpty ? nil : finite(energies.reduce(0, +) / Double(energies.count)))
    }

    static func agreement(_ pairs: [ShadowPair]) -> Double? {
        pairs.isEmpty ? nil : Double(pairs.filter { $0.shadow.prediction == $0.served.prediction }.count) / Double(pairs.count)
    }

    static func finite(_ value: Double?) -> Double? { value.flatMap { $0.isFinite ? $0 : nil } }

    static func percent(_ share: Double) -> String { String(format: "%.1f %%", share * 100) }

    static func day(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle().year().month().day()) }
}

extension ShadowPair {
    /// The candidate's answer as a drift record, for its fairness on the pair's device class.
    var candidateRecord: DriftRecord {
        DriftRecord(prediction: shadow.prediction, label: label, score: shadow.score, protected: protected, at: at)
    }

    /// The served version's answer, for the same comparison.
    var servedRecord: DriftRecord {
        DriftRecord(prediction: served.prediction, label: label, score: served.score, protected: protected, at: at)
    }
}
