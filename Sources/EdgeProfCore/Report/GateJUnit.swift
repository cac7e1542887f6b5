import Foundation

/// When and where a gate check ran, for its JUnit suite.
public struct GateCheckTiming: Sendable, Hashable {
    public var startedAt: Date
    /// Wall time of the whole check: reading the evidence, computing the figures, judging.
    public var seconds: Double
    public var hostname: String?

    public init(startedAt: Date, seconds: Double, hostname: String? = nil) {
        self.startedAt = startedAt
        self.seconds = seconds
        self.hostname = hostname
    }

    public init(startedAt: Date, elapsed: Duration, hostname: String? = nil) {
        self.init(startedAt: startedAt, seconds: elapsed.inSeconds, hostname: hostname)
    }
}

extension GateVerdict {
    /// The verdict as a JUnit suite: one test case per criterion, named by its thresholds-file
    /// key (`max-latency-p95-ms`) so a changed threshold keeps the test's history; FAIL is a
    /// failure, INCONCLUSIVE an error. The criteria are judged together from one read of the
    /// evidence, so each case carries an equal share of the check's wall time and the cases add
    /// up to the suite's time.
    public func junitSuite(timing: GateCheckTiming, thresholdsFile: String? = nil) -> JUnitReport.Suite {
        let share = results.isEmpty ? 0 : timing.seconds / Double(results.count)
        let cases = results.map { result in
            JUnitReport.TestCase(
                className: Self.junitClassName(model: model, deviceClass: deviceClass), name: result.criterion.metric.fileKey, seconds: share,
                outcome: junitOutcome(result), properties: junitProperties(result), output: junitSentence(result))
        }
        var properties = [
            JUnitReport.Property("model", model.description), JUnitReport.Property("device_class", deviceClass),
            JUnitReport.Property("verdict", outcome.rawValue), JUnitReport.Property("run_ids", runIDs.map(String.init).joined(separator: ",")),
            JUnitReport.Property("evidence_keys", evidenceKeys.joined(separator: ",")), JUnitReport.Property("emulated", emulated ? "true" : "false"),
            JUnitReport.Property("measured_iterations", "\(measuredIterations)"), JUnitReport.Property("minimum_iterations", "\(minimumIterations)"),
        ]
        if let thresholdsFile { properties.append(JUnitReport.Property("thresholds_file", thresholdsFile)) }
        properties += excluded.map { JUnitReport.Property("excluded", $0) }
        return JUnitReport.Suite(
            name: Self.junitSuiteName(model: model, deviceClass: deviceClass), startedAt: timing.startedAt, hostname: timing.hostname,
            properties: properties, cases: cases)
    }

    /// The suite written when the gate could not run at all (a thresholds file that does not
    /// parse, an unknown model, a store that cannot be opened): one errored test case, so a CI
    /// viewer shows why instead of finding no report.
    public static func junitErrorSuite(
        model: String, deviceClass: String, kind: String, message: String, timing: GateCheckTiming, thresholdsFile: String? = nil
    ) -> JUnitReport.Suite {
        var properties = [JUnitReport.Property("model", model), JUnitReport.Property("device_class", deviceClass), JUnitReport.Property("verdict", "ERROR")]
        if let thresholdsFile { properties.append(JUnitReport.Property("thresholds_file", thresholdsFile)) }
        let testCase = JUnitReport.TestCase(
            className: "edgeprof.gate.\(modelName(model)).\(deviceClass)", name: "gate", seconds: timing.seconds,
            outcome: .error(type: kind, message: message))
        return JUnitReport.Suite(
            name: "edge-performance \(model) \(deviceClass)", startedAt: timing.startedAt, hostname: timing.hostname, properties: properties, cases: [testCase])
    }

    /// The whole report of one gate check.
    public func junitXML(timing: GateCheckTiming, thresholdsFile: String? = nil) -> String {
        JUnitReport(name: "edgeprof gate", suites: [junitSuite(timing: timing, thresholdsFile: thresholdsFile)]).xml()
    }

    /// The class name groups a model's criteria on a device class; it leaves the version out so
    /// the same test is followed from one release to the next.
    static func junitClassName(model: ModelReference, deviceClass: String) -> String { "edgeprof.gate.\(model.name).\(deviceClass)" }

    static func junitSuiteName(model: ModelReference, deviceClass: String) -> String { "edge-performance \(model) \(deviceClass)" }

    private static func modelName(_ reference: String) -> String {
        reference.split(separator: "@", maxSplits: 1).first.map(String.init) ?? reference
    }

    private func junitOutcome(_ result: CriterionResult) -> JUnitReport.Outcome {
        switch result.outcome {
        case .pass: .passed
        case .fail: .failure(type: "FAIL", message: junitSentence(result))
        case .inconclusive: .error(type: "INCONCLUSIVE", message: "INCONCLUSIVE: \(result.note ?? junitSentence(result))")
        }
    }

    /// "latency p95 123.40 ms, threshold ≤ 100.00 ms": the measured figure and the threshold.
    private func junitSentence(_ result: CriterionResult) -> String {
        let metric = result.criterion.metric
        let symbol = metric.bound == .max ? "≤" : "≥"
        return "\(metric.title) \(ReportText.number(result.measured)) \(metric.unit), threshold \(symbol) \(ReportText.number(result.criterion.threshold)) \(metric.unit)"
    }

    private func junitProperties(_ result: CriterionResult) -> [JUnitReport.Property] {
        let metric = result.criterion.metric
        var properties = [
            JUnitReport.Property("criterion", metric.fileKey), JUnitReport.Property("threshold", "\(result.criterion.threshold)"),
            JUnitReport.Property("measured", result.measured.map { "\($0)" } ?? ""), JUnitReport.Property("unit", metric.unit),
            JUnitReport.Property("bound", metric.bound.rawValue), JUnitReport.Property("outcome", result.outcome.rawValue),
        ]
        if let note = result.note { properties.append(JUnitReport.Property("note", note)) }
        return properties
    }
}
