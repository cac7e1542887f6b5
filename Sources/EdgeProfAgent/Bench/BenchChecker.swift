import EdgeProfCore
import EdgeProfHardware
import Foundation

/// Checks every place of a bench by itself: finds its board and monitor by their identities,
/// shakes hands with the board, and runs a short run on one place at a time while every monitor
/// of the bench captures — so a monitor wired to another board, a mark on another input or a
/// monitor in the wrong mode shows, and is named.
public struct BenchChecker: Sendable {
    /// The check run: a few short inferences, each one marked window.
    public static let request = RunRequest(input: "bench-check", tokens: 4, iterations: 5, warmup: 1)
    /// Seconds of idle captured before and after the check run.
    static let idleFrame = 0.1

    public let bench: BenchFile
    public let catalogue: DeviceCatalogue
    public let leases: LeaseService?

    public init(bench: BenchFile, catalogue: DeviceCatalogue, leases: LeaseService?) {
        self.bench = bench
        self.catalogue = catalogue
        self.leases = leases
    }

    public func check(candidates: [DeviceCandidate] = BenchFileLoader.candidates()) -> [PlaceCheck] {
        var results: [String: PlaceCheck] = [:]
        var resolved: [(place: BenchPlace, ports: BenchResolution.Ports)] = []
        for place in bench.places {
            do throws(BenchResolutionError) {
                resolved.append((place, try BenchResolution.ports(of: place, among: candidates)))
            } catch {
                results[place.name] = PlaceCheck(
                    place: place.name, verdict: WiringVerdict(level: .fail, fault: "not-found", finding: error.message, fix: nil))
            }
        }
        var monitors: [String: WiringMonitor] = [:]
        for (place, ports) in resolved {
            guard let power = place.power, let port = ports.monitor else { continue }
            do throws(AgentError) {
                monitors[place.name] = try WiringMonitor(place: place, power: power, port: port)
            } catch {
                results[place.name] = PlaceCheck(
                    place: place.name, boardPort: ports.board, monitorPort: port,
                    verdict: WiringVerdict(level: .fail, fault: "monitor-unusable", finding: "the power monitor on \(port) cannot be used: \(error.description)",
                                           fix: "check its USB cable, and that no other program holds it"))
            }
        }
        defer { monitors.values.forEach { $0.close() } }
        Thread.sleep(forTimeInterval: 0.2)  // boards the monitors just powered boot
        for (place, ports) in resolved where results[place.name] == nil {
            results[place.name] = checkPlace(place, ports: ports, monitors: monitors)
        }
        let serials = USBSerialNumbers.attached()
        for place in bench.places {
            let boardPort = results[place.name]?.boardPort
            results[place.name]?.flasher = checkFlasher(of: place, boardPort: boardPort, attachedSerials: serials)
        }
        return bench.places.compactMap { results[$0.name] }
    }

    /// Whether the place's flasher could flash it now: its programs are installed and its USB
    /// probe is attached. Nil for a place without a flasher (or `tool: none`).
    private func checkFlasher(of place: BenchPlace, boardPort: String?, attachedSerials: Set<String>?) -> WiringVerdict? {
        let entry = catalogue.entry(named: place.board.catalogueName)
        let flasher: BoardFlasher?
        do { flasher = try place.flasher?.boardFlasher(catalogue: entry?.flasher, board: place.board.catalogueName) } catch {
            return WiringVerdict(level: .fail, fault: "flasher-unusable", finding: error.description)
        }
        guard let flasher else { return nil }
        let probe = place.flasher?.probe
        let plan: FlashPlan
        do {
            plan = try FlashPlanner.plan(
                board: place.board.catalogueName, flasher: flasher, firmware: "firmware.elf", probe: probe, port: boardPort ?? "board-port", scratch: "scratch")
        } catch {
            return WiringVerdict(level: .fail, fault: "flasher-unusable", finding: error.description, fix: "correct the place's 'flasher:' in the bench file")
        }
        var seen: Set<String> = []
        let missing = plan.steps.filter { seen.insert($0.program).inserted && ProgramSearch.locate($0.program) == nil }
        let probeAttached = flasher.tool == .gdbRemote ? nil : probe.flatMap { probe in attachedSerials.map { $0.contains(probe) } }
        return FlasherCheck.judge(place: place, flasher: flasher, missing: missing, probeAttached: probeAttached)
    }

