/// How a catalogued board is flashed: the tool and what it needs to know about the board.
/// The probe (which ST-LINK, which GDB server) belongs to the bench, not to the board: it comes
/// from the command line or the bench file.
public struct BoardFlasher: Sendable, Codable, Hashable {
    public enum Tool: String, Sendable, Codable, CaseIterable {
        case openocd
        case pyocd
        case picotool
        case esptool
        case dfuUtil = "dfu-util"
        case gdbRemote = "gdb-remote"
        /// Simulated boards: nothing to flash.
        case none
    }

    /// OpenOCD's debug adapters EdgeProf knows how to select (interface/NAME.cfg).
    public static let openOCDInterfaces = ["stlink", "cmsis-dap", "jlink"]

    public var tool: Tool
    /// openocd: the adapter (`interface/NAME.cfg`).
    public var interface: String?
    /// openocd: the chip family (`target/NAME.cfg`); pyocd: its `--target`.
    public var target: String?
    /// esptool: its `--chip`.
    public var chip: String?
    /// esptool, dfu-util: where the image goes in flash.
    public var address: UInt32?
    /// dfu-util: the alternate setting of the flash (`-a`).
    public var alt: Int?
    /// gdb-remote: the server's `HOST:PORT` when the bench does not say.
    public var server: String?
    /// gdb-remote: the GDB commands that reset the target after loading (`monitor reset` for
    /// most servers, `monitor system_reset` for QEMU).
    public var reset: [String]
    /// How long the whole flash may take before the tool is stopped.
    public var timeoutSeconds: Int

    public static let defaultTimeoutSeconds = 120

    public init(
        tool: Tool, interface: String? = nil, target: String? = nil, chip: String? = nil, address: UInt32? = nil, alt: Int? = nil,
        server: String? = nil, reset: [String] = [], timeoutSeconds: Int = defaultTimeoutSeconds
    ) {
        self.tool = tool
        self.interface = interface
        self.target = target
        self.chip = chip
        self.address = address
        self.alt = alt
        self.server = server
        self.reset = reset
        self.timeoutSeconds = timeoutSeconds
    }
}
