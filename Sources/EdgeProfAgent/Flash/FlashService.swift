import EdgeProfCore
import EdgeProfHardware
import Foundation

/// What one flash did: the commands run, how long they took, and how the board was confirmed.
public struct FlashReport: Sendable {
    public var board: String
    public var firmware: String
    public var tool: BoardFlasher.Tool
    public var commands: [String]
    public var seconds: Double
    public var imageBuildID: String?
    public var readsBack: Bool
    public var verification: FlashVerification.Outcome
}

/// Flashes a catalogued board with the tool its catalogue entry names, then shakes hands on its
/// port to confirm it runs the image (its announced build equals the ELF's GNU build id). With
/// `leases`, a board whose port is known is leased while it is flashed, as a profile leases it:
/// a board someone else's job or a person holds is refused before anything is written to it.
public struct FlashService: Sendable {
    /// How long a board may take to come back on its port after the reset (USB re-enumeration).
    public var portReturn: Duration = .seconds(15)
    public var timeouts = LinkSession.Timeouts()
    /// Where the tools are looked for; nil for $PATH.
    public var searchPath: [String]?
    public var leases: LeaseService?

    public init(searchPath: [String]? = nil, leases: LeaseService? = nil) {
        self.searchPath = searchPath
        self.leases = leases
    }

    /// `timeout` overrides the catalogue's `timeout-seconds`.
    public func flash(
        _ entry: CatalogueEntry, firmware: String, probe: String?, port: String?, baud: Int? = nil, timeout: Duration? = nil
    ) throws(AgentError) -> FlashReport {
        guard let flasher = entry.flasher else {
            throw .flash(.plan(board: entry.name, FlashPlanError("its catalogue entry (\(entry.file)) names no flasher: add a 'flasher:' mapping (devices/README.md)")))
        }
        guard let data = FileManager.default.contents(atPath: firmware) else { throw .unreadable(what: "firmware", path: firmware) }
        let image: ELFImage
        do { image = try ELFImage(bytes: Array(data)) } catch { throw .firmware(path: firmware, error) }
        let scratch = try Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let absolute = URL(fileURLWithPath: firmware).standardizedFileURL.path
        let plan: FlashPlan
        do { plan = try FlashPlanner.plan(board: entry.name, flasher: flasher, firmware: absolute, probe: probe, port: port, scratch: scratch) } catch {
            throw .flash(.plan(board: entry.name, error))
        }
        let lease = try port.flatMap { port throws(AgentError) in try leases?.hold(port: port, purpose: "edgeprof flash \(entry.name)") }
        defer { lease?.release() }
        let clock = ContinuousClock()
        let start = clock.now
        let budget = timeout ?? .seconds(plan.timeoutSeconds)
        for step in plan.steps { try run(step, of: plan, board: entry.name, until: start + budget) }
        let seconds = (clock.now - start).inSeconds
        let verification: FlashVerification.Outcome
        if entry.protocolName == "edgeprof-link-v1" {
            let announced = try port.map { port throws(AgentError) in try handshake(port: port, baud: baud ?? entry.baud) }
            verification = FlashVerification.judge(
                imageBuildID: image.buildID, expectedBoard: entry.name, board: announced?.board, build: announced?.firmwareBuild, readsBack: plan.readsBack)
        } else {
            let vouch = plan.readsBack ? "; the flasher's read-back matched" : ""
            verification = .readBackOnly(reason: "\(entry.name) speaks \(entry.protocolName), whose handshake announces no build id\(vouch)")
        }
        if case .mismatch(let problem) = verification { throw .flash(.notRunning(board: entry.name, problem)) }
        return FlashReport(
            board: entry.name, firmware: firmware, tool: plan.tool, commands: plan.steps.map(Self.described), seconds: seconds, imageBuildID: image.buildID,
            readsBack: plan.readsBack, verification: verification)
    }

    private func run(_ step: FlashPlan.Step, of plan: FlashPlan, board: String, until deadline: ContinuousClock.Instant) throws(AgentError) {
        guard let program = ProgramSearch.locate(step.program, searchPath: searchPath) else {
            throw .flash(.toolMissing(board: board, tool: plan.tool.rawValue, program: step.program, install: step.install))
        }
        if let script = step.script {
            guard FileManager.default.createFile(atPath: script.path, contents: Data(script.contents.utf8)) else {
                throw .flash(.scratch("cannot write \(script.path)"))
            }
        }
        let result: ToolRun
        do { result = try ToolRun.run(program: program, arguments: step.arguments, timeout: deadline - ContinuousClock.now) } catch {
            throw .flash(.toolFailed(board: board, program: step.program, ending: "could not start: \(error)", command: step.commandLine, output: ""))
        }
        switch result.ending {
        case .timedOut: throw .flash(.timedOut(board: board, program: step.program, seconds: plan.timeoutSeconds, command: step.commandLine))
        case .signalled(let signal):
            throw .flash(.toolFailed(board: board, program: step.program, ending: "signal \(signal)", command: step.commandLine, output: result.tail))
        case .exited(let status) where status != 0:
            throw .flash(.toolFailed(board: board, program: step.program, ending: "status \(status)", command: step.commandLine, output: result.tail))
        case .exited:
            break
        }
        if plan.tool == .gdbRemote {
            let mismatches = FlashVerification.readBackMismatches(gdbOutput: result.output)
            if !mismatches.isEmpty { throw .flash(.readBack(board: board, program: step.program, mismatches: mismatches)) }
        }
    }

    /// Waits for the port to come back after the reset, then shakes hands on it.
    private func handshake(port: String, baud: Int) throws(AgentError) -> BoardInfo {
        let deadline = ContinuousClock.now + portReturn
        while !port.hasPrefix("usb:"), !FileManager.default.fileExists(atPath: port), ContinuousClock.now < deadline { usleep(100_000) }
        let transport: any ByteTransport
        do { transport = try TransportOpener.open(path: port, baud: baud, busyGrace: .seconds(2)) } catch { throw .transport(error) }
        defer { transport.close() }
        return try LinkSession(transport: transport, timeouts: timeouts).handshake().0
    }

    /// The command line, and a script's commands when it reads one (the script is gone by the
    /// time anyone reads the report).
    private static func described(_ step: FlashPlan.Step) -> String {
        guard let script = step.script else { return step.commandLine }
        let commands = script.contents.split(whereSeparator: \.isNewline).joined(separator: "; ")
        return "\(step.commandLine)   # \(URL(fileURLWithPath: script.path).lastPathComponent): \(commands)"
    }

    private static func scratchDirectory() throws(AgentError) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-flash-\(UUID().uuidString)").path
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw .flash(.scratch("cannot create \(path): \(error.localizedDescription)"))
        }
        return path
    }
}
