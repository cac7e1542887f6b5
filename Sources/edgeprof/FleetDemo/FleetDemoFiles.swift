import EdgeProfAgent
import EdgeProfCore
import EdgeProfSim
import Foundation

/// The files a team brings to the registry in `edgeprof demo --fleet`, written into the demo's
/// folder so that a user can read them: the two versions' artifacts (simulated models whose
/// timings the simulated boards take from their bytes), registration metadata, the
/// evaluation predictions and the release documents the checklist asks for.
struct FleetDemoFiles {
    let folder: String

    /// The release the fleet runs first: 11 ms per token.
    static let incumbent = SimulatedModelArtifact(tokenMedianMs: 11, firstTokenMedianMs: 18)
    /// The candidate: a little faster, 9 ms per token — until the regression is injected — and
    /// retrained, so it answers differently at about one output position in eight.
    static let candidate = SimulatedModelArtifact(tokenMedianMs: 9, firstTokenMedianMs: 16, outputDivergence: 0.125)

    func artifact(_ version: String) -> String { folder + "/fleet-lm-\(version).json" }
    var metadata: String { folder + "/metadata.yaml" }
    var predictions: String { folder + "/eval.csv" }

    /// Release documents by attachment kind.
    var documents: [(kind: String, path: String)] {
        [("predictions", predictions), ("risk-assessment", folder + "/risk.md"), ("runbook", folder + "/runbook.md"), ("rollback-plan", folder + "/rollback.md")]
    }

    func shadowReport(_ version: String) -> String { folder + "/shadow-\(version).md" }

    /// Writes every file; the folder is the demo's own and is emptied first.
    func write() throws(AgentError) {
        do {
            try? FileManager.default.removeItem(atPath: folder)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try save(Self.incumbent.bytes, artifact("1.0.0"))
            try save(Self.candidate.bytes, artifact("1.1.0"))
            try save(Array(Self.metadataYAML.utf8), metadata)
            try save(Array(Self.predictionsCSV.utf8), predictions)
            try save(Array("# Risks\n\nA simulated model on simulated devices: no user is affected.\n".utf8), folder + "/risk.md")
            try save(Array("# Runbook\n\nOn a critical alert: `edgeprof alerts list`, then `edgeprof fleet rollback fleet-lm`.\n".utf8), folder + "/runbook.md")
            try save(Array("# Rollback plan\n\n`edgeprof model rollback fleet-lm` restores the previous release; the collector does it itself after 2 critical alerts in 24 h.\n".utf8), folder + "/rollback.md")
        } catch let error as AgentError {
            throw error
        } catch {
            throw .artifact(path: folder, problem: "cannot be written: \(error.localizedDescription)")
        }
    }

    /// A shadow report for `version`: what the devices that ran it beside production recorded,
    /// or, with no period (nothing served production yet), why there is none.
    func writeShadowReport(_ version: String, period: FleetDemoShadowPeriod?) throws(AgentError) {
        let text = period?.markdown
            ?? "# Shadow period of fleet-lm@\(version)\n\nNo version served production yet: the bench runs on a board of each class stand in for a shadow period.\n"
        do { try save(Array(text.utf8), shadowReport(version)) } catch {
            throw .artifact(path: shadowReport(version), problem: "cannot be written: \(error.localizedDescription)")
        }
    }

    private func save(_ bytes: [UInt8], _ path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    static let metadataYAML = """
        metrics: {accuracy: 0.91}
        task: text-generation
        architecture: int8 decoder 2x64 (simulated)
        considerations:
          intended-use: demonstrating fleet rollouts on simulated devices
          limitations: a simulated model; its timings come from the simulator
        tags: [demo, fleet]

        """

    /// Fair and calibrated: the same rows for both groups, ECE 0.05.
    static var predictionsCSV: String {
        var rows = ["y_true,y_pred,score,group"]
        for index in 0..<100 {
            let score = (Double(index) + 0.5) / 100
            let label = index % 10 < Int(score * 10) ? 1 : 0
            for group in ["north", "south"] { rows.append("\(label),\(score >= 0.5 ? 1 : 0),\(score),\(group)") }
        }
        return rows.joined(separator: "\n") + "\n"
    }
}
