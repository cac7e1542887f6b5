/// Turns the messages of one run into a `RecordedRun`. Pure: it sees messages and dropped
/// lines, never bytes or clocks. An iteration is kept only if every one of its lines arrived
/// in sequence and checked, so a corrupted figure can never be recorded.
public struct RunRecorder: Sendable {
    /// What the run needs next.
    public enum Progress: Sendable, Hashable {
        case running
        /// The board sent RESULT: the run is over.
        case finished
        /// The run cannot go on; the reason says why.
        case ended(reason: String)
    }

    private struct OpenIteration {
        var index: UInt32
        var warmup: Bool
        var startTicks: UInt64
        var tokenTicks: [UInt64] = []
        var tokenIDs: [UInt64?] = []
        var damaged = false
    }

    public private(set) var link = LinkStatistics()
    public private(set) var measured: [RecordedIteration] = []
    public private(set) var warmupIterations = 0
    public private(set) var discardedIterations = 0
    private let request: RunRequest
    private let board: BoardInfo
    private let model: BoardModelInfo
    private let runSequence: UInt16
    private var sequence: SequenceTracker
    private var open: OpenIteration?
    private var totals: RunTotals?
    /// The shadow model's iterations, when the handshake said one is loaded.
    private var shadow: ShadowRecorder?
    /// Where the REC lines of the iteration under way have got to (Link v1.1, SPEC §7).
    private var records = RecordCursor()

    /// `runSequence` is the host's RUN line; `startSequence` the board's START line that accepted it.
    public init(request: RunRequest, board: BoardInfo, model: BoardModelInfo, runSequence: UInt16, startSequence: UInt16) {
        self.request = request
        self.board = board
        self.model = model
        self.runSequence = runSequence
        sequence = SequenceTracker(expecting: startSequence &+ 1)
        shadow = board.shadowModel.map(ShadowRecorder.init(model:))
    }

    /// Counts a line that failed its checks; the iteration it belonged to is lost.
    public mutating func dropped(_ error: LinkLineError) {
        switch error {
        case .crc: link.crcErrors += 1
        case .syntax: link.syntaxErrors += 1
        case .tooLong: link.overlongLines += 1
        }
        damage()
    }

    /// Counts a checked line whose fields made no sense for its verb.
    public mutating func malformed(_ error: LinkMessageError, sequence: UInt16) {
        link.malformedMessages += 1
        track(sequence)
        damage()
    }

    public mutating func receive(_ message: DeviceMessage, sequence: UInt16) -> Progress {
        link.linesReceived += 1
        if case .ready = message {
            return .ended(reason: "the board restarted mid-run (READY banner)")
        }
        track(sequence)
        guard case .record(let record) = message else {
            records.reset()
            return apply(message)
        }
        guard let events = records.expand(record) else {
            damage()
            return .running
        }
        for event in events { _ = apply(event) }
        return .running
    }

    /// Records one event, whichever form (a line of its own or part of a REC line) it came in.
    private mutating func apply(_ message: DeviceMessage) -> Progress {
        switch message {
        case .iteration(let index, let warmup, let ticks):
            closeDamaged()
            shadow?.servingIterationBegan()
            open = OpenIteration(index: index, warmup: warmup, startTicks: ticks)
        case .token(let iteration, let index, let ticks, let tokenID):
            guard var current = open, current.index == iteration else { return .running }
            if Int(index) != current.tokenTicks.count || ticks < (current.tokenTicks.last ?? current.startTicks) {
                current.damaged = true
            }
            current.tokenTicks.append(ticks)
            current.tokenIDs.append(tokenID)
            open = current
        case .done(let iteration, let ticks, let tokens, let energy):
            guard let current = open, current.index == iteration else { return .running }
            open = nil
            let whole = !current.damaged && Int(tokens) == current.tokenTicks.count
                && ticks >= (current.tokenTicks.last ?? current.startTicks)
            shadow?.servingIterationEnded(index: iteration, whole: whole, measured: !current.warmup, tokenIDs: current.tokenIDs)
            if !whole {
                discardedIterations += 1
            } else if current.warmup {
                warmupIterations += 1
            } else {
                measured.append(RecordedIteration(
                    index: iteration, startTicks: current.startTicks, endTicks: ticks,
                    tokenTicks: current.tokenTicks, energyNanojoules: energy))
            }
        case .result(let replyTo, let runTotals) where replyTo == runSequence:
            closeDamaged()
            totals = runTotals
            if runTotals.aborted { discardCutShort(finished: runTotals.iterations) }
            return .finished
        case .error(let replyTo, let code, let text) where replyTo == runSequence:
            return .ended(reason: "the board reported \(code): \(text)")
        case .shadowIteration, .shadowToken, .shadowDone:
            shadow?.receive(message)
        case .unknown:
            link.unknownVerbs += 1
        default:
            break
        }
        return .running
    }

    /// A run counts as complete only when at least this share of its requested iterations was
    /// measured whole; fewer means the link lost too much for the figures to stand (docs/protocol).
    public static let minimumMeasuredShare = 0.9

    /// The run as recorded; `endedEarly` gives the reason when it did not finish.
    public func recording(endedEarly reason: String? = nil) -> RecordedRun {
        var status = RunStatus.complete
        var partialReason = reason
        if reason == nil, totals?.aborted == true {
            partialReason = "the run was aborted"
        }
        if totals == nil, partialReason == nil {
            partialReason = "the board sent no RESULT"
        }
        let requested = Int(request.iterations)
        if partialReason == nil, requested > 0, Double(measured.count) < Self.minimumMeasuredShare * Double(requested) {
            partialReason = "only \(measured.count) of \(requested) requested iterations were measured whole "
                + "(\(discardedIterations) lost to a damaged link); a complete run needs at least \(Int(Self.minimumMeasuredShare * 100)) %"
        }
        if partialReason != nil { status = .partial }
        var run = RecordedRun(
            request: request, board: board, model: model, iterations: measured, warmupIterations: warmupIterations,
            discardedIterations: discardedIterations + (open == nil ? 0 : 1), totals: totals, status: status,
            partialReason: partialReason, link: link)
        run.shadow = shadow?.recording()
        return run
    }

    private mutating func track(_ number: UInt16) {
        let missing = sequence.observe(number)
        if missing > 0 {
            link.lostLines += missing
            damage()
        }
    }

    /// A line was lost or damaged: the iteration under way (serving or shadow) is lost with it.
    private mutating func damage() {
        records.reset()
        open?.damaged = true
        shadow?.damage()
    }

    /// An ABORT ends the iteration under way early; its `DONE` carries the tokens emitted so
    /// far and `RESULT iters=` leaves it out. Iterations are numbered warmups first, so any kept
    /// iteration numbered at or past warmups + finished ones was cut short and is discarded.
    private mutating func discardCutShort(finished: UInt32) {
        let firstUnfinished = UInt64(request.warmup) + UInt64(finished)
        let before = measured.count
        measured.removeAll { UInt64($0.index) >= firstUnfinished }
        discardedIterations += before - measured.count
        shadow?.discard(from: firstUnfinished)
    }

    private mutating func closeDamaged() {
        if open != nil {
            discardedIterations += 1
            open = nil
        }
    }
}
