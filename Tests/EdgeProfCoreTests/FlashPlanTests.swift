@testable import EdgeProfCore
import Foundation
import Testing

/// Catalogue `flasher:` fields, the exact command lines each flasher runs (docs/flashing.md
/// lists the same), and the verdict on whether a flashed board runs its image.
@Suite struct FlashPlanTests {
    let firmware = "/work/fw.elf"
    let scratch = "/tmp/s"

    func flasher(_ yaml: String) throws -> BoardFlasher? {
        let entry = """
            kind: board
            name: b
            title: B
            vendor: V
            mcu: M
            clock-hz: 1
            ram-bytes: 1
            flash-bytes: 1
            device-class: c
            transport: pty
            protocol: edgeprof-link-v1
            \(yaml)
            """
        return try CatalogueEntryParser.parse(yaml: entry, file: "b.yaml", expectedName: "b").flasher
    }

    func commands(_ flasher: BoardFlasher, probe: String? = nil, port: String? = nil) throws -> [String] {
        try FlashPlanner.plan(board: "b", flasher: flasher, firmware: firmware, probe: probe, port: port, scratch: scratch).steps.map(\.commandLine)
    }

    @Test func everyToolRunsItsDocumentedCommandLine() throws {
        #expect(try commands(BoardFlasher(tool: .openocd, interface: "stlink", target: "stm32f4x"), probe: "066DFF485550755187121914") == [
            "openocd -f interface/stlink.cfg -c 'adapter serial 066DFF485550755187121914' -f target/stm32f4x.cfg -c 'program {/work/fw.elf} verify reset exit'"
        ])
        #expect(try commands(BoardFlasher(tool: .openocd, interface: "jlink", target: "nrf52")) == [
            "openocd -f interface/jlink.cfg -c 'transport select swd' -f target/nrf52.cfg -c 'program {/work/fw.elf} verify reset exit'"
        ])
        #expect(try commands(BoardFlasher(tool: .pyocd, target: "nrf52840"), probe: "0240000034") == [
            "pyocd load --target nrf52840 --uid 0240000034 /work/fw.elf", "pyocd reset --target nrf52840 --uid 0240000034",
        ])
        #expect(try commands(BoardFlasher(tool: .picotool)) == ["picotool load -v -x -f /work/fw.elf"])
        #expect(try commands(BoardFlasher(tool: .picotool), probe: "E6614103E7") == ["picotool load -v -x -f --ser E6614103E7 /work/fw.elf"])
        #expect(try commands(BoardFlasher(tool: .esptool, chip: "esp32s3", address: 0x10000), port: "/dev/ttyACM0") == [
            "esptool.py --chip esp32s3 elf2image --output /tmp/s/firmware.bin /work/fw.elf",
            "esptool.py --chip esp32s3 --port /dev/ttyACM0 --after hard_reset write_flash 0x00010000 /tmp/s/firmware.bin",
        ])
        #expect(try commands(BoardFlasher(tool: .dfuUtil, address: 0x0800_0000, alt: 0), probe: "3276367A3432") == [
            "arm-none-eabi-objcopy -O binary /work/fw.elf /tmp/s/firmware.bin",
            "dfu-util -a 0 -s 0x08000000:leave -D /tmp/s/firmware.bin -S 3276367A3432",
        ])
        let gdb = try FlashPlanner.plan(
            board: "b", flasher: BoardFlasher(tool: .gdbRemote, server: "localhost:1234", reset: ["monitor system_reset"]), firmware: firmware, probe: nil,
            port: nil, scratch: scratch)
        #expect(gdb.steps.map(\.commandLine) == ["gdb-multiarch --batch -nx -x /tmp/s/flash.gdb /work/fw.elf"])
        #expect(gdb.steps[0].script?.contents == """
            set confirm off
            set pagination off
            target extended-remote localhost:1234
            load
            compare-sections
            monitor system_reset
            detach

            """)
        #expect(gdb.readsBack)
        let generic = try FlashPlanner.plan(board: "b", flasher: BoardFlasher(tool: .gdbRemote), firmware: firmware, probe: "10.0.0.7:2331", port: nil, scratch: scratch)
        #expect(generic.steps[0].script?.contents.contains("target extended-remote 10.0.0.7:2331\nload\ncompare-sections\nmonitor reset\ndetach") == true)
    }

    @Test func pathsWithSpacesAreQuotedForTheReaderNotSplitForTheTool() throws {
        let plan = try FlashPlanner.plan(
            board: "b", flasher: BoardFlasher(tool: .pyocd, target: "nrf52840"), firmware: "/my builds/it's.elf", probe: nil, port: nil, scratch: scratch)
        #expect(plan.steps[0].arguments.last == "/my builds/it's.elf")
        #expect(plan.steps[0].commandLine.hasSuffix("'/my builds/it'\\''s.elf'"))
    }

    @Test(arguments: [
        (BoardFlasher(tool: .none), nil as String?, nil as String?, "b has no flasher (it is simulated"),
        (BoardFlasher(tool: .esptool, chip: "esp32s3", address: 0x10000), nil, nil, "esptool flashes b through its serial port: pass --port PORT"),
        (BoardFlasher(tool: .gdbRemote), nil, nil, "b is flashed through a GDB server: pass --probe HOST:PORT"),
        (BoardFlasher(tool: .gdbRemote), "localhost", nil, "--probe localhost is not HOST:PORT"),
        (BoardFlasher(tool: .gdbRemote), "host:99999", nil, "--probe host:99999 is not HOST:PORT"),
        (BoardFlasher(tool: .openocd, interface: "stlink", target: "stm32f4x"), "x; shutdown", nil, "--probe x; shutdown is not a probe serial number"),
        (BoardFlasher(tool: .picotool), "a\nb", nil, "the probe is empty or contains control characters"),
    ])
    func plansThatCannotBeMadeSayWhatIsMissing(_ flasher: BoardFlasher, _ probe: String?, _ port: String?, _ message: String) {
        #expect {
            _ = try FlashPlanner.plan(board: "b", flasher: flasher, firmware: firmware, probe: probe, port: port, scratch: scratch)
        } throws: { error in
            (error as? FlashPlanError)?.description.hasPrefix(message) == true
        }
    }

    @Test func openOCDRefusesAPathItsCommandLanguageWouldReadAsCode() {
        #expect(throws: FlashPlanError.self) {
            _ = try FlashPlanner.plan(
                board: "b", flasher: BoardFlasher(tool: .openocd, interface: "stlink", target: "stm32f4x"), firmware: "/x/{shutdown}.elf", probe: nil,
                port: nil, scratch: scratch)
        }
    }

    @Test func catalogueFieldsParseAndEachToolsNeedsAreChecked() throws {
        let parsed = try flasher("flasher:\n  tool: dfu-util\n  address: \"0x08000000\"\n  alt: 1\n  timeout-seconds: 30")
        #expect(parsed == BoardFlasher(tool: .dfuUtil, address: 0x0800_0000, alt: 1, timeoutSeconds: 30))
        #expect(try flasher("flasher:\n  tool: gdb-remote\n  server: localhost:1234\n  reset: [\"monitor system_reset\"]")?.reset == ["monitor system_reset"])
        #expect(try flasher("") == nil)
        let refusals: [(String, String)] = [
            ("flasher:\n  tool: openocd\n  target: stm32f4x", "b.yaml:13: flasher: openocd needs field 'interface'"),
            ("flasher:\n  tool: openocd\n  interface: usb-blaster\n  target: x", "b.yaml:14: flasher: field 'interface' must be one of stlink, cmsis-dap, jlink"),
            ("flasher:\n  tool: esptool\n  chip: esp32s3", "b.yaml:13: flasher: esptool needs field 'address'"),
            ("flasher:\n  tool: dfu-util\n  address: somewhere", "b.yaml:14: flasher: field 'address' must be a 32-bit address"),
            ("flasher:\n  tool: pyocd\n  target: \"nrf52; rm -rf /\"", "b.yaml:14: flasher: field 'target' must be a plain name"),
            ("flasher:\n  tool: gdb-remote\n  server: nowhere", "b.yaml:14: flasher: field 'server' must be HOST:PORT"),
            ("flasher:\n  tool: jtag-magic", "b.yaml:13: flasher: field 'tool' must be one of openocd, pyocd, picotool, esptool, dfu-util, gdb-remote, none"),
            ("flasher:\n  tool: picotool\n  speed: 3", "b.yaml:14: flasher: unknown field 'speed'"),
            ("flasher:\n  tool: gdb-remote\n  reset: [\"shell rm -rf ~\"]", "b.yaml:14: flasher: each 'reset' entry must be one 'monitor …' command"),
            ("flasher:\n  tool: gdb-remote\n  reset: [\"python import os\"]", "b.yaml:14: flasher: each 'reset' entry must be one 'monitor …' command"),
        ]
        for (yaml, message) in refusals {
            #expect {
                _ = try flasher(yaml)
            } throws: { error in
                let text = (error as? ConfigError)?.description ?? ""
                if !text.hasPrefix(message) { Issue.record("got: \(text)") }
                return true
            }
        }
    }

    @Test func theVerdictOnAFlashedBoard() {
        let id = "287e1ed65488cb533ba7bed6f88abd17cb417a9a"
        #expect(FlashVerification.judge(imageBuildID: id, expectedBoard: "b", board: "b", build: id.uppercased(), readsBack: true) == .confirmed(buildID: id))
        guard case .mismatch(let other) = FlashVerification.judge(imageBuildID: id, expectedBoard: "b", board: "b", build: "0123", readsBack: true) else {
            Issue.record("another build must not pass")
            return
        }
        #expect(other.contains("announces build 0123 but the image's build id is \(id)"))
        guard case .mismatch(let wrongBoard) = FlashVerification.judge(imageBuildID: id, expectedBoard: "b", board: "c", build: id, readsBack: true) else {
            Issue.record("another board must not pass")
            return
        }
        #expect(wrongBoard.hasPrefix("the board that answered is c, not b"))
        guard case .readBackOnly(let noNote) = FlashVerification.judge(imageBuildID: nil, expectedBoard: "b", board: "b", build: "x", readsBack: false) else {
            Issue.record("an image without a build id cannot be confirmed by the handshake")
            return
        }
        #expect(noNote.contains("-Wl,--build-id") && noNote.contains("does not read back"))
        guard case .readBackOnly = FlashVerification.judge(imageBuildID: id, expectedBoard: "b", board: nil, build: nil, readsBack: true) else {
            Issue.record("no port: nothing to shake hands on")
            return
        }
        #expect(FlashVerification.readBackMismatches(gdbOutput: "Section .text, range 0x0 -- 0x1631c: matched.\nSection .data, range 0x16348 -- 0x16350: MIS-MATCHED!\n")
            == ["Section .data, range 0x16348 -- 0x16350: MIS-MATCHED!"])
    }

    /// The ELF's GNU build-id note as binutils reads it (`arm-none-eabi-readelf -n`).
    @Test func theBuildIDIsReadelfs() throws {
        let path = ELFImageTests.firmware.path
        let image = try ELFImage(bytes: Array(try Data(contentsOf: ELFImageTests.firmware)))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/arm-none-eabi-readelf")
        process.arguments = ["-n", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let line = try #require(output.split(separator: "\n").first { $0.contains("Build ID:") })
        #expect(image.buildID == line.split(separator: " ").last.map(String.init))
        #expect(image.buildID?.count == 40)
    }
}
