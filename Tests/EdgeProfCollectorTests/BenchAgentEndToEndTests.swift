import Foundation
import Testing

/// Issue 19, done when: a bench of three places (simulated boards and PPK2s) described once in a
/// file; `agent run --bench` profiles all three in parallel with energy, finds again a board whose
/// terminal changed between runs, and keeps going when one place's board dies; the collector
/// shows the three places, the dead one failing and alerted on. Every part a real process.
@Suite(.serialized) struct BenchAgentEndToEndTests {
    static let bench = """
        bench: bench-1
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

    @Test(.timeLimit(.minutes(5))) func everyPlaceIsProfiledWithEnergyAReplugIsFoundAndADeadBoardIsReported() async throws {
        let lab = try LabEndToEndTests.Lab()
        defer { lab.stopAll() }
        let artifact = lab.path("kws.bin")
        try Data("int8 weights of kws".utf8).write(to: URL(fileURLWithPath: artifact))
        try Self.bench.write(toFile: lab.path("bench.yaml"), atomically: true, encoding: .utf8)
        for database in ["lab.sqlite", "bench.sqlite"] {
            #expect(try lab.run(["actors", "add", "me", "--role", "ml_engineer", "--role", "tech_lead", "--actor", "me"], database: database).status == 0)
            #expect(try lab.run(["model", "register", "kws", "1.0.0", "--artifact", artifact], database: database).status == 0)
        }
        let agentToken = try lab.run(["collector", "token", "create", "--for", "bench-1-agent", "--bench", "bench-1", "--actor", "me"], database: "lab.sqlite")
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let person = try lab.run(["collector", "token", "create", "--for", "me", "--person", "--actor", "me"], database: "lab.sqlite")
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let port = CollectorCrashTests.freePort()
        let url = "http://127.0.0.1:\(port)"
        _ = try lab.start(["collector", "serve", "--port", String(port)], database: "lab.sqlite", firstLine: false)
        // shelf-2's board is re-plugged (a new terminal) after each run; shelf-3's dies after two.
        let (_, first) = try lab.start(
            ["sim", "bench", lab.path("bench.yaml"), "--artifact", artifact, "--model", "kws", "--replug", "shelf-2", "--die", "shelf-3=2"],
            database: "unused.sqlite", firstLine: true)
        #expect(first.hasPrefix("shelf-1 /dev/pts/"), "\(first)")
        try await Task.sleep(for: .milliseconds(500))

        let agent = try lab.run(
            ["agent", "run", "--collector", url, "--token", agentToken, "--bench", lab.path("bench.yaml"), "--model", "kws@1.0.0",
             "--iterations", "5", "--tokens", "4", "--every", "0.2", "--count", "3", "--spool", lab.path("spool.sqlite")],
            database: "bench.sqlite")
        #expect(agent.status == 69, "a place failed its last round: \(agent.stderr)")
        #expect(agent.stderr.contains("1 of 3 places failed their last round: shelf-3"), "\(agent.stderr)")
        #expect(agent.stderr.contains("place shelf-1: 3 round(s) profiled, 0 failed") && agent.stderr.contains("place shelf-2: 3 round(s) profiled, 0 failed"), "\(agent.stderr)")
        #expect(agent.stderr.contains("place shelf-3: 2 round(s) profiled, 1 failed"), "\(agent.stderr)")

        // Every run of every place was measured by its own monitor, with energy for each iteration.
        let runs = try lab.sqlite("SELECT place, port, energy_source, COALESCE(energy_note, '') FROM run ORDER BY id", database: "bench.sqlite")
        let rows = runs.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.count == 8, "\(runs)")
        #expect(rows.allSatisfy { $0.count == 4 && $0[2].hasPrefix("ppk2:/dev/pts/") && $0[3].isEmpty }, "\(runs)")
        #expect(Dictionary(grouping: rows, by: { $0[0] }).mapValues(\.count) == ["shelf-1": 3, "shelf-2": 3, "shelf-3": 2], "\(runs)")
        // Each re-plug gives the board a new terminal; a freed terminal's number may come back, so
        // at least two of its three rounds found it on different ones.
        #expect(Set(rows.filter { $0[0] == "shelf-2" }.map { $0[1] }).count >= 2, "shelf-2 was found again after it moved: \(runs)")
        let energy = try lab.sqlite("SELECT COUNT(*) FROM iteration WHERE energy_nj IS NULL", database: "bench.sqlite")
        #expect(energy == "0", "every iteration has its energy")

        let collected = try lab.sqlite("SELECT place, COUNT(*), MIN(wiring LIKE '%mark D%') FROM run GROUP BY place ORDER BY place", database: "lab.sqlite")
        #expect(collected == "shelf-1|3|1\nshelf-2|3|1\nshelf-3|2|1", "every run reached the collector with its place and wiring: \(collected)")
        let devices = try lab.sqlite("SELECT device, bench, place FROM fleet_device ORDER BY device", database: "lab.sqlite")
        #expect(devices == "edgeprof-sim:SIM-A1|bench-1|shelf-1\nedgeprof-sim:SIM-A2|bench-1|shelf-2\nedgeprof-sim:SIM-A3|bench-1|shelf-3", "the fleet knows each device's place: \(devices)")
        let status = try lab.run(["bench", "status", "--collector", url, "--token", person, "--format", "json"], database: "lab.sqlite")
        #expect(status.status == 1, "a place is failing: \(status.stdout)\(status.stderr)")
        let places = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]])
        #expect(places.map { $0["place"] as? String } == ["shelf-1", "shelf-2", "shelf-3"])
        #expect(places.map { $0["state"] as? String } == ["stopped", "stopped", "stopped"])
        #expect(places.map { $0["healthy"] as? Bool } == [true, true, false])
        #expect((places[2]["openAlerts"] as? [String]) == ["place-unhealthy"], "\(places[2])")
        // Found gone before its round, gone as the round opened it, or gone during it.
        let problem = places[2]["problem"] as? String ?? ""
        #expect(["serial SIM-A3 is not plugged in", "no such device", "went away"].contains { problem.contains($0) }, "\(places[2])")
        let table = try lab.run(["bench", "status", "--collector", url, "--token", person], database: "lab.sqlite")
        #expect(table.stdout.contains("bench-1/shelf-3") && table.stdout.contains("FAILING"), "\(table.stdout)")
    }
}
