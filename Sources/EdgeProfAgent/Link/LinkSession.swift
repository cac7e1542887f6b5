import EdgeProfCore
import EdgeProfHardware

/// The host side of an EdgeProf Link v1 conversation over any transport: handshake, then
/// runs. Every wait is bounded; a board that misbehaves ends in an error or a partial run.
public final class LinkSession {
    /// How long each step may take.
    public struct Timeouts: Sendable {
        public var handshake: Duration = .seconds(2)
        public var handshakeAttempts = 3
        /// The longest silence allowed during a run before it is declared partial.
        public var event: Duration = .seconds(10)
        public var write: Duration = .seconds(2)
        /// How long an install's step (an acknowledged chunk, the commit that hashes and stores the
        /// artifact) may take: flash writes on a real board, or an emulator on a busy host, are slower
        /// than a handshake.
        public var install: Duration = .seconds(10)

        public init() {}
    }

    /// What a run reports while it goes, for progress displays.
    public enum Progress: Sendable {
        case iterationFinished(measured: Int, warmup: Int, discarded: Int, request: RunRequest)
    }

    public let transport: any ByteTransport
    public let timeouts: Timeouts
    /// Lines that failed their checks outside runs (runs count their own).
    public private(set) var droppedLines = 0
    /// Lines missing from the board's sequence numbers outside runs.
    public var lostLines: Int { sequence.lost }
    /// Every byte received on the link, readable or not.
    public var bytesReceived: Int { reader.bytesReceived }
    /// The most compact form runs ask for: record frames (v1.2, SPEC §8) from a board that
    /// announces `frames`, REC lines (v1.1, §7) from one that announces `records`, otherwise ITER,
    /// TOK… and DONE lines, as a board without either always sends.
    public var asksForReports = LinkReportForm.frames
    private var sequence = SequenceTracker()
    private var reader: LinkReader
    private var nextSequence: UInt16 = 0
    private let origin = ContinuousClock.now

    public init(transport: any ByteTransport, timeouts: Timeouts = Timeouts()) {
        self.transport = transport
        self.timeouts = timeouts
        reader = LinkReader(transport: transport)
    }

    /// HELLO until the board answers INFO and MODEL, and SHADOW when it has the `shadow`
    /// capability (it may still be booting); the shadow goes into the board info. A board that
    /// announces `shadow` but sends no SHADOW line is taken as running none once the wait ends.
    public func handshake() throws(AgentError) -> (BoardInfo, BoardModelInfo) {
        var dropped = 0
        var heard = 0
        for _ in 0..<timeouts.handshakeAttempts {
            let hello = try send(.hello)
            var board: BoardInfo?
            var model: BoardModelInfo?
            var shadow: BoardModelInfo??
            let deadline = ContinuousClock.now + timeouts.handshake
            while let event = try read(before: deadline) {
                if case .dropped = event {
                    dropped += 1
                    continue
                }
                heard += 1
                switch event.message {
                case .info(hello, let info)?: board = info
                case .model(hello, let announced)?: model = announced
                case .shadow(hello, let announced)?: shadow = .some(announced)
                case .error(hello, "busy", _)?: try abortRunInProgress()
                case .error(hello, let code, let message)?: throw .rejected(port: transport.portName, code: code, message: message)
                default: break
                }
                if let board, let model, shadow != nil || !board.capabilities.contains("shadow") {
                    return try Self.checked(board, model, shadow: shadow ?? nil, port: transport.portName)
                }
            }
            if let board, let model { return try Self.checked(board, model, shadow: nil, port: transport.portName) }
        }
        throw .noAnswer(
            port: transport.portName, attempts: timeouts.handshakeAttempts,
            waited: timeouts.handshake * timeouts.handshakeAttempts, validLines: heard, droppedLines: dropped,
            bytes: reader.bytesReceived)
    }

    /// The handshake's answer, once its protocol version is known to be this host's.
    private static func checked(
        _ board: BoardInfo, _ model: BoardModelInfo, shadow: BoardModelInfo?, port: String
    ) throws(AgentError) -> (BoardInfo, BoardModelInfo) {
        guard board.protocolVersion == LinkProtocol.version else { throw .unsupportedProtocol(port: port, version: board.protocolVersion) }
        var board = board
        board.shadowModel = shadow
        return (board, model)
    }

