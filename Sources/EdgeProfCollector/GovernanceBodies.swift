import EdgeProfCore
import Foundation

/// The answers only the registry's API gives (the request bodies are `RegistryRequests`).
enum GovernanceBodies {
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

    /// One policy version and the roles whose approval it still waits for (none unless proposed).
    struct PolicyView: Encodable, Sendable {
        var policy: PolicyRecord
        var waitingFor: [GovernanceRole]
    }

    /// What `GET /v1/audit/verify` answers: `brokenAt` and `problem` name the first entry that
    /// does not hold.
    struct AuditVerdict: Encodable, Sendable {
        var intact: Bool
        var entries: Int
        var brokenAt: Int64?
        var problem: String?

        init(_ verification: AuditChain.Verification, entries: Int) {
            self.entries = entries
            switch verification {
            case .intact:
                intact = true
            case .broken(let sequence, let problem):
                intact = false
                brokenAt = sequence
                self.problem = problem
            }
        }
    }
}
