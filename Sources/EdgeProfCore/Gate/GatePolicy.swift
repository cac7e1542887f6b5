/// The edge-performance gate's thresholds for every device class, as read from a YAML file:
///
/// ```yaml
/// device-classes:
///   cortex-m4-256k:
///     min-iterations: 10
///     max-latency-p95-ms: 120
///     min-tokens-per-mj: 2.5
///     max-flash-kib: catalogue    # the class's flash size from the device catalogue
/// ```
public struct GatePolicy: Sendable, Hashable {
    public var classes: [String: DeviceClassThresholds]

    public init(classes: [String: DeviceClassThresholds]) {
        self.classes = classes
    }

    /// The thresholds of `deviceClass`, or an error listing the classes the file defines.
    public func thresholds(for deviceClass: String, file: String) throws(ConfigError) -> DeviceClassThresholds {
        guard let thresholds = classes[deviceClass] else {
            throw ConfigError(
                file: file, line: nil,
                message: "no thresholds for device class '\(deviceClass)'; the file defines: \(classes.keys.sorted().joined(separator: ", ")). Add a '\(deviceClass):' entry under device-classes")
        }
        return thresholds
    }

    /// Parses a thresholds file; errors name the file, the line and the field.
    public init(yaml: String, file: String) throws(ConfigError) {
        let top = try YAMLFile(yaml: yaml, file: file).root.fields(known: ["device-classes"], what: "a mapping with a 'device-classes' key")
        let classEntries = try top.requiredNode("device-classes").entries(expecting: "'device-classes' to map device classes to thresholds")
        guard !classEntries.isEmpty else {
            throw top.owner.error("'device-classes' must map at least one device class to its thresholds")
        }
        var classes: [String: DeviceClassThresholds] = [:]
        for (name, line, node) in classEntries {
            guard !name.isEmpty else { throw node.error("a device class needs a name", line: line) }
            classes[name] = try Self.deviceClass(name: name, line: line, node: node.withContext("device class '\(name)': "))
        }
        self.classes = classes
    }

    private static func deviceClass(name: String, line: Int?, node: YAMLNode) throws(ConfigError) -> DeviceClassThresholds {
        let known = ["min-iterations"] + GateMetric.allCases.map(\.fileKey)
        let fields = try node.fields(known: known, what: "a mapping of thresholds")
        var criteria: [GateCriterion] = []
        var catalogueLimits: [GateMetric] = []
        for metric in GateMetric.allCases {
            if DeviceClassThresholds.catalogueMetrics[metric] != nil, fields.node(metric.fileKey)?.scalar == "catalogue" {
                catalogueLimits.append(metric)
            } else if let threshold = try fields.number(metric.fileKey, atLeast: 0, unit: metric.unit) {
                criteria.append(GateCriterion(metric: metric, threshold: threshold))
            }
        }
        guard !criteria.isEmpty || !catalogueLimits.isEmpty else {
            throw ConfigError(
                file: node.file, line: line,
                message: "device class '\(name)' sets no thresholds; add at least one of \(GateMetric.allCases.map(\.fileKey).joined(separator: ", "))")
        }
        let minimum = try fields.integer("min-iterations", atLeast: 1) ?? DeviceClassThresholds.defaultMinimumIterations
        return DeviceClassThresholds(deviceClass: name, minimumIterations: minimum, criteria: criteria, catalogueLimits: catalogueLimits)
    }
}
