import EdgeProfCore
import Foundation
import Testing

/// Issue 19: a bench place that stops reporting raises an alert after three of its rounds (never
/// sooner than 30 s), one that failed its round another; an agent that stops on purpose is not
/// silent. Reports are validated field by field; places sharing a probe take turns.
@Suite struct PlaceWatchTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func place(every: Double = 60, problem: String? = nil, stopped: Bool = false) -> StoredBenchPlace {
        StoredBenchPlace(
            bench: "lab-a",
            report: BenchPlaceReport(place: "shelf-1", deviceClass: "sim-cortex-m4", wiring: "board edgeprof-sim serial S1", problem: problem, rounds: 4, everySeconds: every),
            reportedAt: start, stopped: stopped)
    }

    static func states(_ place: StoredBenchPlace, after seconds: TimeInterval) -> [MonitorRule: FindingState] {
        Dictionary(uniqueKeysWithValues: PlaceWatch.findings(for: place, now: start.addingTimeInterval(seconds)).map { ($0.rule, $0.state) })
    }

    @Test func aPlaceIsSilentAfterThreeOfItsRoundsAndNeverSoonerThanThirtySeconds() {
        #expect(Self.states(Self.place(every: 60), after: 180) == [.placeSilent: .clear, .placeUnhealthy: .clear])
        #expect(Self.states(Self.place(every: 60), after: 181) == [.placeSilent: .firing, .placeUnhealthy: .clear])
        #expect(Self.states(Self.place(every: 1), after: 29) == [.placeSilent: .clear, .placeUnhealthy: .clear], "a 1 s cadence is not silent after 3 s")
        #expect(Self.states(Self.place(every: 1), after: 31)[.placeSilent] == .firing)
        let silent = PlaceWatch.findings(for: Self.place(every: 60), now: Self.start.addingTimeInterval(600))[0]
        #expect(silent.summary == "place lab-a/shelf-1 has not reported for 600 s (limit 180 s: 3 rounds of 60 s); its agent or host may be down")
        #expect(silent.severity == .high)
    }

    /// A collector that was down heard nothing: a place gets its rounds again from the restart,
    /// and meanwhile is neither silent nor reporting, so an alert open before the restart neither
    /// resolves nor reopens (no flap on every restart).
    @Test func silenceCountsOnlyTimeTheCollectorWasListening() {
        let restarted = Self.start.addingTimeInterval(1000)
        func silence(after seconds: TimeInterval, listeningSince: Date?) -> FindingState? {
            PlaceWatch.findings(for: Self.place(every: 60), now: Self.start.addingTimeInterval(seconds), listeningSince: listeningSince).first?.state
        }
        #expect(silence(after: 1030, listeningSince: nil) == .firing, "without a restart, 1030 s of quiet is silence")
        #expect(silence(after: 1030, listeningSince: restarted) == .inconclusive, "30 s after a restart, the place has not had its 3 rounds")
        #expect(silence(after: 1030, listeningSince: Self.start.addingTimeInterval(1020)) == .inconclusive)
        #expect(silence(after: 120, listeningSince: restarted) == .clear, "a place that reported within its limit reports")
        #expect(silence(after: 1181, listeningSince: restarted) == .firing, "3 rounds after the restart, it has")
        #expect(silence(after: 181, listeningSince: Self.start.addingTimeInterval(-50)) == .firing, "a collector up before the last report counts from the report")
        let summary = PlaceWatch.findings(for: Self.place(every: 60), now: Self.start.addingTimeInterval(1181), listeningSince: restarted)[0].summary
        #expect(summary.hasPrefix("place lab-a/shelf-1 has not reported for 1181 s"), "the summary says how long since its last report: \(summary)")
    }

    @Test func anAgentThatStopsOnPurposeIsNotSilentButAFailedPlaceStaysUnhealthy() {
        #expect(Self.states(Self.place(stopped: true), after: 86_400)[.placeSilent] == .clear)
        let failed = Self.place(problem: "its board is not plugged in", stopped: true)
        #expect(Self.states(failed, after: 86_400) == [.placeSilent: .clear, .placeUnhealthy: .firing])
        let finding = PlaceWatch.findings(for: failed, now: Self.start)[1]
        #expect(finding.summary == "place lab-a/shelf-1 failed its last round: its board is not plugged in" && finding.severity == .medium)
        #expect(PlaceWatch.key(of: failed) == MonitorKey(model: "bench:lab-a", deviceClass: "sim-cortex-m4", device: "lab-a/shelf-1"))
        #expect(Playbook.opened(by: .placeSilent) == nil && Playbook.opened(by: .placeUnhealthy) == nil, "a lab matter, not a model incident")
    }

    @Test func theStatusSaysReportingSilentOrStopped() {
        let now = Self.start.addingTimeInterval(200)
        #expect(BenchPlaceStatus(Self.place(every: 60), now: now, openAlerts: []).state == .silent)
        #expect(BenchPlaceStatus(Self.place(every: 100), now: now, openAlerts: []).state == .reporting)
        let stopped = BenchPlaceStatus(Self.place(problem: "gone", stopped: true), now: now, openAlerts: ["place-unhealthy"])
        #expect(stopped.state == .stopped && !stopped.healthy)
        let table = BenchStatusListing.table([stopped], now: now)
        #expect(table.contains("lab-a/shelf-1") && table.contains("stopped") && table.contains("FAILING") && table.contains("place-unhealthy; gone"), "\(table)")
    }

    @Test(arguments: [
        (BenchPlaceReport(place: "bad place", deviceClass: nil, wiring: "", everySeconds: 1), "places[0].place"),
        (BenchPlaceReport(place: "p", deviceClass: "a b", wiring: "", everySeconds: 1), "places[0].deviceClass"),
        (BenchPlaceReport(place: "p", deviceClass: nil, wiring: String(repeating: "w", count: 1025), everySeconds: 1), "places[0].wiring"),
        (BenchPlaceReport(place: "p", deviceClass: nil, wiring: "", problem: String(repeating: "x", count: 2049), everySeconds: 1), "places[0].problem"),
        (BenchPlaceReport(place: "p", deviceClass: nil, wiring: "", rounds: -1, everySeconds: 1), "places[0].rounds"),
        (BenchPlaceReport(place: "p", deviceClass: nil, wiring: "", everySeconds: 0), "places[0].everySeconds"),
        (BenchPlaceReport(place: "p", deviceClass: nil, wiring: "", everySeconds: .infinity), "places[0].everySeconds"),
        (BenchPlaceReport(place: "p", deviceClass: nil, wiring: "", everySeconds: 86_401), "places[0].everySeconds"),
    ])
    func anAbsurdReportIsRefusedWithItsField(report: BenchPlaceReport, field: String) {
        #expect(BenchPlaceValidation.problem(in: [report])?.field == field)
    }

    @Test func reportsNameEachPlaceOnceAndAtMost256() {
        let place = BenchPlaceReport(place: "p", deviceClass: nil, wiring: "", everySeconds: 1)
        #expect(BenchPlaceValidation.problem(in: [place]) == nil)
        #expect(BenchPlaceValidation.problem(in: [place, place])?.problem == "'p' is reported twice")
        let many = (0...256).map { BenchPlaceReport(place: "p\($0)", deviceClass: nil, wiring: "", everySeconds: 1) }
        #expect(BenchPlaceValidation.problem(in: many)?.field == "places")
    }

    @Test func placesSharingAProbeTakeTurnsAndTheOthersRunInParallel() {
        func place(_ name: String, probe: String?) -> BenchPlace {
            BenchPlace(name: name, board: BenchBoard(catalogueName: "b", identity: .serial(name)), flasher: probe.map { BenchFlasher(tool: "openocd", probe: $0) })
        }
        let bench = BenchFile(
            name: "lab", places: [place("a", probe: "P1"), place("b", probe: nil), place("c", probe: "P2"), place("d", probe: "P1"), place("e", probe: "P2")],
            file: "bench.yaml")
        #expect(BenchSchedule.groups(of: bench).map { $0.map(\.name) } == [["a", "d"], ["b"], ["c", "e"]])
    }
}
