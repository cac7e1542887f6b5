import EdgeProfCore
import EdgeProfSim
import Foundation

extension FleetSimulator {
    /// How the simulated models behave in the field: the share of wrong answers and the median
    /// latency of each version, so a test or a demo knows the effect it should detect.
    public struct TelemetryEffects: Sendable {
        public var errorRate: [ModelReference: Double] = [:]
        public var defaultErrorRate = 0.1
        public var latencyMs: [ModelReference: Double] = [:]
        public var defaultLatencyMs = 20.0
        /// Changes injected into what the devices of a class (every class when nil) see and answer.
        public var drift: [(effect: InjectedDrift, deviceClass: String?)] = []

        public init() {}

        func drift(on deviceClass: String) -> [InjectedDrift] {
            drift.filter { $0.deviceClass == nil || $0.deviceClass == deviceClass }.map(\.effect)
        }
    }

    /// What one emission sent.
    public struct TelemetryReport: Sendable, Hashable {
        public var records = 0
        public var labels = 0
        public var failed: [String] = []
    }

    /// Every device that serves what it was assigned answers `requestsPerDevice` requests with its
    /// version on its arm (and, when it runs a shadow, with the shadow beside it on arm `shadow`,
    /// same request ids) and reports them (`POST /v1/inferences`, one batch per device, its
    /// key made of `batch` so a repeated emission is stored once), then their labels as they
    /// turn out (`POST /v1/inferences/labels`). Who serves what comes from the collector's
    /// fleet status, through each bench's own token. Seeded: the same seed, batch and effects
    /// give the same answers, labels and latencies.
    public func emitTelemetry(batch: Int, requestsPerDevice: Int, effects: TelemetryEffects, at: Date) async -> TelemetryReport {
        var serving: [String: (ModelReference, InferenceArm)] = [:]
        var shadows: [String: ModelReference] = [:]
        var failed: [String] = []
        for agent in Set(devices.map(\.agent.bench)).sorted() {
            guard let client = devices.first(where: { $0.agent.bench == agent })?.agent.client else { continue }
            do throws(AgentError) {
                let status = try client.decoded(FleetStatus.self, from: try await client.call(.GET, "/v1/fleet/status"), what: "the fleet status")
                for entry in status.entries where entry.verdict == .onAssignment && entry.assignedState == .serving {
                    if let version = entry.expected, let arm = entry.arm.flatMap({ InferenceArm(rawValue: $0.rawValue) }) { serving[entry.device] = (version, arm) }
                    if let shadow = entry.shadow, entry.shadowRunning == true { shadows[entry.device] = shadow }
                }
            } catch {
                failed.append("\(agent): \(error.description)")
            }
        }
        let counts = TelemetryCounter()
        let seed = options.seed
        let assigned = serving
        let shadowing = shadows
        failed += await forEachDevice { device throws(AgentError) in
            guard !device.offline, let (version, arm) = assigned[device.identity] else { return }
            var random = SplitMix64(seed: seed ^ SimulatedOutput.fnv1a(device.identity) ^ (UInt64(batch) &* 0x9E37_79B9_7F4A_7C15))
            let errorRate = effects.errorRate[version] ?? effects.defaultErrorRate
            let latency = effects.latencyMs[version] ?? effects.defaultLatencyMs
            var records: [InferenceRecord] = []
            var labels: [InferenceLabel] = []
            let injected = effects.drift(on: device.deviceClass)
            for index in 0..<requestsPerDevice {
                let request = "\(device.board.profile.serial)-\(batch)-\(index)"
                let served = SimulatedTraffic.request(errorRate: errorRate, effects: injected, random: &random)
                records.append(InferenceRecord(
                    device: device.identity, model: version.description, arm: arm, requestID: request, at: at, prediction: served.prediction,
                    score: served.score, latencyMs: latency * exp(0.1 * random.nextGaussian()), protected: served.protected, features: served.features))
                labels.append(InferenceLabel(model: version.name, requestID: request, label: served.label, at: at))
                if let shadow = shadowing[device.identity] {
                    let answer = SimulatedTraffic.shadowAnswer(to: served, errorRate: effects.errorRate[shadow] ?? effects.defaultErrorRate, random: &random)
                    let shadowLatency = effects.latencyMs[shadow] ?? effects.defaultLatencyMs
                    records.append(InferenceRecord(
                        device: device.identity, model: shadow.description, arm: .shadow, requestID: request, at: at, prediction: answer.prediction,
                        score: answer.score, latencyMs: shadowLatency * exp(0.1 * random.nextGaussian()), protected: served.protected, features: served.features))
                }
            }
            let key = "fleet-sim-\(device.board.profile.serial)-\(batch)"
            let client = device.agent.client
            do {
                _ = try await client.call(.POST, "/v1/inferences", body: try JSONCoding.encoder.encode(InferenceBatch(batchKey: key, records: records)))
                _ = try await client.call(.POST, "/v1/inferences/labels", body: try JSONCoding.encoder.encode(InferenceLabelBatch(labels: labels)))
            } catch let error as AgentError {
                throw error
            } catch {
                throw .invalidArgument("the telemetry of \(device.identity) cannot be encoded: \(error)")
            }
            counts.add(records: records.count, labels: labels.count)
        }
        var report = counts.value
        report.failed = failed
        return report
    }
}

/// Counts from concurrent emissions.
private final class TelemetryCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var report = FleetSimulator.TelemetryReport()

    func add(records: Int, labels: Int) {
        lock.lock()
        defer { lock.unlock() }
        report.records += records
        report.labels += labels
    }

    var value: FleetSimulator.TelemetryReport {
        lock.lock()
        defer { lock.unlock() }
        return report
    }
}
