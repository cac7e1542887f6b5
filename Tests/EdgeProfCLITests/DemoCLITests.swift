import Foundation
import Testing

/// `edgeprof demo` and the registry commands, through the built binary.
@Suite struct DemoCLITests {
    @Test func demoPrintsAPassingVerdictWithMeasuredFiguresAndWhereTheDataWent() throws {
        let cli = try CLI()
        let result = try cli.run(["demo", "--speed", "0"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("edge-performance gate: PASS for demo-tiny-lm@1.0.0 on device class sim-cortex-m4"))
        #expect(result.stdout.contains("latency p95"))
        #expect(result.stdout.contains("tokens per mJ"))
        #expect(result.stdout.contains("data:       \(cli.database) (run 1)"))
        #expect(result.stderr.contains("simulated board edgeprof-sim SIM-0001 on /dev/pts/"))

        let again = try cli.run(["demo", "--speed", "0", "--format", "json"])
        #expect(again.status == 0, "a second demo reuses the registered demo model")
        let listed = try cli.run(["runs", "list"])
        #expect(listed.stdout.split(separator: "\n").count == 3, "a header and two runs")
        let headlines = try #require(try JSONSerialization.jsonObject(with: Data(cli.run(["runs", "list", "--format", "json"]).stdout.utf8)) as? [[String: Any]])
        #expect(headlines.map { $0["id"] as? Int } == [1, 2] && headlines.allSatisfy { $0["latencyP95Ms"] is Double && $0["iterations"] == nil },
                "JSON lists the headlines, no raw tick")
        let raw = try #require(try JSONSerialization.jsonObject(with: Data(cli.run(["runs", "list", "--format", "json", "--raw", "--after", "1"]).stdout.utf8)) as? [[String: Any]])
        #expect(raw.count == 1 && raw[0]["id"] as? Int == 2 && ((raw[0]["run"] as? [String: Any])?["iterations"] as? [Any])?.isEmpty == false)
        #expect(try cli.run(["runs", "list", "--limit", "1", "--format", "csv"]).stdout.split(separator: "\n").map { $0.prefix(2) } == ["id", "1,"])
        #expect(try cli.run(["runs", "list", "--class", "sim-cortex-m4", "--model", "demo-tiny-lm@1.0.0", "--format", "csv"]).stdout.split(separator: "\n").count == 3)
        #expect(try cli.run(["runs", "list", "--class", "no-such-class"]).stdout == "no stored run matches --model, --class and --after\n")
        let refused = try cli.run(["runs", "list", "--raw"])
        #expect(refused.status == 64 && refused.stderr.contains("--raw lists whole runs as JSON"), "\(refused.stderr)")
        let shown = try cli.run(["runs", "show", "2", "--format", "csv"])
        #expect(shown.stdout.hasPrefix("metric,value,unit\nlatency p50,"))
    }

    @Test func registryRefusalsHaveMessagesAndExitCodes() throws {
        let cli = try CLI()
        try cli.addDefaultActor()
        let artifact = cli.file("m.bin", "weights")
        let badVersion = try cli.run(["model", "register", "kws", "1.0", "--artifact", artifact])
        #expect(badVersion.status == 64)
        #expect(badVersion.stderr == "edgeprof: error: invalid semantic version '1.0': expected three numbers MAJOR.MINOR.PATCH. Use MAJOR.MINOR.PATCH such as 1.4.0 or 2.0.0-rc.1 (semver.org)\n")
        let missing = try cli.run(["model", "register", "kws", "1.0.0", "--artifact", "nope.bin"])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("nope.bin: no such file"))
        #expect(try cli.run(["model", "register", "kws", "1.0.0", "--artifact", artifact]).status == 0)
        let duplicate = try cli.run(["model", "register", "kws", "1.0.0", "--artifact", artifact])
        #expect(duplicate.status == 65)
        #expect(duplicate.stderr.contains("kws@1.0.0 is already registered"))
        let list = try cli.run(["model", "list", "--format", "json"])
        let models = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]
        #expect(models?.count == 1)
        #expect((models?.first?["model"] as? [String: Any])?["artifactSHA256"] as? String == "9a129038d9a00aed0cf6a7ea059ca50a813449061ab87848cf1a13eafdf33b2c", "sha256 of the bytes 'weights'")
        #expect(models?.first?["stage"] as? String == "development")
    }

    @Test func devicesListAsksBothLibraries() throws {
        let result = try CLI().run(["devices", "list", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let inventory = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(inventory?["serialPorts"] is [Any])
        #expect(inventory?["usbDevices"] is [Any])
    }
}
