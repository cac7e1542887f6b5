import EdgeProfAgent
import EdgeProfCore
import Foundation

/// Walks a version of the demo's model along the registry's main path over the collector's API,
/// each act by the person whose role it is: ana registers, bo attaches and promotes, cy signs the
/// validations, dee the security scan, eli the ethical review, fay the regulatory check, gus the
/// production approval and hal the move to production. Every gate is evaluated by the collector.
struct FleetDemoRelease {
    let lab: FleetDemoLab
    let files: FleetDemoFiles

    func remote(_ person: String) throws(AgentError) -> RegistryRemote {
        guard let client = lab.people[person] else { throw .invalidArgument("the demo's team has no \(person)") }
        return RegistryRemote(client: client)
    }

    func register(_ version: String) async throws(AgentError) -> RegisteredModel {
        try await remote("ana").register(name: FleetDemoStory.model, version: version, artifact: files.artifact(version), metadataFile: files.metadata, tags: ["fleet-demo"])
    }

    /// Development → validation → staging: the evaluation and release documents attached, the
    /// data and training validations signed, the calibration gate passed.
    func toStaging(_ reference: ModelReference) async throws(AgentError) -> GovernanceListing.DecisionSummary {
        for (kind, path) in files.documents { _ = try await remote("bo").attach(reference, kind: kind, file: path) }
        _ = try await remote("bo").promote(reference, RegistryRequests.Promote(to: .validation, reason: "evaluation and release documents attached"))
        for stage in [ApprovalStage.dataValidation, .trainingValidation] {
            _ = try await remote("cy").approve(reference, RegistryRequests.Approve(stage: stage, reason: "reviewed", evidence: ["eval.csv"]))
        }
        return try await remote("bo").promote(reference, RegistryRequests.Promote(to: .staging, reason: "validated: shadow beside production"))
    }

    /// Staging → canary: the shadow report attached, quantization, edge performance and security
    /// signed, the edge-performance gate passed on the bench runs of every class.
    func toCanary(_ reference: ModelReference, shadow: FleetDemoShadowPeriod?) async throws(AgentError) -> GovernanceListing.DecisionSummary {
        try files.writeShadowReport(reference.version.description, period: shadow)
        _ = try await remote("bo").attach(reference, kind: "shadow-report", file: files.shadowReport(reference.version.description))
        for stage in [ApprovalStage.quantizationTest, .edgePerformance] {
            _ = try await remote("bo").approve(reference, RegistryRequests.Approve(stage: stage, reason: "bench runs on every class", evidence: ["qualification runs"]))
        }
        _ = try await remote("dee").approve(reference, RegistryRequests.Approve(stage: .securityScan, reason: "clean scan", evidence: nil))
        return try await remote("bo").promote(reference, RegistryRequests.Promote(to: .canary, reason: "gates green: canary on a share of each class"))
    }

    /// Canary → production: the reviews and the production approval signed, fairness and the
    /// checklist passed. `regulatory` when the track asks for the regulatory check (major).
    func toProduction(_ reference: ModelReference, regulatory: Bool) async throws(AgentError) -> GovernanceListing.DecisionSummary {
        _ = try await remote("eli").approve(reference, RegistryRequests.Approve(stage: .ethicalReview, reason: "fair across groups", evidence: nil))
        if regulatory {
            _ = try await remote("fay").approve(reference, RegistryRequests.Approve(stage: .regulatoryCheck, reason: "compliant", evidence: nil))
        }
        _ = try await remote("gus").approve(reference, RegistryRequests.Approve(stage: .productionApproval, reason: "canary healthy", evidence: nil))
        return try await remote("hal").promote(reference, RegistryRequests.Promote(to: .production, reason: "every gate green"))
    }
}
