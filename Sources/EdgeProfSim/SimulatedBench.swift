import EdgeProfCore
import EdgeProfHardware
import Foundation

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

    public let stations: [Station]

    /// `profile` is every board's model; each board gets the file's board name, serial and
    /// device class, and a seed of its own.
    public init(bench: BenchFile, miswirings: [String: Miswiring] = [:], profile: SimulatedModelProfile = SimulatedModelProfile(), seed: UInt64 = 1, speed: Double = 1) throws(SimulatedBenchError) {
        for (place, miswiring) in miswirings {
            guard bench.place(named: place)?.power != nil else { throw SimulatedBenchError("--miswire names '\(place)', which is not a place of \(bench.file) with a power monitor") }
            if case .swapMonitor(let other) = miswiring, bench.place(named: other)?.power == nil {
                throw SimulatedBenchError("swap-monitor:\(other): '\(other)' is not a place of \(bench.file) with a power monitor")
            }
        }
        var activities: [String: BoardActivity] = [:]
        for place in bench.places { activities[place.name] = BoardActivity() }
        var stations: [Station] = []
        for (index, place) in bench.places.enumerated() {
            guard case .serial(let serial) = place.board.identity else {
                throw SimulatedBenchError("place '\(place.name)': a simulated board is found by its serial; give 'serial', not 'usb-path'")
            }
            var boardProfile = profile
            boardProfile.board = place.board.catalogueName
            boardProfile.serial = serial
            boardProfile.deviceClass = place.deviceClass
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
        self.stations = stations
        self.serials = Dictionary(uniqueKeysWithValues: bench.places.map { place in
            (place.name, (place.board.identity, place.power?.identity, place.board.catalogueName, place.power?.instrument))
        })
    }

    private let serials: [String: (board: DeviceIdentity, monitor: DeviceIdentity?, boardName: String, instrument: String?)]

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

    public func start() {
        for station in stations {
            station.monitor?.start()
            station.board.start()
        }
    }

    public func stop() {
        for station in stations {
            station.board.stop()
            station.monitor?.stop()
        }
    }

    /// Announces every board and monitor with its serial (`SimulatorRegistry`); returns the
    /// files to remove when the bench stops.
    public func announce() -> [String] {
        let pid = ProcessInfo.processInfo.processIdentifier
        var files: [String] = []
        for station in stations {
            guard let identities = serials[station.place] else { continue }
            if case .serial(let serial) = identities.board {
                files += SimulatorRegistry.announce(SimulatedBoardInfo(path: station.board.path, board: identities.boardName, serial: serial, pid: pid)).map { [$0] } ?? []
            }
            if let monitor = station.monitor, case .serial(let serial)? = identities.monitor {
                files += SimulatorRegistry.announce(SimulatedBoardInfo(path: monitor.path, board: identities.instrument ?? "nordic-ppk2", serial: serial, pid: pid)).map { [$0] } ?? []
            }
        }
        return files
    }
}

/// A bench that cannot be simulated as asked.
public struct SimulatedBenchError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
