/// The gate verdicts, evidence keys and edge figures of a version as MLflow tags (read-only,
/// under `edgeprof.`): `edgeprof.gate.GATE` is PASS, FAIL or INCONCLUSIVE and
/// `edgeprof.gate.GATE.FIGURE` each figure the gate judged; `edgeprof.edge.CLASS.*` is the
/// edge-performance verdict on one device class with its runs, evidence keys and measured figures.
public enum MLflowGateTags {
    public static func tags(results: [GovernanceGateResult], edgeVerdicts: [GateVerdict]) -> [String: String] {
        var tags: [String: String] = [:]
        for result in results {
            let gate = "edgeprof.gate.\(result.gate.rawValue)"
            tags[gate] = result.outcome.rawValue
            for (figure, value) in result.figures where value.isFinite { tags["\(gate).\(figure)"] = String(value) }
        }
        for verdict in edgeVerdicts {
            let prefix = "edgeprof.edge.\(verdict.deviceClass)"
            tags["\(prefix).verdict"] = verdict.outcome.rawValue
            tags["\(prefix).evidence_keys"] = bounded(verdict.evidenceKeys.joined(separator: ","))
            tags["\(prefix).runs"] = bounded(verdict.runIDs.map(String.init).joined(separator: ","))
            tags["\(prefix).measured_iterations"] = String(verdict.measuredIterations)
            tags["\(prefix).emulated"] = verdict.emulated ? "true" : "false"
            for result in verdict.results {
                guard let measured = result.measured, measured.isFinite else { continue }
                tags["\(prefix).\(result.criterion.metric.rawValue)"] = String(measured)
                tags["\(prefix).\(result.criterion.metric.fileKey)"] = String(result.criterion.threshold)
            }
        }
        return tags
    }

    /// A tag value within MLflow's limit: a long list ends with "…" rather than failing the client.
    static func bounded(_ text: String) -> String {
        text.count <= ModelAnnotation.maximumValueLength ? text : String(text.prefix(ModelAnnotation.maximumValueLength - 1)) + "…"
    }
}
