/// What `edgeprof bench check` concludes about one place.
public struct WiringVerdict: Sendable, Hashable, Codable {
    public enum Level: String, Sendable, Hashable, Codable, Comparable {
        case ok = "OK", warn = "WARN", fail = "FAIL"

        private var rank: Int { self == .ok ? 0 : self == .warn ? 1 : 2 }
        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rank < rhs.rank }
    }

    public var level: Level
    /// A stable name of the fault (`mark-input`, `monitor-swapped`, …); nil when OK.
    public var fault: String?
    /// What was seen.
    public var finding: String
    /// What to do about it.
    public var fix: String?

    public init(level: Level, fault: String? = nil, finding: String, fix: String? = nil) {
        self.level = level
        self.fault = fault
        self.finding = finding
        self.fix = fix
    }
}

/// Judges a place's wiring from what every monitor of the bench saw while that place's board,
/// and no other, ran `windows` inferences. Pure; the faults it names are the ones benches have:
/// the mark on another input, no mark wire, the monitor measuring another board, the monitor
/// in the wrong mode, a mark that toggles the wrong number of times.
public enum WiringCheck {
    /// Below this mean current a monitor measures nothing (A).
    static let noCurrent = 1e-6

    public static func judge(place: BenchPlace, windows: Int, own: WiringSummary, others: [String: WiringSummary]) -> WiringVerdict {
        guard let power = place.power else { return WiringVerdict(level: .ok, finding: "board answers and runs; no power monitor on this place") }
        guard own.samples > 0 else {
            return WiringVerdict(
                level: .fail, fault: "monitor-silent", finding: "the power monitor sent no samples",
                fix: "check its USB cable, and that no other program (nRF Connect's Power Profiler) holds it")
        }
        let mean = own.meanAmperes ?? 0
        if mean < noCurrent {
            return noCurrentVerdict(power, mean: mean, boardRan: own.risingEdges.contains(windows))
        }
        let seenElsewhere = others.filter { $0.value.sawActivity(windows: windows) }.keys.sorted()
        guard let mark = power.markInput else {
            let candidates = (0..<8).filter { own.risingEdges[$0] == windows }
            return WiringVerdict(
                level: .warn, fault: "no-mark-declared", finding: "no mark input is declared, so energy per inference cannot be measured",
                fix: candidates.first.map { "D\($0) toggled once per inference: add 'mark: \($0)' to the place's power" } ?? "wire the board's mark GPIO to a logic input and declare it as 'mark'")
        }
        let edges = own.risingEdges[mark]
        if edges == windows { return markedVerdict(own, mark: mark, windows: windows, seenElsewhere: seenElsewhere) }
        if edges == 0 {
            if let input = (0..<8).first(where: { own.risingEdges[$0] == windows }) {
                return WiringVerdict(
                    level: .fail, fault: "mark-input", finding: "D\(mark) never toggled; D\(input) toggled once per inference (\(windows) times)",
                    fix: "the mark wire is on D\(input): set 'mark: \(input)' for this place, or move the wire to D\(mark)")
            }
            if let other = seenElsewhere.first {
                return WiringVerdict(
                    level: .fail, fault: "monitor-swapped", finding: "this board's inferences showed on place '\(other)''s monitor, not on this place's",
                    fix: "the monitors are swapped: swap the cables of '\(place.name)' and '\(other)', or their monitors' serials in the bench file")
            }
            if own.currentBursts > 0 {
                return WiringVerdict(
                    level: .fail, fault: "no-mark-wire", finding: "the current rose with the board's inferences but no logic input toggled",
                    fix: "the mark wire is missing or loose: wire the board's mark GPIO to the monitor's D\(mark)")
            }
            return WiringVerdict(
                level: .fail, fault: "no-activity", finding: "the monitor saw none of this board's \(windows) inferences (flat current, no input toggled)",
                fix: "the monitor measures another board or is not in this board's supply path: check its wiring")
        }
        return WiringVerdict(
            level: .fail, fault: "mark-count", finding: "D\(mark) rose \(edges) times for \(windows) inferences",
            fix: "a loose mark wire, or firmware that raises the mark more than once per inference: it must be high exactly while each inference runs")
    }

    /// The mark toggles once per inference: the current must also rise while it is high.
    private static func markedVerdict(_ own: WiringSummary, mark: Int, windows: Int, seenElsewhere: [String]) -> WiringVerdict {
        let high = own.meanHighAmperes[mark] ?? 0
        let low = own.meanLowAmperes[mark] ?? high
        let figures = "\(milliamperes(high)) during the windows, \(milliamperes(low)) between"
        guard high >= 1.2 * low, high - low >= 5e-6 else {
            return WiringVerdict(
                level: .warn, fault: "flat-current", finding: "D\(mark) toggled once per inference but the current does not rise while it is high (\(figures))",
                fix: "the monitor may measure another board or only part of this one (a shared supply): check which rail it is in")
        }
        if let other = seenElsewhere.first {
            return WiringVerdict(
                level: .warn, fault: "seen-twice", finding: "this board's inferences also showed on place '\(other)''s monitor (\(figures) here)",
                fix: "two monitors share this board's mark wire or supply: each place's monitor should see only its own board")
        }
        return WiringVerdict(level: .ok, finding: "D\(mark) toggled once per inference (\(windows) times); current \(figures)")
    }

    private static func noCurrentVerdict(_ power: BenchPowerMonitor, mean: Double, boardRan: Bool) -> WiringVerdict {
        let ran = boardRan ? " while the board ran (its mark toggled)" : ""
        switch power.mode {
        case .source:
            return WiringVerdict(
                level: .fail, fault: "mode", finding: "the monitor read no current (\(milliamperes(mean)))\(ran) in source mode",
                fix: "in source mode the PPK2 powers the board from VOUT, but this board draws from its own supply: if that supply runs through the PPK2's VIN/VOUT, set 'mode: ampere'")
        case .ampere:
            return WiringVerdict(
                level: .fail, fault: "mode", finding: "the monitor read no current (\(milliamperes(mean)))\(ran) in ampere mode",
                fix: "the board's supply does not run through the PPK2's VIN→VOUT: wire it through, or set 'mode: source' if the PPK2 is its supply")
        }
    }

    /// The verdict for a board that did not answer the handshake.
    public static func silentBoard(place: BenchPlace, problem: String, bench: String) -> WiringVerdict {
        var fix = "check that the board is powered and runs EdgeProf Link firmware at the place's baud rate"
        if let tool = place.flasher?.tool, tool != "none" {
            fix += " (to put it there: `edgeprof flash --place \(place.name) --bench-file \(bench) FIRMWARE.elf`)"
        }
        if place.power?.mode == .ampere {
            fix = "its monitor is in ampere mode, which does not power the board: if the PPK2 is its only supply, set 'mode: source'; else " + fix
        }
        return WiringVerdict(level: .fail, fault: "board-silent", finding: "the board did not answer: \(problem)", fix: fix)
    }

    static func milliamperes(_ amperes: Double) -> String {
        let value = amperes * 1000
        return value.magnitude >= 1 ? "\((value * 100).rounded() / 100) mA" : "\((value * 1000 * 10).rounded() / 10) µA"
    }
}
