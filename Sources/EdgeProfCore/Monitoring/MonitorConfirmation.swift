/// Makes a device's findings believable before they reach its alerts: a rule opens an alert only
/// after it fired on `confirm-runs` consecutive runs, and an open alert resolves only after
/// `clear-runs` consecutive clear runs (hysteresis). A single noisy run, or one flapping around a
/// threshold, neither opens nor closes anything; it is reported as INCONCLUSIVE with the count.
/// Rules that already look at several runs (p95-above, error-rate) pass unchanged. Pure.
public enum MonitorConfirmation {
    /// Rules with their own window over runs.
    static let windowedRules: Set<MonitorRule> = [.p95Above, .errorRate]

    /// `history` holds the findings of the device's latest runs, oldest first, the current run's
    /// last. Returns the current run's findings as the alerts should see them.
    public static func confirm(history: [[MonitorFinding]], settings: MonitorSettings) -> [MonitorFinding] {
        guard let current = history.last else { return [] }
        return current.map { finding in
            guard !windowedRules.contains(finding.rule) else { return finding }
            let states = history.compactMap { run in run.first { $0.rule == finding.rule }?.state }
            var confirmed = finding
            switch finding.state {
            case .firing:
                let streak = trailing(.firing, in: states)
                if streak < settings.confirmRuns {
                    confirmed.state = .inconclusive
                    confirmed.summary = "firing on \(streak) consecutive run\(streak == 1 ? "" : "s") of the \(settings.confirmRuns) that open an alert: \(finding.summary)"
                } else if settings.confirmRuns > 1 {
                    confirmed.summary = "on \(streak) consecutive runs: \(finding.summary)"
                }
            case .clear:
                let streak = trailing(.clear, in: states)
                if streak < settings.clearRuns {
                    confirmed.state = .inconclusive
                    confirmed.summary = "clear on \(streak) consecutive run\(streak == 1 ? "" : "s") of the \(settings.clearRuns) that resolve an alert: \(finding.summary)"
                }
            case .inconclusive:
                break
            }
            return confirmed
        }
    }

    private static func trailing(_ state: FindingState, in states: [FindingState]) -> Int {
        states.reversed().prefix { $0 == state }.count
    }
}

/// Replays a device's runs through the collector's monitoring as it runs on every upload —
/// baseline, evaluation, confirmation, alert planning — without a store: what the alert
/// benchmark and its tests measure. Pure.
public struct MonitorReplay {
    /// An alert the replay opened: at which run (0-based, in the replayed order), for which rule.
    public struct Opening: Sendable, Hashable {
        public var run: Int
        public var rule: MonitorRule
        public var severity: AlertSeverity
    }

    public let settings: MonitorSettings
    public private(set) var runs: [StoredRun] = []
    public private(set) var openings: [Opening] = []
    private var findings: [[MonitorFinding]] = []
    private var live: [Alert] = []

    public init(settings: MonitorSettings) {
        self.settings = settings
    }

    /// The number of recent runs the collector reads for one upload.
    public static func recentRuns(_ settings: MonitorSettings) -> Int {
        max(settings.errorWindow, settings.p95ConsecutiveRuns, settings.confirmRuns, settings.clearRuns)
    }

    /// Feeds the next run; returns the alerts it opened.
    @discardableResult
    public mutating func observe(_ run: StoredRun) -> [Opening] {
        runs.append(run)
        let baseline = Array(runs.filter { $0.run.status == .complete }.prefix(settings.baselineRuns))
        guard !baseline.contains(where: { $0.id == run.id }) else {
            findings.append([])
            return []
        }
        let recent = Array(runs.suffix(Self.recentRuns(settings)))
        let evaluated = MonitorEvaluation.evaluate(current: run, baseline: baseline, recent: recent, settings: settings)
        findings.append(evaluated)
        let history = Array(findings.suffix(max(settings.confirmRuns, settings.clearRuns)))
        let changes = AlertPlanner.plan(findings: MonitorConfirmation.confirm(history: history, settings: settings), live: live)
        live.removeAll { changes.resolved.contains($0.id) }
        var opened: [Opening] = []
        for finding in changes.opened {
            let opening = Opening(run: runs.count - 1, rule: finding.rule, severity: finding.severity)
            opened.append(opening)
            live.append(Alert(
                id: Int64(openings.count + opened.count), rule: finding.rule, severity: finding.severity, key: MonitorKey(run), state: .open,
                finding: finding, openedAt: run.context.finishedAt, lastSeenAt: run.context.finishedAt, occurrences: 1, firstRunID: run.id,
                lastRunID: run.id))
        }
        openings += opened
        return opened
    }
}
