import EdgeProfCore
@testable import EdgeProfSim
import Testing

/// Issue 19: what a PPK2's stream tells about its wiring (edges per logic input, current while
/// marked, bursts of current), and the verdict every kind of miswiring gets.
@Suite struct WiringCheckTests {
    /// A stream of `windows` inferences: `active` samples high on `input` (nil: no mark), `idle` low between.
    static func stream(windows: Int, input: Int?, active: Int = 400, idle: Int = 200, activeADC: UInt32 = 9000, idleADC: UInt32 = 700) -> [UInt8] {
        var bytes: [UInt8] = []
        var counter: UInt8 = 0
        func add(_ adc: UInt32, _ logic: UInt8, _ count: Int) {
            for _ in 0..<count {
                let sample = PPK2Sample(adc: adc, range: 1, counter: counter, logic: logic)
                withUnsafeBytes(of: sample.raw.littleEndian) { bytes += $0 }
                counter = (counter &+ 1) & 0x3F
            }
        }
        add(idleADC, 0, idle)
        for _ in 0..<windows {
            add(activeADC, input.map { 1 << UInt8($0) } ?? 0, active)
            add(idleADC, 0, idle)
        }
        return bytes
    }

    static func summary(_ bytes: [UInt8], chunk: Int = 997) -> WiringSummary {
        var observer = WiringObserver(metadata: SimulatedPPK2.defaultMetadata, millivolts: 3300)
        var offset = 0
        while offset < bytes.count {
            observer.consume(Array(bytes[offset..<min(offset + chunk, bytes.count)]))
            offset += chunk
        }
        return observer.summary
    }

    static let place = BenchPlace(
        name: "shelf-1", board: BenchBoard(catalogueName: "edgeprof-sim", identity: .serial("S1")),
        power: BenchPowerMonitor(instrument: "nordic-ppk2", identity: .serial("P1"), mode: .source, millivolts: 3300, markInput: 2))
    static let idle = summary(stream(windows: 0, input: nil, idle: 3000))

    @Test func theObserverCountsEdgesAndBurstsAndSeparatesTheCurrents() {
        let seen = Self.summary(Self.stream(windows: 6, input: 2))
        #expect(seen.samples == 200 + 6 * 600)
        #expect(seen.risingEdges == [0, 0, 6, 0, 0, 0, 0, 0])
        #expect(seen.currentBursts == 6)
        let high = seen.meanHighAmperes[2] ?? 0
        let low = seen.meanLowAmperes[2] ?? .infinity
        #expect(high > 5 * low, "\(high) vs \(low)")
        #expect(seen.meanHighAmperes[0] == nil && seen.sawActivity(windows: 6) && !Self.idle.sawActivity(windows: 6))
        #expect(Self.summary(Self.stream(windows: 6, input: 2), chunk: 3) == seen, "the same figures whatever the chunking")
        #expect(Self.idle.currentBursts == 0 && Self.idle.risingEdges.allSatisfy { $0 == 0 })
    }

    @Test func aLineAlreadyHighWhenTheCaptureStartsIsNotAnEdge() {
        let bytes = Self.stream(windows: 3, input: 4, idle: 100)
        // Drop the leading idle stretch and half of the first window: the capture starts mid-window.
        let seen = Self.summary(Array(bytes.dropFirst((100 + 200) * 4)))
        #expect(seen.risingEdges[4] == 2)
    }

    @Test func aWellWiredPlaceIsOK() {
        let verdict = WiringCheck.judge(place: Self.place, windows: 6, own: Self.summary(Self.stream(windows: 6, input: 2)), others: ["shelf-2": Self.idle])
        #expect(verdict.level == .ok && verdict.fault == nil, "\(verdict)")
        #expect(verdict.finding.hasPrefix("D2 toggled once per inference (6 times); current "))
    }

    @Test func theMarkOnAnotherInputIsNamed() {
        let verdict = WiringCheck.judge(place: Self.place, windows: 6, own: Self.summary(Self.stream(windows: 6, input: 5)), others: [:])
        #expect(verdict.level == .fail && verdict.fault == "mark-input")
        #expect(verdict.fix == "the mark wire is on D5: set 'mark: 5' for this place, or move the wire to D2")
    }

    @Test func aMissingMarkWireIsToldFromTheCurrentBursts() {
        let verdict = WiringCheck.judge(place: Self.place, windows: 6, own: Self.summary(Self.stream(windows: 6, input: nil)), others: [:])
        #expect(verdict.level == .fail && verdict.fault == "no-mark-wire" && verdict.fix?.contains("D2") == true, "\(verdict)")
    }

