import EdgeProfAgent
import EdgeProfCore
import Foundation
import HTTPTypes
import Hummingbird

/// The registry's governance over the API: every act is the token's actor acting, under the same
/// rules (roles, separation of duties, gates) as `edgeprof model …` on the command line.
struct GovernanceHandlers: Sendable {
    let evidence: (any EvidenceStore)?
    let policy: GovernancePolicy
    let policyFile: String?

    /// A model's registry history as the API returns it.
    struct ModelHistory: Encodable, Sendable {
        var name: String
        var versions: [ModelVersionRecord]
        var transitions: [StageTransition]
        var approvals: [Approval]
        var halts: [HaltEvent]
        var releases: [String]

        init(_ snapshot: RegistrySnapshot) {
            name = snapshot.name
            versions = snapshot.versions
            transitions = snapshot.transitions
            approvals = snapshot.approvals
            halts = snapshot.halts
            releases = snapshot.releases.map(\.id)
        }
    }

    struct ReasonBody: Codable {
        var reason: String
    }

    struct ApprovalBody: Codable {
        var stage: ApprovalStage
        var reason: String
        var evidence: [String]?
    }

    struct PromoteBody: Codable {
        var to: LifecycleStage?
        var reason: String
    }

    struct RollbackBody: Codable {
        var to: String?
        var reason: String
    }

    /// Answers a governance route; `body` is the request's JSON (nil for reads).
    func respond(_ route: CollectorRoute, context: BasicRequestContext, grant: TokenGrant?, body: Data?) throws -> any Encodable & Sendable {
        guard let evidence else {
            throw APIError(.notImplemented, "governance-needs-sqlite", "this collector's PostgreSQL store keeps runs and alerts; the registry's lifecycle, approvals and audit trail run on a SQLite collector for now")
        }
        let service = GovernanceService(store: evidence, policy: policy, policyFile: policyFile, actor: grant?.actor ?? "", catalogue: nil)
        let name = context.parameters.get("name") ?? ""
        func reference() throws(AgentError) -> ModelReference {
            let version = context.parameters.get("version") ?? ""
            do { return try ModelReference(parsing: "\(name)@\(version)") } catch { throw .invalidArgument(error.description) }
        }
        let result = Result { () throws(AgentError) -> any Encodable & Sendable in
            switch route {
            case .modelHistory:
                return ModelHistory(try service.snapshot(name))
            case .modelGates:
                return try service.gateResults(for: reference())
            case .approveVersion:
                let request = try decode(ApprovalBody.self, body)
                return try service.approve(reference(), stage: request.stage, reason: request.reason, evidence: request.evidence ?? [])
            case .promoteVersion:
                let request = try decode(PromoteBody.self, body)
                return GovernanceListing.DecisionSummary(try service.promote(reference(), to: request.to, reason: request.reason))
            case .retireVersion:
                let request = try decode(ReasonBody.self, body)
                return GovernanceListing.DecisionSummary(try service.retire(reference(), reason: request.reason))
            case .rollbackModel:
                let request = try decode(RollbackBody.self, body)
                var target: SemanticVersion?
                if let text = request.to {
                    do throws(SemanticVersionError) { target = try SemanticVersion(parsing: text) } catch { throw .invalidArgument(error.description) }
                }
                return GovernanceListing.DecisionSummary(try service.rollback(model: name, to: target, reason: request.reason))
            case .haltModel:
                return try service.halt(model: name, reason: try decode(ReasonBody.self, body).reason)
            case .resumeModel:
                return try service.resume(model: name, reason: try decode(ReasonBody.self, body).reason)
            default:
                throw .invalidArgument("not a governance route")
            }
        }
        switch result {
        case .success(let value): return value
        case .failure(let error): throw Self.apiError(error)
        }
    }

    private func decode<T: Codable>(_ type: T.Type, _ body: Data?) throws(AgentError) -> T {
        do { return try StrictJSON.decode(T.self, from: body ?? Data()) } catch {
            throw .invalidArgument(error.description)
        }
    }

    /// The status a refusal gets: who may not (403), what may not move (409), what is not there (404).
    static func apiError(_ error: AgentError) -> APIError {
        switch error {
        case .governance(let refusal):
            switch refusal {
            case .invalid: return APIError(.badRequest, "invalid", refusal.description)
            case .notPermitted: return APIError(.forbidden, "not-permitted", refusal.description)
            case .illegalMove: return APIError(.conflict, "illegal-move", refusal.description)
            case .blocked(_, let outcome): return APIError(.conflict, "blocked-by-gate-\(outcome.rawValue.lowercased())", refusal.description)
            case .notFound: return APIError(.notFound, "not-found", refusal.description)
            case .duplicate: return APIError(.conflict, "duplicate", refusal.description)
            case .artifactMismatch: return APIError(.conflict, "artifact-changed", refusal.description)
            }
        case .invalidArgument(let message): return APIError(.badRequest, "invalid-body", message)
        case .unknownModel: return APIError(.notFound, "unknown-model", error.description)
        case .store(let storeError): return APIError.store(storeError)
        default: return APIError(.unprocessableContent, "refused", error.description)
        }
    }
}
