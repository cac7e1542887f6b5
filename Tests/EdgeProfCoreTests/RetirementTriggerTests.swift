@testable import EdgeProfCore
import Foundation
import Testing

/// The retirement trigger (004 §6.2) on weekly accuracy-floor checks: exactly the consecutive
/// weeks, this one included, below the floor propose retirement; a gap, an inconclusive week or a
/// missing one do not; a week back at or above the floor clears the proposal.
@Suite struct RetirementTriggerTests {
    static let monday = Date(timeIntervalSince1970: 1_788_739_200)  // 2026-09-07

    static func week(_ number: Int, accuracy: Double?, samples: Int = 500) -> DriftCheckRecord {
        let start = monday.addingTimeInterval(Double(number) * DriftCadence.weekly.seconds)
        let labelled = (0..<samples).map { index in
            DriftRecord(prediction: "a", label: Double(index) < Double(samples) * (accuracy ?? 0) ? "a" : "b", score: nil, at: start)
        }
        let outcome = DriftChecks.evaluate(.accuracyFloor, reference: [], current: accuracy == nil ? [] : labelled, policy: GovernancePolicy())
        return DriftCheckRecord(
            subject: DriftSubject(model: "kws@1.0.0", deviceClass: "m7"), kind: .accuracyFloor, window: DriftWindow(cadence: .weekly, containing: start),
            severity: .high, outcome: outcome, policySHA256: "p", checkedAt: start, checkedBy: "c")
    }

    @Test func theFloorIsAnAbsoluteAccuracyOverEnoughLabels() {
        #expect(Self.week(1, accuracy: 0.79).outcome.state == .firing && Self.week(1, accuracy: 0.79).outcome.value == 0.79)
        #expect(Self.week(1, accuracy: 0.80).outcome.state == .clear)
        #expect(Self.week(1, accuracy: 0.5, samples: 99).outcome.state == .inconclusive)
        #expect(Self.week(1, accuracy: nil).outcome.summary == "0 labelled records in the window; 100 needed")
    }

    @Test func onlyConsecutiveWeeksBelowTheFloorProposeRetirement() throws {
        let policy = DriftPolicy()
        let third = Self.week(3, accuracy: 0.7)
        let proposal = try #require(RetirementTrigger.finding(after: third, earlier: [Self.week(2, accuracy: 0.75), Self.week(1, accuracy: 0.78)], policy: policy))
        #expect(proposal.rule == .retirementProposal && proposal.state == .firing && proposal.severity == .high)
        #expect(proposal.summary == "accuracy below 0.800 for 3 consecutive weeks (2026-09-14 0.780, 2026-09-21 0.750, 2026-09-28 0.700): retirement proposed")
        #expect(RetirementTrigger.finding(after: third, earlier: [Self.week(2, accuracy: 0.75)], policy: policy) == nil, "two weeks are not three")
        #expect(RetirementTrigger.finding(after: third, earlier: [Self.week(2, accuracy: 0.75), Self.week(0, accuracy: 0.7)], policy: policy) == nil, "a missing week breaks the run")
        #expect(RetirementTrigger.finding(after: third, earlier: [Self.week(2, accuracy: 0.85), Self.week(1, accuracy: 0.7)], policy: policy) == nil)
        #expect(RetirementTrigger.finding(after: third, earlier: [Self.week(2, accuracy: 0.7, samples: 50), Self.week(1, accuracy: 0.7)], policy: policy) == nil)
        #expect(RetirementTrigger.finding(after: Self.week(3, accuracy: 0.7, samples: 50), earlier: [], policy: policy) == nil)
        let clear = try #require(RetirementTrigger.finding(after: Self.week(4, accuracy: 0.9), earlier: [], policy: policy))
        #expect(clear.state == .clear && clear.rule == .retirementProposal)
        var one = policy
        one.retirementPeriods = 1
        #expect(RetirementTrigger.finding(after: third, earlier: [], policy: one)?.state == .firing)
    }

    @Test func thePolicyReadsTheTrigger() throws {
        let policy = try GovernancePolicy(yaml: "monitoring: {retirement-accuracy: 0.7, retirement-periods: 4}\n", file: "gov.yaml")
        #expect(policy.drift.retirementAccuracy == 0.7 && policy.drift.retirementPeriods == 4)
        #expect { try GovernancePolicy(yaml: "monitoring: {retirement-periods: 60}\n", file: "gov.yaml") } throws: {
            "\($0)" == "gov.yaml:1: monitoring: retirement-periods is 60; at most 52 (a year of weeks)"
        }
    }
}
