import EdgeProfAgent
import EdgeProfCore
import Foundation

extension ProfileTarget {
    /// `profile --flash`: flash → handshake → profile → store in one step. An emulated board
    /// (--device) starts blank with its gdbstub on a free port and is flashed through it, as a
    /// board on a bench is through its probe; a real one (--port) is flashed by its catalogue
    /// flasher; a place (--place) by the flasher and probe its bench file names. The run's
    /// firmware figures come from the flashed ELF.
    /// `flashed` hears of the flash once it is confirmed, before the profile starts.
    func flashThenProfile(
        _ image: String, probe: String?, store: StoreOptions, progress: Bool, stop: StopRequest, flashed: (FlashReport) -> Void = { _ in }
    ) throws(AgentError) -> ProfileOutcome {
        if let place {
            if probe != nil { throw .invalidArgument("--probe: a place is flashed through the probe its bench file names; leave --probe out") }
            let resolved = try resolvePlace(place)
            let report = try PlaceFlasher(service: FlashService(leases: try LeaseService())).flash(resolved, catalogue: try catalogue.required(), firmware: image)
            Terminal.note(FlashReportText.table(report).trimmingCharacters(in: .newlines))
            flashed(report)
            return try profile(resolved, firmware: image, store: store, progress: progress, stop: stop)
        }
        if let device, port == nil {
            if probe != nil { throw .invalidArgument("--probe: an emulated board is flashed through its own gdbstub; leave --probe out") }
            let (entry, directory) = try catalogue.emulatedBoard(device)
            let gdbPort = try LoopbackPort.unused()
            return try EmulatedBoard.running(entry, catalogueDirectory: directory, blank: EmulatedBoard.Blank(gdbPort: gdbPort), stop: stop) { board throws(AgentError) in
                let report = try FlashService(leases: try LeaseService()).flash(entry, firmware: image, probe: "127.0.0.1:\(gdbPort)", port: board.path)
                Terminal.note(FlashReportText.table(report).trimmingCharacters(in: .newlines))
                flashed(report)
                return try profile(running: board, entry: entry, catalogueDirectory: directory, store: store, progress: progress, stop: stop, flashed: image)
            }
        }
        guard let port else { throw .invalidArgument("--flash goes with --port PORT (a board on this host) or --device NAME (an emulated board)") }
        let entry = try FlashTarget.board(device: device, port: port, catalogue: catalogue.required())
        let report = try FlashService(leases: try LeaseService()).flash(entry, firmware: image, probe: probe, port: port, baud: baud)
        Terminal.note(FlashReportText.table(report).trimmingCharacters(in: .newlines))
        flashed(report)
        return try profileLink(
            port: port, baud: baud, deviceClass: deviceClass, power: try power.map { argument throws(AgentError) in
                try PowerSetup(argument: argument, millivolts: powerVdd, mode: powerMode, markChannel: powerMark)
            }, place: nil, firmware: try FirmwareFile.size(path: image), store: store, progress: progress, stop: stop)
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on now (the kernel's pick), for a gdbstub.
enum LoopbackPort {
    static func unused() throws(AgentError) -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw .invalidArgument("cannot open a socket to pick a gdbstub port (errno \(errno))") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw .invalidArgument("cannot pick a free port on 127.0.0.1 for the gdbstub (errno \(errno))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
