@testable import EdgeProfCore
import EdgeProfSim
import Foundation
import Testing

/// The drift checks on simulated production traffic: each fires on the change it is for, stays
/// quiet on unchanged traffic (the false-alarm rate is measured over many seeded windows), and
/// says when it cannot tell.
@Suite struct DriftChecksTests {
    static let policy = GovernancePolicy()

    static func traffic(_ count: Int, seed: UInt64, errorRate: Double = 0.1, effects: [InjectedDrift] = []) -> [DriftRecord] {
        var random = SplitMix64(seed: seed)
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        return (0..<count).map { _ in
            let request = SimulatedTraffic.request(errorRate: errorRate, effects: effects, random: &random)
            return DriftRecord(
                prediction: request.prediction, label: request.label, score: request.score, protected: request.protected, features: request.features, at: at)
        }
    }

    static let reference = traffic(4200, seed: 1)

    @Test(arguments: [
        (InjectedDrift.featureShift(feature: "signal", sigmas: 1), DriftKind.data),
        (.labelShift(label: "class-2", share: 0.3), .label),
        (.conceptChange(extraErrorRate: 0.12), .concept),
        (.scoreShift(by: -0.1), .prediction),
        (.groupErrorIncrease(attribute: "age_group", group: "50+", extraErrorRate: 0.3), .fairness),
    ])
    func eachInjectedChangeFiresItsKind(effect: InjectedDrift, kind: DriftKind) {
        let changed = Self.traffic(kind.cadence == .weekly ? 4200 : 600, seed: 2, effects: [effect])
        let outcome = DriftChecks.evaluate(kind, reference: Self.reference, current: changed, policy: Self.policy)
        #expect(outcome.state == .firing, "\(kind): \(outcome.summary)")
        // The other daily kinds do not mistake it for theirs (a changed relation or group may
        // move accuracy too, which concept drift is for).
        for other in DriftKind.checked(.daily) where other != kind && kind != .fairness && kind != .concept {
            let unrelated = DriftChecks.evaluate(other, reference: Self.reference, current: changed, policy: Self.policy)
            #expect(unrelated.state != .firing, "\(effect) fired \(other): \(unrelated.summary)")
        }
    }

