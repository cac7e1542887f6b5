import EdgeProfCore
import Foundation
import Testing

/// Online figures per version, arm and device class (issue 15 §2), held to the documents'
/// thresholds, and silent below the minimum sample.
@Suite struct OnlineMetricsTests {
    static func observations(_ count: Int, deviceClass: String, wrongEvery: Int, latencyMs: Double) -> [InferenceObservation] {
        (0..<count).map { index in
            InferenceObservation(
                version: SemanticVersion(major: 1, minor: 0, patch: 0), arm: .production, deviceClass: deviceClass, prediction: "yes",
                label: index % wrongEvery == 0 ? "no" : "yes", latencyMs: latencyMs + Double(index % 10), energyMillijoules: 0.5,
                at: Date(timeIntervalSince1970: 1_800_000_000 + Double(index)))
        }
    }

    @Test func figuresOutsideTheThresholdsAreFindingsPerClass() throws {
        let observations = Self.observations(200, deviceClass: "m4", wrongEvery: 5, latencyMs: 140)
            + Self.observations(200, deviceClass: "m7", wrongEvery: 12, latencyMs: 20)
            + Self.observations(50, deviceClass: "m33", wrongEvery: 2, latencyMs: 500)
        let report = OnlineMetricsReport(model: "kws", since: Date(timeIntervalSince1970: 0), observations: observations)
        #expect(report.groups.map(\.deviceClass) == ["m33", "m4", "m7"])
        let m4 = try #require(report.groups.first { $0.deviceClass == "m4" })
        #expect(m4.metrics.accuracy == 0.8 && m4.metrics.labelled == 200)
        #expect(m4.findings.map(\.metric) == ["accuracy", "latency p95"] && m4.findings.first?.severity == .critical)
        let m7 = try #require(report.groups.first { $0.deviceClass == "m7" })
        let m7Accuracy = try #require(m7.metrics.accuracy)
        #expect(m7Accuracy > 0.9 && m7.findings.isEmpty, "accuracy \(m7Accuracy) and 29 ms are within the thresholds")
        #expect(report.groups.first { $0.deviceClass == "m33" }?.findings.isEmpty == true, "50 samples are below the minimum of 100: no finding either way")
        let warning = OnlineMetricsReport(model: "kws", since: Date(), observations: Self.observations(200, deviceClass: "m4", wrongEvery: 9, latencyMs: 10))
        #expect(warning.groups.first?.findings.map(\.severity) == [.medium], "accuracy between 0.85 and 0.90 is a warning")
        #expect(m4.metrics.throughputPerMinute == 200.0 / (199.0 / 60))
    }
}
