import Foundation
import Testing

/// Issue 15's demo, `edgeprof demo --observe --format json`, through the built binary: per injected
/// change the drift kind, severity, incident and window that caught it, no false alarm on the
/// unchanged classes, 1.1.0's shadow report, and the A/B verdict with its p-value. Every figure that does not move with
/// the day the demo runs is pinned, so a run that decided otherwise fails (determinism without
/// paying for a second run on a suite that shares two cores).
@Suite(.serialized) struct ObserveDemoCLITests {
    func runDemo(_ cli: CLI) throws {
        let result = try cli.run(["demo", "--observe", "--format", "json"], timeout: 300)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
        #expect(json["verdict"] as? String == "PASS", "\(json["problems"] ?? "")")
        #expect(json["falseAlarms"] as? Int == 0)
        let detections = try #require(json["detections"] as? [[String: Any]])
        let caught = detections.map { detection in
            "\(detection["effect"] ?? "") \(detection["kind"] ?? "") \(detection["severity"] ?? "") \(detection["playbook"] ?? "") "
                + "\((detection["paged"] as? [String])?.joined(separator: ",") ?? "") \(detection["cleared"] as? Bool == true ? "cleared" : "open")"
        }
        #expect(caught == [
            "feature shift data medium performance-degradation  cleared", "label shift label medium performance-degradation  cleared",
            "score shift prediction medium performance-degradation  cleared", "errors for age 50+ fairness critical fairness-alert ethics_committee cleared",
            "concept change concept high performance-degradation  cleared",
        ], "\(caught)")
        for detection in detections {
            #expect(detection["window"] as? String == (detection["injected"] as? [String])?.first, "caught in the window it was injected in: \(detection)")
            #expect((detection["incident"] as? Int ?? 0) > 0)
        }
        #expect(json["checks"] as? Int == 279 && (detections.compactMap { $0["incident"] as? Int }) == [1, 2, 3, 4, 5])
        let shadow = try #require(json["shadow"] as? [String: Any])
        #expect(shadow["pairs"] as? Int == 1200 && shadow["outcome"] as? String == "INCONCLUSIVE", "\(shadow)")
        #expect((shadow["finding"] as? String)?.hasPrefix("needs: the shadow period has run 0.0 of 7 days") == true, "\(shadow)")
        let shadowAccuracy = try #require(shadow["accuracy"] as? Double)
        let servedAccuracy = try #require(shadow["servedAccuracy"] as? Double)
        #expect(shadowAccuracy > servedAccuracy, "1.1.0 is known to be right more often: \(shadow)")
        let abTest = try #require(json["abTest"] as? [String: Any])
        let batches = try #require(abTest["batches"] as? [String])
        // Sequential looks at 300 and 600 labelled answers an arm: no difference at the first, B wins at the second.
        #expect(batches == ["370/230 inconclusive", "740/460 no-difference", "1110/690 b-wins"] && abTest["outcome"] as? String == "b-wins", "\(batches)")
        let p = try #require(abTest["pValue"] as? Double)
        #expect(abs(p - 0.001245039479271585) < 1e-12, "the same seed, the same counts, the same p: \(p)")
    }

    @Test func theObserveStoryCatchesEveryChangeTheSameWayOnEveryRun() async throws {
        try await CLI.offThePool { try runDemo(try CLI()) }
    }
}
