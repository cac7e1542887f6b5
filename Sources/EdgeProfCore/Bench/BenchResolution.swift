/// A device that can be opened now, with what identifies it across re-plugging: a serial port
/// the system lists, or a simulator that announced itself.
public struct DeviceCandidate: Sendable, Hashable {
    public var path: String
    public var serial: String?
    public var usbPath: String?
    /// For messages: what it is (`usb 1915:c00a`, `simulated edgeprof-sim`).
    public var summary: String

    public init(path: String, serial: String?, usbPath: String?, summary: String) {
        self.path = path
        self.serial = serial
        self.usbPath = usbPath
        self.summary = summary
    }
}

/// A place's resource that cannot be found (or found twice) among what is plugged in.
public struct BenchResolutionError: Error, Sendable, Hashable, CustomStringConvertible {
    public var place: String
    public var message: String

    public var description: String { "place '\(place)': \(message)" }
}

/// Finds a bench file's devices among the candidates plugged in now. Pure: a board that was
/// re-plugged and got another /dev node is found again by its serial number or USB port.
public enum BenchResolution {
    /// The ports of a place: its board's, and its monitor's when it has one.
    public struct Ports: Sendable, Hashable {
        public var board: String
        public var monitor: String?

        public init(board: String, monitor: String?) {
            self.board = board
            self.monitor = monitor
        }
    }

    public static func ports(of place: BenchPlace, among candidates: [DeviceCandidate]) throws(BenchResolutionError) -> Ports {
        let board = try port(of: place.board.identity, what: "board (\(place.board.catalogueName))", place: place.name, among: candidates)
        let monitor = try place.power.map { power throws(BenchResolutionError) in
            try port(of: power.identity, what: "power monitor (\(power.instrument))", place: place.name, among: candidates)
        }
        return Ports(board: board, monitor: monitor)
    }

    static func port(of identity: DeviceIdentity, what: String, place: String, among candidates: [DeviceCandidate]) throws(BenchResolutionError) -> String {
        let matching = candidates.filter { candidate in
            switch identity {
            case .serial(let serial): candidate.serial == serial
            case .usbPath(let path): candidate.usbPath == path
            }
        }
        switch matching.count {
        case 1: return matching[0].path
        case 0:
            throw BenchResolutionError(
                place: place,
                message: "its \(what) with \(identity) is not plugged in (\(candidates.count) devices seen). Fix: plug it in and power it, or correct the bench file; `edgeprof devices list` shows what is connected")
        default:
            let paths = matching.map { "\($0.path) (\($0.summary))" }.joined(separator: ", ")
            throw BenchResolutionError(
                place: place,
                message: "its \(what) with \(identity) matches \(matching.count) ports: \(paths). Fix: name it by a property only it has (serial or usb-path)")
        }
    }
}
