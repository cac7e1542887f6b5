import Foundation

/// Renders registry state for people (tables) and scripts (JSON).
public enum GovernanceListing {
    /// Pretty JSON with sorted keys and ISO 8601 dates, newline-terminated.
    public static func json<T: Encodable>(_ value: T) -> String {
        ReportText.json(value) + "\n"
    }

    /// `model list`: one line per version, a halted model's versions marked HALTED and a
    /// version with an emergency deployment waiting for its second tech_lead marked EMERGENCY?.
    public static func versions(_ versions: [ListedVersion]) -> String {
        guard !versions.isEmpty else { return "no models registered yet: edgeprof model register NAME VERSION --artifact FILE\n" }
        let width = (versions.map(\.record.reference.description.count).max() ?? 10) + 2
        return versions.map { listed in
            let version = listed.record
            let marks = (listed.halted ? ["HALTED"] : []) + (listed.emergencyRequested ? ["EMERGENCY?"] : [])
            return ReportText.padded(version.reference.description, width) + ReportText.padded(version.stage.rawValue, 13)
                + (marks.isEmpty ? "" : marks.joined(separator: " ") + "  ")
                + "sha256 \(version.model.artifactSHA256.prefix(16))…  \(version.model.artifactBytes) bytes  \(version.model.artifactPath)"
        }.joined(separator: "\n") + "\n"
    }

    /// A version as `model list` shows it: its record, plus whether its model is halted and
    /// whether an emergency deployment of it waits for confirmation. JSON: the record's fields
    /// with `halted` and `emergencyRequested` beside them.
    public struct ListedVersion: Sendable, Encodable {
        public var record: ModelVersionRecord
        public var halted: Bool
        public var emergencyRequested: Bool

        public init(record: ModelVersionRecord, halted: Bool, emergencyRequested: Bool) {
            self.record = record
            self.halted = halted
            self.emergencyRequested = emergencyRequested
        }

        private enum Keys: String, CodingKey { case halted, emergencyRequested }

        public func encode(to encoder: any Encoder) throws {
            try record.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(halted, forKey: .halted)
            try container.encode(emergencyRequested, forKey: .emergencyRequested)
        }
    }

    /// `model promote --emergency`: what was requested and what happens next.
    public static func emergencyRequested(_ request: EmergencyRequest) -> String {
        var text = "emergency deployment of \(request.reference) REQUESTED by \(request.requestedBy) (request \(request.id)); nothing moved yet\n"
        text += "  informed: \(request.informed.joined(separator: ", "))\n"
        if request.liftsHalt { text += "  the confirmation lifts the halt of \(request.reference.name)\n" }
        text += "  expires unconfirmed at \(AuditChain.timestamp(request.expiresAt))\n"
        text += "  a second tech_lead confirms it: edgeprof model confirm \(request.reference) --reason WHY   (or declines: --decline)\n"
        return text
    }

    public static func actors(_ actors: [RegistryActor]) -> String {
        guard !actors.isEmpty else { return "no actors yet: edgeprof actors add NAME --role ROLE --actor NAME\n" }
        let width = (actors.map(\.name.count).max() ?? 10) + 2
        return actors.map { actor in
            ReportText.padded(actor.name, width) + actor.roles.map(\.rawValue).joined(separator: ", ")
                + "  (added by \(actor.addedBy), \(AuditChain.timestamp(actor.addedAt)))"
                + (actor.deactivation.map { "  DEACTIVATED \(AuditChain.timestamp($0.at)) by \($0.by): \($0.reason)" } ?? "")
        }.joined(separator: "\n") + "\n"
    }

    /// What a lifecycle move did.
    public struct DecisionSummary: Sendable, Codable {
        public var reference: ModelReference
        public var stage: LifecycleStage
        public var track: ReleaseTrack?
        public var gates: [GovernanceGateResult]
        public var releases: [String]

