import struct Foundation.Date

/// What a version records beyond its artifact: who made it, from what data, with which
/// configuration, and the offline figures the quality gate compares. Read from the
/// `--metadata` file at registration; immutable afterwards.
public struct VersionMetadata: Sendable, Codable, Hashable {
    /// The responsible engineer (defaults to the registrant).
    public var author: String?
    /// Offline evaluation figures, e.g. `accuracy: 0.912`.
    public var metrics: [String: Double]
    public var hyperparameters: [String: String]
    public var trainingData: TrainingData?
    public var datasetManifestSHA256: String?
    public var quantizationConfigSHA256: String?
    public var tokenizerConfigSHA256: String?
    /// ISO date (YYYY-MM-DD) of the last ethics audit.
    public var ethicsAuditDate: String?
    public var tags: [String]
    /// Free key/value metadata.
    public var extra: [String: String]
    /// The model card's considerations; also the checklist's "model card" item.
    public var considerations: Considerations
    /// For the model card and Hugging Face `model-index`: what the model does, on what data.
    public var task: String?
    public var dataset: String?
    public var architecture: String?

    public init(
        author: String? = nil, metrics: [String: Double] = [:], hyperparameters: [String: String] = [:],
        trainingData: TrainingData? = nil, datasetManifestSHA256: String? = nil, quantizationConfigSHA256: String? = nil,
        tokenizerConfigSHA256: String? = nil, ethicsAuditDate: String? = nil, tags: [String] = [], extra: [String: String] = [:],
        considerations: Considerations = Considerations(), task: String? = nil, dataset: String? = nil, architecture: String? = nil
    ) {
        self.author = author
        self.metrics = metrics
        self.hyperparameters = hyperparameters
        self.trainingData = trainingData
        self.datasetManifestSHA256 = datasetManifestSHA256
        self.quantizationConfigSHA256 = quantizationConfigSHA256
        self.tokenizerConfigSHA256 = tokenizerConfigSHA256
        self.ethicsAuditDate = ethicsAuditDate
        self.tags = tags
        self.extra = extra
        self.considerations = considerations
        self.task = task
        self.dataset = dataset
        self.architecture = architecture
    }

    /// The training data's identity and time span.
    public struct TrainingData: Sendable, Codable, Hashable {
        public var sha256: String
        /// ISO dates (YYYY-MM-DD).
        public var from: String
        public var to: String

        public init(sha256: String, from: String, to: String) {
            self.sha256 = sha256
            self.from = from
            self.to = to
        }
    }

    /// Model Card Toolkit's considerations section.
    public struct Considerations: Sendable, Codable, Hashable {
        public var intendedUse: String?
        public var limitations: String?
        public var ethicalConsiderations: String?
        public var tradeoffs: String?

        public init(intendedUse: String? = nil, limitations: String? = nil, ethicalConsiderations: String? = nil, tradeoffs: String? = nil) {
            self.intendedUse = intendedUse
            self.limitations = limitations
            self.ethicalConsiderations = ethicalConsiderations
            self.tradeoffs = tradeoffs
        }
    }
}

/// A registered version with its governance state.
public struct ModelVersionRecord: Sendable, Codable, Hashable {
    public var model: RegisteredModel
    public var registeredBy: String
    public var stage: LifecycleStage
    public var stageChangedAt: Date
    public var metadata: VersionMetadata

    public init(model: RegisteredModel, registeredBy: String, stage: LifecycleStage, stageChangedAt: Date, metadata: VersionMetadata) {
        self.model = model
        self.registeredBy = registeredBy
        self.stage = stage
        self.stageChangedAt = stageChangedAt
        self.metadata = metadata
    }

    public var reference: ModelReference { model.reference }
}

/// A person (or CI identity) allowed to act on the registry, with their roles.
public struct RegistryActor: Sendable, Codable, Hashable {
    public var name: String
    public var roles: [GovernanceRole]
    public var addedAt: Date
    public var addedBy: String
    /// Set while the actor is deactivated: they may not act, and their tokens stop working.
    public var deactivation: ActorDeactivation?

    public var isActive: Bool { deactivation == nil }

    public init(name: String, roles: [GovernanceRole], addedAt: Date, addedBy: String, deactivation: ActorDeactivation? = nil) {
        self.name = name
        self.roles = roles
        self.addedAt = addedAt
        self.addedBy = addedBy
        self.deactivation = deactivation
    }
}

/// Who deactivated an actor, when and why.
public struct ActorDeactivation: Sendable, Codable, Hashable {
    public var at: Date
    public var by: String
    public var reason: String

    public init(at: Date, by: String, reason: String) {
        self.at = at
        self.by = by
        self.reason = reason
    }
}

/// An approval withdrawn before the move it enabled: the approval as it was, and who withdrew it.
public struct ApprovalRevocation: Sendable, Codable, Hashable {
    public var approval: Approval
    public var revokedBy: String
    public var revokedAt: Date
    public var reason: String

    public init(approval: Approval, revokedBy: String, revokedAt: Date, reason: String) {
        self.approval = approval
        self.revokedBy = revokedBy
        self.revokedAt = revokedAt
        self.reason = reason
    }
}

/// A sign-off of one approval stage of one version.
public struct Approval: Sendable, Codable, Hashable {
    public var reference: ModelReference
    public var stage: ApprovalStage
    public var actor: String
    public var role: GovernanceRole
    public var at: Date
    public var reason: String
    /// What the approver looked at: attachment digests, run ids, gate results, URLs.
    public var evidence: [String]

    public init(reference: ModelReference, stage: ApprovalStage, actor: String, role: GovernanceRole, at: Date, reason: String, evidence: [String]) {
        self.reference = reference
        self.stage = stage
        self.actor = actor
        self.role = role
        self.at = at
        self.reason = reason
        self.evidence = evidence
    }
}

/// A document or data file attached to a version as evidence: predictions for the fairness
/// and calibration gates, a shadow report, a risk assessment, a runbook, a rollback plan.
public struct Attachment: Sendable, Codable, Hashable {
    public var reference: ModelReference
    public var kind: String
    public var fileName: String
    public var sha256: String
    /// The file's text (attachments are text: CSV, Markdown, JSON).
    public var content: String
    public var attachedAt: Date
    public var attachedBy: String

    public init(reference: ModelReference, kind: String, fileName: String, sha256: String, content: String, attachedAt: Date, attachedBy: String) {
        self.reference = reference
        self.kind = kind
        self.fileName = fileName
        self.sha256 = sha256
        self.content = content
        self.attachedAt = attachedAt
        self.attachedBy = attachedBy
    }
}

/// One move of a version between lifecycle stages (`from` is nil at registration).
public struct StageTransition: Sendable, Codable, Hashable {
    public var reference: ModelReference
    public var from: LifecycleStage?
    public var to: LifecycleStage
    public var at: Date
    public var actor: String
    public var reason: String

    public init(reference: ModelReference, from: LifecycleStage?, to: LifecycleStage, at: Date, actor: String, reason: String) {
        self.reference = reference
        self.from = from
        self.to = to
        self.at = at
        self.actor = actor
        self.reason = reason
    }
}

/// An emergency halt (the model serves nothing) or its lifting.
public struct HaltEvent: Sendable, Codable, Hashable {
    public var model: String
    public var halted: Bool
    public var at: Date
    public var actor: String
    public var reason: String

    public init(model: String, halted: Bool, at: Date, actor: String, reason: String) {
        self.model = model
        self.halted = halted
        self.at = at
        self.actor = actor
        self.reason = reason
    }
}
