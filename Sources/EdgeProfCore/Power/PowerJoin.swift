/// Gives each iteration of a run the energy its marked window measured. Window i is iteration
/// i (warmups first, as the board numbers them). When windows and iterations do not pair up, or
/// a window is inconclusive, those iterations get no energy: tokens/mJ becomes INCONCLUSIVE
/// rather than wrong. An external monitor's energy replaces what the board reported itself.
public enum PowerJoin {
    public static func attach(_ report: PowerReport, to run: RecordedRun, source: String) -> RecordedRun {
        var joined = run
        joined.energySource = source
        let expected = Int(run.request.warmup) + Int(run.request.iterations)
        let paired = run.status == .complete ? report.windows.count == expected : report.windows.count >= windowsNeeded(for: run)
        var notes: [String] = []
        if !paired {
            notes.append("\(report.windows.count) marked windows for \(expected) iterations: the mark input is miswired or missed; energy left out")
        }
        for position in joined.iterations.indices {
            let index = Int(joined.iterations[position].index)
            guard paired, index < report.windows.count, report.windows[index].power.inconclusiveReason == nil else {
                joined.iterations[position].energyNanojoules = nil
                continue
            }
            joined.iterations[position].energyNanojoules = UInt64((report.windows[index].power.joules * 1e9).rounded())
        }
        if let reason = report.total.inconclusiveReason, paired { notes.append("power capture: \(reason)") }
        joined.energyNote = notes.isEmpty ? nil : notes.joined(separator: "; ")
        return joined
    }

    /// How many marked windows a capture must have closed before every kept iteration of `run`
    /// has its window: all of them for a complete run, up to the last kept one for a partial.
    public static func windowsNeeded(for run: RecordedRun) -> Int {
        if run.status == .complete { return Int(run.request.warmup) + Int(run.request.iterations) }
        return run.iterations.map { Int($0.index) + 1 }.max() ?? 0
    }
}