        public init(reference: ModelReference, stage: LifecycleStage, track: ReleaseTrack?, gates: [GovernanceGateResult], releases: [String]) {
            self.reference = reference
            self.stage = stage
            self.track = track
            self.gates = gates
            self.releases = releases
        }

        /// What `decision` did: the version, where it went, its gates and the releases it wrote.
        public init(_ decision: GovernanceRules.Decision) {
            let releases = decision.change.operations.compactMap { operation -> String? in
                if case .release(let record) = operation { return record.id }
                return nil
            }
            self.init(reference: decision.subject, stage: decision.to, track: decision.track, gates: decision.gates, releases: releases)
        }
    }

    public static func decision(_ summary: DecisionSummary) -> String {
        let stage = summary.stage == .retired ? "retired" : "in \(summary.stage.rawValue)"
        var text = "\(summary.reference) is now \(stage)\(summary.track.map { " (\($0.rawValue) track)" } ?? "")\n"
        text += gates(summary.gates)
        text += summary.releases.map { "release record \($0)\n" }.joined()
        return text
    }

    public static func gates(_ results: [GovernanceGateResult]) -> String {
        results.map { result in
            "  gate \(ReportText.padded(result.gate.rawValue, 17)) \(ReportText.padded(result.outcome.rawValue, 13)) \(result.summary)\n"
                + result.findings.map { "      \($0)\n" }.joined()
        }.joined()
    }

    /// `model show`: one version in full.
    public static func show(
        _ version: ModelVersionRecord, snapshot: RegistrySnapshot, track: ReleaseTrack, gates results: [GovernanceGateResult], policy: String,
        now: Date
    ) -> String {
        let metadata = version.metadata
        var lines = [
            "\(version.reference)  stage \(version.stage.rawValue) since \(AuditChain.timestamp(version.stageChangedAt))  (\(track.rawValue) track)",
            "artifact     \(version.model.artifactPath)",
            "sha256       \(version.model.artifactSHA256) (\(version.model.artifactBytes) bytes)",
            "registered   \(AuditChain.timestamp(version.model.registeredAt)) by \(version.registeredBy)"
                + (metadata.author.map { $0 == version.registeredBy ? "" : " (metadata claims author \($0))" } ?? ""),
            "policy       \(policy)",
        ]
        if !metadata.metrics.isEmpty {
            lines.append("metrics      " + metadata.metrics.sorted { $0.key < $1.key }.map { "\($0.key)=\(ReportText.plain($0.value))" }.joined(separator: " "))
        }
        if !metadata.tags.isEmpty { lines.append("tags         \(metadata.tags.joined(separator: ", "))") }
        if snapshot.isHalted, let halt = snapshot.halts.last {
            lines.append("HALTED       \(version.reference.name) since \(AuditChain.timestamp(halt.at)) by \(halt.actor): \(halt.reason)")
        }
        if let request = snapshot.emergencies.last(where: { $0.reference == version.reference && $0.state == .pending }) {
            lines.append(
                "EMERGENCY    requested \(AuditChain.timestamp(request.requestedAt)) by \(request.requestedBy): \(request.reason); "
                    + (request.isOpen(at: now) ? "waits for a second tech_lead until \(AuditChain.timestamp(request.expiresAt)) (`edgeprof model confirm \(version.reference)`)" : "expired unconfirmed"))
        }
        var text = lines.joined(separator: "\n") + "\n\napprovals\n"
        let approvals = snapshot.approvals(of: version.reference)
        text += approvals.isEmpty ? "  none yet\n" : approvals.map { "  \(ReportText.padded($0.stage.rawValue, 20)) \($0.actor) (\($0.role.rawValue)), \(AuditChain.timestamp($0.at)): \($0.reason)\n" }.joined()
        text += snapshot.revokedApprovals.filter { $0.approval.reference == version.reference }.map { revoked in
            "  \(ReportText.padded(revoked.approval.stage.rawValue, 20)) REVOKED: signed by \(revoked.approval.actor), revoked by \(revoked.revokedBy) "
                + "\(AuditChain.timestamp(revoked.revokedAt)): \(revoked.reason)\n"
        }.joined()
        text += "\nattachments\n"
        let attachments = snapshot.attachments(of: version.reference)
        text += attachments.isEmpty ? "  none\n" : attachments.map { "  \(ReportText.padded($0.kind, 16)) \($0.fileName)  sha256 \($0.sha256.prefix(16))…  by \($0.attachedBy)\n" }.joined()
        text += "\ngates (as they stand for production)\n" + gates(results)
        let releases = snapshot.releases(of: version.reference)
        if !releases.isEmpty {
            text += "\nreleases\n" + releases.map { "  \($0.kind.rawValue) \(AuditChain.timestamp($0.at)) by \($0.actor): \($0.id)\n" }.joined()
        }
        return text
    }

