import EdgeProfCore
import EdgeProfSim
import Foundation

/// How believable the collector's alerts are with the default settings: a simulated board runs
/// unchanged for `unchangedRuns` runs, then its model becomes `slowdown`× slower for
/// `regressedRuns` runs, for several seeds; every run goes through the monitoring the collector
/// runs on each upload (baseline, rules, confirmation, alert planning). Prints the false-alarm
/// rate on the unchanged runs and the detection delay after the regression.
enum AlertBenchmark {
    static func run() {
        let (seeds, unchanged, regressed, slowdown) = (10, 1000, 100, 1.5)
        print("Alerts with the default settings: \(seeds) simulated boards × \(unchanged) unchanged runs, then \(regressed) runs \(slowdown)× slower")
        let clock = ContinuousClock()
        var outcome = SimulatedAlertTrial.Outcome()
        let elapsed = clock.measure {
            outcome = SimulatedAlertTrial.measure(seeds: seeds, unchangedRuns: unchanged, regressedRuns: regressed, slowdown: slowdown)
        }
        let alarms = outcome.falseAlarms.values.reduce(0, +)
        let rate = Double(alarms) / Double(outcome.judgedUnchanged) * 1000
        print(String(format: "false alarms: %d in %d judged unchanged runs = %.2f per 1000 runs (goal ≤ 1)", alarms, outcome.judgedUnchanged, rate))
        for (rule, count) in outcome.falseAlarms.sorted(by: { $0.key.rawValue < $1.key.rawValue }) { print("  \(rule.rawValue): \(count)") }
        let detected = outcome.delays.compactMap { $0 }.sorted()
        let median = detected.isEmpty ? 0 : detected[detected.count / 2]
        print("detection delay after the regression: \(detected.count) of \(outcome.delays.count) detected; median \(median), worst \(detected.last ?? 0) runs (goal ≤ 5)")
        for (rule, count) in outcome.detectedBy.sorted(by: { $0.key.rawValue < $1.key.rawValue }) { print("  first alert by \(rule.rawValue): \(count)") }
        print(String(format: "replayed %d runs in %.1f s", seeds * (unchanged + regressed), Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
        let met = rate <= 1 && detected.count == outcome.delays.count && (detected.last ?? .max) <= 5
        print(met ? "both goals met" : "GOAL MISSED")

        var before = MonitorSettings()
        (before.confirmRuns, before.clearRuns, before.bandMinimumRelativeSD) = (1, 1, 0)
        let old = SimulatedAlertTrial.measure(seeds: 3, unchangedRuns: unchanged, regressedRuns: regressed, slowdown: slowdown, settings: before)
        let oldDelays = old.delays.compactMap { $0 }.sorted()
        print(String(
            format: "same boards without confirmation or σ floor (the rules before): %.1f false alarms per 1000 runs (%@), detection delay worst %d runs",
            old.falseAlarmsPerThousand, old.falseAlarms.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", "),
            oldDelays.last ?? -1))
    }
}
