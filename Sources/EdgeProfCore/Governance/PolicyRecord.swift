import Foundation

/// One version of a registry's governance policy: its text, the edge thresholds it embeds, who
/// proposed it and who approved it. The policy lives in the registry, not in a caller's folder
/// or flags: changing it is a governance act, and every decision records the SHA-256 of the
/// version it was decided under. Version 0 is the built-in policy, in force until one is adopted.
public struct PolicyRecord: Sendable, Codable, Hashable {
    /// Where a version stands: waiting for approvals, in force, or replaced by a later one.
    public enum State: String, Sendable, Codable, Hashable {
        case proposed, active, superseded
    }

    public var version: Int
    /// The policy YAML (docs/governance.md).
    public var text: String
    /// The edge thresholds YAML (docs/gates.md) its `edge-performance: thresholds` file held
    /// when it was proposed: embedded, so no decision depends on a file on someone's disk.
    public var thresholds: String?
    public var proposedBy: String
    public var proposedAt: Date
    public var reason: String
    /// The version in force when this one was proposed: approvals are refused once another
    /// version has come into force in between.
    public var basedOn: Int
    public var state: State
    public var approvals: [PolicyApproval]

    public init(
        version: Int, text: String, thresholds: String?, proposedBy: String, proposedAt: Date, reason: String, basedOn: Int,
        state: State = .proposed, approvals: [PolicyApproval] = []
    ) {
        self.version = version
        self.text = text
        self.thresholds = thresholds
        self.proposedBy = proposedBy
        self.proposedAt = proposedAt
        self.reason = reason
        self.basedOn = basedOn
        self.state = state
        self.approvals = approvals
    }

    /// SHA-256 of the policy text and its embedded thresholds: what audit entries and release
    /// records carry.
    public var sha256: String { Self.digest(text: text, thresholds: thresholds) }

    public static func digest(text: String, thresholds: String?) -> String {
        CanonicalJSON.sha256(Data(CanonicalJSON.string(["policy": text, "thresholds": thresholds ?? ""]).utf8))
    }

    /// The rules this version sets, with the edge thresholds parsed and `sha256` set to the
    /// record's. Checked when proposed, so a failure here means the stored text was altered.
    public func parsed() throws(ConfigError) -> GovernancePolicy {
        let name = version == 0 ? "built-in policy" : version < 0 ? "dry-run policy" : "registry policy v\(version)"
        var policy = version == 0 ? GovernancePolicy() : try GovernancePolicy(yaml: text, file: name)
        if let thresholds {
            policy.edgeThresholds = try GatePolicy(yaml: thresholds, file: "\(name) (edge thresholds)")
        }
        if !policy.edgeDeviceClasses.isEmpty {
            guard let gates = policy.edgeThresholds else {
                throw ConfigError(
                    file: name, line: nil,
                    message: "gates: edge-performance: device-classes names \(policy.edgeDeviceClasses.joined(separator: ", ")) but no thresholds file: add `thresholds: FILE` beside it")
            }
            for deviceClass in policy.edgeDeviceClasses where gates.classes[deviceClass] == nil {
                throw ConfigError(
                    file: name, line: nil,
                    message: "device class '\(deviceClass)' has no thresholds in \(policy.edgeThresholdsFile); it defines: \(gates.classes.keys.sorted().joined(separator: ", "))")
            }
        }
        policy.sha256 = sha256
        return policy
    }

    /// The defaults of docs/governance.md, in force while a registry has adopted no policy.
    public static let builtIn = PolicyRecord(
        version: 0, text: "# EdgeProf's built-in governance policy (docs/governance.md)\n", thresholds: nil, proposedBy: "edgeprof",
        proposedAt: Date(timeIntervalSince1970: 0), reason: "built-in defaults", basedOn: 0, state: .active)

    /// A policy read for one command's evaluation only (never stored; acts refuse it).
    public static func dryRun(text: String, thresholds: String?) -> PolicyRecord {
        PolicyRecord(
            version: -1, text: text, thresholds: thresholds, proposedBy: "", proposedAt: Date(timeIntervalSince1970: 0), reason: "dry run",
            basedOn: 0)
    }

    /// The roles whose signatures are still missing for this proposal to come into force under
    /// `current`'s rules.
    public func missingRoles(under current: GovernancePolicy) -> [GovernanceRole] {
        current.policyChangeApprovals.filter { role in !approvals.contains { $0.role == role } }
    }
}

/// One sign-off of a proposed policy version.
public struct PolicyApproval: Sendable, Codable, Hashable {
    public var version: Int
    public var actor: String
    public var role: GovernanceRole
    public var at: Date
    public var reason: String

    public init(version: Int, actor: String, role: GovernanceRole, at: Date, reason: String) {
        self.version = version
        self.actor = actor
        self.role = role
        self.at = at
        self.reason = reason
    }
}
