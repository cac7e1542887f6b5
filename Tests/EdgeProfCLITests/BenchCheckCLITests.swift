import Foundation
import Testing

/// Issue 19: a bench of three places (simulated boards and PPK2s, one miswired on purpose):
/// `bench check` names the miswired place and its fault, and passes once the wiring is fixed.
@Suite struct BenchCheckCLITests {
    static let bench = """
        bench: lab-a
        places:
          shelf-1:
            board: {catalogue: edgeprof-sim, serial: SIM-A1}
            power: {instrument: nordic-ppk2, serial: PPK2-A1, mode: source, vdd-mv: 3300, mark: 0}
          shelf-2:
            board: {catalogue: edgeprof-sim, serial: SIM-A2}
            power: {instrument: nordic-ppk2, serial: PPK2-A2, mode: ampere, vdd-mv: 1800, mark: 1}
          shelf-3:
            board: {catalogue: edgeprof-sim, serial: SIM-A3}
            power: {instrument: nordic-ppk2, serial: PPK2-A3, mode: source, vdd-mv: 3000, mark: 2}

        """

    /// `edgeprof sim bench FILE …` in a process of its own, once it printed a line per place.
    final class SimulatedBenchProcess {
        let process = Process()
        var lines: [String] = []

        init(file: String, places: Int, arguments: [String] = [], environment: [String: String]) throws {
            process.executableURL = URL(fileURLWithPath: CLI.binary)
            process.arguments = ["sim", "bench", file] + arguments
            process.environment = environment
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            var line = Data()
            while lines.count < places, let byte = try out.fileHandleForReading.read(upToCount: 1), !byte.isEmpty {
                if byte == Data([0x0A]) {
                    lines.append(String(decoding: line, as: UTF8.self))
                    line = Data()
                } else {
                    line.append(byte)
                }
            }
        }

        func stop() {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
    }

    static func environment(_ cli: CLI, sims: URL) -> [String: String] {
        cli.environment.merging(["EDGEPROF_SIMS": sims.path, "EDGEPROF_DEVICES": CLI.repository.appendingPathComponent("devices").path]) { $1 }
    }

    @Test(arguments: [
        ("shelf-2=mark-on:5", "mark-input", "set 'mark: 5'"),
        ("shelf-1=swap-monitor:shelf-3", "monitor-swapped", "swap the cables"),
        ("shelf-2=no-mark", "no-mark-wire", "wire the board's mark GPIO"),
        ("shelf-1=supply:ampere", "mode", "set 'mode: ampere'"),
    ])
    func aMiswiredPlaceIsNamedWithItsFaultAndTheFixedBenchPasses(miswiring: String, fault: String, fix: String) async throws {
        try await CLI.offThePool {
            let cli = try CLI()
            let sims = cli.home.appendingPathComponent("sims")
            let file = cli.file("bench.yaml", Self.bench)
            let environment = Self.environment(cli, sims: sims)
            let miswired = try SimulatedBenchProcess(file: file, places: 3, arguments: ["--miswire", miswiring], environment: environment)
            #expect(miswired.lines.count == 3, "\(miswired.lines)")
            let failing = try cli.run(["bench", "check", file, "--format", "json"], environment: environment)
            miswired.stop()
            #expect(failing.status == 1, "\(failing.stdout)\(failing.stderr)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(failing.stdout.utf8)) as? [String: Any])
            let places = try #require(document["places"] as? [[String: Any]])
            let place = String(miswiring.prefix { $0 != "=" })
            let verdicts = Dictionary(uniqueKeysWithValues: places.map { ($0["place"] as? String ?? "", $0["verdict"] as? [String: Any] ?? [:]) })
            #expect(verdicts[place]?["level"] as? String == "FAIL")
            #expect(verdicts[place]?["fault"] as? String == fault, "\(verdicts[place] ?? [:])")
            #expect((verdicts[place]?["fix"] as? String)?.contains(fix) == true, "\(verdicts[place] ?? [:])")
            let others = verdicts.filter { $0.key != place && !(miswiring.contains("swap-monitor") && $0.key == "shelf-3") }
            #expect(others.count >= 1 && others.values.allSatisfy { $0["level"] as? String == "OK" }, "\(verdicts)")

            let fixed = try SimulatedBenchProcess(file: file, places: 3, environment: environment)
            let passing = try cli.run(["bench", "check", file], environment: environment)
            fixed.stop()
            #expect(passing.status == 0, "\(passing.stdout)\(passing.stderr)")
            #expect(passing.stdout.contains("OK   shelf-1") && passing.stdout.contains("OK   shelf-2") && passing.stdout.contains("OK   shelf-3"), "\(passing.stdout)")
            #expect(passing.stdout.contains("D1 toggled once per inference (6 times)"), "\(passing.stdout)")
        }
    }

