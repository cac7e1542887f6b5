import EdgeProfCore
import Foundation
import Logging

/// Watches every device: each new run is judged against its device's baseline and history, and
/// the findings open, refresh or resolve that device's alerts.
struct CollectorMonitor: Sendable {
    let store: any CollectorStore
    let settings: CollectorSettings
    let metrics: CollectorMetrics
    let logger: Logger
    /// Asked to act when a run opens a critical alert.
    let rollbacks: AutomaticRollbackWatcher
    /// Asked to act when a run opens or resolves an alert (drift moves a version to degraded and back).
    let lifecycle: LifecycleWatcher
    /// Judgements of the runs confirmation looks at again on every upload.
    let memo = MonitorFindingsMemo()

    /// Monitoring never fails an upload: a problem here is logged and the run stays stored.
    func observe(_ stored: StoredRun) async {
        let key = MonitorKey(stored)
        let monitor = settings.monitor
        do {
            let recentRuns = MonitorReplay.recentRuns(monitor) + max(monitor.confirmRuns, monitor.clearRuns)
            guard let history = try await store.monitorHistory(key, runID: stored.id, baselineRuns: monitor.baselineRuns, recentRuns: recentRuns) else {
                return
            }
            let findings = MonitorConfirmation.confirm(history: Self.findingHistory(history, settings: monitor, memo: memo), settings: monitor)
            let events = try await store.applyFindings(findings, key: key, runID: stored.id, at: Date(), webhooks: settings.webhooks)
            for event in events {
                logger.notice("\(event.event) #\(event.alert.id) \(event.alert.severity.rawValue) \(event.alert.rule.rawValue) for \(key): \(event.alert.finding.summary)")
            }
            metrics.recordLiveAlerts(try await store.liveAlertCounts())
            if events.contains(where: { $0.event == "alert.opened" && $0.alert.severity == .critical }) {
                await rollbacks.consider(model: stored.model.name)
            }
            if !events.isEmpty { await lifecycle.consider(model: stored.model.name, stageAlerts: false) }
        } catch {
            logger.error("monitoring run \(stored.id) of \(key) failed: \(error.description)")
        }
    }

    /// The findings of the device's latest runs that are not in its baseline, oldest first,
    /// each judged as it was when it arrived (against the same baseline and its own past). A
    /// judgement already in `memo` (made under these settings) is not made again.
    static func findingHistory(
        _ history: (baseline: [StoredRun], recent: [StoredRun]), settings: MonitorSettings, memo: MonitorFindingsMemo
    ) -> [[MonitorFinding]] {
        let depth = max(settings.confirmRuns, settings.clearRuns)
        let baselineIDs = history.baseline.map(\.id)
        let inBaseline = Set(baselineIDs)
        let window = MonitorReplay.recentRuns(settings)
        return history.recent.indices.suffix(depth).compactMap { index in
            let run = history.recent[index]
            guard !inBaseline.contains(run.id) else { return nil }
            let recent = Array(history.recent[...index].suffix(window))
            return memo.findings(.init(run: run.id, baseline: baselineIDs, recent: recent.map(\.id))) {
                MonitorEvaluation.evaluate(current: run, baseline: history.baseline, recent: recent, settings: settings)
            }
        }
    }
}
