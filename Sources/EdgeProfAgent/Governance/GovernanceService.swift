import EdgeProfCore
import Foundation

/// Carries out governance acts for one actor: gathers the evidence that needs I/O (artifact
/// checksums, edge-performance verdicts from stored runs, attached files), lets the pure
/// rules decide, and commits the decision with its audit entries in one transaction.
public struct GovernanceService: Sendable {
    public let store: any RegistryStore
    public let policy: GovernancePolicy
    /// The policy file, when there is one; the edge thresholds file is relative to it.
    public let policyFile: String?
    public let actor: String
    /// For edge thresholds that take memory limits from the device catalogue.
    public let catalogue: DeviceCatalogue?

    public init(store: any RegistryStore, policy: GovernancePolicy, policyFile: String?, actor: String, catalogue: DeviceCatalogue? = nil) {
        self.store = store
        self.policy = policy
        self.policyFile = policyFile
        self.actor = actor
        self.catalogue = catalogue
    }

    private var committer: GovernanceCommitter { GovernanceCommitter(store: store) }

    private func rules(_ snapshot: RegistrySnapshot) -> GovernanceRules {
        GovernanceRules(snapshot: snapshot, policy: policy, actor: actor, now: Date())
    }

    public func addActor(name: String, roles: [GovernanceRole]) async throws(AgentError) {
        try await committer.decide(model: "") { snapshot throws(GovernanceError) in try rules(snapshot).addActor(name: name, roles: roles) }
    }

