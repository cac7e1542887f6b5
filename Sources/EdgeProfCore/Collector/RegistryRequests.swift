import Foundation

/// The JSON bodies of the collector's registry routes, shared by the collector (which decodes
/// them strictly) and `edgeprof … --collector` (which sends them).
public enum RegistryRequests {
    public struct Reason: Sendable, Codable {
        public var reason: String
        public init(reason: String) { self.reason = reason }
    }

    public struct Approve: Sendable, Codable {
        public var stage: ApprovalStage
        public var reason: String
        public var evidence: [String]?
        public init(stage: ApprovalStage, reason: String, evidence: [String]?) {
            self.stage = stage
            self.reason = reason
            self.evidence = evidence
        }
    }

    public struct Promote: Sendable, Codable {
        public var to: LifecycleStage?
        public var reason: String
        public init(to: LifecycleStage?, reason: String) {
            self.to = to
            self.reason = reason
        }
    }

    /// A request to deploy to production without approvals or gates, with an escalation record
    /// naming who was `informed` (as `edgeprof model promote --emergency --informed`); a second
    /// tech_lead confirms it. `liftHalt` lets the confirmation lift a halt in the same act.
    public struct Emergency: Sendable, Codable {
        public var reason: String
        public var informed: [String]
        public var liftHalt: Bool?
        public init(reason: String, informed: [String], liftHalt: Bool?) {
            self.reason = reason
            self.informed = informed
            self.liftHalt = liftHalt
        }
    }

    /// `POST /v1/actors/{actor}/grant|remove-role|deactivate|reactivate`: `role` for the first two.
    public struct ActorChange: Sendable, Codable {
        public var reason: String
        public var role: GovernanceRole?
        public init(reason: String, role: GovernanceRole?) {
            self.reason = reason
            self.role = role
        }
    }

    /// `POST /v1/models/{name}/{version}/approvals/revoke`.
    public struct RevokeApproval: Sendable, Codable {
        public var stage: ApprovalStage
        public var reason: String
        public init(stage: ApprovalStage, reason: String) {
            self.stage = stage
            self.reason = reason
        }
    }

    public struct Rollback: Sendable, Codable {
        public var to: String?
        public var reason: String
        public init(to: String?, reason: String) {
            self.to = to
            self.reason = reason
        }
    }

    /// A new version and its artifact's bytes; `metadata` is the text of a `--metadata` file
    /// (YAML or JSON, docs/governance.md).
    public struct Register: Sendable, Codable {
        public var version: String
        public var artifactBase64: String
        public var metadata: String?
        public var tags: [String]?
        public init(version: String, artifactBase64: String, metadata: String?, tags: [String]?) {
            self.version = version
            self.artifactBase64 = artifactBase64
            self.metadata = metadata
            self.tags = tags
        }
    }

    /// A text document attached as evidence (predictions CSV, shadow report, runbook…).
    public struct Attach: Sendable, Codable {
        public var kind: String
        public var fileName: String
        public var content: String
        public init(kind: String, fileName: String, content: String) {
            self.kind = kind
            self.fileName = fileName
            self.content = content
        }
    }

    /// The edge-performance gate on the collector's runs: thresholds given as the text of a
    /// thresholds file, or (when absent) the policy's own thresholds file on the collector.
    public struct GateCheck: Sendable, Codable {
        public var deviceClass: String
        public var thresholds: String?
        public var run: Int64?
        public init(deviceClass: String, thresholds: String?, run: Int64?) {
            self.deviceClass = deviceClass
            self.thresholds = thresholds
            self.run = run
        }
    }

    public struct AddActor: Sendable, Codable {
        public var name: String
        public var roles: [GovernanceRole]
        public init(name: String, roles: [GovernanceRole]) {
            self.name = name
            self.roles = roles
        }
    }

    /// The path of a version's route: `/v1/models/NAME/VERSION/<action>` (a version's `+build`
    /// part percent-encoded).
    /// A new governance policy version: the policy YAML and the edge thresholds YAML it embeds.
    public struct ProposePolicy: Sendable, Codable {
        public var policy: String
        public var thresholds: String?
        public var reason: String
        public init(policy: String, thresholds: String?, reason: String) {
            self.policy = policy
            self.thresholds = thresholds
            self.reason = reason
        }
    }

    /// What approving a proposed policy did: the signature recorded, and whether the version
    /// came into force with it.
    public struct PolicyApproved: Sendable, Codable {
        public var approval: PolicyApproval?
        public var activated: Bool
        public var policy: PolicyRecord
        public init(approval: PolicyApproval?, activated: Bool, policy: PolicyRecord) {
            self.approval = approval
            self.activated = activated
            self.policy = policy
        }
    }

    /// Labels to set (`KEY: VALUE`) and to remove on one fleet device, with why.
    /// `POST /v1/inferences/erase`: a data subject's telemetry, erased on request.
    public struct EraseTelemetry: Sendable, Codable {
        public var subject: String
        public var reason: String
        public init(subject: String, reason: String) {
            self.subject = subject
            self.reason = reason
        }
    }

    public struct LabelDevice: Sendable, Codable {
        public var set: [String: String]?
        public var remove: [String]?
        public var reason: String
        public init(set: [String: String]?, remove: [String]?, reason: String) {
            self.set = set
            self.remove = remove
            self.reason = reason
        }
    }

    public static func versionPath(_ reference: ModelReference, _ action: String) -> String {
        let version = reference.version.description.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: ".-"))) ?? ""
        return "/v1/models/\(reference.name)/\(version)/\(action)"
    }
}

extension RegistryRequests {
    public struct AcknowledgeIncident: Sendable, Codable {
        public var note: String?
        public init(note: String? = nil) { self.note = note }
    }

    public struct AssignIncident: Sendable, Codable {
        public var assignee: String
        public var reason: String?
        public init(assignee: String, reason: String? = nil) {
            self.assignee = assignee
            self.reason = reason
        }
    }

    public struct ResolveIncident: Sendable, Codable {
        public var resolution: String
        public init(resolution: String) { self.resolution = resolution }
    }

    public struct ReviewIncident: Sendable, Codable {
        public var notes: String
        public init(notes: String) { self.notes = notes }
    }
}
