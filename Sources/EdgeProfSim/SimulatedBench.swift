import EdgeProfCore
import EdgeProfHardware
import Foundation
import Synchronization

/// A whole bench file brought up as simulators in one process: each place's board on its own
/// pseudo-terminal, its PPK2 on another, wired by a `BoardActivity` as the file says — or
/// miswired on purpose, so that `edgeprof bench check` has something to find. Boards and
/// monitors announce the serials the file gives them, so discovery finds them by identity.
public final class SimulatedBench: @unchecked Sendable {
    /// A fault in one place's wiring, as a bench engineer makes them.
    public enum Miswiring: Sendable, Hashable, CustomStringConvertible {
        /// The mark wire lands on another logic input than the file says.
        case markOn(Int)
        /// There is no mark wire.
        case noMark
        /// This place's monitor measures another place's board, and that one's this board.
        case swapMonitor(with: String)
        /// The board is supplied the other way than the file's mode says.
        case supply(BenchPowerMonitor.Mode)

        /// `mark-on:N`, `no-mark`, `swap-monitor:PLACE` or `supply:source|ampere`.
        public init(parsing text: String) throws(SimulatedBenchError) {
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            switch (parts.first, parts.count > 1 ? parts[1] : nil) {
            case ("mark-on", let input?):
                guard let value = Int(input), (0...7).contains(value) else { throw SimulatedBenchError("mark-on takes an input 0 to 7, got '\(input)'") }
                self = .markOn(value)
            case ("no-mark", nil): self = .noMark
            case ("swap-monitor", let place?): self = .swapMonitor(with: place)
            case ("supply", let mode?):
                guard let value = BenchPowerMonitor.Mode(rawValue: mode) else { throw SimulatedBenchError("supply takes source or ampere, got '\(mode)'") }
                self = .supply(value)
            default:
                throw SimulatedBenchError("unknown miswiring '\(text)': use mark-on:N, no-mark, swap-monitor:PLACE or supply:source|ampere")
            }
        }

        public var description: String {
            switch self {
            case .markOn(let input): "mark-on:\(input)"
            case .noMark: "no-mark"
            case .swapMonitor(let place): "swap-monitor:\(place)"
            case .supply(let mode): "supply:\(mode.rawValue)"
            }
        }
    }

    /// One place brought up.
    public struct Station: Sendable {
        public var place: String
        public var board: SimulatedBoard
        public var monitor: SimulatedPPK2?
    }

    /// What happens to a place's board as runs finish, to try an agent against it.
    public struct Events: Sendable {
        /// Places whose board is unplugged and plugged in again (a new pseudo-terminal) after each run.
        public var replug: Set<String>
        /// Places whose board dies (its terminal goes away) after this many runs.
        public var dieAfterRuns: [String: Int]

        public init(replug: Set<String> = [], dieAfterRuns: [String: Int] = [:]) {
            self.replug = replug
            self.dieAfterRuns = dieAfterRuns
        }
    }

    private struct Identity: Sendable {
        var board: DeviceIdentity
        var monitor: DeviceIdentity?
        var boardName: String
        var instrument: String?
    }

    private let state: Mutex<(stations: [Station], announcements: [String: String], stopped: Bool)>
    private let identities: [String: Identity]
    private let activities: [String: BoardActivity]
    private let profiles: [String: (profile: SimulatedModelProfile, seed: UInt64)]
    private let speed: Double
    private let events: Events
    private var supervisor: Thread?
    private let supervised = DispatchSemaphore(value: 0)

    /// The places as they are now (a re-plugged board has a new terminal).
    public var stations: [Station] { state.withLock { $0.stations } }

    /// `profile` is every board's model; each board gets the file's board name, serial and
    /// device class, and a seed of its own.
    public init(
        bench: BenchFile, miswirings: [String: Miswiring] = [:], profile: SimulatedModelProfile = SimulatedModelProfile(), seed: UInt64 = 1,
        speed: Double = 1, events: Events = Events()
    ) throws(SimulatedBenchError) {
        for (place, miswiring) in miswirings {
            guard bench.place(named: place)?.power != nil else { throw SimulatedBenchError("--miswire names '\(place)', which is not a place of \(bench.file) with a power monitor") }
            if case .swapMonitor(let other) = miswiring, bench.place(named: other)?.power == nil {
                throw SimulatedBenchError("swap-monitor:\(other): '\(other)' is not a place of \(bench.file) with a power monitor")
            }
        }
        for place in events.replug.union(events.dieAfterRuns.keys) where bench.place(named: place) == nil {
            throw SimulatedBenchError("'\(place)' is not a place of \(bench.file)")
        }
        var activities: [String: BoardActivity] = [:]
        for place in bench.places { activities[place.name] = BoardActivity() }
        var stations: [Station] = []
        var profiles: [String: (profile: SimulatedModelProfile, seed: UInt64)] = [:]
        var identities: [String: Identity] = [:]
        for (index, place) in bench.places.enumerated() {
            guard case .serial(let serial) = place.board.identity else {
                throw SimulatedBenchError("place '\(place.name)': a simulated board is found by its serial; give 'serial', not 'usb-path'")
            }
            var boardProfile = profile
            boardProfile.board = place.board.catalogueName
            boardProfile.serial = serial
            boardProfile.deviceClass = place.deviceClass
            profiles[place.name] = (boardProfile, seed &+ UInt64(index))
            identities[place.name] = Identity(board: place.board.identity, monitor: place.power?.identity, boardName: place.board.catalogueName, instrument: place.power?.instrument)
            do {
                let board = try SimulatedBoard(profile: boardProfile, seed: seed &+ UInt64(index), speed: speed, activity: activities[place.name])
                let monitor = try place.power.map { power throws(TransportError) in
                    try Self.monitor(power, of: place.name, miswirings: miswirings, activities: activities, speed: speed)
                }
                stations.append(Station(place: place.name, board: board, monitor: monitor))
            } catch {
                throw SimulatedBenchError("place '\(place.name)': \(error.description)")
            }
        }
        state = Mutex((stations, [:], false))
        self.identities = identities
        self.activities = activities
        self.profiles = profiles
        self.speed = speed
        self.events = events
    }

