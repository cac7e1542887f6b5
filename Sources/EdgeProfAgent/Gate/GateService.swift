import EdgeProfCore
import Foundation

/// Answers the edge-performance gate for a model version on a device class from the stored
/// evidence. Partial runs are left out and listed.
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
        var runs: [StoredRun]
        do {
            runs = try await store.runs(of: model, deviceClass: deviceClass)
        } catch {
            throw .store(error)
        }
        if let runID {
            runs = runs.filter { $0.id == runID }
            if runs.isEmpty {
                throw .invalidArgument("run \(runID) is not a run of \(reference) on device class '\(deviceClass)'. Fix: `edgeprof runs list --model \(reference)` shows its runs")
            }
        }
        let complete = runs.filter { $0.run.status == .complete }
        let excluded = runs.filter { $0.run.status == .partial }.map {
            "run \($0.id): partial (\($0.run.partialReason ?? "incomplete"))"
        }
        let summary = ProfileSummary(runs: complete.map(\.run))
        let keys = Array(Set(complete.map { $0.run.evidenceKey().shortID })).sorted()
        return EdgePerformanceGate.evaluate(
            model: reference, thresholds: thresholds, summary: summary, runIDs: complete.map(\.id), evidenceKeys: keys,
            excluded: excluded, emulated: complete.contains { $0.run.board.isEmulated })
    }
}
