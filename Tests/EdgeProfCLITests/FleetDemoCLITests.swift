import Foundation
import Testing

/// Issue 14's measured story, `edgeprof demo --fleet`, through the built binary: a collector it
/// starts (on a fresh SQLite file, and on an empty PostgreSQL database when the test script runs
/// one), simulated devices following their assignments, and the figures read back from the API.
/// The same seed gives the same fleet, canary, split and verdict on every run. Serialized: each
/// story keeps both cores busy.
@Suite(.serialized) struct FleetDemoCLITests {
    /// The figures that must not change between runs (the timings may).
    struct Deterministic: Equatable {
        var verdict: String
        var canaryDevices: [String: Int]
        var onB: Int
        var regressionDevices: [String]
        var onExpectedVersion: Int
    }

    func runDemo(_ cli: CLI, database: [String] = []) throws -> (json: [String: Any], deterministic: Deterministic) {
        let result = try cli.run(["demo", "--fleet", "--fleet-size", "90", "--format", "json"] + database, timeout: 300)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
        let canary = json["canary"] as? [String: Any]
        let abtest = json["abtest"] as? [String: Any]
        let rollback = json["rollback"] as? [String: Any]
        let halt = json["halt"] as? [String: Any]
        let resume = json["resume"] as? [String: Any]
        #expect(json["verdict"] as? String == "PASS", "\(json["problems"] ?? "")")
        #expect(json["devices"] as? Int == 90)
        #expect(json["devicesOnExpectedVersion"] as? Int == 90, "every device ends on the version it was assigned")
        let shares = try #require(canary?["share"] as? [String: Double])
        #expect(shares.count == 3 && shares.values.allSatisfy { $0 > 0 && $0 <= 0.05 }, "90 devices draw a canary in every class, at most 5 % of it: \(shares)")
        let split = try #require(abtest?["splitObserved"] as? Double)
        #expect(split > 0 && split < 0.25, "about a tenth of the devices on the test serve B: \(split)")
        #expect(rollback?["automatic"] as? Bool == true && rollback?["decidedBy"] as? String == "system:auto-rollback")
        #expect(rollback?["to"] as? String == "fleet-lm@1.0.0" && rollback?["from"] as? String == "fleet-lm@1.1.0")
        let verified = try #require(rollback?["secondsToVerified"] as? Double)
        #expect(verified > 0 && verified < 300, "the rollback is verified on every device within 5 minutes: \(verified) s")
        #expect((halt?["secondsToAllHalted"] as? Double ?? 0) > 0 && (halt?["secondsToAllHalted"] as? Double ?? 99) < 60, "a halt reaches every device within a minute")
        #expect((resume?["secondsToAllServing"] as? Double ?? 0) > 0)
        let shadow = json["shadow"] as? [String: Any]
        #expect(shadow?["devicesAssigned"] as? Int == 90 && shadow?["devicesRunning"] as? Int == 90, "every device runs the candidate in shadow: \(shadow ?? [:])")
        #expect(shadow?["benchRuns"] as? Int == 3, "a bench board of each class recorded the shadow beside production")
        let agreement = try #require(shadow?["tokenAgreement"] as? Double)
        #expect(agreement >= 0.5 && agreement < 1, "the retrained candidate answers differently at some positions: \(agreement)")
        let ratio = try #require(shadow?["latencyRatio"] as? Double)
        #expect(ratio > 0.7 && ratio < 1, "9 ms tokens against 11 ms: faster in shadow too: \(ratio)")
        let deterministic = Deterministic(
            verdict: json["verdict"] as? String ?? "", canaryDevices: canary?["devices"] as? [String: Int] ?? [:], onB: abtest?["devicesOnB"] as? Int ?? -1,
            regressionDevices: (json["regression"] as? [String: Any])?["devices"] as? [String] ?? [], onExpectedVersion: json["devicesOnExpectedVersion"] as? Int ?? -1)
        return (json, deterministic)
    }

    @Test func theFleetStoryPassesTheSameWayOnEveryRun() async throws {
        try await CLI.offThePool {
            let cli = try CLI()
            let first = try runDemo(cli).deterministic
            // The same story again, read as people read it: the same canary, split and verdict.
            let human = try cli.run(["demo", "--fleet", "--fleet-size", "90"], timeout: 300)
            #expect(human.status == 0, "\(human.stderr)")
            #expect(human.stdout.hasPrefix("fleet demo: PASS\n"), "\(human.stdout)")
            let canary = first.canaryDevices.keys.sorted().map { "\(first.canaryDevices[$0] ?? 0) \($0) (" }
            #expect(canary.allSatisfy(human.stdout.contains), "same canary as the first run: \(first.canaryDevices)\n\(human.stdout)")
            #expect(human.stdout.contains("(\(first.onB) of "), "same devices on B as the first run (\(first.onB))\n\(human.stdout)")
            #expect(human.stdout.contains("2 critical alerts (\(first.regressionDevices.joined(separator: ", ")))"))
            #expect(human.stdout.contains("rollback    automatic by system:auto-rollback to fleet-lm@1.0.0"))
            #expect(human.stdout.contains("at the end  90 of 90 devices on their expected version (fleet-lm@1.0.0)"))
            #expect(human.stderr.contains("the collector rolled back to fleet-lm@1.0.0 as system:auto-rollback"))
        }
    }

    @Test func aDatabaseThatHoldsDataIsRefused() async throws {
        try await CLI.offThePool {
            let cli = try CLI()
            try cli.addDefaultActor()
            let refused = try cli.run(["demo", "--fleet", "--db", cli.database])
            #expect(refused.status == 64, "\(refused.stderr)")
            #expect(refused.stderr.contains("the fleet demo needs an empty database"), "\(refused.stderr)")
            #expect(try cli.run(["demo", "--fleet", "--fleet-size", "59"]).status == 64, "under 20 devices a class, 5 % of a class is no device")
        }
    }

    @Test func theFleetStoryPassesOnPostgreSQL() async throws {
        guard let server = ProcessInfo.processInfo.environment["EDGEPROF_TEST_POSTGRES_URL"] else {
            #expect(ProcessInfo.processInfo.environment["EDGEPROF_REQUIRE_POSTGRES"] != "1", "scripts/test promised a PostgreSQL server")
            return
        }
        try await CLI.offThePool {
            let cli = try CLI()
            let name = "edgeprof_fleet_demo_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
            let psql = Process()
            psql.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
            psql.arguments = ["-q", server, "-c", "CREATE DATABASE \(name)"]
            try psql.run()
            psql.waitUntilExit()
            try #require(psql.terminationStatus == 0, "psql could not create \(name)")
            var url = try #require(URLComponents(string: server))
            url.path = "/" + name
            let run = try runDemo(cli, database: ["--db", try #require(url.string)])
            #expect((run.json["database"] as? String)?.hasPrefix("postgres") == true, "\(run.json["database"] ?? "")")
        }
    }
}
