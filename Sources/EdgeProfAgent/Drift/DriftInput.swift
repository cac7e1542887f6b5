import EdgeProfCore
import Foundation

/// One side of `edgeprof drift compare`, resolved: a file of values or a stored run's metric.
public enum DriftInput {
    /// Reads `argument` as a CSV/JSON file when one exists at that path (memory-mapped when
    /// the file system allows), else as a run id.
    public static func sample(
        _ argument: String, metric: RunMetric, column: String?, categorical: Bool, headerless: Bool = false,
        store: () throws(AgentError) -> EvidenceStore
    ) throws(AgentError) -> (sample: DriftSample, source: String) {
        if FileManager.default.fileExists(atPath: argument) {
            guard let data = try? Data(contentsOf: URL(fileURLWithPath: argument), options: .mappedIfSafe) else {
                throw .invalidArgument("\(argument) cannot be read. Fix: check its permissions")
            }
            do throws(DriftSampleError) {
                return (try DriftSampleParser.parse(data, column: column, categorical: categorical, headerless: headerless), argument)
            } catch {
                throw .driftInput(source: argument, error)
            }
        }
        guard let id = Int64(argument) else {
            throw .invalidArgument("\(argument) is neither a file nor a run id. Fix: give a CSV or JSON file of values, or a run id from `edgeprof runs list`")
        }
        let stored: StoredRun?
        let evidence = try store()
        do throws(StoreError) { stored = try evidence.run(id: id) } catch { throw .store(error) }
        guard let stored else { throw .unknownRun(id) }
        let values = metric.values(in: stored.run)
        guard !values.isEmpty else {
            throw .driftInput(source: "run \(id)", .empty)
        }
        return (.numeric(values), "run \(id) \(metric.rawValue)")
    }
}
