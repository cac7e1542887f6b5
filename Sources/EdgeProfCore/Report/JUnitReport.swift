import Foundation

/// A JUnit XML report as CI viewers read it (GitLab, Jenkins, GitHub test reporters): suites of
/// test cases, each with its time, properties and outcome. docs/junit.xsd is the schema it
/// follows; `xml()` is the only place that writes the format.
public struct JUnitReport: Sendable, Hashable {
    /// A `name`/`value` pair shown with a suite or a test case.
    public struct Property: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// How a test case ended. A failure is a verdict against the thing tested; an error means
    /// the test could not decide (viewers show the two differently).
    public enum Outcome: Sendable, Hashable {
        case passed
        case failure(type: String, message: String)
        case error(type: String, message: String)
        case skipped(message: String)
    }

    /// One test case: `name` stays the same from run to run so viewers can follow its history.
    public struct TestCase: Sendable, Hashable {
        public var className: String
        public var name: String
        public var seconds: Double
        public var outcome: Outcome
        public var properties: [Property]
        public var output: String?

        public init(className: String, name: String, seconds: Double, outcome: Outcome, properties: [Property] = [], output: String? = nil) {
            self.className = className
            self.name = name
            self.seconds = seconds
            self.outcome = outcome
            self.properties = properties
            self.output = output
        }
    }

    /// A suite: one gate check, or one job's steps.
    public struct Suite: Sendable, Hashable {
        public var name: String
        public var startedAt: Date
        public var hostname: String?
        public var properties: [Property]
        public var cases: [TestCase]

        public init(name: String, startedAt: Date, hostname: String? = nil, properties: [Property] = [], cases: [TestCase]) {
            self.name = name
            self.startedAt = startedAt
            self.hostname = hostname
            self.properties = properties
            self.cases = cases
        }

        public var failures: Int { cases.filter { if case .failure = $0.outcome { true } else { false } }.count }
        public var errors: Int { cases.filter { if case .error = $0.outcome { true } else { false } }.count }
        public var skipped: Int { cases.filter { if case .skipped = $0.outcome { true } else { false } }.count }
        public var seconds: Double { cases.reduce(0) { $0 + $1.seconds } }
    }

    public var name: String
    public var suites: [Suite]

    public init(name: String, suites: [Suite]) {
        self.name = name
        self.suites = suites
    }

    /// The report as a UTF-8 XML document.
    public func xml() -> String {
        let tests = suites.reduce(0) { $0 + $1.cases.count }
        let failures = suites.reduce(0) { $0 + $1.failures }
        let errors = suites.reduce(0) { $0 + $1.errors }
        let skipped = suites.reduce(0) { $0 + $1.skipped }
        let seconds = suites.reduce(0) { $0 + $1.seconds }
        var lines = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>"]
        lines.append("<testsuites name=\"\(Self.escape(name))\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\" time=\"\(Self.time(seconds))\">")
        for (index, suite) in suites.enumerated() {
            var attributes = "name=\"\(Self.escape(suite.name))\" tests=\"\(suite.cases.count)\" failures=\"\(suite.failures)\" errors=\"\(suite.errors)\" skipped=\"\(suite.skipped)\""
            attributes += " time=\"\(Self.time(suite.seconds))\" timestamp=\"\(Self.timestamp(suite.startedAt))\" id=\"\(index)\""
            if let hostname = suite.hostname { attributes += " hostname=\"\(Self.escape(hostname))\"" }
            lines.append("  <testsuite \(attributes)>")
            lines += Self.properties(suite.properties, indent: "    ")
            for testCase in suite.cases { lines += Self.lines(of: testCase) }
            lines.append("  </testsuite>")
        }
        lines.append("</testsuites>")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func lines(of testCase: TestCase) -> [String] {
        var lines = ["    <testcase classname=\"\(escape(testCase.className))\" name=\"\(escape(testCase.name))\" time=\"\(time(testCase.seconds))\">"]
        lines += properties(testCase.properties, indent: "      ")
        switch testCase.outcome {
        case .passed: break
        case .failure(let type, let message):
            lines.append("      <failure type=\"\(escape(type))\" message=\"\(escape(message))\">\(escape(message))</failure>")
        case .error(let type, let message):
            lines.append("      <error type=\"\(escape(type))\" message=\"\(escape(message))\">\(escape(message))</error>")
        case .skipped(let message):
            lines.append("      <skipped message=\"\(escape(message))\"/>")
        }
        if let output = testCase.output { lines.append("      <system-out>\(escape(output))</system-out>") }
        lines.append("    </testcase>")
        return lines
    }

    private static func properties(_ properties: [Property], indent: String) -> [String] {
        guard !properties.isEmpty else { return [] }
        return ["\(indent)<properties>"]
            + properties.map { "\(indent)  <property name=\"\(escape($0.name))\" value=\"\(escape($0.value))\"/>" }
            + ["\(indent)</properties>"]
    }

    /// Seconds with millisecond resolution; a negative or non-finite duration (a clock stepped
    /// back) is written as 0 rather than as a value viewers reject.
    static func time(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds > 0 else { return "0.000" }
        return String(format: "%.3f", seconds)
    }

    /// ISO 8601 in UTC without a zone suffix, the form the Ant JUnit schema allows.
    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0,
            parts.second ?? 0)
    }

    /// Escapes markup and drops characters XML 1.0 cannot carry at all (control characters a
    /// device or an error message may contain), so the document always parses.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "\n": escaped += "&#10;"
            case "\t": escaped += "&#9;"
            case "\r": escaped += "&#13;"
            default:
                let value = scalar.value
                let allowed = value >= 0x20 && !(0xD800...0xDFFF).contains(value) && value != 0xFFFE && value != 0xFFFF
                if allowed { escaped.unicodeScalars.append(scalar) }
            }
        }
        return escaped
    }
}
