import EdgeProfAgent
import EdgeProfCore
import Foundation
import HTTPTypes
import Hummingbird

/// The registry's governance over the API: every act is the token's actor acting, under the same
/// rules (roles, separation of duties, gates) as `edgeprof model …` on the command line, on the
/// registry in the collector's database (SQLite or PostgreSQL).
struct GovernanceHandlers: Sendable {
    let registry: any RegistryStore
    /// Signs `GET /v1/audit/checkpoint` (`collector serve --audit-key`); nil: not offered.
    let auditSigner: AuditSigner?
    /// The registry snapshots the fleet routes read, kept while the audit head does not move.
    let snapshots = RegistrySnapshotCache()
    /// The models each bench's devices run, for the artifact route: read once for a burst of fetches.
    let benchModels = BenchModelsCache()

    /// The request as a governance route sees it: path parameters, query and JSON body.
    struct Call {
        var route: CollectorRoute
        var parameters: Parameters
        var query: [String: String]
        var body: Data?
    }

    /// Answers a governance route.
    func respond(_ call: Call, grant: TokenGrant?) async throws -> Response {
        let service = GovernanceService(store: registry, actor: grant?.actor ?? "", catalogue: nil)
        do {
            if Self.fleetRoutes.contains(call.route) { return try await fleet(call, grant: grant, service) }
            if Self.incidentRoutes.contains(call.route) { return try await incidents(call, service) }
            return try await answer(call, service)
        } catch {
            throw Self.apiError(error)
        }
    }