    private static func monitor(
        _ power: BenchPowerMonitor, of place: String, miswirings: [String: Miswiring], activities: [String: BoardActivity], speed: Double
    ) throws(TransportError) -> SimulatedPPK2 {
        var wiring = SimulatedPPK2.Wiring(supply: power.mode == .source ? .source : .ampere, markInput: power.markInput, markWired: power.markInput != nil)
        var watched = place
        switch miswirings[place] {
        case .markOn(let input)?: wiring.markInput = input
        case .noMark?: wiring.markWired = false
        case .swapMonitor(let other)?: watched = other
        case .supply(let mode)?: wiring.supply = mode == .source ? .source : .ampere
        case nil: break
        }
        for (other, miswiring) in miswirings where miswiring == .swapMonitor(with: place) { watched = other }
        return try SimulatedPPK2(speed: speed, activity: activities[watched], wiring: wiring)
    }

    /// Starts every monitor and board, and (with events) the thread that re-plugs or kills boards.
    public func start() {
        for station in stations {
            station.monitor?.start()
            station.board.start()
        }
        guard !events.replug.isEmpty || !events.dieAfterRuns.isEmpty else { return }
        let thread = Thread { [self] in
            supervise()
            supervised.signal()
        }
        thread.name = "edgeprof-sim-bench"
        supervisor = thread
        thread.start()
    }

    public func stop() {
        let stations = state.withLock { state in
            state.stopped = true
            return state.stations
        }
        if supervisor != nil { supervised.wait() }
        for station in stations {
            station.board.stop()
            station.monitor?.stop()
        }
        withdraw()
    }

    /// Announces every board and monitor with its serial (`SimulatorRegistry`); `stop` withdraws them.
    public func announce() {
        for station in stations {
            announce(station.board.path, of: station.place, monitor: false)
            if let monitor = station.monitor { announce(monitor.path, of: station.place, monitor: true) }
        }
    }

    private func announce(_ path: String, of place: String, monitor: Bool) {
        guard let identity = identities[place], case .serial(let serial)? = monitor ? identity.monitor : identity.board else { return }
        let name = monitor ? identity.instrument ?? "nordic-ppk2" : identity.boardName
        guard let file = SimulatorRegistry.announce(SimulatedBoardInfo(path: path, board: name, serial: serial, pid: ProcessInfo.processInfo.processIdentifier)) else { return }
        state.withLock { $0.announcements[path] = file }
    }

    private func withdraw(_ path: String? = nil) {
        let files = state.withLock { state -> [String] in
            guard let path else {
                defer { state.announcements = [:] }
                return Array(state.announcements.values)
            }
            return state.announcements.removeValue(forKey: path).map { [$0] } ?? []
        }
        files.forEach { try? FileManager.default.removeItem(atPath: $0) }
    }

    /// Watches finished runs: re-plugs a board onto a new terminal after each, or lets it die.
    private func supervise() {
        var seen: [String: Int] = [:]
        var total: [String: Int] = [:]
        var dead: Set<String> = []
        while !state.withLock({ $0.stopped }) {
            Thread.sleep(forTimeInterval: 0.05)
            for station in stations where !dead.contains(station.place) {
                let finished = station.board.runsFinished
                guard finished > seen[station.place, default: 0] else { continue }
                total[station.place, default: 0] += finished - seen[station.place, default: 0]
                seen[station.place] = finished
                if let limit = events.dieAfterRuns[station.place], total[station.place, default: 0] >= limit {
                    withdraw(station.board.path)
                    station.board.stop()
                    dead.insert(station.place)
                } else if events.replug.contains(station.place) {
                    replug(station, generation: total[station.place, default: 0])
                    seen[station.place] = 0
                }
            }
        }
    }

    private func replug(_ station: Station, generation: Int) {
        guard let (profile, seed) = profiles[station.place],
              let board = try? SimulatedBoard(profile: profile, seed: seed &+ UInt64(generation) &* 7919, speed: speed, activity: activities[station.place])
        else { return }
        withdraw(station.board.path)
        station.board.stop()
        board.start()
        state.withLock { state in
            guard let index = state.stations.firstIndex(where: { $0.place == station.place }) else { return }
            state.stations[index].board = board
        }
        announce(board.path, of: station.place, monitor: false)
    }
}

/// A bench that cannot be simulated as asked.
public struct SimulatedBenchError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
