import EdgeProfCore
import Foundation

/// A bench file's place found among what is plugged in now: the ports its board and monitor have
/// today, and how to measure it (the monitor's mode, supply and mark input, as the file says).
public struct ResolvedPlace: Sendable {
    public let bench: BenchFile
    public let place: BenchPlace
    public let ports: BenchResolution.Ports
    public let baud: Int
    /// How its monitor measures it; nil without a monitor, or without a mark input to cut
    /// inferences by (`note` then says why energy is left out).
    public let power: PowerSetup?
    public let note: String?

    /// `resolve`, looking again every 200 ms for up to `patience` while a device is missing: a
    /// board that was just re-plugged, or reset its USB link, takes a moment to enumerate.
    public static func find(_ name: String, of bench: BenchFile, catalogue: DeviceCatalogue, patience: Duration) throws(AgentError) -> ResolvedPlace {
        let deadline = ContinuousClock.now + patience
        while true {
            do {
                return try resolve(name, of: bench, catalogue: catalogue)
            } catch .benchPlace(let missing) {
                guard ContinuousClock.now < deadline else { throw .benchPlace(missing) }
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
    }

    /// Finds `place` of `bench` by its devices' identities (a re-plugged board is found again).
    public static func resolve(
        _ name: String, of bench: BenchFile, catalogue: DeviceCatalogue, candidates: [DeviceCandidate] = BenchFileLoader.candidates()
    ) throws(AgentError) -> ResolvedPlace {
        guard let place = bench.place(named: name) else {
            throw .invalidArgument("\(bench.file) has no place '\(name)'; its places: \(bench.places.map(\.name).joined(separator: ", "))")
        }
        let ports: BenchResolution.Ports
        do { ports = try BenchResolution.ports(of: place, among: candidates) } catch { throw .benchPlace(error) }
        var power: PowerSetup?
        var note: String?
        if let monitor = place.power, let port = ports.monitor {
            if let mark = monitor.markInput {
                power = PowerSetup(port: port, millivolts: monitor.millivolts, mode: monitor.mode == .source ? .source : .ampere, markChannel: mark)
            } else {
                note = "place '\(name)' declares no mark input: energy per inference is not measured (add 'mark: N' to its power)"
            }
        }
        let baud = place.board.baud ?? catalogue.entry(named: place.board.catalogueName)?.baud ?? 115_200
        return ResolvedPlace(bench: bench, place: place, ports: ports, baud: baud, power: power, note: note)
    }
}
