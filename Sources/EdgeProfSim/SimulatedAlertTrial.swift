import EdgeProfCore
import Foundation

/// A simulated board through the collector's monitoring as it runs on every upload (baseline,
/// rules, confirmation, alert planning): unchanged for `unchangedRuns` runs, then `slowdown`×
/// slower for `regressedRuns`, for several seeds. What `edgeprof-bench alerts` prints and its
/// test holds to the goals. Pure and deterministic: the same seeds give the same alerts.
public enum SimulatedAlertTrial {
    /// What the trial saw.
    public struct Outcome: Sendable {
        /// Unchanged runs judged against a baseline (the baseline's own runs are not).
        public var judgedUnchanged = 0
        public var falseAlarms: [MonitorRule: Int] = [:]
        /// Runs from the first regressed run to the first alert, per seed (nil: never detected).
        public var delays: [Int?] = []
        public var detectedBy: [MonitorRule: Int] = [:]

        public init() {}

        public var falseAlarmsPerThousand: Double {
            Double(falseAlarms.values.reduce(0, +)) / Double(max(judgedUnchanged, 1)) * 1000
        }
    }

    public static let request = RunRequest(tokens: 16, iterations: 20, warmup: 2)

    public static func measure(
        seeds: Int, unchangedRuns: Int, regressedRuns: Int, slowdown: Double, settings: MonitorSettings = MonitorSettings()
    ) -> Outcome {
        var outcome = Outcome()
        for seed in 0..<seeds {
            var profile = SimulatedModelProfile()
            var replay = MonitorReplay(settings: settings)
            var number: Int64 = 0
            func run(_ profile: SimulatedModelProfile) -> [MonitorReplay.Opening] {
                number += 1
                let plan = SimulatedRunPlan(profile: profile, seed: UInt64(seed) &* 0x9E37_79B9 &+ 17, runNumber: UInt64(number), request: request)
                let started = Date(timeIntervalSince1970: 1_900_000_000 + Double(number) * 60)
                let stored = StoredRun(
                    id: number, model: ModelReference(name: "kws", version: SemanticVersion(major: 1, minor: 0, patch: 0)),
                    context: RunContext(deviceClass: profile.deviceClass ?? "sim", port: "sim", startedAt: started, finishedAt: started + 1),
                    run: plan.recordedRun(profile: profile, request: request))
                return replay.observe(stored)
            }
            for index in 0..<unchangedRuns {
                let opened = run(profile)
                if index >= settings.baselineRuns { outcome.judgedUnchanged += 1 }
                for opening in opened { outcome.falseAlarms[opening.rule, default: 0] += 1 }
            }
            profile.firstTokenMedianMs *= slowdown
            profile.tokenMedianMs *= slowdown
            var delay: Int?
            for index in 0..<regressedRuns {
                let opened = run(profile)
                if delay == nil, let first = opened.first {
                    delay = index + 1
                    outcome.detectedBy[first.rule, default: 0] += 1
                }
            }
            outcome.delays.append(delay)
        }
        return outcome
    }
}
