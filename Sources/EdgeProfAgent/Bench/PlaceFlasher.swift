import EdgeProfCore
import EdgeProfHardware
import Foundation

/// Flashes a bench place's board with the flasher and probe its bench file names, then confirms
/// on the board's port (found by identity) that it runs the image. A board its PPK2 supplies
/// (`mode: source`) is powered through the monitor first, as it is for a profile: a debug probe
/// cannot flash an unpowered chip. The PPK2 keeps that supply on after the port closes.
public struct PlaceFlasher: Sendable {
    public var service: FlashService

    public init(service: FlashService = FlashService()) {
        self.service = service
    }

    public func flash(_ resolved: ResolvedPlace, catalogue: DeviceCatalogue, firmware: String, timeout: Duration? = nil) throws(AgentError) -> FlashReport {
        let place = resolved.place
        guard var entry = catalogue.entry(named: place.board.catalogueName) else {
            throw .invalidArgument("place '\(place.name)': its board '\(place.board.catalogueName)' is not in the device catalogue")
        }
        guard let declared = place.flasher else {
            throw .invalidArgument(
                "place '\(place.name)' of \(resolved.bench.file) names no flasher. Fix: add 'flasher: {tool: \(entry.flasher?.tool.rawValue ?? "openocd"), probe: PROBE-SERIAL}' to it (docs/bench.md)")
        }
        let flasher: BoardFlasher?
        do { flasher = try declared.boardFlasher(catalogue: entry.flasher, board: entry.name) } catch {
            throw .invalidArgument("place '\(place.name)': \(error.description)")
        }
        guard let flasher else {
            throw .invalidArgument("place '\(place.name)' says 'flasher: {tool: none}': its board is not flashed from this bench (a simulated board's model comes from the simulator's --artifact)")
        }
        entry.flasher = flasher
        if let monitor = place.power, monitor.mode == .source, let port = resolved.ports.monitor {
            try powerThroughMonitor(port: port, millivolts: monitor.millivolts)
        }
        return try service.flash(entry, firmware: firmware, probe: declared.probe, port: resolved.ports.board, baud: resolved.baud, timeout: timeout)
    }

    private func powerThroughMonitor(port: String, millivolts: Int) throws(AgentError) {
        let transport: any ByteTransport
        do { transport = try TransportOpener.open(path: port) } catch { throw .transport(error) }
        defer { transport.close() }
        let driver = PPK2Driver(transport: transport)
        _ = try driver.readMetadata()
        try driver.configure(mode: .source, millivolts: millivolts)
        Thread.sleep(forTimeInterval: 0.2)  // the board boots before its probe attaches
    }
}
