import Foundation

/// Judges a new run against its device's baseline and recent history: drift (KS, PSI), bands,
/// and threshold rules. Pure: runs in, findings out.
public enum MonitorEvaluation {
    /// Findings for `current`. `baseline` are the reference runs (excluding `current`); `recent`
    /// are the device's latest runs up to and including `current`, oldest first.
    public static func evaluate(current: StoredRun, baseline: [StoredRun], recent: [StoredRun], settings: MonitorSettings) -> [MonitorFinding] {
        var findings: [MonitorFinding] = []
        func add(_ rule: MonitorRule, _ state: FindingState, _ summary: String, value: Double? = nil, threshold: Double? = nil, p: Double? = nil) {
            findings.append(MonitorFinding(rule: rule, severity: settings.severity(of: rule), state: state, summary: summary, value: value, threshold: threshold, pValue: p))
        }
        let complete = baseline.filter { $0.run.status == .complete }
        let currentSummary = ProfileSummary(runs: [current.run])
        let baselineSummaries = complete.map { ProfileSummary(runs: [$0.run]) }
        let noBaseline = "no baseline yet (\(complete.count) reference run\(complete.count == 1 ? "" : "s"))"

        drift(.latencyDriftKS, .latencyDriftPSI, metric: .latency, unit: "ms", current: current, baseline: complete, settings: settings, add: add)
        drift(.energyDriftKS, .energyDriftPSI, metric: .energy, unit: "mJ", current: current, baseline: complete, settings: settings, add: add)

        band(.latencyBand, name: "latency p95", unit: "ms", value: currentSummary.latencyMs?.p95,
             reference: baselineSummaries.compactMap { $0.latencyMs?.p95 }, settings: settings, add: add)
        band(.energyBand, name: "energy per inference", unit: "mJ", value: currentSummary.energyPerInferenceMillijoules,
             reference: baselineSummaries.compactMap(\.energyPerInferenceMillijoules), settings: settings, add: add)

        if let limit = settings.p95AboveMs {
            let n = settings.p95ConsecutiveRuns
            let latest = recent.suffix(n).map { ProfileSummary(runs: [$0.run]).latencyMs?.p95 }
            if let p95 = currentSummary.latencyMs?.p95, p95 <= limit {
                add(.p95Above, .clear, "latency p95 \(fmt(p95)) ms ≤ \(fmt(limit)) ms", value: p95, threshold: limit)
            } else if latest.count < n || latest.contains(where: { $0 == nil }) {
                add(.p95Above, .inconclusive, "\(latest.count) of \(n) consecutive runs with a p95 so far", threshold: limit)
            } else if let last = latest.last ?? nil, latest.allSatisfy({ ($0 ?? -.infinity) > limit }) {
                add(.p95Above, .firing, "latency p95 above \(fmt(limit)) ms for \(n) consecutive runs (latest \(fmt(last)) ms)", value: last, threshold: limit)
            } else {
                add(.p95Above, .inconclusive, "above \(fmt(limit)) ms, but not yet for \(n) consecutive runs", value: currentSummary.latencyMs?.p95, threshold: limit)
            }
        }

        if let ratio = settings.latencyRatio {
            let references = baselineSummaries.compactMap { $0.latencyMs?.p95 }.sorted()
            if let p95 = currentSummary.latencyMs?.p95, let median = Percentile.of(sorted: references, 50), median > 0 {
                let observed = p95 / median
                add(.latencyRatio, observed >= ratio ? .firing : .clear,
                    "latency p95 \(fmt(p95)) ms is \(fmt(observed))× the baseline median \(fmt(median)) ms (limit \(fmt(ratio))×)",
                    value: observed, threshold: ratio)
            } else {
                add(.latencyRatio, .inconclusive, currentSummary.latencyMs == nil ? "the run has no latency" : noBaseline, threshold: ratio)
            }
        }

        if let increase = settings.energyIncrease {
            let references = baselineSummaries.compactMap(\.energyPerInferenceMillijoules)
            if let energy = currentSummary.energyPerInferenceMillijoules, !references.isEmpty {
                let mean = references.reduce(0, +) / Double(references.count)
                let change = energy / mean - 1
                add(.energyIncrease, change >= increase ? .firing : .clear,
                    "energy per inference \(fmt(energy)) mJ is \(change >= 0 ? "+" : "")\(fmt(change * 100)) % on the baseline mean \(fmt(mean)) mJ (limit +\(fmt(increase * 100)) %)",
                    value: change, threshold: increase)
            } else {
                add(.energyIncrease, .inconclusive, currentSummary.energyPerInferenceMillijoules == nil ? "the run has no energy figure" : noBaseline, threshold: increase)
            }
        }

        if let limit = settings.errorRate {
            let window = Array(recent.suffix(settings.errorWindow))
            let failed = window.filter { $0.run.status == .partial }.count
            if window.count < min(3, settings.errorWindow) {
                add(.errorRate, .inconclusive, "\(window.count) recent run\(window.count == 1 ? "" : "s"); at least \(min(3, settings.errorWindow)) needed", threshold: limit)
            } else {
                let rate = Double(failed) / Double(window.count)
                add(.errorRate, rate > limit ? .firing : .clear,
                    "\(failed) of the last \(window.count) runs ended early (\(fmt(rate * 100)) %, limit \(fmt(limit * 100)) %)",
                    value: rate, threshold: limit)
            }
        }
        return findings
    }