    public func attach(_ reference: ModelReference, kind: String, file: String) async throws(AgentError) -> Attachment {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw .artifact(path: file, problem: "cannot be read (missing or unreadable)")
        }
        return try await attach(reference, kind: kind, fileName: (file as NSString).lastPathComponent, content: Array(data))
    }

    /// Attaches a document sent as bytes (over the API): text only, named `fileName`.
    public func attach(_ reference: ModelReference, kind: String, fileName: String, content: [UInt8]) async throws(AgentError) -> Attachment {
        guard let text = String(validating: content, as: UTF8.self) else {
            throw .artifact(path: fileName, problem: "is not UTF-8 text; attachments are text (CSV, Markdown, JSON)")
        }
        let attachment = Attachment(
            reference: reference, kind: kind, fileName: fileName, sha256: ArtifactDigest.of(bytes: content).sha256,
            content: text, attachedAt: Date(), attachedBy: actor)
        try await committer.decide(model: reference.name) { snapshot throws(GovernanceError) in try rules(snapshot).attach(attachment) }
        return attachment
    }

    public func approve(_ reference: ModelReference, stage: ApprovalStage, reason: String, evidence: [String]) async throws(AgentError) -> Approval {
        let decided = try await committer.decide(model: reference.name) { snapshot throws(GovernanceError) in
            let change = try rules(snapshot).approve(reference, stage: stage, reason: reason, evidence: evidence)
            guard case .approve(let approval) = change.operations.first else { return (change, Approval?.none) }
            return (change, approval)
        }
        guard let approval = decided.outcome else { throw .invalidArgument("the approval of \(reference) was recorded but cannot be shown") }
        return approval
    }

    public func promote(_ reference: ModelReference, to stage: LifecycleStage?, reason: String) async throws(AgentError) -> GovernanceRules.Decision {
        try await decideMove(reference.name) { rules throws(AgentError) in
            let evidence = try await gateEvidence(for: reference, rules: rules)
            return { rules throws(GovernanceError) in try rules.promote(reference, to: stage, reason: reason, evidence: evidence) }
        }
    }

    public func emergencyDeploy(_ reference: ModelReference, informed: [String], reason: String) async throws(AgentError) -> GovernanceRules.Decision {
        try await decideMove(reference.name) { rules throws(AgentError) in
            let evidence = try await gateEvidence(for: reference, rules: rules)
            return { rules throws(GovernanceError) in
                try rules.emergencyDeploy(reference, escalation: Escalation(informed: informed, reason: reason), evidence: evidence)
            }
        }
    }

    public func rollback(model name: String, to version: SemanticVersion?, reason: String) async throws(AgentError) -> GovernanceRules.Decision {
        try await decideMove(name) { rules throws(AgentError) in
            let target = version.flatMap { wanted in rules.rollbackCandidates.first { $0.reference.version == wanted } } ?? rules.rollbackCandidates.first
            let check = if let target { try await artifactCheck(target) } else { ArtifactCheck.verified }
            return { rules throws(GovernanceError) in try rules.rollback(to: version, reason: reason, evidence: GateEvidence(artifact: check)) }
        }
    }

    public func retire(_ reference: ModelReference, reason: String) async throws(AgentError) -> GovernanceRules.Decision {
        try await decideMove(reference.name) { _ throws(AgentError) in
            { rules throws(GovernanceError) in try rules.retire(reference, reason: reason) }
        }
    }

    public func halt(model name: String, reason: String) async throws(AgentError) -> HaltEvent {
        try await haltEvent(name) { rules throws(GovernanceError) in try rules.halt(reason: reason) }
    }

    public func resume(model name: String, reason: String) async throws(AgentError) -> HaltEvent {
        try await haltEvent(name) { rules throws(GovernanceError) in try rules.resume(reason: reason) }
    }

    private func haltEvent(_ name: String, _ decide: (GovernanceRules) throws(GovernanceError) -> GovernanceChange) async throws(AgentError) -> HaltEvent {
        let decided = try await committer.decide(model: name) { snapshot throws(GovernanceError) in
            let change = try decide(rules(snapshot))
            guard case .halt(let event) = change.operations.first else { return (change, HaltEvent?.none) }
            return (change, event)
        }
        guard let event = decided.outcome else { throw .invalidArgument("the halt of \(name) was recorded but cannot be shown") }
        return event
    }

    /// Every gate of a version as it stands now, for `model show` and model cards.
    public func gateResults(for reference: ModelReference) async throws(AgentError) -> [GovernanceGateResult] {
        let snapshot = try await snapshot(reference.name)
        guard let version = snapshot.version(reference) else { throw .unknownModel(reference, known: snapshot.versions.map(\.reference.description)) }
        let rules = rules(snapshot)
        let gates = GovernanceGates(snapshot: snapshot, policy: policy, evidence: try await gateEvidence(for: reference, rules: rules))
        return rules.requiredGates(to: .production, track: rules.track(of: version)).map { gates.evaluate($0, for: version) }
    }

    public func snapshot(_ name: String) async throws(AgentError) -> RegistrySnapshot {
        do { return try await store.snapshot(model: name) } catch { throw .store(error) }
    }

    /// Reads a snapshot, gathers I/O evidence for it, decides and commits; again on a conflict.
    private func decideMove(
        _ name: String,
        _ prepare: (GovernanceRules) async throws(AgentError) -> (GovernanceRules) throws(GovernanceError) -> GovernanceRules.Decision
    ) async throws(AgentError) -> GovernanceRules.Decision {
        try await committer.decide(model: name, deciding: { snapshot throws(AgentError) in
            let rules = rules(snapshot)
            let decide = try await prepare(rules)
            do throws(GovernanceError) {
                let decision = try decide(rules)
                return (decision.change, decision)
            } catch {
                throw .governance(error)
            }
        }).outcome
    }

    // MARK: - Evidence with I/O

    private func gateEvidence(for reference: ModelReference, rules: GovernanceRules) async throws(AgentError) -> GateEvidence {
        guard let version = rules.snapshot.version(reference) else { return GateEvidence() }
        var evidence = GateEvidence(artifact: try await artifactCheck(version))
        // After this version reaches production, a rollback restores the one serving now (or,
        // if none serves, the last deployable one).
        let serving = rules.snapshot.serving.flatMap { $0.reference == reference ? nil : $0 }
        if let target = serving ?? rules.rollbackCandidates.first(where: { $0.reference != reference }) {
            evidence.rollbackTarget = RollbackTargetCheck(reference: target.reference, check: try await artifactCheck(target))
        }
        guard !policy.edgeDeviceClasses.isEmpty else { return evidence }
        let thresholdsFile = resolvedThresholdsFile
        let edgePolicy: GatePolicy
        do {
            edgePolicy = try GateService.loadPolicy(path: thresholdsFile)
        } catch {
            evidence.edgeProblems = Dictionary(uniqueKeysWithValues: policy.edgeDeviceClasses.map { ($0, error.description) })
            return evidence
        }
        for deviceClass in policy.edgeDeviceClasses {
            do {
                let verdict = try await GateService(store: store, catalogue: catalogue).check(
                    model: reference, deviceClass: deviceClass, policy: edgePolicy, policyFile: thresholdsFile)
                evidence.edgeVerdicts.append(verdict)
                if let thresholds = edgePolicy.classes[deviceClass] { evidence.edgeThresholds.append(thresholds.resolved(with: catalogue)) }
            } catch {
                evidence.edgeProblems[deviceClass] = error.description
            }
        }
        return evidence
    }

    /// The edge thresholds file, relative to the policy file's folder.
    public var resolvedThresholdsFile: String {
        let file = policy.edgeThresholdsFile
        guard !file.hasPrefix("/"), let policyFile else { return file }
        return ((policyFile as NSString).deletingLastPathComponent as NSString).appendingPathComponent(file)
    }

    /// Re-reads a version's artifact (from the registry's database when it was sent over the
    /// API, else from its file) and compares it with the registered checksum.
    public func artifactCheck(_ version: ModelVersionRecord) async throws(AgentError) -> ArtifactCheck {
        guard let sha256 = StoredArtifact.sha256(inPath: version.model.artifactPath) else { return Self.check(version) }
        let stored: [UInt8]?
        do { stored = try await store.artifact(sha256: sha256) } catch { throw .store(error) }
        guard let stored else { return .missing(path: version.model.artifactPath) }
        let digest = ArtifactDigest.of(bytes: stored).sha256
        return digest == version.model.artifactSHA256 ? .verified : .changed(path: version.model.artifactPath, sha256: digest)
    }

    /// Re-reads a version's artifact file and compares it with the registered checksum.
    static func check(_ version: ModelVersionRecord) -> ArtifactCheck {
        let path = version.model.artifactPath
        guard FileManager.default.fileExists(atPath: path), let digest = try? ArtifactDigest.of(path: path) else { return .missing(path: path) }
        return digest.sha256 == version.model.artifactSHA256 ? .verified : .changed(path: path, sha256: digest.sha256)
    }

    /// The policy file given, else `edgeprof-governance.yaml` in the working folder, else the
    /// built-in defaults (docs/governance.md).
    public static func loadPolicy(path: String?) throws(AgentError) -> (policy: GovernancePolicy, file: String?) {
        let file = path ?? (FileManager.default.fileExists(atPath: defaultPolicyFile) ? defaultPolicyFile : nil)
        guard let file else { return (GovernancePolicy(), nil) }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw .config(ConfigError(file: file, line: nil, message: "cannot read the governance policy (missing or unreadable). Fix: pass --policy FILE"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .config(ConfigError(file: file, line: nil, message: "is not UTF-8 text"))
        }
        do {
            return (try GovernancePolicy(yaml: text, file: file), file)
        } catch {
            throw .config(error)
        }
    }

    public static let defaultPolicyFile = "edgeprof-governance.yaml"
}