    /// Runs `request` and records it. Returns a partial recording when the board resets,
    /// goes silent or vanishes mid-run, or when `stop` is requested (the board is told to
    /// ABORT first); throws only when the run never started.
    public func run(
        _ request: RunRequest, board: BoardInfo, model: BoardModelInfo, stop: StopRequest? = nil,
        progress: (Progress) -> Void = { _ in }
    ) throws(AgentError) -> RecordedRun {
        let reports = min(asksForReports, LinkReportForm.best(announcedIn: board.capabilities))
        let runSequence = try send(.run(request, reports: reports))
        let (startSequence, early) = try awaitStart(of: runSequence)
        var recorder = RunRecorder(request: request, board: board, model: model, runSequence: runSequence, startSequence: startSequence)
        for event in early {
            switch step(&recorder, event) {
            case .running: continue
            case .finished: return recorder.recording()
            case .ended(let reason): return recorder.recording(endedEarly: reason)
            }
        }
        var lastHeard = ContinuousClock.now
        while true {
            if let reason = stop?.reason {
                return finishInterrupted(&recorder, reason: reason)
            }
            let silentAt = lastHeard + timeouts.event
            let event: LinkEvent?
            do {
                event = try reader.next(before: stop == nil ? silentAt : min(silentAt, ContinuousClock.now + Self.stopPollInterval))
            } catch .disconnected {
                return recorder.recording(endedEarly: "\(transport.portName) vanished mid-run (unplugged or closed)")
            } catch {
                throw .transport(error)
            }
            guard let event else {
                if ContinuousClock.now < silentAt { continue }
                return recorder.recording(endedEarly: "the board went silent for \(timeouts.event.formattedSeconds) mid-run")
            }
            lastHeard = ContinuousClock.now
            switch step(&recorder, event) {
            case .running(let iterationsChanged):
                if iterationsChanged {
                    progress(.iterationFinished(
                        measured: recorder.measured.count, warmup: recorder.warmupIterations,
                        discarded: recorder.discardedIterations, request: request))
                }
            case .finished:
                return recorder.recording()
            case .ended(let reason):
                return recorder.recording(endedEarly: reason)
            }
        }
    }

    /// How often a run that may be stopped looks at its stop request.
    static let stopPollInterval = Duration.milliseconds(50)
    /// How long a board told to ABORT has to send its RESULT.
    static let abortGrace = Duration.seconds(2)

    private enum Step {
        case running(iterationsChanged: Bool)
        case finished
        case ended(String)
    }

    /// Feeds one event to the recorder.
    private func step(_ recorder: inout RunRecorder, _ event: LinkEvent) -> Step {
        switch event {
        case .dropped(let error):
            recorder.dropped(error)
            return .running(iterationsChanged: false)
        case .malformed(let sequence, let error):
            recorder.malformed(error, sequence: sequence)
            return .running(iterationsChanged: false)
        case .message(let sequence, let message, _):
            let before = recorder.measured.count + recorder.warmupIterations + recorder.discardedIterations
            switch recorder.receive(message, sequence: sequence) {
            case .running:
                return .running(iterationsChanged: recorder.measured.count + recorder.warmupIterations + recorder.discardedIterations != before)
            case .finished:
                return .finished
            case .ended(let reason):
                return .ended(reason)
            }
        }
    }

    /// Tells the board to ABORT, keeps what it finishes before its RESULT (bounded), and
    /// returns the recording as partial with `reason`, so nothing measured is lost.
    private func finishInterrupted(_ recorder: inout RunRecorder, reason: String) -> RecordedRun {
        guard (try? send(.abort)) != nil else { return recorder.recording(endedEarly: reason) }
        let deadline = ContinuousClock.now + Self.abortGrace
        while let event = try? reader.next(before: deadline) {
            if case .running = step(&recorder, event) { continue }
            break
        }
        return recorder.recording(endedEarly: reason)
    }

    /// Halts or resumes the board's serving (Link v1 `SERVE`) and returns the state it confirms.
    /// A board without the `serve` capability answers `unknown_verb`, which is thrown.
    public func setServing(_ state: ServingState) throws(AgentError) -> ServingState {
        let serve = try send(.serve(state))
        let deadline = ContinuousClock.now + timeouts.handshake
        while let event = try read(before: deadline) {
            switch event.message {
            case .state(serve, let confirmed)?: return confirmed
            case .error(serve, let code, let message)?: throw .rejected(port: transport.portName, code: code, message: message)
            default: continue
            }
        }
        throw .noAnswer(port: transport.portName, attempts: 1, waited: timeouts.handshake, validLines: 0, droppedLines: 0, bytes: reader.bytesReceived)
    }

