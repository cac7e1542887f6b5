/// The exact commands that put a firmware image on a board, as docs/flashing.md lists them.
/// Pure: the flasher, the files and the probe in, program names and arguments out.
public struct FlashPlan: Sendable, Hashable {
    /// One program run: its name (looked up on PATH), its arguments, and how to install it.
    public struct Step: Sendable, Hashable {
        public var program: String
        public var arguments: [String]
        public var install: String
        /// A file the step reads, written before it runs (a GDB script).
        public var script: Script?

        public init(program: String, arguments: [String], install: String, script: Script? = nil) {
            self.program = program
            self.arguments = arguments
            self.install = install
            self.script = script
        }

        /// The command as a shell would take it, for messages and docs.
        public var commandLine: String { ([program] + arguments).map(FlashPlan.shellQuoted).joined(separator: " ") }
    }

    /// A file a step reads, and what it holds.
    public struct Script: Sendable, Hashable {
        public var path: String
        public var contents: String

        public init(path: String, contents: String) {
            self.path = path
            self.contents = contents
        }
    }

    public var tool: BoardFlasher.Tool
    public var steps: [Step]
    /// The tool reads the flash back and compares it with the image (OpenOCD's `verify`,
    /// GDB's `compare-sections`, picotool's `-v`, esptool's hash check).
    public var readsBack: Bool
    public var timeoutSeconds: Int

    static func shellQuoted(_ word: String) -> String {
        let plain = !word.isEmpty && word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./:=@,+%".contains($0)) }
        return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// Why no plan can be made: what is missing, and how to give it.
public struct FlashPlanError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}

/// Turns a board's flasher into the commands to run.
public enum FlashPlanner {
    /// `probe` selects the debug probe (its serial number), or is the GDB server's HOST:PORT for
    /// gdb-remote; `port` is the board's serial port (esptool flashes through it); `scratch` is a
    /// directory for converted images and scripts.
    public static func plan(
        board: String, flasher: BoardFlasher, firmware: String, probe: String?, port: String?, scratch: String
    ) throws(FlashPlanError) -> FlashPlan {
        try requireSafe(firmware, "the firmware path")
        if let probe { try requireSafe(probe, "the probe") }
        if let port { try requireSafe(port, "the port") }
        let binary = scratch + "/firmware.bin"
        let steps: [FlashPlan.Step]
        var readsBack = true
        switch flasher.tool {
        case .none:
            throw FlashPlanError("\(board) has no flasher (it is simulated: its model comes from the simulator's --artifact); there is nothing to flash")
        case .openocd:
            guard let interface = flasher.interface, let target = flasher.target else { throw FlashPlanError("\(board)'s openocd flasher needs interface and target (devices/)") }
            guard !firmware.contains(where: { "{}\\".contains($0) }) else {
                throw FlashPlanError("the firmware path \(firmware) contains a brace or a backslash, which OpenOCD's command language cannot take: move or rename the file")
            }
            var arguments = ["-f", "interface/\(interface).cfg"]
            if interface != "stlink" { arguments += ["-c", "transport select swd"] }
            if let probe {
                guard probe.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
                    throw FlashPlanError("--probe \(probe) is not a probe serial number (letters, digits, '-', '_', '.')")
                }
                arguments += ["-c", "adapter serial \(probe)"]
            }
            arguments += ["-f", "target/\(target).cfg", "-c", "program {\(firmware)} verify reset exit"]
            steps = [FlashPlan.Step(program: "openocd", arguments: arguments, install: "apt-get install openocd")]
        case .pyocd:
            guard let target = flasher.target else { throw FlashPlanError("\(board)'s pyocd flasher needs target (devices/)") }
            let selection = ["--target", target] + (probe.map { ["--uid", $0] } ?? [])
            steps = [
                FlashPlan.Step(program: "pyocd", arguments: ["load"] + selection + [firmware], install: "pip install pyocd"),
                FlashPlan.Step(program: "pyocd", arguments: ["reset"] + selection, install: "pip install pyocd"),
            ]
            readsBack = false
        case .picotool:
            let install = "build picotool from https://github.com/raspberrypi/picotool (Debian does not package it)"
            steps = [FlashPlan.Step(program: "picotool", arguments: ["load", "-v", "-x", "-f"] + (probe.map { ["--ser", $0] } ?? []) + [firmware], install: install)]
        case .esptool:
            guard let chip = flasher.chip, let address = flasher.address else { throw FlashPlanError("\(board)'s esptool flasher needs chip and address (devices/)") }
            guard let port else { throw FlashPlanError("esptool flashes \(board) through its serial port: pass --port PORT") }
            steps = [
                FlashPlan.Step(program: "esptool.py", arguments: ["--chip", chip, "elf2image", "--output", binary, firmware], install: "pip install esptool"),
                FlashPlan.Step(
                    program: "esptool.py", arguments: ["--chip", chip, "--port", port, "--after", "hard_reset", "write_flash", hex(address), binary],
                    install: "pip install esptool"),
            ]
        case .dfuUtil:
            guard let address = flasher.address else { throw FlashPlanError("\(board)'s dfu-util flasher needs address (devices/)") }
            steps = [
                FlashPlan.Step(program: "arm-none-eabi-objcopy", arguments: ["-O", "binary", firmware, binary], install: "apt-get install binutils-arm-none-eabi"),
                FlashPlan.Step(
                    program: "dfu-util", arguments: ["-a", "\(flasher.alt ?? 0)", "-s", "\(hex(address)):leave", "-D", binary] + (probe.map { ["-S", $0] } ?? []),
                    install: "apt-get install dfu-util"),
            ]
            readsBack = false
        case .gdbRemote:
            guard let address = probe ?? flasher.server else {
                throw FlashPlanError("\(board) is flashed through a GDB server: pass --probe HOST:PORT (its address)")
            }
            guard GDBServerAddress(address) != nil else { throw FlashPlanError("--probe \(address) is not HOST:PORT (a GDB server's address, e.g. localhost:3333)") }
            let reset = flasher.reset.isEmpty ? ["monitor reset"] : flasher.reset
            let script = ["set confirm off", "set pagination off", "target extended-remote \(address)", "load", "compare-sections"] + reset + ["detach"]
            let path = scratch + "/flash.gdb"
            steps = [
                FlashPlan.Step(
                    program: "gdb-multiarch", arguments: ["--batch", "-nx", "-x", path, firmware], install: "apt-get install gdb-multiarch",
                    script: FlashPlan.Script(path: path, contents: script.joined(separator: "\n") + "\n"))
            ]
        }
        return FlashPlan(tool: flasher.tool, steps: steps, readsBack: readsBack, timeoutSeconds: flasher.timeoutSeconds)
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    /// Paths and names go to tools as single arguments; control characters never do.
    private static func requireSafe(_ text: String, _ what: String) throws(FlashPlanError) {
        guard !text.isEmpty, !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw FlashPlanError("\(what) is empty or contains control characters")
        }
    }
}
