import EdgeProfCore
import EdgeProfHardware
import Foundation

/// `edgeprof diag`: checks one port step by step and says what is wrong and how to fix it.
/// It never throws: every failure becomes a failed check, and later checks are skipped.
public struct DiagnosticsService: Sendable {
    public struct Options: Sendable {
        public var baud = TransportOpener.defaultBaud
        public var pings = 20
        public var burst = 50
        /// How long to watch the device clock against the host's.
        public var driftSeconds = 3.0
        /// Stop after the handshake and the catalogue check (`edgeprof devices probe`).
        public var handshakeOnly = false
        public var timeouts = LinkSession.Timeouts()

        public init() {}
    }

    public let catalogue: DeviceCatalogue?

    public init(catalogue: DeviceCatalogue?) {
        self.catalogue = catalogue
    }

    public func diagnose(port: String, options: Options = Options()) -> DiagnosticReport {
        var report = DiagnosticReport(port: port)
        let transport: any ByteTransport
        do {
            transport = try TransportOpener.open(path: port, baud: options.baud)
        } catch {
            report.checks.append(DiagnosticCheck(name: "open", verdict: .fail, measured: error.description))
            return report
        }
        defer { transport.close() }
        report.checks.append(DiagnosticCheck(name: "open", verdict: .ok, measured: "opened the \(transport.summary)"))
        let session = LinkSession(transport: transport, timeouts: options.timeouts)
        do {
            try check(session, options, into: &report)
        } catch {
            report.checks.append(DiagnosticCheck(name: "link", verdict: .fail, measured: error.description))
        }
        return report
    }

    private func check(_ session: LinkSession, _ options: Options, into report: inout DiagnosticReport) throws(AgentError) {
        let started = ContinuousClock.now
        let board: BoardInfo
        let model: BoardModelInfo
        do {
            (board, model) = try session.handshake()
        } catch {
            report.checks.append(DiagnosticCheck(name: "handshake", verdict: .fail, measured: error.description))
            return
        }
        report.board = board
        report.model = model
        report.checks.append(DiagnosticCheck(
            name: "handshake", verdict: .ok,
            measured: "answered in \((ContinuousClock.now - started).formattedSeconds): \(board.board) \(board.serial), firmware \(board.firmwareVersion) (build \(board.firmwareBuild)), EdgeProf Link v\(board.protocolVersion), model \(model.model) \(model.quantization) sha256 \(model.artifactSHA256.prefix(12))…"))
        report.checks.append(DiagnosticRules.catalogueCheck(board: board, entry: catalogue?.entry(named: board.board)))
        if options.handshakeOnly { return }

        var samples: [DiagnosticRules.PingSample] = []
        for _ in 0..<options.pings {
            if let sample = try session.ping() { samples.append(sample) }
        }
        report.checks.append(DiagnosticRules.linkQuality(
            roundTrips: samples.map(\.roundTrip), sent: options.pings, droppedLines: session.droppedLines, lostLines: session.lostLines))

        let burst = try session.pingBurst(count: options.burst)
        let rate = burst.seconds > 0 ? Double(burst.bytes) / burst.seconds : 0
        report.checks.append(DiagnosticCheck(
            name: "throughput", verdict: burst.answered == options.burst ? .ok : .warn,
            measured: "\(burst.answered)/\(options.burst) back-to-back pings answered in \((burst.seconds * 1000).rounded()) ms, \(Int(rate)) bytes/s device to host",
            hint: burst.answered == options.burst ? nil : "the board drops commands that arrive back to back: enlarge its UART receive buffer"))

        guard let first = samples.first else {
            report.checks.append(DiagnosticCheck(name: "device clock", verdict: .skipped, measured: "no PONG to time"))
            return
        }
        let remaining = options.driftSeconds - (samples.last.map { $0.receivedAt - first.sentAt } ?? 0)
        if remaining > 0 { Thread.sleep(forTimeInterval: remaining) }
        var last: DiagnosticRules.PingSample?
        for _ in 0..<3 {
            if let sample = try session.ping(), sample.roundTrip < (last?.roundTrip ?? .infinity) { last = sample }
        }
        guard let last else {
            report.checks.append(DiagnosticCheck(name: "device clock", verdict: .fail, measured: "the board stopped answering PING", hint: "check power and cable"))
            return
        }
        report.checks.append(DiagnosticRules.clockCheck(first: first, last: last, tickHz: board.tickHz))
    }
}