    private static func drift(
        _ ksRule: MonitorRule, _ psiRule: MonitorRule, metric: RunMetric, unit: String, current: StoredRun, baseline: [StoredRun],
        settings: MonitorSettings, add: (MonitorRule, FindingState, String, Double?, Double?, Double?) -> Void
    ) {
        let currentValues = metric.values(in: current.run)
        let referenceValues = baseline.flatMap { metric.values(in: $0.run) }
        let driftSettings = DriftSettings(alpha: settings.alpha, minimumSamples: settings.minimumSamples)
        let methods = settings.driftMethods.filter { $0 != .chi2 }
        guard !methods.isEmpty, let findings = try? DriftComparison.compare(
            reference: .numeric(referenceValues), current: .numeric(currentValues), methods: methods, settings: driftSettings)
        else { return }
        for finding in findings {
            let rule = finding.method == .ks ? ksRule : psiRule
            let state: FindingState = switch finding.verdict {
            case .drift: .firing
            case .noDrift: .clear
            case .inconclusive: .inconclusive
            }
            let what = "\(metric.rawValue) (\(currentValues.count) values vs \(referenceValues.count) in \(baseline.count) baseline runs)"
            let summary: String
            if finding.method == .ks, let d = finding.statistic, let p = finding.pValue {
                summary = "KS \(what): D = \(fmt(d)), p = \(String(format: "%.3g", p)) (\(finding.detail)); \(finding.reason)"
            } else if let psi = finding.statistic {
                summary = "PSI \(what): \(fmt(psi)); \(finding.reason)"
            } else {
                summary = "\(finding.method.rawValue.uppercased()) \(what): \(finding.reason)"
            }
            add(rule, state, summary, finding.statistic, finding.method == .ks ? settings.alpha : settings.psiThreshold, finding.pValue)
        }
    }

    private static func band(
        _ rule: MonitorRule, name: String, unit: String, value: Double?, reference: [Double], settings: MonitorSettings,
        add: (MonitorRule, FindingState, String, Double?, Double?, Double?) -> Void
    ) {
        guard let value else {
            if rule == .latencyBand || !reference.isEmpty { add(rule, .inconclusive, "the run has no \(name)", nil, nil, nil) }
            return
        }
        guard reference.count >= settings.minimumBaselineRuns else {
            add(rule, .inconclusive, "\(reference.count) baseline run\(reference.count == 1 ? "" : "s") with a \(name); at least \(settings.minimumBaselineRuns) needed", value, nil, nil)
            return
        }
        guard let band = learnedBand(reference, settings: settings) else { return }
        let outside = !band.contains(value)
        let sigma = band.isFloored ? "\(fmt(settings.bandK)) × \(fmt(settings.bandMinimumRelativeSD * 100)) % (σ floor)" : "\(fmt(settings.bandK))σ"
        add(rule, outside ? .firing : .clear,
            "\(name) \(fmt(value)) \(unit) \(outside ? "outside" : "inside") the band \(fmt(band.lower))…\(fmt(band.upper)) \(unit) (mean \(fmt(band.mean)) ± \(sigma) of \(reference.count) baseline runs)",
            value, band.upper, nil)
    }

    /// The band a figure is judged against: mean ± k·σ of the baseline runs' figures, σ at least
    /// the floor share of the mean; nil with fewer than the minimum baseline runs (the check is
    /// then inconclusive). The dashboard draws the same band.
    public static func learnedBand(_ reference: [Double], settings: MonitorSettings) -> LearnedBand? {
        guard reference.count >= settings.minimumBaselineRuns, let measured = StandardDeviationBand(reference, k: settings.bandK) else { return nil }
        let floor = settings.bandMinimumRelativeSD * abs(measured.mean)
        let band = measured.widened(toStandardDeviation: floor, k: settings.bandK)
        return LearnedBand(lower: band.lower, upper: band.upper, mean: band.mean, isFloored: measured.standardDeviation < floor)
    }

    static func fmt(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        return GeneralFormat.string(value, significantDigits: 4)
    }
}

/// A device's band for one figure, as monitoring learned it from the baseline runs.
public struct LearnedBand: Sendable, Hashable {
    public var lower: Double
    public var upper: Double
    public var mean: Double
    /// σ was below the floor share of the mean, so the floor drew the band.
    public var isFloored: Bool

    public func contains(_ value: Double) -> Bool { value >= lower && value <= upper }
}
