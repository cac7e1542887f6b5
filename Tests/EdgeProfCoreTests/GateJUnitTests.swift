import EdgeProfCore
import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The gate's JUnit report: what CI viewers read, parsed back as XML.
@Suite struct GateJUnitTests {
    let gate = EdgePerformanceGateTests()
    let timing = GateCheckTiming(startedAt: Date(timeIntervalSince1970: 1_795_000_000), seconds: 0.75, hostname: "bench-1")

    func report(_ criteria: [GateCriterion], iterations: Int = 10) -> XMLTree {
        let verdict = gate.verdict(criteria, gate.run(iterations: iterations))
        return XMLTree.parse(verdict.junitXML(timing: timing, thresholdsFile: "gates.yaml"))
    }

    @Test func oneCasePerCriterionNamedByItsKeyWithFiguresInMessageAndProperties() throws {
        let root = report([GateCriterion(metric: .latencyP95, threshold: 50), GateCriterion(metric: .tokensPerMillijoule, threshold: 1)])
        #expect(root.name == "testsuites")
        #expect(root["tests"] == "2" && root["failures"] == "1" && root["errors"] == "1" && root["time"] == "0.750")
        let suite = try #require(root.children.first)
        #expect(suite["timestamp"] == "2026-11-18T11:06:40" && suite["hostname"] == "bench-1")
        let cases = suite.all("testcase")
        #expect(cases.map { $0["name"] } == ["max-latency-p95-ms", "min-tokens-per-mj"])
        #expect(cases.allSatisfy { $0["classname"] == "edgeprof.gate.m.c" && $0["time"] == "0.375" })
        let failure = try #require(cases[0].first("failure"))
        #expect(failure["type"] == "FAIL")
        #expect(failure["message"] == "latency p95 100.00 ms, threshold ≤ 50.00 ms")
        #expect(cases[0].properties["threshold"] == "50.0" && cases[0].properties["measured"] == "100.0" && cases[0].properties["unit"] == "ms")
        let error = try #require(cases[1].first("error"))
        #expect(error["type"] == "INCONCLUSIVE")
        #expect(cases[1].properties["measured"] == "" && cases[1].properties["outcome"] == "INCONCLUSIVE")
        let properties = suite.properties
        #expect(properties["model"] == "m@1.0.0" && properties["device_class"] == "c" && properties["verdict"] == "FAIL")
        #expect(properties["emulated"] == "false" && properties["thresholds_file"] == "gates.yaml" && properties["measured_iterations"] == "10")
        #expect(properties.keys.contains("run_ids") && properties.keys.contains("evidence_keys"))
    }

    @Test func namesStayTheSameWhenAThresholdOrTheVersionChanges() {
        let strict = report([GateCriterion(metric: .latencyP95, threshold: 50)]).all("testsuite").flatMap { $0.all("testcase") }
        let lenient = report([GateCriterion(metric: .latencyP95, threshold: 500)]).all("testsuite").flatMap { $0.all("testcase") }
        #expect(strict.map { [$0["classname"], $0["name"]] } == lenient.map { [$0["classname"], $0["name"]] })
        #expect(strict[0].first("failure") != nil && lenient[0].first("failure") == nil)
        #expect(lenient[0].first("system-out")?.text == "latency p95 100.00 ms, threshold ≤ 500.00 ms")
    }

    @Test func aGateThatCannotRunIsOneErroredCase() throws {
        let suite = GateVerdict.junitErrorSuite(
            model: "m@2.0.0", deviceClass: "c", kind: "configuration", message: "gates.yaml:3: unknown key \"max-latency\"\u{1}",
            timing: timing, thresholdsFile: "gates.yaml")
        let root = XMLTree.parse(JUnitReport(name: "edgeprof gate", suites: [suite]).xml())
        #expect(root["tests"] == "1" && root["errors"] == "1" && root["failures"] == "0")
        let testCase = try #require(root.children.first?.first("testcase"))
        #expect(testCase["name"] == "gate" && testCase["classname"] == "edgeprof.gate.m.c" && testCase["time"] == "0.750")
        let error = try #require(testCase.first("error"))
        #expect(error["type"] == "configuration")
        #expect(error["message"] == "gates.yaml:3: unknown key \"max-latency\"", "markup is escaped and a control character dropped")
        #expect(root.children.first?.properties["verdict"] == "ERROR")
    }

    @Test func hostileTextAndAbsurdTimesStillMakeAValidDocument() {
        let hostile = "<x a=\"1\">&amp;\u{0}\u{7}\u{FFFE}]]>\n\t'é😀"
        let testCase = JUnitReport.TestCase(
            className: hostile, name: hostile, seconds: -.infinity, outcome: .failure(type: hostile, message: hostile),
            properties: [.init(hostile, hostile)], output: hostile)
        let suite = JUnitReport.Suite(name: hostile, startedAt: Date(timeIntervalSince1970: 0), hostname: hostile, properties: [.init(hostile, hostile)], cases: [testCase, .init(className: "c", name: "n", seconds: .nan, outcome: .skipped(message: hostile))])
        let root = XMLTree.parse(JUnitReport(name: hostile, suites: [suite]).xml())
        #expect(root.name == "testsuites", "the document parses")
        #expect(root["time"] == "0.000" && root["skipped"] == "1" && root["failures"] == "1")
        #expect(root["name"] == "<x a=\"1\">&amp;]]>\n\t'é😀")
    }
}

/// A parsed XML element, enough to read a JUnit report back.
final class XMLTree: NSObject, XMLParserDelegate, @unchecked Sendable {
    var name = ""
    var attributes: [String: String] = [:]
    var children: [XMLTree] = []
    var text = ""
    private var stack: [XMLTree] = []

    /// Parses `xml`; a document that does not parse yields an element named "unparsable".
    static func parse(_ xml: String) -> XMLTree {
        let builder = XMLTree()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = builder
        guard parser.parse(), let root = builder.children.first else {
            let failed = XMLTree()
            failed.name = "unparsable"
            return failed
        }
        return root
    }

    subscript(attribute: String) -> String? { attributes[attribute] }

    func all(_ element: String) -> [XMLTree] { children.filter { $0.name == element } }

    func first(_ element: String) -> XMLTree? { children.first { $0.name == element } }

    /// The `<properties>` child as a dictionary (the last value of a repeated name).
    var properties: [String: String] {
        var values: [String: String] = [:]
        for property in first("properties")?.all("property") ?? [] { values[property["name"] ?? ""] = property["value"] }
        return values
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        let element = XMLTree()
        element.name = elementName
        element.attributes = attributes
        (stack.last ?? self).children.append(element)
        stack.append(element)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        _ = stack.popLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.text += string
    }
}
