import Crypto
import Foundation

/// Stored profile runs as MLflow runs, so `mlflow.search_runs` finds them: one experiment per
/// model (its id derived from the name, which MLflow's id pattern may not allow as it is) plus
/// the Default experiment "0" holding every run. A run's headline figures are its metrics, where
/// it was measured its parameters. Read-only: EdgeProf's runs come from boards, not from
/// `log_metric`.
public enum MLflowRunView {
    /// The Default experiment: every stored run.
    public static let defaultExperimentID = "0"
    public static let defaultExperimentName = "Default"

    /// The experiment of a model's runs: `m` and 15 hex digits of the name's SHA-256.
    public static func experimentID(model name: String) -> String {
        "m" + SHA256.hash(data: Data(name.utf8)).map { String(format: "%02x", $0) }.joined().prefix(15)
    }

    public static func experiment(model name: String?, created: Date) -> MLflowWire.Experiment {
        let milliseconds = MLflowRegistryView.milliseconds(created)
        return MLflowWire.Experiment(
            experimentId: name.map(experimentID(model:)) ?? defaultExperimentID, name: name ?? defaultExperimentName, artifactLocation: "",
            lifecycleStage: "active", creationTime: milliseconds, lastUpdateTime: milliseconds,
            tags: name.map { [MLflowWire.Tag(key: "edgeprof.model", value: $0)] } ?? [])
    }

    /// The metrics of a run: its headline figures, the ones it has.
    public static func metrics(_ run: CollectedRunSummary) -> [(key: String, value: Double)] {
        let figures: [(String, Double?)] = [
            ("latency_p50_ms", run.latencyP50Ms), ("latency_p95_ms", run.latencyP95Ms), ("latency_p99_ms", run.latencyP99Ms),
            ("ttft_p50_ms", run.timeToFirstTokenP50Ms), ("tokens_per_second", run.tokensPerSecond),
            ("energy_per_inference_mj", run.energyPerInferenceMillijoules), ("tokens_per_mj", run.tokensPerMillijoule),
            ("measured_iterations", Double(run.measuredIterations)),
        ]
        return figures.compactMap { key, value in value.flatMap { $0.isFinite ? (key, $0) : nil } }
    }

    /// Where and on what a run was measured.
    public static func params(_ run: CollectedRunSummary) -> [String: String] {
        let reference = run.model.split(separator: "@", maxSplits: 1).map(String.init)
        var params = [
            "model": reference.first ?? run.model, "model_version": reference.count == 2 ? reference[1] : "",
            "device_class": run.deviceClass, "board": run.board, "serial": run.serial, "firmware_version": run.firmwareVersion,
            "emulated": run.emulated ? "true" : "false",
        ]
        if let bench = run.bench { params["bench"] = bench }
        if let place = run.place { params["place"] = place }
        return params
    }

    public static func runName(_ run: CollectedRunSummary) -> String {
        "\(run.model) on \(run.deviceClass) #\(run.id)"
    }

    public static func tags(_ run: CollectedRunSummary) -> [String: String] {
        ["mlflow.runName": runName(run), "edgeprof.run_id": String(run.id), "edgeprof.status": run.status.rawValue,
         "mlflow.source.name": "edgeprof", "mlflow.user": run.bench ?? ""]
    }

    public static func run(_ run: CollectedRunSummary) -> MLflowWire.Run {
        let id = String(run.id)
        let finished = MLflowRegistryView.milliseconds(run.finishedAt)
        let name = String(run.model.split(separator: "@").first ?? "")
        return MLflowWire.Run(
            info: MLflowWire.RunInfo(
                runId: id, runUuid: id, experimentId: experimentID(model: name), runName: runName(run), userId: run.bench ?? "",
                status: run.status == .complete ? "FINISHED" : "FAILED", startTime: MLflowRegistryView.milliseconds(run.startedAt),
                endTime: finished, artifactUri: "", lifecycleStage: "active"),
            data: MLflowWire.RunData(
                metrics: metrics(run).map { MLflowWire.Metric(key: $0.key, value: $0.value, timestamp: finished, step: 0) },
                params: MLflowRegistryView.wireTags(params(run)), tags: MLflowRegistryView.wireTags(tags(run))))
    }

    /// Whether a run passes `filter`: `metrics.K`, `params.K`, `tags.K` and the attributes
    /// `run_id`, `run_name`, `status`, `start_time`, `end_time`.
    public static func matches(_ filter: MLflowFilter, _ run: CollectedRunSummary) throws(MLflowFilterError) -> Bool {
        for clause in filter.clauses {
            let value: String?
            var numeric = false
            switch (clause.key.namespace, clause.key.name) {
            case ("metrics", let key), ("metric", let key):
                value = metrics(run).first { $0.key == key }.map { String($0.value) }
                numeric = true
            case ("params", let key), ("param", let key): value = params(run)[key]
            case ("tags", let key), ("tag", let key): value = tags(run)[key]
            case (nil, "run_id"), (nil, "id"): value = String(run.id)
            case (nil, "run_name"): value = runName(run)
            case (nil, "status"): value = run.status == .complete ? "FINISHED" : "FAILED"
            case (nil, "start_time"):
                value = String(MLflowRegistryView.milliseconds(run.startedAt))
                numeric = true
            case (nil, "end_time"):
                value = String(MLflowRegistryView.milliseconds(run.finishedAt))
                numeric = true
            default:
                throw MLflowFilterError("runs are searched by metrics.KEY, params.KEY, tags.KEY, run_id, run_name, status, start_time or end_time, not \(clause.key)")
            }
            guard MLflowFilter.matches(clause, value, numeric: numeric) else { return false }
        }
        return true
    }
}