    private func checkPlace(_ place: BenchPlace, ports: BenchResolution.Ports, monitors: [String: WiringMonitor]) -> PlaceCheck {
        var check = PlaceCheck(place: place.name, boardPort: ports.board, monitorPort: ports.monitor, verdict: WiringVerdict(level: .ok, finding: ""))
        do throws(AgentError) {
            let lease = try leases?.hold(port: ports.board, purpose: "edgeprof bench check \(bench.name)/\(place.name)")
            defer { lease?.release() }
            let transport: any ByteTransport
            do {
                transport = try TransportOpener.open(path: ports.board, baud: place.board.baud ?? catalogue.entry(named: place.board.catalogueName)?.baud ?? TransportOpener.defaultBaud)
            } catch {
                throw AgentError.transport(error)
            }
            defer { transport.close() }
            var timeouts = LinkSession.Timeouts()
            timeouts.handshake = .milliseconds(700)
            let session = LinkSession(transport: transport, timeouts: timeouts)
            let board: BoardInfo
            let model: BoardModelInfo
            do { (board, model) = try session.handshake() } catch {
                check.verdict = WiringCheck.silentBoard(place: place, problem: error.description, bench: bench.file)
                return check
            }
            check.announced = "\(board.board) \(board.serial) firmware \(board.firmwareVersion)"
            guard board.board == place.board.catalogueName else {
                check.verdict = WiringVerdict(
                    level: .fail, fault: "wrong-board", finding: "the board at \(place.board.identity) announces itself as '\(board.board)', not '\(place.board.catalogueName)'",
                    fix: "correct the place's board (catalogue or identity) in the bench file, or plug the right board in")
                return check
            }
            monitors.values.forEach { $0.start() }
            // Idle current before and after the run frames it: without it a run's short gaps
            // between inferences are too few for the current's low level to show.
            Thread.sleep(forTimeInterval: Self.idleFrame)
            let recorded: RecordedRun
            do {
                recorded = try session.run(Self.request, board: board, model: model)
            } catch {
                monitors.values.forEach { _ = try? $0.finish(covering: ContinuousClock.now, wait: .zero) }
                throw error
            }
            // Every monitor captures until its samples reach the run's end and the idle after it
            // (its stream may trail).
            let end = ContinuousClock.now + .milliseconds(Int64(Self.idleFrame * 1000))
            var summaries: [String: WiringSummary] = [:]
            var failures: [String: String] = [:]
            for (name, monitor) in monitors {
                do throws(AgentError) { summaries[name] = try monitor.finish(covering: end) } catch { failures[name] = error.description }
            }
            guard recorded.status == .complete else {
                check.verdict = WiringVerdict(
                    level: .fail, fault: "run-failed", finding: "the check run ended early: \(recorded.partialReason ?? "incomplete")",
                    fix: "run `edgeprof diag --port \(ports.board)` to see what the link loses")
                return check
            }
            let windows = Int(Self.request.warmup + Self.request.iterations)
            if let failure = failures[place.name] {
                check.verdict = WiringVerdict(level: .fail, fault: "monitor-unusable", finding: "the capture failed: \(failure)", fix: "check the monitor's USB cable")
            } else if let own = summaries[place.name] {
                check.verdict = WiringCheck.judge(place: place, windows: windows, own: own, others: summaries.filter { $0.key != place.name })
            } else {
                check.verdict = WiringCheck.judge(place: place, windows: windows, own: WiringSummary.none, others: [:])
            }
        } catch {
            check.verdict = WiringVerdict(level: .fail, fault: "board-unusable", finding: error.description, fix: nil)
        }
        return check
    }
}

extension WiringSummary {
    /// A monitor that saw nothing (a place without one).
    static let none = WiringSummary(
        samples: 0, risingEdges: Array(repeating: 0, count: 8), meanAmperes: nil, meanHighAmperes: Array(repeating: nil, count: 8),
        meanLowAmperes: Array(repeating: nil, count: 8), currentBursts: 0)
}
