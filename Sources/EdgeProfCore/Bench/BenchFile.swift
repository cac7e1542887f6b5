/// A lab bench described once (`bench.yaml`): its name and its places, each with the board, the
/// power monitor, the mark wire and the flasher that belong together. Pure data; `BenchFileParser`
/// reads it and `BenchResolution` finds its resources among what is plugged in.
public struct BenchFile: Sendable, Hashable {
    /// The bench's name, as the collector knows it (an agent token belongs to one bench).
    public var name: String
    public var places: [BenchPlace]
    /// Where it was read from, for messages.
    public var file: String

    public init(name: String, places: [BenchPlace], file: String) {
        self.name = name
        self.places = places
        self.file = file
    }

    public func place(named name: String) -> BenchPlace? { places.first { $0.name == name } }
}

/// One place of a bench: a board with what is wired to it.
public struct BenchPlace: Sendable, Hashable {
    public var name: String
    public var board: BenchBoard
    public var power: BenchPowerMonitor?
    public var flasher: BenchFlasher?
    /// The class whose gate thresholds apply; nil takes the catalogue's.
    public var deviceClass: String?
    public var labels: [String: String]
    /// The line the place starts on, for messages.
    public var line: Int?

    public init(
        name: String, board: BenchBoard, power: BenchPowerMonitor? = nil, flasher: BenchFlasher? = nil, deviceClass: String? = nil,
        labels: [String: String] = [:], line: Int? = nil
    ) {
        self.name = name
        self.board = board
        self.power = power
        self.flasher = flasher
        self.deviceClass = deviceClass
        self.labels = labels
        self.line = line
    }

    /// What a run's evidence records of the place: its wiring, in one line.
    public var wiringSummary: String {
        var parts = ["board \(board.catalogueName) \(board.identity)"]
        if let power {
            parts.append("power \(power.instrument) \(power.identity) \(power.mode.rawValue) \(power.millivolts) mV mark \(power.markInput.map { "D\($0)" } ?? "none")")
        }
        if let flasher { parts.append("flasher \(flasher.tool)\(flasher.probe.map { " probe \($0)" } ?? "")") }
        return parts.joined(separator: "; ")
    }
}

/// What identifies a device across re-plugging: never its /dev node, which moves.
public enum DeviceIdentity: Sendable, Hashable, CustomStringConvertible {
    /// Its USB serial number (a simulator's announced serial for simulated devices).
    case serial(String)
    /// The physical USB port it is plugged into, as Linux names it (e.g. `1-2.3`).
    case usbPath(String)

    public var description: String {
        switch self {
        case .serial(let serial): "serial \(serial)"
        case .usbPath(let path): "usb-path \(path)"
        }
    }
}

/// The board of a place: which catalogue board it is and how to find it.
public struct BenchBoard: Sendable, Hashable {
    /// Its catalogue entry (devices/boards/NAME.yaml).
    public var catalogueName: String
    public var identity: DeviceIdentity
    /// The link's baud rate; nil takes the catalogue's.
    public var baud: Int?

    public init(catalogueName: String, identity: DeviceIdentity, baud: Int? = nil) {
        self.catalogueName = catalogueName
        self.identity = identity
        self.baud = baud
    }
}

/// How a power monitor is wired to a place's board.
public struct BenchPowerMonitor: Sendable, Hashable {
    /// Source: the monitor powers the board (PPK2 source-meter mode); ampere: the board's own
    /// supply runs through it.
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        case source, ampere
    }

    /// Its catalogue entry (devices/instruments/NAME.yaml).
    public var instrument: String
    public var identity: DeviceIdentity
    /// The measuring channel (a PPK2 has one: 0).
    public var channel: Int
    public var mode: Mode
    /// The board's supply voltage, in mV.
    public var millivolts: Int
    /// The logic input the board raises during each inference; nil when none is wired.
    public var markInput: Int?

    public init(instrument: String, identity: DeviceIdentity, channel: Int = 0, mode: Mode, millivolts: Int, markInput: Int?) {
        self.instrument = instrument
        self.identity = identity
        self.channel = channel
        self.mode = mode
        self.millivolts = millivolts
        self.markInput = markInput
    }
}

/// How a place's board is flashed: the tool and the probe it goes through.
public struct BenchFlasher: Sendable, Hashable {
    public static let tools = ["openocd", "pyocd", "picotool", "esptool", "dfu-util", "gdb-remote", "none"]

    public var tool: String
    /// The probe's serial number (an ST-LINK's, a J-Link's), or `HOST:PORT` for gdb-remote.
    public var probe: String?

    public init(tool: String, probe: String? = nil) {
        self.tool = tool
        self.probe = probe
    }

    /// The flasher this place's board is flashed with: the catalogue's own when the place names
    /// the same tool (its adapter, target, reset and timeout come from devices/), else the
    /// place's tool with the catalogue's timeout, for the tools that need no board settings
    /// (picotool, a GDB server). Nil for `none`: the place is not flashed.
    public func boardFlasher(catalogue: BoardFlasher?, board: String) throws(FlashPlanError) -> BoardFlasher? {
        guard let tool = BoardFlasher.Tool(rawValue: tool) else {
            throw FlashPlanError("'\(self.tool)' is not a flasher EdgeProf runs; use one of \(Self.tools.joined(separator: ", "))")
        }
        if tool == .none { return nil }
        if let catalogue, catalogue.tool == tool { return catalogue }
        switch tool {
        case .picotool, .gdbRemote:
            return BoardFlasher(tool: tool, timeoutSeconds: catalogue?.timeoutSeconds ?? BoardFlasher.defaultTimeoutSeconds)
        case .openocd, .pyocd, .esptool, .dfuUtil, .none:
            let needs = "\(self.tool) needs \(board)'s settings (adapter, target, chip or address)"
            let elsewhere = "or give \(board)'s \(self.tool) settings in devices/boards/\(board).yaml"
            guard let catalogue, catalogue.tool != .none else {
                throw FlashPlanError("\(needs), and its catalogue entry names no flasher: use a GDB server ('tool: gdb-remote'), \(elsewhere)")
            }
            throw FlashPlanError("\(needs), and its catalogue entry gives \(catalogue.tool.rawValue)'s: set 'tool: \(catalogue.tool.rawValue)', \(elsewhere)")
        }
    }
}
