import Foundation
import Testing

/// Issue 19: a place's flasher and probe are used, not only described. A blank emulated board
/// announced by serial waits behind its gdbstub as a board waits behind its probe; the bench
/// file names it, its GDB server and nothing else. `bench check` says the board must be
/// flashed and that its flasher can; `flash --place` and `profile --place --flash` find the
/// board by identity and flash it through the place's probe; a wrong image is refused.
/// Needs qemu-system-arm, gdb-multiarch and the built firmware.
@Suite(.serialized) struct PlaceFlashCLITests {
    static func bench(gdbPort: Int) -> String {
        """
        bench: lab-q
        places:
          bay-1:
            board: {catalogue: qemu-mps2-an386, serial: QEMU-BAY-1}
            flasher: {tool: gdb-remote, probe: "127.0.0.1:\(gdbPort)"}

        """
    }

    @Test(.timeLimit(.minutes(10))) func aPlaceIsFlashedThroughItsOwnProbeThenCheckedAndProfiled() async throws {
        try await CLI.offThePool {
            let cli = try EmulatedBoardCLITests().prepared()
            let gdbPort = try FlashCLITests.freePort()
            let environment = [
                "EDGEPROF_SIMS": cli.home.appendingPathComponent("sims").path, "EDGEPROF_DEVICES": CLI.repository.appendingPathComponent("devices").path,
            ]
            let file = cli.file("bench.yaml", Self.bench(gdbPort: gdbPort))
            let board = try SimulatorProcess(
                arguments: ["qemu-mps2-an386", "--blank", "--gdb-port", "\(gdbPort)", "--serial", "QEMU-BAY-1"], device: "emulated", environment: environment)
            defer { _ = board.stop() }
            #expect(board.path.hasPrefix("/dev/pts/"))

            // Blank: the board does not answer, and the fix says how to flash it from this bench.
            let blank = try cli.run(["bench", "check", file], environment: environment)
            #expect(blank.status == 1 && blank.stdout.contains("FAIL bay-1") && blank.stdout.contains("[board-silent]"), "\(blank.stdout)")
            #expect(blank.stdout.contains("`edgeprof flash --place bay-1 --bench-file \(file) FIRMWARE.elf`"), "\(blank.stdout)")
            #expect(blank.stdout.contains("flasher: gdb-remote can flash it through the GDB server at 127.0.0.1:\(gdbPort)"), "\(blank.stdout)")

            // Another board's image loads, but the board that answers is not the place's: refused.
            let wrong = try cli.run(["flash", "--place", "bay-1", "--bench-file", file, FlashCLITests.an385], environment: environment)
            #expect(wrong.status == 69 && wrong.stderr.contains("the board that answered is qemu-mps2-an385, not qemu-mps2-an386"), "\(wrong.stderr)")

            let flashed = try cli.run(["flash", "--place", "bay-1", "--bench-file", file, "--format", "json", FlashCLITests.an386], environment: environment)
            #expect(flashed.status == 0, "\(flashed.stderr)")
            let report = try JSONSerialization.jsonObject(with: Data(flashed.stdout.utf8)) as? [String: Any]
            let buildID = try FlashCLITests.readelfBuildID(FlashCLITests.an386)
            #expect(report?["verified"] as? String == "build-id" && report?["buildID"] as? String == buildID)
            #expect((report?["commands"] as? [String])?.first?.contains("target extended-remote 127.0.0.1:\(gdbPort); load") == true, "\(flashed.stdout)")

            let checked = try cli.run(["bench", "check", file], environment: environment)
            #expect(checked.status == 0 && checked.stdout.contains("OK   bay-1") && checked.stdout.contains("board: qemu-mps2-an386"), "\(checked.stdout)")
            // Without gdb-multiarch on PATH the place still works, but cannot be flashed: a warning with the fix.
            let noGDB = try cli.run(["bench", "check", file], environment: environment.merging(["PATH": "/nonexistent"]) { $1 })
            #expect(noGDB.status == 0 && noGDB.stdout.contains("WARN bay-1") && noGDB.stdout.contains("[flasher-missing]"), "\(noGDB.stdout)")
            #expect(noGDB.stdout.contains("fix: apt-get install gdb-multiarch"), "\(noGDB.stdout)")

            let profiled = try cli.run(
                ["profile", "--place", "bay-1", "--bench-file", file, "--flash", FlashCLITests.an386, "--model", "tiny-lm@1.0.0", "--iterations", "3", "--warmup", "0",
                 "--tokens", "4", "--quiet"],
                environment: environment, timeout: 120)
            #expect(profiled.status == 0, "\(profiled.stderr)")
            #expect(profiled.stderr.contains("OK: the board announces the image's build id"), "\(profiled.stderr)")
            let stored = try cli.sqlite("SELECT place, wiring, firmware_json IS NOT NULL FROM run ORDER BY id DESC LIMIT 1")
            #expect(stored.output.trimmingCharacters(in: .newlines) == "bay-1|board qemu-mps2-an386 serial QEMU-BAY-1; flasher gdb-remote probe 127.0.0.1:\(gdbPort)|1", "\(stored.output)")

            let withProbe = try cli.run(["flash", "--place", "bay-1", "--bench-file", file, "--probe", "127.0.0.1:1", FlashCLITests.an386], environment: environment)
            #expect(withProbe.status == 64 && withProbe.stderr.contains("leave out --device, --port and --probe"), "\(withProbe.stderr)")
            #expect(board.process.isRunning, "the board outlives every refusal")
        }
    }

    @Test func aPlaceWithoutAFlasherSaysHowToAddOne() throws {
        let cli = try CLI()
        let file = cli.file("bench.yaml", """
            bench: lab-q
            places:
              bay-2:
                board: {catalogue: qemu-mps2-an386, serial: QEMU-BAY-2}

            """)
        let environment = ["EDGEPROF_SIMS": cli.home.appendingPathComponent("sims").path]
        let board = try SimulatorProcess(arguments: ["qemu-mps2-an386", "--serial", "QEMU-BAY-2"], device: "emulated", environment: environment)
        defer { _ = board.stop() }
        let refused = try cli.run(["flash", "--place", "bay-2", "--bench-file", file, FlashCLITests.an386], environment: environment)
        #expect(refused.status == 64 && refused.stderr.contains("names no flasher") && refused.stderr.contains("flasher: {tool: gdb-remote"), "\(refused.stderr)")
    }
}
