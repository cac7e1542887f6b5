import Foundation
import Testing

/// Flash, then profile, through QEMU's gdbstub: a blank emulated board waits halted as a board
/// waits for its probe, `edgeprof flash` loads the ELF with gdb-multiarch, reads it back, resets
/// it and checks that the board announces the ELF's GNU build id; `profile --flash` does it all
/// in one step. Needs qemu-system-arm, gdb-multiarch and the built firmware.
@Suite(.serialized) struct FlashCLITests {
    static let build = EmulatedBoardCLITests.firmware.appendingPathComponent("build")
    static let an386 = build.appendingPathComponent("an386/edgeprof-fw.elf").path
    static let an385 = build.appendingPathComponent("an385/edgeprof-fw.elf").path

    /// The free TCP port the kernel picks now, for a gdbstub.
    static func freePort() throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return try #require(Int(text.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    static func readelfBuildID(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/arm-none-eabi-readelf")
        process.arguments = ["-n", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return try #require(text.split(separator: "\n").first { $0.contains("Build ID:") }?.split(separator: " ").last.map(String.init))
    }

    @Test func aBlankBoardIsFlashedThroughItsGDBServerAndConfirmedByItsBuildID() throws {
        let cli = try CLI()
        let gdbPort = try Self.freePort()
        let board = try SimulatorProcess(arguments: ["qemu-mps2-an386", "--blank", "--gdb-port", "\(gdbPort)"], device: "emulated")
        defer { _ = board.stop() }
        #expect(board.path.hasPrefix("/dev/pts/"))
        let probe = ["--probe", "127.0.0.1:\(gdbPort)", "--port", board.path]

        // A board someone else holds is refused before the flasher runs: exit 69, naming them.
        #expect(try cli.run(["devices", "lease", board.path, "--purpose", "night soak"]).status == 0)
        #expect(try cli.sqlite("UPDATE lease SET json = json_set(json, '$.holder', 'ci@lab-host')", in: cli.environment["EDGEPROF_LEASES"]).status == 0)
        let busy = try cli.run(["flash", "--device", "qemu-mps2-an386"] + probe + [Self.an386])
        #expect(busy.status == 69 && busy.stderr.contains("is busy: leased to ci@lab-host (night soak)"), "\(busy.stderr)")
        #expect(!busy.stderr.contains("gdb-multiarch"), "nothing ran: \(busy.stderr)")
        #expect(try cli.run(["devices", "release", board.path, "--force"]).status == 0)

        let flashed = try cli.run(["flash", "--device", "qemu-mps2-an386"] + probe + ["--format", "json", Self.an386])
        #expect(flashed.status == 0, "\(flashed.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(flashed.stdout.utf8)) as? [String: Any]
        #expect(report?["verified"] as? String == "build-id" && report?["readsBack"] as? Bool == true)
        #expect(report?["buildID"] as? String == (try Self.readelfBuildID(Self.an386)))
        let commands = report?["commands"] as? [String] ?? []
        #expect(commands.count == 1 && commands[0].hasPrefix("gdb-multiarch --batch -nx -x "))
        #expect(commands.first?.contains("target extended-remote 127.0.0.1:\(gdbPort); load; compare-sections; monitor system_reset; detach") == true)

        // The other board's firmware loads and runs, but it is not this board: refused, exit 69.
        let wrong = try cli.run(["flash", "--device", "qemu-mps2-an386"] + probe + [Self.an385])
        #expect(wrong.status == 69)
        #expect(wrong.stderr.contains("the board that answered is qemu-mps2-an385, not qemu-mps2-an386"), "\(wrong.stderr)")
        #expect(board.process.isRunning, "the board outlives a refused flash")
        #expect(try cli.run(["devices", "leases"]).stdout == "no leases in force\n", "each flash gave its lease back")
    }

    @Test func whatCannotBeFlashedSaysWhyWithTheDocumentedExitCode() throws {
        let cli = try CLI()
        let closed = try Self.freePort()
        let nobody = try cli.run(["flash", "--device", "qemu-mps2-an386", "--probe", "127.0.0.1:\(closed)", Self.an386])
        #expect(nobody.status == 69, "\(nobody.stderr)")
        #expect(nobody.stderr.contains("gdb-multiarch failed") && nobody.stderr.contains("The command was: gdb-multiarch"), "\(nobody.stderr)")
        let notELF = cli.file("firmware.bin", "not an ELF")
        let refused = try cli.run(["flash", "--device", "qemu-mps2-an386", "--probe", "127.0.0.1:\(closed)", notELF])
        #expect(refused.status == 65 && refused.stderr.contains("not an ELF file"), "\(refused.stderr)")
        let simulated = try cli.run(["flash", "--device", "edgeprof-sim", Self.an386])
        #expect(simulated.status == 64 && simulated.stderr.contains("edgeprof-sim has no flasher"), "\(simulated.stderr)")
        let noBoard = try cli.run(["flash", Self.an386])
        #expect(noBoard.status == 64 && noBoard.stderr.contains("--device NAME"), "\(noBoard.stderr)")
        let noProbe = try cli.run(["flash", "--device", "nucleo-f446re", "--probe", "x y", Self.an386])
        #expect(noProbe.status == 64 && noProbe.stderr.contains("is not a probe serial number"), "\(noProbe.stderr)")
    }

    /// `profile --flash` on an emulated board: started blank, flashed, confirmed, profiled; the
    /// ticks are those of the board started with the same ELF by `-kernel`.
    @Test func flashThenProfileInOneStepMeasuresWhatTheImageDoes() throws {
        let cli = try EmulatedBoardCLITests().prepared()
        let arguments = ["profile", "--device", "qemu-mps2-an386", "--model", "tiny-lm@1.0.0", "--iterations", "3", "--warmup", "0", "--tokens", "4", "--quiet"]
        let flashed = try cli.run(arguments + ["--flash", Self.an386], timeout: 120)
        #expect(flashed.status == 0, "\(flashed.stderr)")
        #expect(flashed.stderr.contains("OK: the board announces the image's build id \(try Self.readelfBuildID(Self.an386))"), "\(flashed.stderr)")
        let loaded = try cli.run(arguments, timeout: 120)
        #expect(loaded.status == 0, "\(loaded.stderr)")
        #expect(try EmulatedBoardCLITests().shape(cli, run: 1) == (try EmulatedBoardCLITests().shape(cli, run: 2)))
        #expect(try EmulatedBoardCLITests.orphans().isEmpty)
        // A real microcontroller's memory map: the ELF goes into the STM32F405's flash at 0x08000000.
        let stm32 = Self.build.appendingPathComponent("stm32f405/edgeprof-fw.elf").path
        let onSTM32 = try cli.run(
            ["profile", "--device", "qemu-netduinoplus2", "--model", "tiny-lm@1.0.0", "--iterations", "1", "--warmup", "0", "--tokens", "2", "--quiet", "--flash", stm32],
            timeout: 120)
        let stm32BuildID = try Self.readelfBuildID(stm32)
        #expect(onSTM32.status == 0 && onSTM32.stderr.contains("OK: the board announces the image's build id \(stm32BuildID)"), "\(onSTM32.stderr)")
        let both = try cli.run(arguments + ["--flash", Self.an386, "--firmware", Self.an386])
        #expect(both.status == 64 && both.stderr.contains("--flash names the firmware"), "\(both.stderr)")
    }
}
