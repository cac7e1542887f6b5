import EdgeProfCore
import Testing

@Suite struct GatePolicyTests {
    let valid = """
        device-classes:
          cortex-m4:
            min-iterations: 5
            max-latency-p95-ms: 120
            min-tokens-per-mj: 2.5
          sim:
            max-peak-ram-kib: 192
        """

    @Test func parsesEveryClassAndCriterion() throws {
        let policy = try GatePolicy(yaml: valid, file: "gates.yaml")
        let m4 = try policy.thresholds(for: "cortex-m4", file: "gates.yaml")
        #expect(m4.minimumIterations == 5)
        #expect(m4.criteria == [GateCriterion(metric: .latencyP95, threshold: 120), GateCriterion(metric: .tokensPerMillijoule, threshold: 2.5)])
        #expect(try policy.thresholds(for: "sim", file: "gates.yaml").minimumIterations == DeviceClassThresholds.defaultMinimumIterations)
    }

    @Test(arguments: [
        ("device-classes:\n  m4:\n    max-latncy-p95-ms: 3\n", "g.yaml:3: device class 'm4': unknown field 'max-latncy-p95-ms' (did you mean 'max-latency-p95-ms'?)"),
        ("device-classes:\n  m4:\n    max-latency-p95-ms: fast\n", "g.yaml:3: device class 'm4': field 'max-latency-p95-ms' must be a number ≥ 0 (in ms), got 'fast'"),
        ("device-classes:\n  m4:\n    min-iterations: 0\n    max-latency-p95-ms: 3\n", "g.yaml:3: device class 'm4': field 'min-iterations' must be a whole number ≥ 1, got '0'"),
        ("device-classes:\n  m4:\n    min-iterations: 3\n", "g.yaml:2: device class 'm4' sets no thresholds; add at least one of"),
        ("classes:\n  m4: {}\n", "g.yaml:1: unknown field 'classes'; known fields: device-classes"),
        ("device-classes: [a, b\n", "g.yaml:2: not valid YAML"),
        ("device-classes:\n  m4: 7\n", "g.yaml:2: device class 'm4': expected a mapping of thresholds"),
        ("", "g.yaml: the file is empty"),
        ("device-classes: 3\n", "g.yaml:1: expected 'device-classes' to map device classes to thresholds"),
    ])
    func malformedFilesNameFileLineAndField(_ yaml: String, _ message: String) {
        do {
            _ = try GatePolicy(yaml: yaml, file: "g.yaml")
            Issue.record("accepted a malformed file")
        } catch {
            #expect(error.description.hasPrefix(message), "got: \(error.description)")
        }
    }

    @Test func unknownClassListsTheKnownOnes() throws {
        let policy = try GatePolicy(yaml: valid, file: "gates.yaml")
        #expect(throws: ConfigError.self) { try policy.thresholds(for: "esp32", file: "gates.yaml") }
        do {
            _ = try policy.thresholds(for: "esp32", file: "gates.yaml")
        } catch {
            #expect(error.description.contains("the file defines: cortex-m4, sim"))
        }
    }
}
