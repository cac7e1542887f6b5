import Foundation
import Testing

/// `edgeprof drift compare` through the binary: files and stored runs, verdicts as exit codes,
/// and every input mistake named.
@Suite struct DriftCLITests {
    @Test func regressedLatenciesFromFilesAreDriftWithScipysFigures() throws {
        let cli = try CLI()
        let reference = cli.file("reference.csv", "latency_ms\n" + (0..<40).map { String(8.0 + Double($0 % 10) * 0.05) }.joined(separator: "\n"))
        let current = cli.file("current.json", "[" + (0..<30).map { String(8.3 + Double($0 % 10) * 0.05) }.joined(separator: ",") + "]")
        let result = try cli.run(["drift", "compare", reference, current, "--format", "json"])
        #expect(result.status == 1, "drift exits 1: \(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(document["verdict"] as? String == "drift")
        let findings = try #require(document["findings"] as? [[String: Any]])
        #expect(findings.map { $0["method"] as? String } == ["ks", "psi"])
        // scipy.stats.ks_2samp of the same values: D = 0.7, p = 1.5130119655224975e-08 (exact).
        #expect(findings[0]["statistic"] as? Double == 0.7)
        let p = try #require(findings[0]["pValue"] as? Double)
        #expect(abs(p - 1.5130119655224975e-08) <= 1e-8 * 1.5130119655224975e-08)
        #expect(findings[0]["detail"] as? String == "exact")
    }

    @Test func categoriesUseChiSquareAndTooFewValuesAreInconclusive() throws {
        let cli = try CLI()
        let reference = cli.file("ref.csv", "status\n" + Array(repeating: "ok", count: 30).joined(separator: "\n") + "\nerr\nerr")
        let current = cli.file("cur.csv", "status\n" + Array(repeating: "ok", count: 28).joined(separator: "\n") + "\nerr\nerr\nerr")
        let same = try cli.run(["drift", "compare", reference, current, "--method", "chi2"])
        #expect(same.status == 0, "\(same.stdout)\(same.stderr)")
        #expect(same.stdout.contains("chi2    "))
        #expect(same.stdout.contains("yates"))
        #expect(same.stdout.hasSuffix("verdict: NO-DRIFT\n"))
        let few = try cli.run(["drift", "compare", reference, current, "--min-samples", "100"])
        #expect(few.status == 2)
        #expect(few.stdout.contains("31 values on the smaller side; at least 100 are needed to decide"))
        #expect(few.stdout.hasSuffix("verdict: INCONCLUSIVE\n"))
        // The same values without their header row, said so: the same figures. Not said, the
        // first line is taken for the header, as pandas takes it.
        let bare = [reference, current].map { path in
            cli.file("bare-" + URL(fileURLWithPath: path).lastPathComponent, (try? String(contentsOfFile: path, encoding: .utf8))?.replacingOccurrences(of: "status\n", with: "") ?? "")
        }
        let said = try cli.run(["drift", "compare", bare[0], bare[1], "--method", "chi2", "--no-header", "--format", "json"])
        let headed = try cli.run(["drift", "compare", reference, current, "--method", "chi2", "--format", "json"])
        #expect(said.status == 0 && said.stdout.replacingOccurrences(of: "bare-", with: "") == headed.stdout, "\(said.stdout)\(said.stderr)")
        let unsaid = try cli.run(["drift", "compare", bare[0], bare[1], "--min-samples", "100"])
        #expect(unsaid.stdout.contains("30 values on the smaller side"), "\(unsaid.stdout)")
    }

    @Test func storedRunsCompareByMetric() throws {
        let cli = try CLI()
        #expect(try cli.run(["demo", "--speed", "0", "--seed", "3"]).status == 0)
        #expect(try cli.run(["demo", "--speed", "0", "--seed", "4"]).status == 0)
        let result = try cli.run(["drift", "compare", "1", "2", "--metric", "inter-token", "--format", "json"])
        #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let reference = try #require(document["reference"] as? [String: Any])
        #expect(reference["source"] as? String == "run 1 inter-token")
        #expect(reference["count"] as? Int == 20 * 15, "15 gaps in each of 20 iterations")
        let energy = try cli.run(["drift", "compare", "1", "2", "--metric", "energy", "--min-samples", "5"])
        #expect(energy.status == 0 || energy.status == 1, "the simulated board reports energy: \(energy.stderr)")
    }

    @Test func inputMistakesAreNamedWithTheFix() throws {
        let cli = try CLI()
        let numbers = cli.file("n.csv", "1\n2\n3")
        let labels = cli.file("l.csv", "a\nb\nc")
        let wide = cli.file("w.csv", "a,b\n1,2\n3,4")
        let notValues = cli.file("o.json", "{\"latency\": 3}")
        let cases: [([String], Int32, String)] = [
            ([numbers, labels], 64, "the reference is numeric but the current sample is categorical; compare like with like"),
            ([numbers, numbers, "--method", "chi2"], 64, "chi2 does not apply to numeric values; use ks or psi"),
            ([labels, labels, "--method", "ks"], 64, "ks does not apply to categorical values; use chi2 or psi"),
            ([wide, numbers], 65, "\(wide) has several columns (a, b); choose one with --column"),
            ([wide, numbers, "--column", "c"], 65, "\(wide) has no column \"c\"; its columns are a, b"),
            ([notValues, numbers], 65, "\(notValues) is JSON but not a list of values"),
            (["nowhere.csv", numbers], 64, "nowhere.csv is neither a file nor a run id"),
            (["42", numbers], 66, "there is no run 42"),
        ]
        for (arguments, status, message) in cases {
            let result = try cli.run(["drift", "compare"] + arguments)
            #expect(result.status == status, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        let column = try cli.run(["drift", "compare", wide, wide, "--column", "b", "--min-samples", "1"])
        #expect(column.status == 0, "\(column.stderr)")
    }
}
