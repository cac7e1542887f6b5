import EdgeProfAgent
import EdgeProfCore
import Foundation
import Hummingbird

/// The registry's pages (models, a model, a model card, the audit trail) and approving a
/// version from the dashboard (the same act as `edgeprof model approve`).
extension DashboardHandlers {
    /// The audit page shows this many of the newest entries.
    static let auditEntries = 500

    func models(_ request: Request) async -> Response {
        await page(request) { signedIn in
            let service = GovernanceService(store: store.registry, actor: signedIn.viewer.actor, catalogue: nil)
            let names = Set(try await storeCall { () async throws(StoreError) in try await store.models() }.map(\.reference.name)).sorted()
            var lines: [ModelsView.ModelLine] = []
            for name in names {
                let snapshot = try await governed { () async throws(AgentError) in try await service.snapshot(name) }
                let rules = try decided { () throws(AgentError) in try service.rules(snapshot) }
                let pending = Dictionary(uniqueKeysWithValues: snapshot.versions.map { ($0.reference, Self.pending($0, snapshot: snapshot, rules: rules)) })
                lines.append(.init(name: name, versions: snapshot.versions, pending: pending, halted: snapshot.halts.last?.halted ?? false))
            }
            return ModelsView.list(lines, viewer: signedIn.viewer)
        }
    }

    func model(_ request: Request, context: CollectorRequestContext) async -> Response {
        let name = Self.parameter(context, "name")
        return await page(request) { signedIn in
            let service = GovernanceService(store: store.registry, actor: signedIn.viewer.actor, catalogue: nil)
            let snapshot = try await governed { () async throws(AgentError) in try await service.snapshot(name) }
            guard !snapshot.versions.isEmpty else {
                throw Problem(status: .notFound, title: "No such model", message: "No version of \(name) is registered.", back: "/models")
            }
            let rules = try decided { () throws(AgentError) in try service.rules(snapshot) }
            let details = snapshot.versions.reversed().map { record in
                ModelsView.VersionDetail(
                    record: record, approvals: snapshot.approvals(of: record.reference), pending: Self.pending(record, snapshot: snapshot, rules: rules), gates: nil)
            }
            let trail = try await storeCall { () async throws(StoreError) in try await store.registry.auditTrail() }
            let concerning = trail.filter { $0.concerns(model: name) }.reversed()
            return ModelsView.model(
                name: name, versions: details, snapshot: snapshot, audit: Array(concerning.prefix(Self.auditEntries)), verification: AuditChain.verify(trail),
                viewer: signedIn.viewer)
        }
    }

    /// One version: its gates assessed now (they read the version's runs and evidence), its
    /// approvals and what it waits for, the approval form, and its shadow period.
    func version(_ request: Request, context: CollectorRequestContext) async -> Response {
        let name = Self.parameter(context, "name")
        let version = Self.parameter(context, "version")
        let notice = FormEncoding.firstValues(request.uri.query)["notice"]
        return await page(request) { signedIn in
            let service = GovernanceService(store: store.registry, actor: signedIn.viewer.actor, catalogue: nil)
            let reference = try decided { () throws(AgentError) in try ModelRegistrar.reference(name: name, version: version) }
            let snapshot = try await governed { () async throws(AgentError) in try await service.snapshot(name) }
            guard let record = snapshot.version(reference) else {
                throw Problem(status: .notFound, title: "No such version", message: "\(reference) is not registered.", back: "/models/\(HTML.pathSegment(name))")
            }
            let rules = try decided { () throws(AgentError) in try service.rules(snapshot) }
            let gates = try await governed { () async throws(AgentError) in try await service.gateResults(for: reference) }
            let detail = ModelsView.VersionDetail(
                record: record, approvals: snapshot.approvals(of: reference), pending: Self.pending(record, snapshot: snapshot, rules: rules), gates: gates)
            let shadow = try await governed { () async throws(AgentError) in try await service.shadowReport(for: reference) }
            return ModelsView.version(detail, shadow: shadow, viewer: signedIn.viewer, notice: notice)
        }
    }

    func modelCard(_ request: Request, context: CollectorRequestContext) async -> Response {
        let name = Self.parameter(context, "name")
        let version = Self.parameter(context, "version")
        return await page(request) { signedIn in
            let service = GovernanceService(store: store.registry, actor: signedIn.viewer.actor, catalogue: nil)
            let reference = try decided { () throws(AgentError) in try ModelRegistrar.reference(name: name, version: version) }
            let card = try await governed { () async throws(AgentError) in try await service.card(for: reference) }
            return ModelsView.card(card, reference: reference, viewer: signedIn.viewer)
        }
    }

    func approve(_ request: Request, context: CollectorRequestContext) async -> Response {
        let name = Self.parameter(context, "name")
        let version = Self.parameter(context, "version")
        return await form(request) { signedIn, fields in
            let service = GovernanceService(store: store.registry, actor: signedIn.viewer.actor, catalogue: nil)
            let reference = try decided { () throws(AgentError) in try ModelRegistrar.reference(name: name, version: version) }
            guard let text = fields["stage"], let stage = ApprovalStage(rawValue: text) else {
                throw Problem(
                    status: .badRequest, title: "Approval refused",
                    message: "Choose what you approve: one of \(ApprovalStage.allCases.map(\.rawValue).joined(separator: ", ")).", back: "/models/\(HTML.pathSegment(name))")
            }
            _ = try await governed { () async throws(AgentError) in try await service.approve(reference, stage: stage, reason: fields["reason"] ?? "", evidence: []) }
            return Self.withNotice(
                "/models/\(HTML.pathSegment(name))/\(HTML.pathSegment(version))", "\(stage.rawValue) of \(reference) approved by \(signedIn.viewer.actor).")
        }
    }

    func audit(_ request: Request) async -> Response {
        await page(request) { signedIn in
            let trail = try await storeCall { () async throws(StoreError) in try await store.registry.auditTrail() }
            return AuditView.page(Array(trail.reversed().prefix(Self.auditEntries)), verification: AuditChain.verify(trail), total: trail.count, viewer: signedIn.viewer)
        }
    }

    /// The approvals `record` still needs before production under the policy in force.
    static func pending(_ record: ModelVersionRecord, snapshot: RegistrySnapshot, rules: GovernanceRules) -> [ModelsView.Pending] {
        guard record.stage.isPreProduction else { return [] }
        let signed = Set(snapshot.approvals(of: record.reference).map(\.stage))
        return rules.requiredApprovals(to: .production, track: rules.track(of: record))
            .filter { !signed.contains($0) }
            .map { ModelsView.Pending(stage: $0, role: rules.policy.role(for: $0)) }
    }

    func governed<T>(_ call: () async throws(AgentError) -> T) async throws -> T {
        do { return try await call() } catch { throw Self.refused(error) }
    }

    func decided<T>(_ call: () throws(AgentError) -> T) throws -> T {
        do { return try call() } catch { throw Self.refused(error) }
    }
}
