import EdgeProfCore
import EdgeProfSim
import Testing

/// Issue 13: an unchanged simulated board raised 11 latency-band alerts in 35 runs. With the
/// default settings the collector's monitoring stays quiet on an unchanged board and catches a
/// 1.5× regression within 5 runs; `edgeprof-bench alerts` measures the same over 10 boards.
@Suite struct AlertTrialTests {
    @Test func theDefaultsAreQuietOnAnUnchangedBoardAndQuickOnARegression() {
        let outcome = SimulatedAlertTrial.measure(seeds: 2, unchangedRuns: 600, regressedRuns: 10, slowdown: 1.5)
        #expect(outcome.judgedUnchanged == 2 * 595)
        #expect(outcome.falseAlarmsPerThousand <= 1, "\(outcome.falseAlarms)")
        #expect(outcome.delays.allSatisfy { ($0 ?? .max) <= 5 }, "\(outcome.delays)")
    }

    @Test func withoutConfirmationTheSameBoardsRaiseFalseAlarms() {
        var before = MonitorSettings()
        (before.confirmRuns, before.clearRuns, before.bandMinimumRelativeSD) = (1, 1, 0)
        let outcome = SimulatedAlertTrial.measure(seeds: 1, unchangedRuns: 200, regressedRuns: 1, slowdown: 1.5, settings: before)
        #expect(outcome.falseAlarmsPerThousand > 50, "the test would not see the difference: \(outcome.falseAlarms)")
    }
}
