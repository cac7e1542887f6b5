@testable import EdgeProfCore
import EdgeProfSim
import Foundation
import Testing

/// The shadow report's verdict (issue 15 §4): inconclusive until the period has run with enough
/// labelled pairs, a fail as soon as the candidate is shown worse, figures from the same tests
/// the A/B verdicts use; and the staging gate that reads it.
@Suite struct ShadowComparisonTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let classes = ["m4", "m7"]

    /// `count` requests on two classes: the served version wrong `servedError` of the time, the
    /// candidate `candidateError`; the candidate's latency `latencyFactor` times production's; for
    /// the candidate, requests of `biased` (age_group 50+ on m7) are wrong `biasError` more often.
    static func pairs(
        _ count: Int, servedError: Double = 0.1, candidateError: Double = 0.1, latencyFactor: Double = 1, biasError: Double = 0, seed: UInt64 = 3
    ) -> [ShadowPair] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { index in
            let request = SimulatedTraffic.request(errorRate: servedError, effects: [], random: &random)
            let deviceClass = classes[index % 2]
            let biased = deviceClass == "m7" && request.protected["age_group"] == "50+"
            var answer = SimulatedTraffic.shadowAnswer(to: request, errorRate: candidateError, random: &random)
            if biased, random.nextUnit() < biasError {
                answer.prediction = SimulatedTraffic.classes.first { $0 != request.label } ?? answer.prediction
            }
            let latency = 20 * exp(0.1 * random.nextGaussian())
            return ShadowPair(
                deviceClass: deviceClass, servedModel: "kws@1.0.0",
                served: ShadowAnswer(prediction: request.prediction, score: request.score, latencyMs: latency),
                shadow: ShadowAnswer(prediction: answer.prediction, score: answer.score, latencyMs: latency * latencyFactor),
                label: request.label, protected: request.protected, at: start.addingTimeInterval(Double(index) * 60))
        }
    }

    static func report(_ pairs: [ShadowPair], days: Double = 8, policy: GovernancePolicy = GovernancePolicy()) -> ShadowReport {
        ShadowComparison.report(
            candidate: "kws@1.1.0", artifactSHA256: String(repeating: "b", count: 64), pairs: pairs, from: start,
            to: start.addingTimeInterval(days * 86_400), policy: policy)
    }

    @Test func aBetterCandidatePassesOnlyOnceThePeriodHasRun() throws {
        let pairs = Self.pairs(2000, servedError: 0.15, candidateError: 0.05)
        let early = Self.report(pairs, days: 3)
        #expect(early.outcome == .inconclusive && early.findings.first == "needs: the shadow period has run 3.0 of 7 days (until 2027-01-22)", "\(early.findings)")
        let report = Self.report(pairs)
        #expect(report.outcome == .pass, "\(report.findings)")
        let candidate = report.candidateFigures
        let served = report.servedFigures
        let z = try #require(TwoProportionZTest(successesA: candidate.correct, trialsA: 2000, successesB: served.correct, trialsB: 2000))
        #expect(report.accuracyZ == z.z && report.accuracyPValue == z.pValue && z.z > 0)
        let ks = try #require(KolmogorovSmirnovTest.twoSample(pairs.compactMap(\.shadow.score), pairs.compactMap(\.served.score)))
        #expect(report.scoreKSStatistic == ks.statistic && report.scoreKSPValue == ks.pValue && report.scoreKSMethod == .exact)
        #expect(report.latencyPValue == WelchTTest(pairs.compactMap(\.shadow.latencyMs), pairs.compactMap(\.served.latencyMs)).pValue)
        #expect(report.deviceClasses.map(\.deviceClass) == ["m4", "m7"] && report.deviceClasses.map(\.pairs) == [1000, 1000])
        #expect(report.deviceClasses.allSatisfy { $0.fairness.state == .clear }, "\(report.deviceClasses.map(\.fairness.summary))")
        #expect(report.window.firstPair == Self.start && report.servedVersions == ["kws@1.0.0": 2000])
    }

    @Test func aWorseCandidateFailsWithoutWaitingForThePeriod() {
        let worse = Self.report(Self.pairs(2000, servedError: 0.05, candidateError: 0.15), days: 1)
        #expect(worse.outcome == .fail && worse.findings.first?.hasPrefix("accuracy ") == true && worse.findings.first?.hasSuffix("→ FAIL") == true, "\(worse.findings)")
        // A drop inside the allowed 5 % does not fail, however significant.
        let slightly = Self.report(Self.pairs(20_000, servedError: 0.10, candidateError: 0.13))
        #expect(slightly.outcome == .pass, "\(slightly.findings)")
        let slow = Self.report(Self.pairs(500, latencyFactor: 2.5), days: 1)
        #expect(slow.outcome == .fail && slow.findings.first?.hasPrefix("p95 latency") == true, "\(slow.findings)")
    }

    @Test func aGroupTreatedWorseOnOneDeviceClassFailsThere() {
        let report = Self.report(Self.pairs(4000, biasError: 0.5))
        #expect(report.outcome == .fail, "\(report.findings)")
        let byClass = Dictionary(uniqueKeysWithValues: report.deviceClasses.map { ($0.deviceClass, $0.fairness.state) })
        #expect(byClass == ["m4": .clear, "m7": .firing])
        #expect(report.findings.contains { $0.hasPrefix("fairness on m7: age_group:") && $0.hasSuffix("→ FAIL") }, "\(report.findings)")
    }

    @Test func tooFewPairsOrLabelsIsInconclusive() {
        #expect(Self.report([]).outcome == .inconclusive)
        #expect(Self.report([]).findings.first?.hasPrefix("no request answered by both kws@1.1.0 in shadow") == true)
        #expect(Self.report(Self.pairs(60)).findings.contains("needs: 60 of 100 paired requests"))
        var unlabelled = Self.pairs(300)
        for index in unlabelled.indices where index % 2 == 0 { unlabelled[index].label = nil }
        let report = Self.report(unlabelled)
        #expect(report.outcome == .pass && report.labelledPairs == 150, "150 labelled pairs are enough for the default 100: \(report.findings)")
        var policy = GovernancePolicy()
        policy.shadow.minimumPairs = 200
        #expect(Self.report(unlabelled, policy: policy).findings.first == "needs: 150 of 200 labelled pairs needed to compare accuracy")
    }

    @Test func thePolicyReadsTheShadowGate() throws {
        let policy = try GovernancePolicy(yaml: """
            gates:
              shadow-evidence: {period-days: 14, min-pairs: 500, max-accuracy-drop: 0.02, max-latency-ratio: 1.5, max-energy-ratio: 3, attached-reports: ignore}
            """, file: "gov.yaml")
        #expect(policy.shadow.periodDays == 14 && policy.shadow.minimumPairs == 500 && policy.shadow.maxAccuracyDrop == 0.02)
        #expect(policy.shadow.maxLatencyRatio == 1.5 && policy.shadow.maxEnergyRatio == 3 && policy.shadow.attachedReports == .ignore)
        #expect(GovernancePolicy().shadow == ShadowPolicy())
        #expect { try GovernancePolicy(yaml: "gates:\n  shadow-evidence: {period-days: 0}\n", file: "gov.yaml") } throws: {
            "\($0)" == "gov.yaml:2: gates: shadow-evidence: field 'period-days' must be a whole number ≥ 1, got '0'"
        }
        #expect { try GovernancePolicy(yaml: "gates:\n  shadow-evidence: {attached-reports: always}\n", file: "gov.yaml") } throws: {
            "\($0)" == "gov.yaml:2: gates: shadow-evidence: field 'attached-reports' must be one of when-no-telemetry, ignore, got 'always'"
        }
    }

    /// A hand-attached report stands in only while the fleet reports no telemetry of the model.
    @Test func anAttachedReportCannotOutvoteTheTelemetry() throws {
        let registry = Registry()
        registry.addTeam()
        try registry.act("ana") { try $0.register(Registry.model("1.0.0"), metadata: Registry.goodMetadata) }
        registry.attach("1.0.0", "shadow-report", "# 7 days, 99.9 % agreement")
        let version = try #require(registry.snapshot.version(Registry.reference("1.0.0")))
        let gate = { (evidence: GateEvidence, policy: GovernancePolicy) in
            GovernanceGates(snapshot: registry.snapshot, policy: policy, evidence: evidence).evaluate(.shadowEvidence, for: version)
        }
        let policy = GovernancePolicy()
        #expect(gate(GateEvidence(), policy).outcome == .pass)
        #expect(gate(GateEvidence(), policy).summary.hasPrefix("hand-attached shadow report shadow-report.txt"))
        var ignoring = policy
        ignoring.shadow.attachedReports = .ignore
        #expect(gate(GateEvidence(), ignoring).outcome == .inconclusive)
        let failing = Self.report(Self.pairs(2000, servedError: 0.05, candidateError: 0.2))
        let overruled = gate(GateEvidence(shadowReport: failing, modelHasTelemetry: true), policy)
        #expect(overruled.outcome == .fail && overruled.findings.last == "the attached shadow report shadow-report.txt is not counted: the fleet's telemetry decides")
        let silent = gate(GateEvidence(shadowReport: Self.report([]), modelHasTelemetry: true), policy)
        #expect(silent.outcome == .inconclusive, "the fleet reports telemetry but not of the shadow: it did not run")
    }
}