    @Test func aPlaceWhoseBoardIsNotPluggedInFailsAndTheOthersAreStillChecked() async throws {
        try await CLI.offThePool {
            let cli = try CLI()
            let sims = cli.home.appendingPathComponent("sims")
            let environment = Self.environment(cli, sims: sims)
            let served = try SimulatedBenchProcess(file: cli.file("served.yaml", Self.bench), places: 3, environment: environment)
            defer { served.stop() }
            let file = cli.file("bench.yaml", Self.bench.replacingOccurrences(of: "SIM-A3", with: "SIM-GONE"))
            let checked = try cli.run(["bench", "check", file], environment: environment)
            #expect(checked.status == 1, "\(checked.stdout)\(checked.stderr)")
            #expect(checked.stdout.contains("FAIL shelf-3") && checked.stdout.contains("     [not-found] its board (edgeprof-sim) with serial SIM-GONE is not plugged in"), "\(checked.stdout)")
            #expect(checked.stdout.contains("OK   shelf-1") && checked.stdout.contains("OK   shelf-2"), "\(checked.stdout)")
        }
    }

    @Test func aPlaceIsProfiledByNameWithItsMonitorAndTheRunNamesItsPlaceAndWiring() async throws {
        try await CLI.offThePool {
            let cli = try CLI()
            try cli.addDefaultActor()
            let artifact = cli.file("kws.bin", "int8 weights of kws")
            #expect(try cli.run(["model", "register", "kws", "1.0.0", "--artifact", artifact]).status == 0)
            let file = cli.file("bench.yaml", Self.bench)
            let environment = Self.environment(cli, sims: cli.home.appendingPathComponent("sims"))
            let bench = try SimulatedBenchProcess(file: file, places: 3, arguments: ["--artifact", artifact, "--model", "kws"], environment: environment)
            defer { bench.stop() }
            let profiled = try cli.run(
                ["profile", "--place", "shelf-2", "--model", "kws@1.0.0", "--iterations", "5", "--tokens", "4", "--quiet", "--format", "json"],
                environment: environment.merging(["EDGEPROF_BENCH_FILE": file]) { $1 })
            #expect(profiled.status == 0, "\(profiled.stderr)")
            let stored = try cli.sqlite("SELECT place, wiring, energy_source, COALESCE(energy_note, '-'), port FROM run")
            let fields = stored.output.trimmingCharacters(in: .newlines).split(separator: "|").map(String.init)
            #expect(fields.count == 5 && fields[0] == "shelf-2", "\(stored.output)")
            #expect(fields.count == 5 && fields[1] == "board edgeprof-sim serial SIM-A2; power nordic-ppk2 serial PPK2-A2 ampere 1800 mV mark D1", "\(stored.output)")
            #expect(fields.count == 5 && fields[2] == "ppk2:\(bench.lines[1].split(separator: " ")[2])" && fields[3] == "-", "energy measured by shelf-2's own monitor: \(stored.output)")
            #expect(fields.count == 5 && fields[4] == String(bench.lines[1].split(separator: " ")[1]), "\(stored.output)")

            let unknown = try cli.run(["profile", "--place", "shelf-9", "--bench-file", file, "--model", "kws@1.0.0"], environment: environment)
            #expect(unknown.status == 64 && unknown.stderr.contains("has no place 'shelf-9'; its places: shelf-1, shelf-2, shelf-3"), "\(unknown.stderr)")
            let noFile = try cli.run(["profile", "--place", "shelf-1", "--model", "kws@1.0.0"], environment: environment)
            #expect(noFile.status == 64 && noFile.stderr.contains("give --bench-file FILE or set EDGEPROF_BENCH_FILE"), "\(noFile.stderr)")
            let both = try cli.run(["profile", "--place", "shelf-1", "--port", "/dev/null", "--model", "kws@1.0.0"], environment: environment)
            #expect(both.status == 64, "\(both.stderr)")
            bench.stop()
            let gone = try cli.run(["profile", "--place", "shelf-1", "--bench-file", file, "--model", "kws@1.0.0"], environment: environment)
            #expect(gone.status == 69 && gone.stderr.contains("serial SIM-A1 is not plugged in"), "\(gone.stderr)")
        }
    }

    @Test func aBrokenBenchFileIsRefusedWithItsLineAndField() throws {
        let cli = try CLI()
        let file = cli.file("bench.yaml", Self.bench.replacingOccurrences(of: "serial: SIM-A2", with: "port: /dev/ttyACM0"))
        let refused = try cli.run(["bench", "check", file], environment: ["EDGEPROF_DEVICES": CLI.repository.appendingPathComponent("devices").path])
        #expect(refused.status == 65, "\(refused.stderr)")
        #expect(refused.stderr.contains("bench.yaml:7:") && refused.stderr.contains("not by its /dev port"), "\(refused.stderr)")
    }
}
