@testable import EdgeProfCollector
import EdgeProfCore
import Foundation
import Testing

/// The monitor's memo of judgements gives exactly the findings judging every run again gives.
@Suite struct MonitorFindingsMemoTests {
    static func stored(_ id: Int64, latency: UInt64) -> StoredRun {
        StoredRun(
            id: id, model: LiveCollector.reference,
            context: RunContext(deviceClass: "m4", port: "p", startedAt: Date(timeIntervalSince1970: 0), finishedAt: Date(timeIntervalSince1970: 1)),
            run: Uploads.run(latencyTicks: latency, iterations: 30))
    }

    @Test func aDeviceThatDriftsAndRecoversIsJudgedAsWithoutTheMemo() {
        var settings = MonitorSettings()
        settings.driftMethods = [.ks, .psi]
        settings.p95AboveMs = 0.05
        settings.confirmRuns = 2
        settings.clearRuns = 3
        let memo = MonitorFindingsMemo()
        var runs: [StoredRun] = []
        var evaluations = 0
        for id in Int64(1)...60 {
            // Calm, then slower for a stretch, back, and slower again: alerts open, clear and reopen.
            let slow = (15...24).contains(id) || (40...44).contains(id)
            runs.append(Self.stored(id, latency: slow ? 80 : 30 + UInt64(id % 3)))
            let history = (baseline: Array(runs.prefix(settings.baselineRuns)),
                           recent: Array(runs.suffix(MonitorReplay.recentRuns(settings) + max(settings.confirmRuns, settings.clearRuns))))
            let fresh = CollectorMonitor.findingHistory(history, settings: settings, memo: MonitorFindingsMemo())
            let remembered = CollectorMonitor.findingHistory(history, settings: settings, memo: memo)
            #expect(remembered == fresh, "run \(id)")
            evaluations += fresh.count
        }
        #expect(memo.count < evaluations / 2, "each run is judged once against one baseline and window, not on every later upload: \(memo.count) of \(evaluations)")
        let firing = CollectorMonitor.findingHistory(
            (baseline: Array(runs.prefix(5)), recent: Array(runs.prefix(24).suffix(8))), settings: settings, memo: memo)
        #expect(firing.last?.contains { $0.state == .firing } == true, "the slow stretch fires: \(firing.last ?? [])")
    }

    @Test func anotherBaselineIsAnotherJudgement() {
        let settings = MonitorSettings()
        let memo = MonitorFindingsMemo()
        let calm = (1...5).map { Self.stored($0, latency: 30) }
        let slow = (6...10).map { Self.stored($0, latency: 80) }
        let run = Self.stored(11, latency: 80)
        let againstCalm = CollectorMonitor.findingHistory((baseline: calm, recent: slow + [run]), settings: settings, memo: memo)
        let againstSlow = CollectorMonitor.findingHistory((baseline: slow, recent: slow + [run]), settings: settings, memo: memo)
        #expect(againstCalm != againstSlow)
        #expect(againstSlow == CollectorMonitor.findingHistory((baseline: slow, recent: slow + [run]), settings: settings, memo: MonitorFindingsMemo()))
    }
}
