import Foundation

/// What a device serves after its agent's report, from what the fleet knew (pure).
public enum FleetReportMerge {
    /// A report of another artifact (the agent installed one) changes the artifact, the version
    /// it belongs to (when the registry knows it) and since when it is served; a report of the
    /// same artifact changes none of them. The shadow is always the one reported last.
    public static func merge(_ stored: ServingReport, report: DeviceReport, registered: ModelReference?, at: Date) -> ServingReport {
        var serving = stored
        serving.shadowArtifactSHA256 = report.shadowArtifactSHA256
        guard report.artifactSHA256 != stored.artifactSHA256 else { return serving }
        serving.artifactSHA256 = report.artifactSHA256
        serving.reportedAt = at
        serving.since = at
        if let registered { serving.registered = registered }
        return serving
    }
}