    /// One PING and its PONG, with host times in seconds since the session opened; nil when
    /// no PONG came back within the handshake timeout.
    public func ping() throws(AgentError) -> DiagnosticRules.PingSample? {
        let sentAt = secondsSinceOpen()
        let ping = try send(.ping)
        let deadline = ContinuousClock.now + timeouts.handshake
        while let event = try read(before: deadline) {
            if case .pong(ping, let ticks)? = event.message {
                return DiagnosticRules.PingSample(sentAt: sentAt, receivedAt: secondsSinceOpen(), deviceTicks: ticks)
            }
        }
        return nil
    }

    /// Sends `count` PINGs back to back and waits for their PONGs: how many came back, how many
    /// seconds passed until the last one did, and how many bytes they carried.
    public func pingBurst(count: Int) throws(AgentError) -> (answered: Int, seconds: Double, bytes: Int) {
        let start = secondsSinceOpen()
        var pending = Set<UInt16>()
        for _ in 0..<count { pending.insert(try send(.ping)) }
        var answered = 0
        var bytes = 0
        var lastAnswer = start
        let deadline = ContinuousClock.now + timeouts.handshake + .milliseconds(20 * count)
        while !pending.isEmpty, let event = try read(before: deadline) {
            if case .message(_, .pong(let replyTo, _), let byteCount) = event, pending.remove(replyTo) != nil {
                answered += 1
                bytes += byteCount
                lastAnswer = secondsSinceOpen()
            }
        }
        return (answered, lastAnswer - start, bytes)
    }

    // MARK: - Steps

    private func secondsSinceOpen() -> Double {
        let elapsed = ContinuousClock.now - origin
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// Waits for the board's START; the sequence number it came with, and the events to record
    /// before reading on. A START lost on a noisy link does not lose the run: when the run's
    /// first events arrive instead, the run started one line before them, and the damaged lines
    /// seen meanwhile are counted.
    private func awaitStart(of runSequence: UInt16) throws(AgentError) -> (UInt16, [LinkEvent]) {
        let deadline = ContinuousClock.now + timeouts.handshake
        var dropped: [LinkEvent] = []
        while let event = try read(before: deadline) {
            guard let sequence = event.sequence else {
                dropped.append(event)
                continue
            }
            switch event.message {
            case .started(runSequence, _)?: return (sequence, dropped)
            case .error(runSequence, let code, let message)?:
                throw .rejected(port: transport.portName, code: code, message: message)
            case .iteration?, .token?, .done?, .record?, .result(runSequence, _)?:
                return (sequence &- 1, dropped + [event])
            default: continue
            }
        }
        throw .noAnswer(port: transport.portName, attempts: 1, waited: timeouts.handshake, validLines: 0, droppedLines: 0, bytes: 0)
    }

    /// A board busy with an earlier run (a host crashed mid-run) is stopped and drained.
    private func abortRunInProgress() throws(AgentError) {
        _ = try send(.abort)
        let deadline = ContinuousClock.now + timeouts.event
        while let event = try read(before: deadline) {
            if Self.names(event, verb: "RESULT") { return }
        }
    }

    @discardableResult
    func send(_ command: HostCommand) throws(AgentError) -> UInt16 {
        let sequence = nextSequence
        nextSequence &+= 1
        do {
            try transport.write(command.frame(sequence: sequence).encoded(), timeout: timeouts.write)
        } catch {
            throw .transport(error)
        }
        return sequence
    }

    /// Reads outside runs, keeping the link counters.
    func read(before deadline: ContinuousClock.Instant) throws(AgentError) -> LinkEvent? {
        let event: LinkEvent?
        do { event = try reader.next(before: deadline) } catch { throw .transport(error) }
        switch event {
        case .dropped?: droppedLines += 1
        case .message(let number, _, _)?, .malformed(let number, _)?:
            if let event, Self.names(event, verb: "READY") { sequence.restart() }
            sequence.observe(number)
        case nil: break
        }
        return event
    }

    /// Whether a checked line carries `verb` (RESULT or READY), its message well-formed or not.
    private static func names(_ event: LinkEvent, verb: String) -> Bool {
        switch event {
        case .message(_, .result, _): verb == "RESULT"
        case .message(_, .ready, _): verb == "READY"
        case .malformed(_, let error): error.verb == verb
        case .message, .dropped: false
        }
    }
}
