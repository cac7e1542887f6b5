@testable import EdgeProfCore
import Foundation
import Testing

/// Which windows the drift scheduler checks: whole UTC days and ISO weeks, each once, oldest
/// first, only after they end (and the grace for late labels), catching up after downtime.
@Suite struct DriftScheduleTests {
    static let day = 86_400.0

    static func at(_ text: String) throws -> Date {
        try #require(try? Date(text, strategy: .iso8601))
    }

    @Test func daysStartAtUTCMidnightAndWeeksOnMonday() throws {
        let thursday = try Self.at("2026-11-26T23:13:58Z")
        let daily = DriftWindow(cadence: .daily, containing: thursday)
        #expect(daily.start == (try Self.at("2026-11-26T00:00:00Z")))
        #expect(daily.end == (try Self.at("2026-11-27T00:00:00Z")))
        let weekly = DriftWindow(cadence: .weekly, containing: thursday)
        #expect(weekly.start == (try Self.at("2026-11-23T00:00:00Z")))
        #expect(weekly.end == (try Self.at("2026-11-30T00:00:00Z")))
        // A Monday's midnight starts its own week; the second before it belongs to the last one.
        let monday = try Self.at("2026-11-30T00:00:00Z")
        #expect(DriftWindow(cadence: .weekly, containing: monday).start == monday)
        #expect(DriftWindow(cadence: .weekly, containing: monday.addingTimeInterval(-1)).start == weekly.start)
        // Before 1970 too (the remainder is negative there).
        let old = try Self.at("1969-12-31T12:00:00Z")
        #expect(DriftWindow(cadence: .weekly, containing: old).start == (try Self.at("1969-12-29T00:00:00Z")))
        #expect(weekly.next.start == weekly.end)
    }

    @Test func aWindowIsDueOnceItEndedAndTheGracePassed() throws {
        let earliest = try Self.at("2026-11-20T10:00:00Z")
        let now = try Self.at("2026-11-23T00:30:00Z")
        let due = DriftSchedule.due(.daily, earliest: earliest, now: now, grace: 3600, done: [])
        // The 22nd ended 30 minutes ago: within the grace, not due yet.
        #expect(due.map(\.start) == [try Self.at("2026-11-20T00:00:00Z"), try Self.at("2026-11-21T00:00:00Z")])
        let later = DriftSchedule.due(.daily, earliest: earliest, now: now.addingTimeInterval(1800), grace: 3600, done: [])
        #expect(later.count == 3)
    }

    @Test func doneWindowsAreNeverDueAgainAndTheRestCatchUpOldestFirst() throws {
        let earliest = try Self.at("2026-10-01T00:00:00Z")
        let now = try Self.at("2026-11-26T12:00:00Z")
        let all = DriftSchedule.due(.daily, earliest: earliest, now: now, grace: 3600, done: [])
        #expect(all.count == 56)
        #expect(all == all.sorted())
        let done = Set(all.prefix(50).map(\.start))
        let rest = DriftSchedule.due(.daily, earliest: earliest, now: now, grace: 3600, done: done)
        #expect(rest == Array(all.suffix(6)))
        let weeks = DriftSchedule.due(.weekly, earliest: earliest, now: now, grace: 3600, done: [])
        #expect(weeks.first?.start == (try Self.at("2026-09-28T00:00:00Z")))
        #expect(weeks.last?.end == (try Self.at("2026-11-23T00:00:00Z")))
    }

    @Test func absurdTimesNeitherHangNorFlood() throws {
        let now = try Self.at("2026-11-26T12:00:00Z")
        // Telemetry dated 1970 cannot make the scheduler walk half a century of days.
        let due = DriftSchedule.due(.daily, earliest: Date(timeIntervalSince1970: 0), now: now, grace: 0, done: [])
        #expect(due.count <= DriftSchedule.maximumCatchUp)
        #expect(due.last?.end == (try Self.at("2026-11-26T00:00:00Z")))
        #expect(DriftSchedule.due(.daily, earliest: now.addingTimeInterval(Self.day * 3), now: now, grace: 0, done: []).isEmpty)
    }

    @Test func theReferenceIsTheFirstWholeDays() throws {
        let reference = DriftSchedule.referencePeriod(firstSeen: try Self.at("2026-11-02T17:00:00Z"), days: 7)
        #expect(reference.start == (try Self.at("2026-11-02T00:00:00Z")))
        #expect(reference.end == (try Self.at("2026-11-09T00:00:00Z")))
    }

    @Test func theMonitoringSectionOfAPolicySetsTheThresholds() throws {
        let policy = try GovernancePolicy(yaml: """
            monitoring:
              reference-days: 3
              grace-hours: 6
              min-samples: 50
              p-value: 0.001
              data-drift-psi: 0.25
              accuracy-drop: 0.1
            """, file: "policy.yaml")
        #expect(policy.drift.referenceDays == 3)
        #expect(policy.drift.graceHours == 6)
        #expect(policy.drift.minimumSamples == 50)
        #expect(policy.drift.pValue == 0.001)
        #expect(policy.drift.dataDriftPSI == 0.25)
        #expect(policy.drift.labelDriftPSI == 0.2)
        #expect(policy.drift.accuracyDrop == 0.1)
        #expect(GovernancePolicy().drift == DriftPolicy())
        for (text, named) in [
            ("monitoring:\n  p-value: 0.5\n", "p-value"), ("monitoring:\n  accuracy-drop: 1\n", "accuracy-drop"),
            ("monitoring:\n  reference-days: 400\n", "reference-days"), ("monitoring:\n  min-sample: 10\n", "min-samples"),
        ] {
            do {
                _ = try GovernancePolicy(yaml: text, file: "policy.yaml")
                Issue.record("\(text) was accepted")
            } catch {
                #expect(error.description.contains(named), "\(error.description)")
                #expect(error.description.contains("policy.yaml"))
            }
        }
    }
}
