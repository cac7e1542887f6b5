import EdgeProfCore
import Foundation
import Testing

/// `edgeprof ci`'s report: the first failure decides the exit code, a step after a failure is
/// skipped, and the whole job is one JUnit document.
@Suite struct CIJobReportTests {
    let gate = GateVerdict.junitErrorSuite(
        model: "m@1.0.0", deviceClass: "c", kind: "configuration", message: "bad", timing: GateCheckTiming(startedAt: Date(timeIntervalSince1970: 0), seconds: 0))

    func report(_ steps: [CIJobReport.Step], gate gateCode: Int32?) -> CIJobReport {
        CIJobReport(model: "m@1.0.0", startedAt: Date(timeIntervalSince1970: 0), hostname: "h", steps: steps, gate: gateCode == nil ? nil : gate, gateExitCode: gateCode)
    }

    let passed = CIJobReport.Step(name: "profile", seconds: 2, outcome: .passed)
    let flashFailed = CIJobReport.Step(name: "flash", seconds: 1, outcome: .failed(kind: "flash", message: "openocd failed", exitCode: 69))
    let uploadOutage = CIJobReport.Step(name: "upload", seconds: 1, outcome: .failed(kind: "collector-unreachable", message: "spooled", exitCode: 74))
    let uploaded = CIJobReport.Step(name: "upload", seconds: 1, outcome: .passed)

    @Test func theFirstFailureDecidesTheExitCode() {
        #expect(report([passed, uploaded], gate: 0).exitCode == 0)
        #expect(report([passed, uploaded], gate: 1).exitCode == 1, "a FAIL verdict")
        #expect(report([passed, uploadOutage], gate: 2).exitCode == 2, "the verdict is the news, not the outage")
        #expect(report([passed, uploadOutage], gate: 0).exitCode == 74, "a passing build whose evidence did not reach the lab")
        #expect(report([flashFailed, .init(name: "profile", seconds: 0, outcome: .notRun(reason: "not run: the flash failed"))], gate: nil).exitCode == 69)
        #expect(report([passed, uploaded], gate: 65).exitCode == 65, "a gate that could not run")
    }

    @Test func stepsAndCriteriaAreOneJUnitDocument() {
        let junit = report([flashFailed, .init(name: "profile", seconds: 0, outcome: .notRun(reason: "not run: the flash failed")), uploaded], gate: 65).junit()
        #expect(junit.suites.count == 2 && junit.suites[0].name == "edgeprof ci m@1.0.0" && junit.suites[1] == gate)
        #expect(junit.suites[0].cases.map(\.name) == ["flash", "profile", "upload"])
        #expect(junit.suites[0].cases.allSatisfy { $0.className == "edgeprof.ci.m" })
        #expect(junit.suites[0].errors == 1 && junit.suites[0].skipped == 1 && junit.suites[0].seconds == 2)
        let xml = junit.xml()
        #expect(xml.contains("<skipped message=\"not run: the flash failed\"/>"))
        #expect(xml.contains("<error type=\"flash\" message=\"openocd failed\">"))
    }
}
