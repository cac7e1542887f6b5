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

    /// Monitoring never fails an upload: a problem here is logged and the run stays stored.
    func observe(_ stored: StoredRun) async {
        let key = MonitorKey(stored)
        let monitor = settings.monitor
        do {
            let recentRuns = max(monitor.errorWindow, monitor.p95ConsecutiveRuns)
            guard let history = try await store.monitorHistory(key, runID: stored.id, baselineRuns: monitor.baselineRuns, recentRuns: recentRuns) else {
                return
            }
            let findings = MonitorEvaluation.evaluate(current: stored, baseline: history.baseline, recent: history.recent, settings: monitor)
            let events = try await store.applyFindings(findings, key: key, runID: stored.id, at: Date(), webhooks: settings.webhooks)
            for event in events {
                logger.notice("\(event.event) #\(event.alert.id) \(event.alert.severity.rawValue) \(event.alert.rule.rawValue) for \(key): \(event.alert.finding.summary)")
            }
            metrics.recordLiveAlerts(try await store.liveAlertCounts())
        } catch {
            logger.error("monitoring run \(stored.id) of \(key) failed: \(error.description)")
        }
    }
}
