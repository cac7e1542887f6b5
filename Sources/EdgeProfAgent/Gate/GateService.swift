import EdgeProfCore
import Foundation

/// Answers the edge-performance gate for a model version on a device class from the stored
/// evidence. Partial runs are left out and listed. It reads one row per run and iteration, and
/// every token only when a criterion is inter-token latency.
public struct GateService: Sendable {
    public let store: any RegistryStore
    /// Resolves `catalogue` ceilings (memory sizes of the class's boards).
    public let catalogue: DeviceCatalogue?

    public init(store: any RegistryStore, catalogue: DeviceCatalogue? = nil) {
        self.store = store
        self.catalogue = catalogue
    }

    /// Reads and parses a thresholds file.
    public static func loadPolicy(path: String) throws(AgentError) -> GatePolicy {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .config(ConfigError(file: path, line: nil, message: "cannot read the thresholds file (missing or unreadable). Fix: pass --thresholds FILE"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .config(ConfigError(file: path, line: nil, message: "is not UTF-8 text"))
        }
        do {
            return try GatePolicy(yaml: text, file: path)
        } catch {
            throw .config(error)
        }
    }

    /// `runID` restricts the evidence to one run (which must be of this model and class).
    public func check(
        model reference: ModelReference, deviceClass: String, policy: GatePolicy, policyFile: String, runID: Int64? = nil
    ) async throws(AgentError) -> GateVerdict {
        let thresholds: DeviceClassThresholds
        do {
            thresholds = try policy.thresholds(for: deviceClass, file: policyFile).resolved(with: catalogue)
        } catch {
            throw .config(error)
        }
        let model = try await ModelRegistrar(store: store).lookUp(reference)
        let needsGaps = thresholds.criteria.contains { $0.metric == .tokenLatencyP95 }
        let runs: [StoredRunFigures]
        do {
            runs = try await store.runFigures(of: model, deviceClass: deviceClass, runID: runID, tokens: needsGaps ? .gaps : .counts)
        } catch {
            throw .store(error)
        }
        if let runID, runs.isEmpty {
            throw .invalidArgument("run \(runID) is not a run of \(reference) on device class '\(deviceClass)'. Fix: `edgeprof runs list --model \(reference)` shows its runs")
        }
        let complete = runs.filter { $0.status == .complete }
        let excluded = runs.filter { $0.status == .partial }.map {
            "run \($0.id): partial (\($0.partialReason ?? "incomplete"))"
        }
        let summary = ProfileSummary(figures: complete.map(\.figures))
        let keys = Array(Set(complete.map(\.evidenceKey))).sorted()
        return EdgePerformanceGate.evaluate(
            model: reference, thresholds: thresholds, summary: summary, runIDs: complete.map(\.id), evidenceKeys: keys,
            excluded: excluded, emulated: complete.contains { $0.board.isEmulated })
    }
}
