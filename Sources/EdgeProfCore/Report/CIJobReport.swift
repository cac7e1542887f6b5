import Foundation

/// What one `edgeprof ci` job did — flash, profile, gate, upload — for its JUnit report and its
/// exit code. The steps are test cases of an `edgeprof ci` suite, the gate's criteria a suite of
/// their own; a step after a failed one is reported as not run.
public struct CIJobReport: Sendable, Hashable {
    /// One step of the job and how it ended.
    public struct Step: Sendable, Hashable {
        public enum Outcome: Sendable, Hashable {
            case passed
            /// The step ran and failed: `kind` names the problem, `exitCode` is the job's if this
            /// is its first failure.
            case failed(kind: String, message: String, exitCode: Int32)
            case notRun(reason: String)
        }

        public var name: String
        public var seconds: Double
        public var outcome: Outcome
        public var properties: [JUnitReport.Property]

        public init(name: String, seconds: Double, outcome: Outcome, properties: [JUnitReport.Property] = []) {
            self.name = name
            self.seconds = seconds
            self.outcome = outcome
            self.properties = properties
        }
    }

    public var model: String
    public var startedAt: Date
    public var hostname: String?
    /// flash (when asked), profile, upload (when asked), in the order they ran.
    public var steps: [Step]
    /// The gate's suite: its criteria, or one errored case when it could not run; nil when the
    /// job stopped before the gate.
    public var gate: JUnitReport.Suite?
    /// The gate's exit code (0 PASS, 1 FAIL, 2 INCONCLUSIVE, or its error's).
    public var gateExitCode: Int32?

    public init(model: String, startedAt: Date, hostname: String?, steps: [Step], gate: JUnitReport.Suite?, gateExitCode: Int32?) {
        self.model = model
        self.startedAt = startedAt
        self.hostname = hostname
        self.steps = steps
        self.gate = gate
        self.gateExitCode = gateExitCode
    }

    /// The first failure decides: a flash or profile that failed, else the gate's verdict, else
    /// an upload that did not deliver; 0 when everything passed.
    public var exitCode: Int32 {
        for step in steps where step.name != "upload" {
            if case .failed(_, _, let code) = step.outcome { return code }
        }
        if let gateExitCode, gateExitCode != 0 { return gateExitCode }
        for step in steps {
            if case .failed(_, _, let code) = step.outcome { return code }
        }
        return 0
    }

    public func junit() -> JUnitReport {
        let modelName = model.split(separator: "@", maxSplits: 1).first.map(String.init) ?? model
        let cases = steps.map { step in
            let outcome: JUnitReport.Outcome = switch step.outcome {
            case .passed: .passed
            case .failed(let kind, let message, _): .error(type: kind, message: message)
            case .notRun(let reason): .skipped(message: reason)
            }
            return JUnitReport.TestCase(className: "edgeprof.ci.\(modelName)", name: step.name, seconds: step.seconds, outcome: outcome, properties: step.properties)
        }
        let steps = JUnitReport.Suite(
            name: "edgeprof ci \(model)", startedAt: startedAt, hostname: hostname, properties: [JUnitReport.Property("model", model)], cases: cases)
        return JUnitReport(name: "edgeprof ci", suites: [steps] + (gate.map { [$0] } ?? []))
    }
}
