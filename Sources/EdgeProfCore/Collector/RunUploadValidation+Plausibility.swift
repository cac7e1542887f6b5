/// What a collector refuses beyond the structure of a run: numbers no store column can hold or
/// no edge board can produce, text that is not a printable identifier, and a status that
/// contradicts the iterations. Both stores answer the same because nothing reaches them.
extension RunUploadValidation {
    /// The largest value any store keeps in a 64-bit signed column.
    public static let largestStorable = UInt64(Int64.max)
    /// A tick counter faster than 10 GHz is no board's.
    public static let fastestTickHz: UInt64 = 10_000_000_000
    /// One measured iteration of an edge model lasting longer than an hour is a broken counter.
    public static let longestIterationSeconds = 3600.0
    /// Average power above 1 kW over an iteration is no edge board's.
    public static let highestAverageWatts = 1000.0
    /// Token timestamps kept per run (with `maximumIterations`, this bounds a run's memory).
    public static let maximumTokenTicksPerRun = 1_000_000

    /// Identifier-like text: printable, no control characters (NUL included), at most `limit`.
    static func textProblem(_ text: String, limit: Int = 128, mayBeEmpty: Bool = true) -> String? {
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format }) {
            return "contains a control character (NUL, newline, escape…); send printable text"
        }
        if text.count > limit { return "is \(text.count) characters long; at most \(limit)" }
        if !mayBeEmpty, text.isEmpty { return "must not be empty" }
        return nil
    }

    /// The first implausible or unstorable figure or text of `upload`.
    static func plausibilityProblem(in upload: RunUpload) -> UploadProblem? {
        let run = upload.run
        let texts: [(String, String, Int)] = [
            ("context.port", upload.context.port, 256), ("run.board.board", run.board.board, 128), ("run.board.serial", run.board.serial, 128),
            ("run.board.firmwareVersion", run.board.firmwareVersion, 128), ("run.board.firmwareBuild", run.board.firmwareBuild, 128),
            ("run.board.deviceClass", run.board.deviceClass ?? "", 64), ("run.board.wireProtocol", run.board.wireProtocol ?? "", 64),
            ("run.model.model", run.model.model, 128), ("run.model.quantization", run.model.quantization, 64),
            ("run.request.input", run.request.input, 1024), ("run.partialReason", run.partialReason ?? "", 1024),
            ("run.energySource", run.energySource ?? "", 256), ("run.energyNote", run.energyNote ?? "", 1024),
        ]
        for (field, text, limit) in texts {
            if let problem = textProblem(text, limit: limit) { return UploadProblem(field: field, problem: problem) }
        }
        if run.board.capabilities.count > 32 { return UploadProblem(field: "run.board.capabilities", problem: "\(run.board.capabilities.count) entries; at most 32") }
        for (index, capability) in run.board.capabilities.enumerated() {
            if let problem = textProblem(capability, limit: 64) { return UploadProblem(field: "run.board.capabilities[\(index)]", problem: problem) }
        }
        let board = run.board
        let numbers: [(String, UInt64?)] = [
            ("run.board.clockHz", board.clockHz), ("run.board.ramBytes", board.ramBytes), ("run.board.flashBytes", board.flashBytes),
            ("run.totals.tokens", run.totals?.tokens), ("run.totals.stackPeakBytes", run.totals?.stackPeakBytes),
            ("run.totals.arenaHighWaterBytes", run.totals?.arenaHighWaterBytes), ("run.totals.heapHighWaterBytes", run.totals?.heapHighWaterBytes),
            ("run.totals.ramPeakBytes", run.totals?.ramPeakBytes), ("run.totals.energyNanojoules", run.totals?.energyNanojoules),
        ]
        for (field, value) in numbers where (value ?? 0) > largestStorable {
            return UploadProblem(field: field, problem: "\(value ?? 0) does not fit a signed 64-bit integer (at most \(largestStorable))")
        }
        if board.tickHz > fastestTickHz { return UploadProblem(field: "run.board.tickHz", problem: "\(board.tickHz) Hz; no board counts faster than \(fastestTickHz) Hz") }
        let counts: [(String, Int)] = [
            ("run.warmupIterations", run.warmupIterations), ("run.discardedIterations", run.discardedIterations),
            ("run.link.linesReceived", run.link.linesReceived), ("run.link.crcErrors", run.link.crcErrors), ("run.link.syntaxErrors", run.link.syntaxErrors),
            ("run.link.overlongLines", run.link.overlongLines), ("run.link.malformedMessages", run.link.malformedMessages),
            ("run.link.lostLines", run.link.lostLines), ("run.link.unknownVerbs", run.link.unknownVerbs),
        ]
        for (field, count) in counts where count < 0 { return UploadProblem(field: field, problem: "is \(count); a count is never negative") }
        return iterationProblem(in: run) ?? statusProblem(in: run)
    }

    private static func iterationProblem(in run: RecordedRun) -> UploadProblem? {
        let tickHz = Double(run.board.tickHz)
        var tokenTicks = 0
        for (position, iteration) in run.iterations.enumerated() {
            let field = "run.iterations[\(position)]"
            for (name, value) in [("startTicks", iteration.startTicks), ("endTicks", iteration.endTicks), ("energyNanojoules", iteration.energyNanojoules ?? 0)]
            where value > largestStorable {
                return UploadProblem(field: "\(field).\(name)", problem: "\(value) does not fit a signed 64-bit integer (at most \(largestStorable))")
            }
            guard iteration.endTicks >= iteration.startTicks, tickHz > 0 else { continue }
            let seconds = Double(iteration.endTicks - iteration.startTicks) / tickHz
            if seconds > longestIterationSeconds {
                return UploadProblem(
                    field: "\(field).endTicks",
                    problem: "the iteration lasted \(Int(seconds)) s at \(run.board.tickHz) ticks/s; more than \(Int(longestIterationSeconds)) s is a broken counter, not a measurement")
            }
            if let energy = iteration.energyNanojoules, seconds > 0, Double(energy) / 1e9 / seconds > highestAverageWatts {
                return UploadProblem(field: "\(field).energyNanojoules", problem: "\(energy) nJ in \(seconds) s is more than \(Int(highestAverageWatts)) W on average")
            }
            tokenTicks += iteration.tokenTicks.count
            if tokenTicks > maximumTokenTicksPerRun {
                return UploadProblem(field: "\(field).tokenTicks", problem: "the run carries more than \(maximumTokenTicksPerRun) token timestamps; split it")
            }
        }
        return nil
    }

    private static func statusProblem(in run: RecordedRun) -> UploadProblem? {
        let requested = Int(run.request.iterations)
        if requested > 0, run.iterations.count > requested {
            return UploadProblem(field: "run.iterations", problem: "\(run.iterations.count) measured iterations, but the run asked for \(requested)")
        }
        switch run.status {
        case .complete:
            if run.iterations.isEmpty { return UploadProblem(field: "run.status", problem: "complete, but no iteration was measured: send it as partial with its reason") }
            if run.partialReason != nil { return UploadProblem(field: "run.partialReason", problem: "given for a complete run; a complete run has no partial reason") }
            if run.totals?.aborted == true { return UploadProblem(field: "run.totals.aborted", problem: "the board aborted the run, so it cannot be complete") }
        case .partial:
            if (run.partialReason ?? "").trimmingWhitespace.isEmpty {
                return UploadProblem(field: "run.partialReason", problem: "a partial run says why it ended early")
            }
        }
        return nil
    }
}
