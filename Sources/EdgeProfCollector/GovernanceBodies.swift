import EdgeProfCore
import Foundation

/// The JSON bodies the registry routes accept and the answers only the API needs. Bodies are
/// decoded strictly (unknown fields refused), like every body of the API.
enum GovernanceBodies {
    struct Reason: Codable {
        var reason: String
    }

    struct Approve: Codable {
        var stage: ApprovalStage
        var reason: String
        var evidence: [String]?
    }

    /// `emergency` deploys to production without approvals or gates, with an escalation record
    /// naming who was `informed` (as `edgeprof model promote --emergency --informed`).
    struct Promote: Codable {
        var to: LifecycleStage?
        var reason: String
        var emergency: Bool?
        var informed: [String]?
    }

    struct Rollback: Codable {
        var to: String?
        var reason: String
    }

    /// A new version and its artifact's bytes; `metadata` is the text of a `--metadata` file
    /// (YAML or JSON, docs/governance.md).
    struct Register: Codable {
        var version: String
        var artifactBase64: String
        var metadata: String?
        var tags: [String]?
    }

    /// A text document attached as evidence (predictions CSV, shadow report, runbook…).
    struct Attach: Codable {
        var kind: String
        var fileName: String
        var content: String
    }

    /// The edge-performance gate on the collector's runs: thresholds given as the text of a
    /// thresholds file, or (when absent) the policy's own thresholds file on the collector.
    struct GateCheck: Codable {
        var deviceClass: String
        var thresholds: String?
        var run: Int64?
    }

    struct AddActor: Codable {
        var name: String
        var roles: [GovernanceRole]
    }

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