    /// `model show --format json`.
    public struct VersionDetail: Sendable, Codable {
        public var version: ModelVersionRecord
        public var track: ReleaseTrack
        public var halted: Bool
        public var approvals: [Approval]
        public var attachments: [AttachmentSummary]
        public var gates: [GovernanceGateResult]
        public var releases: [ReleaseRecord]
        /// The policy the gates were evaluated under.
        public var policy: String

        public init(version: ModelVersionRecord, snapshot: RegistrySnapshot, track: ReleaseTrack, gates: [GovernanceGateResult], policy: String) {
            self.version = version
            self.policy = policy
            self.track = track
            halted = snapshot.isHalted
            approvals = snapshot.approvals(of: version.reference)
            attachments = snapshot.attachments(of: version.reference).map(AttachmentSummary.init)
            self.gates = gates
            releases = snapshot.releases(of: version.reference)
        }
    }

    /// An attachment without its content.
    public struct AttachmentSummary: Sendable, Codable {
        public var reference: ModelReference
        public var kind: String
        public var fileName: String
        public var sha256: String
        public var attachedAt: Date
        public var attachedBy: String

        public init(_ attachment: Attachment) {
            reference = attachment.reference
            kind = attachment.kind
            fileName = attachment.fileName
            sha256 = attachment.sha256
            attachedAt = attachment.attachedAt
            attachedBy = attachment.attachedBy
        }
    }

    /// `model history`: every move and halt of a model, oldest first.
    public static func history(_ snapshot: RegistrySnapshot) -> String {
        var events: [(Date, String)] = snapshot.transitions.map { transition in
            (transition.at, "\(ReportText.padded(transition.reference.description, 16)) \(ReportText.padded(transition.from?.rawValue ?? "—", 12)) → \(ReportText.padded(transition.to.rawValue, 12)) \(transition.actor): \(transition.reason)")
        }
        events += snapshot.halts.map { halt in
            (halt.at, "\(ReportText.padded(halt.model, 16)) \(halt.halted ? "HALTED" : "resumed")  \(halt.actor): \(halt.reason)")
        }
        guard !events.isEmpty else { return "no history for \(snapshot.name)\n" }
        return events.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }
            .map { "\(AuditChain.timestamp($0.element.0))  \($0.element.1)" }.joined(separator: "\n") + "\n"
    }

    /// `asked` is the moment as the user wrote it (echoed as is, not re-rounded).
    public static func serving(_ answer: ProductionHistory.Answer, asked: String) -> String {
        let at = asked
        guard let version = answer.version else {
            return "at \(at): no version of \(answer.model) was in production\(answer.halted ? " (and it was halted)" : "")\n"
        }
        let since = answer.since.map { " since \(AuditChain.timestamp($0))" } ?? ""
        return answer.halted
            ? "at \(at): \(version) was the production version\(since), but \(answer.model) was HALTED: nothing was served\n"
            : "at \(at): \(version) was in production\(since)\n"
    }
}
