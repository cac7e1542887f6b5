import Foundation
import Testing

/// Issue 14 §1 from the command line on a bench's own database: the board a profile ran on is
/// in the fleet, labelled only by someone who runs devices.
@Suite struct FleetCLITests {
    @Test func aProfiledBoardIsInTheFleetAndOperatorsLabelIt() async throws {
        try await CLI.offThePool {
            let cli = try CLI()
            try cli.addDefaultActor()
            let artifact = cli.file("model.bin", "int8 weights")
            #expect(try cli.run(["model", "register", "tiny", "1.0.0", "--artifact", artifact]).status == 0)
            let board = try SimulatorProcess(arguments: ["--artifact", artifact, "--speed", "0", "--serial", "SIM-7"])
            defer { _ = board.stop() }
            let profiled = try cli.run(["profile", "--port", board.path, "--model", "tiny@1.0.0", "--iterations", "2", "--quiet"])
            #expect(profiled.status == 0, "\(profiled.stderr)")

            let listed = try cli.run(["fleet", "list", "--format", "json"])
            let devices = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] ?? []
            #expect(devices.count == 1 && devices.first?["device"] as? String == "edgeprof-sim:SIM-7", "\(listed.stdout)\(listed.stderr)")
            #expect(((devices.first?["serving"] as? [String: Any])?["registered"] as? String) == "tiny@1.0.0")

            let bySci = try cli.run(["fleet", "label", "edgeprof-sim:SIM-7", "site=lab-2", "--reason", "moved", "--actor", "nobody"])
            #expect(bySci.status == 77, "\(bySci.stderr)")
            let labelled = try cli.run(["fleet", "label", "edgeprof-sim:SIM-7", "site=lab-2", "rack=3", "--reason", "moved"])
            #expect(labelled.status == 0 && labelled.stdout.contains("rack=3,site=lab-2"), "\(labelled.stdout)\(labelled.stderr)")
            let table = try cli.run(["fleet", "list", "--label", "site=lab-2"])
            #expect(table.stdout.contains("edgeprof-sim:SIM-7") && table.stdout.contains("tiny@1.0.0"), "\(table.stdout)")
            #expect(try cli.run(["fleet", "list", "--label", "site=lab-9"]).stdout.hasPrefix("no device"))
            let badLabel = try cli.run(["fleet", "label", "edgeprof-sim:SIM-7", "Site=x", "--reason", "x"])
            #expect(badLabel.status == 64 && badLabel.stderr.contains("label key 'Site'"), "\(badLabel.status) \(badLabel.stderr)")
            let unknown = try cli.run(["fleet", "show", "edgeprof-sim:SIM-9"])
            #expect(unknown.status == 66 && unknown.stderr.contains("no device edgeprof-sim:SIM-9"), "\(unknown.status) \(unknown.stderr)")
            #expect(try cli.run(["abtest", "list"]).stdout.hasPrefix("no A/B test yet"))
            let noServing = try cli.run(["abtest", "start", "tiny", "--b", "1.0.0", "--reason", "x"])
            #expect(noServing.status == 65 && noServing.stderr.contains("has no serving version to be arm A"), "\(noServing.status) \(noServing.stderr)")
            let explained = try cli.run(["fleet", "explain", "edgeprof-sim:SIM-7"])
            #expect(explained.stdout.hasPrefix("edgeprof-sim:SIM-7: no assignment for tiny"), "\(explained.stdout)\(explained.stderr)")
            let noAgent = try cli.run(["sim", "fleet", "--collector", "http://127.0.0.1:9", "--model", "tiny@1.0.0"])
            #expect(noAgent.status == 64 && noAgent.stderr.contains("give at least one --agent BENCH=ept_…"), "\(noAgent.stderr)")
            let badAgent = try cli.run(["sim", "fleet", "--collector", "http://127.0.0.1:9", "--agent", "bench-1", "--model", "tiny@1.0.0"])
            #expect(badAgent.status == 64 && badAgent.stderr.contains("--agent takes BENCH=ept_…"), "\(badAgent.stderr)")
            let unreachable = try cli.run(["sim", "fleet", "--collector", "http://127.0.0.1:9", "--agent", "bench-1=ept_x", "--model", "tiny@1.0.0", "--rounds", "1"])
            #expect(unreachable.status != 0 && unreachable.stderr.contains("127.0.0.1:9"), "\(unreachable.status) \(unreachable.stderr)")
            let never = try cli.run(["fleet", "rollback", "tiny"])
            #expect(never.status == 66 && never.stderr.contains("tiny was never rolled back"), "\(never.status) \(never.stderr)")
            let audit = try cli.run(["audit", "log", "--format", "json"])
            #expect(audit.stdout.contains("device.label"), "\(audit.stdout.suffix(400))")
        }
    }
}