    @Test func aBoardWithAlmostNoIdleTimeBetweenInferencesStillShowsWithoutAMark() {
        var bytes = Self.stream(windows: 0, input: nil, idle: 2000)
        bytes += Self.stream(windows: 6, input: nil, idle: 5)
        bytes += Self.stream(windows: 0, input: nil, idle: 2000)
        let verdict = WiringCheck.judge(place: Self.place, windows: 6, own: Self.summary(bytes), others: ["shelf-2": Self.idle])
        #expect(verdict.fault == "no-mark-wire", "\(verdict)")
    }

    @Test func aMonitorOnAnotherBoardNamesThePlaceWhoseMonitorSawThisBoard() {
        let elsewhere = Self.summary(Self.stream(windows: 6, input: 2))
        let verdict = WiringCheck.judge(place: Self.place, windows: 6, own: Self.idle, others: ["shelf-2": Self.idle, "shelf-3": elsewhere])
        #expect(verdict.level == .fail && verdict.fault == "monitor-swapped" && verdict.finding.contains("'shelf-3'"), "\(verdict)")
        let nowhere = WiringCheck.judge(place: Self.place, windows: 6, own: Self.idle, others: ["shelf-2": Self.idle])
        #expect(nowhere.level == .fail && nowhere.fault == "no-activity")
    }

    @Test func noCurrentInEitherModeNamesTheOtherMode() {
        let dark = Self.summary(Self.stream(windows: 6, input: 2, activeADC: 0, idleADC: 0))
        var source = Self.place
        let inSource = WiringCheck.judge(place: source, windows: 6, own: dark, others: [:])
        #expect(inSource.fault == "mode" && inSource.fix?.contains("set 'mode: ampere'") == true && inSource.finding.contains("while the board ran"), "\(inSource)")
        source.power?.mode = .ampere
        let inAmpere = WiringCheck.judge(place: source, windows: 6, own: dark, others: [:])
        #expect(inAmpere.fault == "mode" && inAmpere.fix?.contains("set 'mode: source'") == true)
        #expect(WiringCheck.silentBoard(place: source, problem: "no answer", bench: "bench.yaml").fix?.contains("ampere mode, which does not power the board") == true)
        #expect(WiringCheck.silentBoard(place: Self.place, problem: "no answer", bench: "bench.yaml").fix?.contains("ampere") == false)
    }

    @Test func aMarkThatTogglesTheWrongNumberOfTimesOrWithoutCurrentIsCaught() {
        let extra = WiringCheck.judge(place: Self.place, windows: 6, own: Self.summary(Self.stream(windows: 9, input: 2)), others: [:])
        #expect(extra.fault == "mark-count" && extra.finding == "D2 rose 9 times for 6 inferences")
        let flat = WiringCheck.judge(place: Self.place, windows: 6, own: Self.summary(Self.stream(windows: 6, input: 2, activeADC: 700)), others: [:])
        #expect(flat.level == .warn && flat.fault == "flat-current", "\(flat)")
        let twice = WiringCheck.judge(
            place: Self.place, windows: 6, own: Self.summary(Self.stream(windows: 6, input: 2)), others: ["shelf-2": Self.summary(Self.stream(windows: 6, input: 2))])
        #expect(twice.level == .warn && twice.fault == "seen-twice")
    }

    @Test func aSilentMonitorAndAPlaceWithoutMarkOrMonitorAreSaid() {
        let silent = WiringCheck.judge(place: Self.place, windows: 6, own: Self.summary([]), others: [:])
        #expect(silent.level == .fail && silent.fault == "monitor-silent")
        var unmarked = Self.place
        unmarked.power?.markInput = nil
        let undeclared = WiringCheck.judge(place: unmarked, windows: 6, own: Self.summary(Self.stream(windows: 6, input: 3)), others: [:])
        #expect(undeclared.level == .warn && undeclared.fix == "D3 toggled once per inference: add 'mark: 3' to the place's power")
        unmarked.power = nil
        #expect(WiringCheck.judge(place: unmarked, windows: 6, own: Self.idle, others: [:]).level == .ok)
    }

    /// A simulated board running behind its schedule lowers and raises its line within
    /// microseconds; the line still stays low long enough for a monitor to see two windows.
    @Test func aBoardBehindItsScheduleStillLeavesItsLineLowBetweenInferences() {
        let activity = BoardActivity()
        activity.set(true)
        activity.set(false)
        let lowered = ContinuousClock.now
        activity.set(true)
        #expect(!activity.isActive(at: lowered + .microseconds(50)), "low for at least 100 µs (10 PPK2 samples)")
        #expect(activity.isActive(at: lowered + .milliseconds(1)))
    }

    @Test func garbageNeverCrashesTheObserver() {
        var random = SystemRandomNumberGenerator()
        var observer = WiringObserver(metadata: SimulatedPPK2.defaultMetadata, millivolts: 3300)
        for _ in 0..<200 {
            observer.consume((0..<Int.random(in: 0..<300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) })
        }
        let summary = observer.summary
        #expect(summary.risingEdges.count == 8 && summary.samples >= 0)
    }
}
