import Foundation
import Testing

/// Real Link v1 firmware with the tiny-lm transformer on QEMU's MPS2 boards, started and
/// stopped by `edgeprof profile --device`: deterministic ticks, labelled emulated, no orphan
/// emulator whatever happens. Needs qemu-system-arm and the built firmware (scripts/test builds it).
@Suite(.serialized) struct EmulatedBoardCLITests {
    static let firmware = CLI.repository.appendingPathComponent("devices/qemu-mps2/firmware")
    static let artifact = firmware.appendingPathComponent("build/tiny-lm.bin").path

    func prepared() throws -> CLI {
        try #require(FileManager.default.fileExists(atPath: Self.artifact), "build the firmware: make -C devices/qemu-mps2/firmware (scripts/test does)")
        let cli = try CLI()
        try cli.addDefaultActor()
        #expect(try cli.run(["model", "register", "tiny-lm", "1.0.0", "--artifact", Self.artifact]).status == 0)
        return cli
    }

    /// Emulator processes running this checkout's firmware (children of `parent`, if given).
    static func emulators(parent: Int32? = nil) throws -> [Int32] {
        try FileManager.default.contentsOfDirectory(atPath: "/proc").compactMap(Int32.init).filter { pid in
            guard let command = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")) else { return false }
            let text = String(decoding: command, as: UTF8.self)
            guard text.contains("qemu-system-arm"), text.contains(firmware.path) else { return false }
            return parent.map { Self.parent(of: pid) == $0 } ?? true
        }
    }

    /// Emulators whose edgeprof is gone: what must never exist (other tests' live runs are fine).
    /// Emulators that neither a running edgeprof nor this test process (other suites start
    /// boards of their own in parallel) owns.
    static func orphans() throws -> [Int32] {
        try emulators().filter { pid in
            let parent = Self.parent(of: pid) ?? 1
            let name = (try? String(contentsOfFile: "/proc/\(parent)/comm", encoding: .utf8)) ?? ""
            return !name.hasPrefix("edgeprof") && parent != getpid()
        }
    }