    @Test func unchangedTrafficRarelyFiresAndTheRateIsMeasured() async {
        // Seconds of statistics: on a thread of its own, not one the other tests' servers need.
        let fired = await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: Self.nullWindowAlarms()) }.start()
        }
        #expect((fired[.data] ?? 0) == 0)
        #expect((fired[.label] ?? 0) == 0)
        #expect((fired[.prediction] ?? 0) == 0, "KS fired on \(fired[.prediction] ?? 0) of 150 unchanged windows")
        #expect((fired[.fairness] ?? 0) <= 4, "fairness fired on \(fired[.fairness] ?? 0) of 150 unchanged windows")
    }

    static func nullWindowAlarms() -> [DriftKind: Int] {
        // 150 daily windows of 600 unchanged requests against the same reference, per kind.
        // Fairness fires at p < 0.01 corrected for the number of gaps and beyond a 0.05 gap, so
        // under 1 % is expected; KS needs p < 0.01 and D ≥ 0.1 (unchanged: D ≈ 0.03); PSI 0.2
        // is far beyond unchanged traffic's.
        var fired: [DriftKind: Int] = [:]
        for seed in 0..<150 {
            let window = Self.traffic(600, seed: 1000 + UInt64(seed))
            for kind in [DriftKind.data, .label, .prediction, .fairness] where DriftChecks.evaluate(kind, reference: Self.reference, current: window, policy: Self.policy).state == .firing {
                fired[kind, default: 0] += 1
            }
        }
        return fired
    }

    @Test func aSmallDropInAccuracyIsNoiseAndABigOneOnFewLabelsIsToo() {
        // 2 % worse: under the documents' 5 %.
        let slightly = Self.traffic(4200, seed: 3, errorRate: 0.118)
        #expect(DriftChecks.evaluate(.concept, reference: Self.reference, current: slightly, policy: Self.policy).state == .clear)
        // 120 labelled records at 0.85 (102 right): 5.6 % under the reference, but a z-test
        // cannot tell that from chance on so few (p ≈ 0.07).
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let few = (0..<120).map { index in DriftRecord(prediction: index < 102 ? "class-0" : "class-1", label: "class-0", score: nil, at: at) }
        let outcome = DriftChecks.evaluate(.concept, reference: Self.reference, current: few, policy: Self.policy)
        #expect((outcome.value ?? 0) > 0.05)
        #expect(outcome.state == .clear, "\(outcome.summary)")
        #expect(outcome.summary.contains("within noise"))
        // The same accuracy over 1 200 labels is a real drop.
        let many = (0..<1200).map { index in DriftRecord(prediction: index < 1020 ? "class-0" : "class-1", label: "class-0", score: nil, at: at) }
        #expect(DriftChecks.evaluate(.concept, reference: Self.reference, current: many, policy: Self.policy).state == .firing)
    }

    @Test func tooFewRecordsAreInconclusiveNotClear() {
        let few = Self.traffic(50, seed: 5)
        for kind in DriftKind.allCases {
            #expect(DriftChecks.evaluate(kind, reference: Self.reference, current: few, policy: Self.policy).state == .inconclusive, "\(kind)")
        }
        var unlabelled = Self.traffic(600, seed: 6)
        for index in unlabelled.indices { unlabelled[index].label = nil }
        #expect(DriftChecks.evaluate(.concept, reference: Self.reference, current: unlabelled, policy: Self.policy).state == .inconclusive)
        #expect(DriftChecks.evaluate(.calibration, reference: [], current: unlabelled, policy: Self.policy).state == .inconclusive)
        var anonymous = Self.traffic(600, seed: 7)
        for index in anonymous.indices { anonymous[index].protected = [:] }
        #expect(DriftChecks.evaluate(.fairness, reference: [], current: anonymous, policy: Self.policy).state == .inconclusive)
    }

    @Test func calibratedScoresPassAndOverconfidentOnesFail() {
        let calibrated = Self.traffic(4200, seed: 8)
        let clear = DriftChecks.evaluate(.calibration, reference: [], current: calibrated, policy: Self.policy)
        #expect(clear.state == .clear, "\(clear.summary)")
        let overconfident = Self.traffic(4200, seed: 9, effects: [.conceptChange(extraErrorRate: 0.2)])
        #expect(DriftChecks.evaluate(.calibration, reference: [], current: overconfident, policy: Self.policy).state == .firing)
        // Logits and garbage are left out rather than trapping the binning.
        var logits = calibrated
        for index in logits.indices { logits[index].score = [-3.5, 7.2, .infinity, .nan][index % 4] }
        #expect(DriftChecks.evaluate(.calibration, reference: [], current: logits, policy: Self.policy).state == .inconclusive)
    }

    @Test func fairnessGapsAreFairlearnsOverTheLargeEnoughGroups() throws {
        // A binary model: the gaps equal FairnessMetrics' (fairlearn's) on the same records.
        var random = SplitMix64(seed: 10)
        let records = (0..<900).map { index -> DriftRecord in
            let group = ["a", "b", "c"][index % 3]
            let label = random.nextUnit() < 0.4 ? "1" : "0"
            let bias = group == "c" ? 0.25 : 0
            let prediction = random.nextUnit() < (label == "1" ? 0.8 - bias : 0.1 + bias / 2) ? "1" : "0"
            return DriftRecord(prediction: prediction, label: label, score: nil, protected: ["g": group], at: Date(timeIntervalSince1970: 0))
        }
        let metrics = FairnessMetrics(
            labels: records.map { $0.label == "1" ? 1 : 0 }, predictions: records.map { $0.prediction == "1" ? 1 : 0 }, groups: records.map { $0.protected["g"] ?? "" })
        let gaps = FairnessDrift.gaps(records, minimumGroupSamples: 30, policy: Self.policy).filter { $0.predictedClass == "1" }
        let selection = try #require(gaps.first { $0.metric == .selectionRate })
        #expect(abs(selection.gap - metrics.demographicParityDifference) < 1e-12)
        let odds = gaps.filter { $0.metric != .selectionRate }.map(\.gap).max() ?? -1
        #expect(abs(odds - metrics.equalizedOddsDifference) < 1e-12)
        let outcome = FairnessDrift.evaluate(records, policy: Self.policy)
        #expect(outcome.state == .firing)
        #expect(outcome.summary.contains("between"))
        // A group too small to compare is left out, not allowed to make a gap by itself.
        let tiny = records + (0..<5).map { _ in DriftRecord(prediction: "1", label: "0", score: nil, protected: ["g": "d"], at: Date(timeIntervalSince1970: 0)) }
        #expect(!FairnessDrift.gaps(tiny, minimumGroupSamples: 30, policy: Self.policy).contains { $0.highGroup == "d" || $0.lowGroup == "d" })
    }

    @Test func aCheckBecomesAFindingOfItsRuleAndSeverityNamingTheWindow() throws {
        let window = DriftWindow(cadence: .daily, containing: Date(timeIntervalSince1970: 1_800_000_000))
        let outcome = DriftOutcome(state: .firing, value: .nan, threshold: 0.2, pValue: .infinity, summary: "PSI above 0.2: signal 0.5", referenceSamples: 10, currentSamples: 5)
        #expect(outcome.value == nil && outcome.pValue == nil)
        let check = DriftCheckRecord(
            subject: DriftSubject(model: "kws@1.0.0", deviceClass: "mcu-m4"), kind: .fairness, window: window, severity: DriftKind.fairness.rule.defaultSeverity,
            outcome: outcome, policySHA256: "p", checkedAt: window.end, checkedBy: "host:1")
        let finding = check.finding
        #expect(finding.rule == .fairnessDrift)
        #expect(finding.severity == .critical)
        #expect(finding.summary.contains(AuditChain.timestamp(window.start)))
        #expect(check.subject.alertKey == MonitorKey(model: "kws@1.0.0", deviceClass: "mcu-m4", device: "telemetry"))
        #expect(DriftKind.allCases.map(\.rule.defaultSeverity) == [.medium, .high, .medium, .medium, .critical, .medium, .high])
        // Every drift kind is drift for the lifecycle; the accuracy floor is a floor, not a drift.
        #expect(MonitorRule.drift.isSuperset(of: DriftKind.allCases.filter { $0 != .accuracyFloor }.map(\.rule)))
        #expect(!MonitorRule.drift.contains(.accuracyFloor))
    }
}
