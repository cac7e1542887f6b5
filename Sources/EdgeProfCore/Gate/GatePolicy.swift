import Yams

/// The edge-performance gate's thresholds for every device class, as read from a YAML file:
///
/// ```yaml
/// device-classes:
///   cortex-m4-256k:
///     min-iterations: 10
///     max-latency-p95-ms: 120
///     min-tokens-per-mj: 2.5
/// ```
public struct GatePolicy: Sendable, Hashable {
    public var classes: [String: DeviceClassThresholds]

    public init(classes: [String: DeviceClassThresholds]) {
        self.classes = classes
    }

    /// The thresholds of `deviceClass`, or an error listing the classes the file defines.
    public func thresholds(for deviceClass: String, file: String) throws(GatePolicyError) -> DeviceClassThresholds {
        guard let thresholds = classes[deviceClass] else {
            throw GatePolicyError(
                file: file, line: nil,
                message: "no thresholds for device class '\(deviceClass)'; the file defines: \(classes.keys.sorted().joined(separator: ", ")). Add a '\(deviceClass):' entry under device-classes")
        }
        return thresholds
    }

    /// Parses a thresholds file; errors name the file, the line and the field.
    public init(yaml: String, file: String) throws(GatePolicyError) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw GatePolicyError(file: file, line: Self.line(of: error), message: "not valid YAML: \(Self.problem(of: error))")
        } catch {
            throw GatePolicyError(file: file, line: nil, message: "not valid YAML: \(error)")
        }
        guard let root, let top = root.mapping else {
            throw GatePolicyError(file: file, line: root?.mark?.line, message: "expected a mapping with a 'device-classes' key")
        }
        var classesNode: Node?
        for (key, value) in top {
            guard key.string == "device-classes" else {
                throw GatePolicyError(
                    file: file, line: key.mark?.line, message: "unknown top-level field '\(key.string ?? "?")'; expected 'device-classes'")
            }
            classesNode = value
        }
        guard let classesNode, let classMapping = classesNode.mapping, !classMapping.isEmpty else {
            throw GatePolicyError(file: file, line: classesNode?.mark?.line ?? root.mark?.line, message: "'device-classes' must map at least one device class to its thresholds")
        }
        var classes: [String: DeviceClassThresholds] = [:]
        for (key, value) in classMapping {
            let name = key.string ?? ""
            classes[name] = try Self.deviceClass(name: name, key: key, node: value, file: file)
        }
        self.classes = classes
    }

    private static func deviceClass(name: String, key: Node, node: Node, file: String) throws(GatePolicyError) -> DeviceClassThresholds {
        guard !name.isEmpty else { throw GatePolicyError(file: file, line: key.mark?.line, message: "a device class needs a name") }
        guard let fields = node.mapping else {
            throw GatePolicyError(file: file, line: node.mark?.line ?? key.mark?.line, message: "device class '\(name)': expected a mapping of thresholds")
        }
        let metricsByKey = Dictionary(uniqueKeysWithValues: GateMetric.allCases.map { ($0.fileKey, $0) })
        var minimumIterations = DeviceClassThresholds.defaultMinimumIterations
        var criteria: [GateCriterion] = []
        for (fieldKey, fieldValue) in fields {
            let field = fieldKey.string ?? ""
            let line = fieldValue.mark?.line ?? fieldKey.mark?.line
            let raw = fieldValue.scalar?.string
            if field == "min-iterations" {
                guard let raw, let count = Int(raw), count >= 1 else {
                    throw GatePolicyError(file: file, line: line, message: "device class '\(name)': field 'min-iterations' must be a whole number ≥ 1, got '\(raw ?? "a non-scalar")'")
                }
                minimumIterations = count
            } else if let metric = metricsByKey[field] {
                guard let raw, let threshold = Double(raw), threshold.isFinite, threshold >= 0 else {
                    throw GatePolicyError(file: file, line: line, message: "device class '\(name)': field '\(field)' must be a number ≥ 0 (in \(metric.unit)), got '\(raw ?? "a non-scalar")'")
                }
                criteria.append(GateCriterion(metric: metric, threshold: threshold))
            } else {
                let known = ["min-iterations"] + GateMetric.allCases.map(\.fileKey)
                let hint = closest(to: field, in: known).map { " (did you mean '\($0)'?)" } ?? ""
                throw GatePolicyError(file: file, line: fieldKey.mark?.line, message: "device class '\(name)': unknown field '\(field)'\(hint); known fields: \(known.joined(separator: ", "))")
            }
        }
        guard !criteria.isEmpty else {
            throw GatePolicyError(file: file, line: key.mark?.line, message: "device class '\(name)' sets no thresholds; add at least one of \(GateMetric.allCases.map(\.fileKey).joined(separator: ", "))")
        }
        return DeviceClassThresholds(deviceClass: name, minimumIterations: minimumIterations, criteria: criteria)
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: nil
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
        default: "\(error)"
        }
    }

    /// The known key within edit distance 3 of a misspelt one.
    private static func closest(to word: String, in candidates: [String]) -> String? {
        candidates.map { ($0, editDistance($0, word)) }.filter { $0.1 <= 3 }.min { $0.1 < $1.1 }?.0
    }

    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// A thresholds file that cannot be used; the message names the file, line and field.
public struct GatePolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}