    private func answer(_ call: Call, _ service: GovernanceService) async throws(AgentError) -> Response {
        // Path parameters arrive percent-encoded: a version's build metadata `+` is `%2B`.
        func parameter(_ key: String) -> String {
            let raw = call.parameters.get(key) ?? ""
            return raw.removingPercentEncoding ?? raw
        }
        let name = parameter("name")
        func reference() throws(AgentError) -> ModelReference {
            try ModelRegistrar.reference(name: name, version: parameter("version"))
        }
        switch call.route {
        case .modelHistory:
            return try json(GovernanceBodies.ModelHistory(try await service.snapshot(try parseName(name))))
        case .modelGates:
            return try json(try await service.gateResults(for: reference()))
        case .shadowReport:
            let reference = try reference()
            guard let report = try await service.shadowReport(for: reference) else {
                throw .governance(.notFound("\(reference) has not been in staging: its shadow period starts when it enters staging"))
            }
            return try json(report)
        case .registerVersion:
            let request = try decode(RegistryRequests.Register.self, call.body)
            guard let artifact = Data(base64Encoded: request.artifactBase64) else {
                throw .invalidArgument("artifactBase64: not base64; send the model file's bytes base64-encoded")
            }
            var metadata = VersionMetadata()
            if let text = request.metadata {
                do throws(ConfigError) { metadata = try VersionMetadata(yaml: text, file: "metadata") } catch { throw .config(error) }
            }
            metadata.tags += request.tags ?? []
            let model = try await ModelRegistrar(store: registry).register(
                name: name, version: request.version, artifact: Array(artifact), metadata: metadata, actor: service.actor)
            return try json(model, status: .created)
        case .attachEvidence:
            let request = try decode(RegistryRequests.Attach.self, call.body)
            guard (1...255).contains(request.fileName.count), !request.fileName.contains("/"),
                  !request.fileName.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw .invalidArgument("fileName: 1 to 255 printable characters, no '/' (the document's own name)")
            }
            let attachment = try await service.attach(reference(), kind: request.kind, fileName: request.fileName, content: Array(request.content.utf8))
            return try json(GovernanceListing.AttachmentSummary(attachment), status: .created)
        case .approveVersion:
            let request = try decode(RegistryRequests.Approve.self, call.body)
            return try json(try await service.approve(reference(), stage: request.stage, reason: request.reason, evidence: request.evidence ?? []))
        case .promoteVersion:
            let request = try decode(RegistryRequests.Promote.self, call.body)
            return try json(GovernanceListing.DecisionSummary(try await service.promote(reference(), to: request.to, reason: request.reason)))
        case .requestEmergency:
            let request = try decode(RegistryRequests.Emergency.self, call.body)
            return try json(
                try await service.requestEmergency(reference(), informed: request.informed, reason: request.reason, liftsHalt: request.liftHalt ?? false),
                status: .created)
        case .confirmEmergency:
            let reason = try decode(RegistryRequests.Reason.self, call.body).reason
            return try json(GovernanceListing.DecisionSummary(try await service.confirmEmergency(reference(), reason: reason)))
        case .declineEmergency:
            return try json(try await service.declineEmergency(reference(), reason: try decode(RegistryRequests.Reason.self, call.body).reason))
        case .retireVersion:
            let request = try decode(RegistryRequests.Reason.self, call.body)
            return try json(GovernanceListing.DecisionSummary(try await service.retire(reference(), reason: request.reason)))
        case .rollbackModel:
            let request = try decode(RegistryRequests.Rollback.self, call.body)
            var target: SemanticVersion?
            if let text = request.to {
                do throws(SemanticVersionError) { target = try SemanticVersion(parsing: text) } catch { throw .invalidArgument(error.description) }
            }
            return try json(GovernanceListing.DecisionSummary(try await service.rollback(model: name, to: target, reason: request.reason)))
        case .haltModel:
            return try json(try await service.halt(model: name, reason: try decode(RegistryRequests.Reason.self, call.body).reason))
        case .eraseTelemetry:
            let request = try decode(RegistryRequests.EraseTelemetry.self, call.body)
            return try json(["erased": try await service.eraseTelemetry(subject: request.subject, reason: request.reason)])
        case .resumeModel:
            return try json(try await service.resume(model: name, reason: try decode(RegistryRequests.Reason.self, call.body).reason))
        case .modelCard:
            let text = call.query["format"] ?? ModelCardFormat.markdown.rawValue
            guard let format = ModelCardFormat(rawValue: text) else {
                throw .invalidArgument("format=\(text): use one of \(ModelCardFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return Responses.text(ModelCardRenderer.render(try await service.card(for: reference()), as: format), contentType: Self.contentType(of: format))
        case .gateCheck:
            return try json(try await gateCheck(reference(), try decode(RegistryRequests.GateCheck.self, call.body), service))
        case .listActors:
            return try json(try await service.snapshot("").actors)
        case .addActor:
            let request = try decode(RegistryRequests.AddActor.self, call.body)
            try await service.addActor(name: request.name, roles: request.roles)
            guard let added = try await service.snapshot("").actor(named: request.name) else {
                throw .invalidArgument("actor \(request.name) was recorded but cannot be shown")
            }
            return try json(added, status: .created)
        case .grantRole, .removeRole, .deactivateActor, .reactivateActor:
            let target = parameter("actor")
            let request = try decode(RegistryRequests.ActorChange.self, call.body)
            let needsRole = [.grantRole, .removeRole].contains(call.route)
            guard needsRole == (request.role != nil) else {
                throw .invalidArgument(needsRole ? "role: required (one of \(GovernanceRole.allCases.map(\.rawValue).joined(separator: ", ")))" : "role: not taken by this route")
            }
            let route = call.route
            let changed = try await service.changeActor(target) { rules throws(GovernanceError) in
                switch (route, request.role) {
                case (.grantRole, .some(let role)): try rules.grantRole(role, to: target, reason: request.reason)
                case (.removeRole, .some(let role)): try rules.removeRole(role, from: target, reason: request.reason)
                case (.deactivateActor, _): try rules.deactivateActor(target, reason: request.reason)
                default: try rules.reactivateActor(target, reason: request.reason)
                }
            }
            return try json(changed)
        case .revokeApproval:
            let request = try decode(RegistryRequests.RevokeApproval.self, call.body)
            return try json(try await service.revokeApproval(reference(), stage: request.stage, reason: request.reason))
        case .policyInForce:
            return try json(try await service.snapshot("").policyInForce)
        case .listPolicies:
            return try json(try await service.snapshot("").policies)
        case .showPolicy:
            let snapshot = try await service.snapshot("")
            let version = try policyVersion(parameter("policyVersion"))
            guard let record = snapshot.policy(version: version) else {
                throw .governance(.notFound("there is no policy v\(version); GET /v1/policies lists the versions"))
            }
            let current = try service.rules(snapshot).policy
            return try json(GovernanceBodies.PolicyView(policy: record, waitingFor: record.state == .proposed ? record.missingRoles(under: current) : []))
        case .proposePolicy:
            let request = try decode(RegistryRequests.ProposePolicy.self, call.body)
            return try json(try await service.proposePolicy(text: request.policy, thresholds: request.thresholds, reason: request.reason), status: .created)
        case .approvePolicy:
            let version = try policyVersion(parameter("policyVersion"))
            let reason = try decode(RegistryRequests.Reason.self, call.body).reason
            let (approval, activated) = try await service.approvePolicy(version: version, reason: reason)
            guard let record = try await service.snapshot("").policy(version: version) else {
                throw .governance(.notFound("there is no policy v\(version); GET /v1/policies lists the versions"))
            }
            return try json(RegistryRequests.PolicyApproved(approval: approval, activated: activated, policy: record))
        case .auditLog:
            let model = try call.query["model"].map(parseName)
            let entries = try await auditTrail().filter { entry in model.map { entry.concerns(model: $0) } ?? true }
            return try json(entries)
        case .auditCheckpoint:
            guard let auditSigner else {
                throw .config(ConfigError(file: "collector serve", line: nil, message: "signs no checkpoints: start it with --audit-key FILE (edgeprof audit keygen)"))
            }
            let trail = try await auditTrail()
            do { return try json(try auditSigner.checkpoint(of: trail, at: Date())) } catch {
                throw .invalidArgument("the checkpoint could not be signed: \(error)")
            }
        case .auditVerify:
            let entries = try await auditTrail()
            return try json(GovernanceBodies.AuditVerdict(AuditChain.verify(entries), entries: entries.count))
        default:
            throw .invalidArgument("not a governance route")
        }
    }

    /// The edge-performance gate, as `edgeprof gate check` answers it, on the collector's runs.
    private func gateCheck(_ reference: ModelReference, _ request: RegistryRequests.GateCheck, _ service: GovernanceService) async throws(AgentError) -> GateVerdict {
        let gatePolicy: GatePolicy
        let file: String
        if let text = request.thresholds {
            file = "thresholds"
            do throws(ConfigError) { gatePolicy = try GatePolicy(yaml: text, file: file) } catch { throw .config(error) }
        } else {
            let policy = try service.rules(try await service.snapshot(reference.name)).policy
            guard let thresholds = policy.edgeThresholds else {
                throw .config(ConfigError(
                    file: "the registry's policy", line: nil,
                    message: "embeds no edge thresholds: send them as \"thresholds\" (the text of a thresholds file), or adopt a policy that names them"))
            }
            file = "the registry's policy (sha256 \(policy.sha256.prefix(12))…)"
            gatePolicy = thresholds
        }
        return try await GateService(store: registry).check(model: reference, deviceClass: request.deviceClass, policy: gatePolicy, policyFile: file, runID: request.run)
    }

    private func policyVersion(_ text: String) throws(AgentError) -> Int {
        guard let version = Int(text), version >= 0 else {
            throw .invalidArgument("a policy version is a whole number ≥ 0 (0 is the built-in policy), not \(text)")
        }
        return version
    }

    private func auditTrail() async throws(AgentError) -> [AuditEntry] {
        do { return try await registry.auditTrail() } catch { throw .store(error) }
    }

    func json(_ value: any Encodable & Sendable, status: HTTPResponse.Status = .ok) throws(AgentError) -> Response {
        do { return try Responses.json(value, status: status) } catch { throw .invalidArgument("the answer cannot be encoded: \(error)") }
    }

    func decode<T: Codable>(_ type: T.Type, _ body: Data?) throws(AgentError) -> T {
        do { return try StrictJSON.decode(T.self, from: body ?? Data()) } catch {
            throw .invalidArgument(error.description)
        }
    }

    private static func contentType(of format: ModelCardFormat) -> String {
        switch format {
        case .markdown: "text/markdown; charset=utf-8"
        case .html: "text/html; charset=utf-8"
        case .json: "application/json"
        case .hf: "application/yaml"
        }
    }

    /// The status a refusal gets: who may not (403), what may not move (409), what is not there (404).
    static func apiError(_ error: AgentError) -> APIError {
        switch error {
        case .governance(let refusal):
            switch refusal {
            case .invalid: return APIError(.unprocessableContent, "invalid", refusal.description)
            case .notPermitted: return APIError(.forbidden, "not-permitted", refusal.description)
            case .illegalMove: return APIError(.conflict, "illegal-move", refusal.description)
            case .blocked(_, let outcome): return APIError(.conflict, "blocked-by-gate-\(outcome.rawValue.lowercased())", refusal.description)
            case .notFound: return APIError(.notFound, "not-found", refusal.description)
            case .duplicate: return APIError(.conflict, "duplicate", refusal.description)
            case .artifactMismatch: return APIError(.conflict, "artifact-changed", refusal.description)
            }
        case .invalidArgument(let message): return APIError(.badRequest, "invalid-body", message)
        case .config(let problem): return APIError(.unprocessableContent, "invalid-config", problem.description)
        case .artifact: return APIError(.unprocessableContent, "invalid-document", error.description)
        case .unknownModel: return APIError(.notFound, "unknown-model", error.description)
        case .store(.duplicateVersion): return APIError(.conflict, "duplicate", error.description)
        case .store(.conflict): return APIError(.conflict, "registry-busy", error.description)
        case .store(let storeError): return APIError.store(storeError)
        default: return APIError(.unprocessableContent, "refused", error.description)
        }
    }

    /// A model name from a path or query, refused with its reason when malformed.
    private func parseName(_ text: String) throws(AgentError) -> String {
        do throws(ModelReferenceError) { try ModelReference.validate(name: text) } catch { throw .invalidArgument(error.description) }
        return text
    }
}