    static func parent(of pid: Int32) -> Int32? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ").dropFirst().first.flatMap { Int32($0) }
    }

    /// Per-iteration durations and token gaps of a stored run, in device ticks.
    func shape(_ cli: CLI, run id: Int) throws -> [[UInt64]] {
        let shown = try cli.run(["runs", "show", "\(id)", "--raw"])
        let object = (try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [[String: Any]])?.first
        let iterations = try #require(((object?["run"] as? [String: Any])?["iterations"]) as? [[String: Any]], "\(shown.stderr)")
        return iterations.map { iteration in
            let start = (iteration["startTicks"] as? NSNumber)?.uint64Value ?? 0
            let tokens = (iteration["tokenTicks"] as? [NSNumber])?.map(\.uint64Value) ?? []
            let end = (iteration["endTicks"] as? NSNumber)?.uint64Value ?? 0
            return zip([start] + tokens, tokens + [end]).map { $1 - $0 }
        }
    }

    /// The firmware folder of each emulated Link v1 board.
    static let builds = ["qemu-mps2-an385": "an385", "qemu-mps2-an386": "an386", "qemu-netduinoplus2": "stm32f405"]

    @Test func everyBoardProfilesEndToEndWithTheSameTicksEveryRun() throws {
        let cli = try prepared()
        var means: [String: Double] = [:]
        var firstIterations: [String: UInt64] = [:]
        var runID = 0
        for board in ["qemu-mps2-an385", "qemu-mps2-an386", "qemu-netduinoplus2"] {
            var shapes: [[[UInt64]]] = []
            for _ in 0..<2 {
                let result = try cli.run(["profile", "--device", board, "--model", "tiny-lm@1.0.0", "--iterations", "5", "--warmup", "1", "--tokens", "8", "--format", "json"])
                #expect(result.status == 0, "\(result.stderr)")
                let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
                #expect(report?["emulated"] as? Bool == true)
                #expect(report?["deviceClass"] as? String == board)
                let summary = report?["summary"] as? [String: Any]
                means[board] = (summary?["latencyMs"] as? [String: Any])?["mean"] as? Double
                let elf = Self.firmware.appendingPathComponent("build/\(Self.builds[board] ?? board)/edgeprof-fw.elf").path
                let size = try cli.run(["firmware", "size", "--format", "json", elf])
                let flash = ((try JSONSerialization.jsonObject(with: Data(size.stdout.utf8)) as? [[String: Any]])?.first?["flash"] as? NSNumber)?.uint64Value
                #expect((summary?["flashBytes"] as? NSNumber)?.uint64Value == flash, "the run's evidence carries its firmware's size")
                runID += 1
                shapes.append(try shape(cli, run: runID))
                #expect(try Self.orphans().isEmpty, "the emulator was stopped")
            }
            #expect(shapes[0].count == 5 && shapes[0][0].count == 9, "5 measured iterations: first token, 7 gaps, the end")
            #expect(shapes[0] == shapes[1], "\(board): the same tick counts on every run")
            firstIterations[board] = shapes[0].first?.reduce(0, +)
        }
        let m3 = try #require(means["qemu-mps2-an385"]), m4 = try #require(means["qemu-mps2-an386"])
        #expect(m4 < m3, "the Cortex-M4 build uses the DSP instructions (SMLAD) in its int8 dot products")
        // The STM32F405 runs the same Cortex-M4 code: under -icount shift=0 every instruction takes
        // 1 ns whatever the clock, so the milliseconds agree while its SysTick counts 168/25 times
        // as many ticks as the MPS2's 25 MHz one.
        let stm32 = try #require(means["qemu-netduinoplus2"])
        #expect(abs(stm32 - m4) / m4 < 0.01, "STM32F405 \(stm32) ms against AN386 \(m4) ms")
        let ratio = Double(try #require(firstIterations["qemu-netduinoplus2"])) / Double(try #require(firstIterations["qemu-mps2-an386"]))
        #expect(abs(ratio - 168.0 / 25.0) < 0.07, "ticks at 168 MHz against 25 MHz: \(ratio)")
        let table = try cli.run(["profile", "--device", "qemu-mps2-an386", "--model", "tiny-lm@1.0.0", "--iterations", "1", "--warmup", "0", "--quiet"])
        #expect(table.stdout.contains("  EMULATED: the board runs under an emulator; its ticks are repeatable instruction-count proxies, not real latency"))
        let gates = cli.file("gates.yaml", "device-classes:\n  qemu-mps2-an386: {min-iterations: 5, max-latency-p95-ms: 50, max-flash-kib: catalogue, max-peak-ram-kib: catalogue}\n")
        let gate = try cli.run(["gate", "check", "--model", "tiny-lm@1.0.0", "--device-class", "qemu-mps2-an386", "--thresholds", gates])
        #expect(gate.status == 0, "\(gate.stdout)\(gate.stderr)")
        #expect(gate.stdout.contains("flash (ELF)"), "the flash size from the run's ELF against the catalogue's 4 MiB")
        #expect(gate.stdout.contains("≤ 4096.0 KiB"))
        #expect(gate.stdout.contains("EMULATED evidence: instruction-count proxies, good for regression detection, not for real latency"))
    }

    @Test func theDemoRunsOnAnEmulatedBoard() throws {
        let cli = try CLI()
        let demo = try cli.run(["demo", "--board", "qemu-mps2-an386", "--iterations", "10"])
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(demo.stderr.contains("emulated board (QEMU) qemu-mps2-an386 QEMU on /dev/pts/"))
        #expect(demo.stdout.contains("edge-performance gate: PASS for tiny-lm@1.0.0 on device class qemu-mps2-an386"))
        #expect(try Self.orphans().isEmpty)
        let unknown = try cli.run(["demo", "--board", "qemu-mps2-an999"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("no board 'qemu-mps2-an999' in the catalogue") && unknown.stderr.hasSuffix("emulated boards: qemu-mps2-an385, qemu-mps2-an386, qemu-mps2-an386-mlperf, qemu-netduinoplus2\n"))
        let mlperf = try cli.run(["demo", "--board", "qemu-mps2-an386-mlperf"])
        #expect(mlperf.stderr == "edgeprof: error: the demo profiles EdgeProf Link v1 boards; qemu-mps2-an386-mlperf speaks mlperf-tiny-dut. Fix: edgeprof profile --device qemu-mps2-an386-mlperf --model tiny-lm@1.0.0\n")
    }

    @Test func ctrlCStoresThePartialRunAndStopsTheEmulator() throws {
        let cli = try prepared()
        let profile = try cli.start(
            ["profile", "--device", "qemu-mps2-an385", "--model", "tiny-lm@1.0.0", "--iterations", "100000", "--quiet"], environment: [:])
        let deadline = Date().addingTimeInterval(20)
        while try Self.emulators(parent: profile.processIdentifier).isEmpty, profile.isRunning, Date() < deadline { usleep(20_000) }
        #expect(try !Self.emulators(parent: profile.processIdentifier).isEmpty, "the emulator started")
        usleep(500_000)
        kill(profile.processIdentifier, SIGINT)
        profile.waitUntilExit()
        #expect(profile.terminationStatus == 130)
        let stored = try cli.sqlite("SELECT status, partial_reason FROM run")
        #expect(stored.output == "partial|interrupted by SIGINT (Ctrl-C) before the run finished\n", "what was measured is kept")
        let gone = Date().addingTimeInterval(5)
        while try !Self.orphans().isEmpty, Date() < gone { usleep(20_000) }
        #expect(try Self.orphans().isEmpty, "no orphan emulator")

        let insisting = try cli.start(
            ["profile", "--device", "qemu-mps2-an385", "--model", "tiny-lm@1.0.0", "--iterations", "100000", "--quiet"], environment: [:])
        while try Self.emulators(parent: insisting.processIdentifier).isEmpty, insisting.isRunning, Date() < deadline + 20 { usleep(20_000) }
        kill(insisting.processIdentifier, SIGINT)
        usleep(20_000)
        kill(insisting.processIdentifier, SIGINT)
        insisting.waitUntilExit()
        #expect(insisting.terminationStatus == 130)
        while try !Self.orphans().isEmpty, Date() < gone + 5 { usleep(20_000) }
        #expect(try Self.orphans().isEmpty, "a second Ctrl-C stops the emulator before quitting")
    }

    @Test func missingPiecesAreNamedWithTheirFix() throws {
        let cli = try prepared()
        let noQEMU = try cli.run(["profile", "--device", "qemu-mps2-an386", "--model", "tiny-lm@1.0.0"], environment: ["PATH": "/nonexistent"])
        #expect(noQEMU.status == 69)
        #expect(noQEMU.stderr == "edgeprof: error: qemu-system-arm is not installed. Fix: sudo apt-get install qemu-system-arm\n")

        let catalogue = cli.home.appendingPathComponent("catalogue")
        try FileManager.default.createDirectory(at: catalogue.appendingPathComponent("boards"), withIntermediateDirectories: true)
        let entry = try String(contentsOf: CLI.repository.appendingPathComponent("devices/boards/qemu-mps2-an386.yaml"), encoding: .utf8)
        try entry.write(to: catalogue.appendingPathComponent("boards/qemu-mps2-an386.yaml"), atomically: true, encoding: .utf8)
        let unbuilt = try cli.run(["profile", "--device", "qemu-mps2-an386", "--model", "tiny-lm@1.0.0", "--devices", catalogue.path])
        #expect(unbuilt.status == 69)
        #expect(unbuilt.stderr == "edgeprof: error: the firmware of qemu-mps2-an386 is not built: \(catalogue.path)/qemu-mps2/firmware/build/an386/edgeprof-fw.elf is missing. Fix: make -C devices/qemu-mps2/firmware\n")

        // Firmware that never answers: bounded waits, then the emulator is stopped.
        let build = catalogue.appendingPathComponent("qemu-mps2/firmware/build/an386")
        try FileManager.default.createDirectory(at: build, withIntermediateDirectories: true)
        let program = build.appendingPathComponent("edgeprof-fw.elf").path
        try FileManager.default.copyItem(atPath: Self.firmware.appendingPathComponent("build/test/silent.elf").path, toPath: program)
        let silent = try cli.run(["profile", "--device", "qemu-mps2-an386", "--model", "tiny-lm@1.0.0", "--devices", catalogue.path])
        #expect(silent.status == 69)
        #expect(silent.stderr.hasPrefix("edgeprof: error: no answer from /dev/pts/"), "\(silent.stderr)")
        #expect(silent.stderr.contains("after 3 HELLO attempts (6.0 s)"))
        #expect(try Self.orphans().isEmpty)

        // Firmware that locks the core up: QEMU stops by itself and says why.
        try FileManager.default.removeItem(atPath: program)
        try FileManager.default.copyItem(atPath: Self.firmware.appendingPathComponent("build/test/crash.elf").path, toPath: program)
        let crashed = try cli.run(["profile", "--device", "qemu-mps2-an386", "--model", "tiny-lm@1.0.0", "--devices", catalogue.path])
        #expect(crashed.status == 69)
        #expect(crashed.stderr.hasPrefix("edgeprof: error: the emulator of qemu-mps2-an386 stopped "), "\(crashed.stderr)")
        #expect(crashed.stderr.contains("qemu: fatal: Lockup"), "\(crashed.stderr)")
        #expect(try Self.orphans().isEmpty)

        // Not firmware at all: refused before the emulator starts.
        try FileManager.default.removeItem(atPath: program)
        try FileManager.default.copyItem(atPath: Self.artifact, toPath: program)
        let notELF = try cli.run(["profile", "--device", "qemu-mps2-an386", "--model", "tiny-lm@1.0.0", "--devices", catalogue.path])
        #expect(notELF.status == 65)
        #expect(notELF.stderr == "edgeprof: error: \(program): not an ELF file (no \\x7FELF magic): give the .elf the firmware build produces, not a .bin or .hex\n")
        let physical = try cli.run(["profile", "--device", "nucleo-f446re", "--model", "tiny-lm@1.0.0"])
        #expect(physical.stderr == "edgeprof: error: nucleo-f446re is not an emulated board (its catalogue entry has no 'emulator'). Fix: give its port with --port\n")
    }
}

/// The MLPerf Tiny DUT driver against EdgeProf's own DUT firmware under QEMU.
@Suite(.serialized) struct MLPerfDUTCLITests {
    func prepared() throws -> CLI {
        try #require(FileManager.default.fileExists(atPath: EmulatedBoardCLITests.artifact), "build the firmware: make -C devices/qemu-mps2/firmware")
        let cli = try CLI()
        try cli.addDefaultActor()
        #expect(try cli.run(["model", "register", "tiny-lm", "1.0.0", "--artifact", EmulatedBoardCLITests.artifact]).status == 0)
        return cli
    }

    @Test func aPerformanceRunEndToEndWithTheRunnersMedian() throws {
        let cli = try prepared()
        var medians: [Double] = []
        for run in 1...2 {
            let result = try cli.run(["profile", "--device", "qemu-mps2-an386-mlperf", "--model", "tiny-lm@1.0.0", "--iterations", "5", "--inferences", "10", "--warmup", "1", "--format", "json"])
            #expect(result.status == 0, "\(result.stderr)")
            let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            let summary = report?["summary"] as? [String: Any]
            let median = try #require(summary?["throughputMedian"] as? Double)
            medians.append(median)
            #expect((report?["board"] as? [String: Any])?["wireProtocol"] as? String == "mlperf-tiny-dut")
            #expect(report?["emulated"] as? Bool == true)
            // The same figure from the raw windows, as the runner computes it.
            let raw = try cli.run(["runs", "show", "\(run)", "--raw"])
            let stored = (try JSONSerialization.jsonObject(with: Data(raw.stdout.utf8)) as? [[String: Any]])?.first
            let windows = try #require((stored?["run"] as? [String: Any])?["iterations"] as? [[String: Any]])
            let throughputs = windows.map { window -> Double in
                let start = (window["startTicks"] as? NSNumber)?.doubleValue ?? 0, end = (window["endTicks"] as? NSNumber)?.doubleValue ?? 0
                return Double((window["inferences"] as? Int) ?? 0) / ((end - start) / 1e6)
            }.sorted()
            #expect(windows.count == 5 && median == throughputs[2])
        }
        #expect(medians[0] == medians[1], "deterministic under -icount")
    }

    @Test func refusalsAndSilenceAreClearErrors() throws {
        let cli = try prepared()
        let big = cli.file("input.bin", String(repeating: "x", count: 100))
        let refused = try cli.run(["profile", "--device", "qemu-mps2-an386-mlperf", "--model", "tiny-lm@1.0.0", "--input-file", big, "--iterations", "1"])
        #expect(refused.status == 69)
        #expect(refused.stderr.hasPrefix("edgeprof: error: the board on /dev/pts/"))
        #expect(refused.stderr.hasSuffix(" refused: e-[db load needs 1 to 64 bytes]: the MLPerf DUT refused 'db load 100'\n"), "\(refused.stderr)")

        // A board that never says m-ready: the Link v1 firmware where MLPerf firmware was expected.
        let catalogue = cli.home.appendingPathComponent("catalogue")
        try FileManager.default.createDirectory(at: catalogue.appendingPathComponent("boards"), withIntermediateDirectories: true)
        let entry = try String(contentsOf: CLI.repository.appendingPathComponent("devices/boards/qemu-mps2-an386-mlperf.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "build/an386/mlperf-dut.elf", with: "build/an386/edgeprof-fw.elf")
        try entry.write(to: catalogue.appendingPathComponent("boards/qemu-mps2-an386-mlperf.yaml"), atomically: true, encoding: .utf8)
        let build = catalogue.appendingPathComponent("qemu-mps2/firmware/build/an386")
        try FileManager.default.createDirectory(at: build, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: EmulatedBoardCLITests.firmware.appendingPathComponent("build/an386/edgeprof-fw.elf").path,
            toPath: build.appendingPathComponent("edgeprof-fw.elf").path)
        let silent = try cli.run(["profile", "--device", "qemu-mps2-an386-mlperf", "--model", "tiny-lm@1.0.0", "--devices", catalogue.path])
        #expect(silent.status == 69)
        #expect(silent.stderr.contains("no m-ready from /dev/pts/"), "\(silent.stderr)")
        #expect(silent.stderr.hasSuffix("within 2.0 s after 'name' (heard nothing). Fix: check that the board runs MLPerf Tiny DUT firmware in performance mode (115200 baud)\n"), "\(silent.stderr)")
    }
}
