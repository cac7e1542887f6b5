import EdgeProfCore
import Foundation

/// Carries out governance acts for one actor: gathers the evidence that needs I/O (artifact
/// checksums, edge-performance verdicts from stored runs, attached files), lets the pure
/// rules decide under the policy in force in the registry, and commits the decision with its
/// audit entries in one transaction.
public struct GovernanceService: Sendable {
    public let store: any RegistryStore
    public let actor: String
    /// For edge thresholds that take memory limits from the device catalogue.
    public let catalogue: DeviceCatalogue?
    /// A policy to evaluate under instead of the registry's, for a dry run: a service holding
    /// one refuses every act that writes.
    public let dryRunPolicy: PolicyRecord?
    /// The time acts are decided at: the wall clock, except where a test or a replay says otherwise.
    public var clock: @Sendable () -> Date = { Date() }

    public init(store: any RegistryStore, actor: String, catalogue: DeviceCatalogue? = nil, dryRunPolicy: PolicyRecord? = nil) {
        self.store = store
        self.actor = actor
        self.catalogue = catalogue
        self.dryRunPolicy = dryRunPolicy
    }

    var committer: GovernanceCommitter { GovernanceCommitter(store: store) }

    /// The rules for `snapshot`, under the registry's policy in force (or the dry-run policy).
    public func rules(_ snapshot: RegistrySnapshot) throws(AgentError) -> GovernanceRules {
        let record = dryRunPolicy ?? snapshot.policyInForce
        do {
            return GovernanceRules(snapshot: snapshot, policy: try record.parsed(), actor: actor, now: clock())
        } catch {
            throw .config(error)
        }
    }

    /// Which policy this service evaluates under, for people.
    public func policyLabel(_ snapshot: RegistrySnapshot) -> String {
        let inForce = snapshot.policyInForce
        let registry = inForce.version == 0 ? "the built-in policy" : "registry policy v\(inForce.version)"
        guard let dryRunPolicy else { return "\(registry) (sha256 \(inForce.sha256.prefix(12))…)" }
        return "DRY RUN under --policy (sha256 \(dryRunPolicy.sha256.prefix(12))…); acts are decided under \(registry)"
    }

    /// Decides on fresh snapshots and commits; refused outright with a dry-run policy.
    func act<Outcome>(
        _ name: String, _ decide: (GovernanceRules) throws(GovernanceError) -> (GovernanceChange, Outcome)
    ) async throws(AgentError) -> Outcome {
        try refuseDryRun()
        return try await committer.decide(model: name, deciding: { snapshot throws(AgentError) in
            let rules = try rules(snapshot)
            do throws(GovernanceError) { return try decide(rules) } catch { throw .governance(error) }
        }).outcome
    }

    private func refuseDryRun() throws(AgentError) {
        guard dryRunPolicy == nil else {
            throw .invalidArgument("a policy given for one command only evaluates (a dry run that writes nothing); acts are decided under the registry's policy: drop --policy, or change the policy with `edgeprof policy propose`")
        }
    }

    /// Starts an A/B test of a candidate against the serving version; returns it as stored.
    public func startABTest(_ request: ABTestRequest) async throws(AgentError) -> ABTest {
        do throws(ModelReferenceError) { try ModelReference.validate(name: request.model) } catch { throw .invalidArgument(error.description) }
        try await act(request.model) { rules throws(GovernanceError) in (try rules.startABTest(request), ()) }
        return try await latestABTest(of: request.model)
    }

    /// Stops a running A/B test of `model`; returns it as stored.
    public func stopABTest(_ id: Int64, model: String, reason: String) async throws(AgentError) -> ABTest {
        try await act(model) { rules throws(GovernanceError) in (try rules.stopABTest(id, reason: reason), ()) }
        let tests: [ABTest]
        do { tests = try await store.snapshot(model: model).abTests } catch { throw .store(error) }
        guard let test = tests.first(where: { $0.id == id }) else { throw .governance(.notFound("\(model) has no A/B test \(id)")) }
        return test
    }

    /// Every model's A/B tests, oldest first.
    public func abTests() async throws(AgentError) -> [ABTest] {
        do { return try await store.abTests() } catch { throw .store(error) }
    }

    private func latestABTest(of model: String) async throws(AgentError) -> ABTest {
        let tests: [ABTest]
        do { tests = try await store.snapshot(model: model).abTests } catch { throw .store(error) }
        guard let test = tests.last else { throw .governance(.notFound("\(model) has no A/B test")) }
        return test
    }

    /// Sets and removes labels of a device the fleet knows, and returns it as it is now.
    public func labelDevice(_ device: String, set: [String: String], remove: [String], reason: String) async throws(AgentError) -> FleetDevice {
        let current: FleetDevice?
        do { current = try await store.fleetDevice(device) } catch { throw .store(error) }
        guard let current else {
            throw .governance(.notFound("there is no device \(device) in the fleet (BOARD:SERIAL, as `edgeprof fleet list` shows them)"))
        }
        try await act("") { rules throws(GovernanceError) in (try rules.labelDevice(current, set: set, remove: remove, reason: reason), ()) }
        do { return try await store.fleetDevice(device) ?? current } catch { throw .store(error) }
    }

    /// Acknowledges an open monitoring alert as the actor (an ml_engineer or tech_lead), audited.
    public func acknowledgeAlert(_ alert: Alert, reason: String?) async throws(AgentError) {
        try await act("") { rules throws(GovernanceError) in (try rules.acknowledgeAlert(alert, reason: reason), ()) }
    }

    /// Erases every stored inference record of `subject` (a compliance_officer's act, audited with
    /// the subject's SHA-256); the number of records erased.
    public func eraseTelemetry(subject: String, reason: String) async throws(AgentError) -> Int {
        let extent: TelemetrySubjectExtent
        do { extent = try await store.telemetryExtent(subject: subject) } catch { throw .store(error) }
        try await act("") { rules throws(GovernanceError) in (try rules.eraseTelemetry(subject: subject, extent: extent, reason: reason), ()) }
        return extent.records
    }

    public func addActor(name: String, roles: [GovernanceRole]) async throws(AgentError) {
        try await act("") { rules throws(GovernanceError) in (try rules.addActor(name: name, roles: roles), ()) }
    }

    /// Withdraws an approval before the move it enabled.
    public func revokeApproval(_ reference: ModelReference, stage: ApprovalStage, reason: String) async throws(AgentError) -> ApprovalRevocation {
        let revocation = try await act(reference.name) { rules throws(GovernanceError) in
            let change = try rules.revokeApproval(reference, stage: stage, reason: reason)
            guard case .revokeApproval(let revocation) = change.operations.first else { return (change, ApprovalRevocation?.none) }
            return (change, revocation)
        }
        guard let revocation else { throw .invalidArgument("the revocation of \(stage.rawValue) of \(reference) was recorded but cannot be shown") }
        return revocation
    }

    /// Grants or removes a role, deactivates or reactivates an actor; returns the actor as it now is.
    public func changeActor(_ name: String, _ decide: (GovernanceRules) throws(GovernanceError) -> GovernanceChange) async throws(AgentError) -> RegistryActor {
        try await act("") { rules throws(GovernanceError) in (try decide(rules), ()) }
        guard let actor = try await snapshot("").actor(named: name) else { throw .invalidArgument("actor \(name) was changed but cannot be shown") }
        return actor
    }

    /// Issues an API token as an audited act; returns the secret (shown once) and its grant.
    public func issueToken(_ request: GovernanceRules.TokenRequest) async throws(AgentError) -> (token: String, grant: TokenGrant) {
        let made = Self.newToken()
        let grant = try await act("") { rules throws(GovernanceError) in
            let change = try rules.issueToken(request, id: made.id, sha256: made.sha256)
            guard case .issueToken(let grant, _) = change.operations.first else { return (change, TokenGrant?.none) }
            return (change, grant)
        }
        guard let grant else { throw .invalidArgument("token \(made.id) was issued but cannot be shown") }
        return (made.token, grant)
    }

    /// Replaces `grant` with a new token; the old one stops now or after `graceHours`.
    public func rotateToken(_ grant: TokenGrant, graceHours: Int) async throws(AgentError) -> (token: String, grant: TokenGrant) {
        let made = Self.newToken()
        let issued = try await act("") { rules throws(GovernanceError) in
            let change = try rules.rotateToken(grant, id: made.id, sha256: made.sha256, graceHours: graceHours)
            guard case .issueToken(let issued, _) = change.operations.first else { return (change, TokenGrant?.none) }
            return (change, issued)
        }
        guard let issued else { throw .invalidArgument("token \(made.id) was issued but cannot be shown") }
        return (made.token, issued)
    }

    public func revokeToken(_ grant: TokenGrant, reason: String) async throws(AgentError) {
        try await act("") { rules throws(GovernanceError) in (try rules.revokeToken(grant, reason: reason), ()) }
    }

    private static func newToken() -> (token: String, id: String, sha256: String) {
        var random = SystemRandomNumberGenerator()
        return APIToken.make(randomBytes: (0..<30).map { _ in UInt8.random(in: 0...255, using: &random) })
    }

    /// Proposes a policy text with the edge thresholds it embeds (adopted at once while the
    /// registry holds no version); returns the record as proposed.
    public func proposePolicy(text: String, thresholds: String?, reason: String) async throws(AgentError) -> PolicyRecord {
        try await act("") { rules throws(GovernanceError) in
            let change = try rules.proposePolicy(text: text, thresholds: thresholds, reason: reason)
            guard case .proposePolicy(var record) = change.operations.first else { return (change, PolicyRecord.builtIn) }
            if change.operations.count > 1 { record.state = .active }
            return (change, record)
        }
    }

    /// Approves a proposed policy version; returns whether the approval put it in force.
    public func approvePolicy(version: Int, reason: String) async throws(AgentError) -> (approval: PolicyApproval?, activated: Bool) {
        try await act("") { rules throws(GovernanceError) in
            let change = try rules.approvePolicy(version: version, reason: reason)
            guard case .approvePolicy(let approval) = change.operations.first else { return (change, (nil, false)) }
            return (change, (approval, change.operations.count > 1))
        }
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
        try await act(reference.name) { rules throws(GovernanceError) in (try rules.attach(attachment), ()) }
        return attachment
    }

    public func approve(_ reference: ModelReference, stage: ApprovalStage, reason: String, evidence: [String]) async throws(AgentError) -> Approval {
        let approval = try await act(reference.name) { rules throws(GovernanceError) in
            let change = try rules.approve(reference, stage: stage, reason: reason, evidence: evidence)
            guard case .approve(let approval) = change.operations.first else { return (change, Approval?.none) }
            return (change, approval)
        }
        guard let approval else { throw .invalidArgument("the approval of \(reference) was recorded but cannot be shown") }
        return approval
    }

    public func promote(_ reference: ModelReference, to stage: LifecycleStage?, reason: String) async throws(AgentError) -> GovernanceRules.Decision {
        try await decideMove(reference.name) { rules throws(AgentError) in
            let evidence = try await gateEvidence(for: reference, rules: rules)
            return { rules throws(GovernanceError) in try rules.promote(reference, to: stage, reason: reason, evidence: evidence) }
        }
    }

    /// Records an emergency deployment request; a second tech_lead's confirmation moves it.
    public func requestEmergency(_ reference: ModelReference, informed: [String], reason: String, liftsHalt: Bool) async throws(AgentError) -> EmergencyRequest {
        try refuseDryRun()
        let request = try await committer.decide(model: reference.name, deciding: { snapshot throws(AgentError) in
            let rules = try rules(snapshot)
            var check = ArtifactCheck.verified
            if let version = snapshot.version(reference) { check = try await artifactCheck(version) }
            do throws(GovernanceError) {
                let change = try rules.requestEmergency(
                    reference, escalation: Escalation(informed: informed, reason: reason), liftsHalt: liftsHalt, artifact: check)
                guard case .requestEmergency(let request) = change.operations.first else { return (change, EmergencyRequest?.none) }
                return (change, request)
            } catch {
                throw .governance(error)
            }
        }).outcome
        guard let request else { throw .invalidArgument("the emergency request for \(reference) was recorded but cannot be shown") }
        return try await snapshot(reference.name).emergencies.last { $0.reference == reference && $0.requestedBy == request.requestedBy } ?? request
    }

    /// A second tech_lead confirms the open request: the version goes to production.
    public func confirmEmergency(_ reference: ModelReference, reason: String) async throws(AgentError) -> GovernanceRules.Decision {
        try await decideMove(reference.name) { rules throws(AgentError) in
            let evidence = try await gateEvidence(for: reference, rules: rules)
            return { rules throws(GovernanceError) in try rules.confirmEmergency(reference, reason: reason, evidence: evidence) }
        }
    }

    /// Declines (or, for its requester, withdraws) the open request.
    public func declineEmergency(_ reference: ModelReference, reason: String) async throws(AgentError) -> EmergencyRequest {
        let id = try await act(reference.name) { rules throws(GovernanceError) in
            let change = try rules.declineEmergency(reference, reason: reason)
            guard case .decideEmergency(let decision) = change.operations.first else { return (change, Int64?.none) }
            return (change, decision.requestID)
        }
        guard let request = try await snapshot(reference.name).emergencies.first(where: { $0.id == id }) else {
            throw .invalidArgument("the decision on the emergency request for \(reference) was recorded but cannot be shown")
        }
        return request
    }

    public func rollback(model name: String, to version: SemanticVersion?, reason: String) async throws(AgentError) -> GovernanceRules.Decision {
        try await decideMove(name) { rules throws(AgentError) in
            let target = version.flatMap { wanted in rules.rollbackCandidates.first { $0.reference.version == wanted } } ?? rules.rollbackCandidates.first
            let check = if let target { try await artifactCheck(target) } else { ArtifactCheck.verified }
            return { rules throws(GovernanceError) in try rules.rollback(to: version, reason: reason, evidence: GateEvidence(artifact: check)) }
        }
    }

    /// The system's rollback of `name` on its critical alerts (`GovernanceRules.automaticRollback`);
    /// the service's actor must be the system's.
    public func rollBackAutomatically(model name: String, alerts: [Alert]) async throws(AgentError) -> GovernanceRules.Decision {
        try await decideMove(name) { rules throws(AgentError) in
            let check = if let target = rules.rollbackCandidates.first { try await artifactCheck(target) } else { ArtifactCheck.verified }
            return { rules throws(GovernanceError) in try rules.automaticRollback(alerts: alerts, evidence: GateEvidence(artifact: check)) }
        }
    }

    /// The system's move of `name`'s serving version between production, monitoring and degraded
    /// (`GovernanceRules.automaticStageMove`); the service's actor must be the system's.
    public func moveStageAutomatically(model name: String, alerts: [Alert]) async throws(AgentError) -> GovernanceRules.Decision {
        try await decideMove(name) { _ throws(AgentError) in
            { rules throws(GovernanceError) in try rules.automaticStageMove(alerts: alerts) }
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
        let event = try await act(name) { rules throws(GovernanceError) in
            let change = try decide(rules)
            guard case .halt(let event) = change.operations.first else { return (change, HaltEvent?.none) }
            return (change, event)
        }
        guard let event else { throw .invalidArgument("the halt of \(name) was recorded but cannot be shown") }
        return event
    }

    /// The version's shadow period judged on telemetry as it stands now; nil when it has never
    /// been in staging.
    public func shadowReport(for reference: ModelReference) async throws(AgentError) -> ShadowReport? {
        let snapshot = try await snapshot(reference.name)
        guard let version = snapshot.version(reference) else { throw .unknownModel(reference, known: snapshot.versions.map(\.reference.description)) }
        var evidence = GateEvidence()
        try await addShadowReport(of: version, rules: try rules(snapshot), to: &evidence)
        return evidence.shadowReport
    }

    /// Every gate of a version as it stands now, for `model show` and model cards.
    public func gateResults(for reference: ModelReference) async throws(AgentError) -> [GovernanceGateResult] {
        try await assessedGates(for: reference).results
    }

    /// The gates as they stand with the evidence gathered for them (the model card reuses its
    /// shadow report rather than reading the telemetry again).
    public func assessedGates(for reference: ModelReference) async throws(AgentError) -> (results: [GovernanceGateResult], evidence: GateEvidence) {
        let snapshot = try await snapshot(reference.name)
        guard let version = snapshot.version(reference) else { throw .unknownModel(reference, known: snapshot.versions.map(\.reference.description)) }
        let rules = try rules(snapshot)
        let evidence = try await gateEvidence(for: reference, rules: rules)
        let gates = GovernanceGates(snapshot: snapshot, policy: rules.policy, evidence: evidence)
        return (rules.requiredGates(to: .production, track: rules.track(of: version)).map { gates.evaluate($0, for: version) }, evidence)
    }

    public func snapshot(_ name: String) async throws(AgentError) -> RegistrySnapshot {
        do { return try await store.snapshot(model: name) } catch { throw .store(error) }
    }

    /// Reads a snapshot, gathers I/O evidence for it, decides and commits; again on a conflict.
    private func decideMove(
        _ name: String,
        _ prepare: (GovernanceRules) async throws(AgentError) -> (GovernanceRules) throws(GovernanceError) -> GovernanceRules.Decision
    ) async throws(AgentError) -> GovernanceRules.Decision {
        try refuseDryRun()
        return try await committer.decide(model: name, deciding: { snapshot throws(AgentError) in
            let rules = try rules(snapshot)
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

    func gateEvidence(for reference: ModelReference, rules: GovernanceRules) async throws(AgentError) -> GateEvidence {
        guard let version = rules.snapshot.version(reference) else { return GateEvidence() }
        var evidence = GateEvidence(artifact: try await artifactCheck(version))
        // After this version reaches production, a rollback restores the one serving now (or,
        // if none serves, the last deployable one).
        let serving = rules.snapshot.serving.flatMap { $0.reference == reference ? nil : $0 }
        if let target = serving ?? rules.rollbackCandidates.first(where: { $0.reference != reference }) {
            evidence.rollbackTarget = RollbackTargetCheck(reference: target.reference, check: try await artifactCheck(target))
        }
        try await addShadowReport(of: version, rules: rules, to: &evidence)
        let policy = rules.policy
        let named = !policy.edgeDeviceClasses.isEmpty
        let classes = named ? policy.edgeDeviceClasses : try await deviceClassesWithRuns(of: version)
        let thresholds = GatePolicy(classes: Dictionary(uniqueKeysWithValues: classes.map { deviceClass in
            (deviceClass, policy.edgeThresholds?.classes[deviceClass] ?? DeviceClassThresholds(deviceClass: deviceClass, criteria: []))
        }))
        let source = "the registry's policy (sha256 \(policy.sha256.prefix(12))…)"
        for deviceClass in classes {
            do {
                let verdict = try await GateService(store: store, catalogue: catalogue).check(
                    model: reference, deviceClass: deviceClass, policy: thresholds, policyFile: source)
                evidence.edgeVerdicts.append(verdict)
                if let limits = thresholds.classes[deviceClass], !limits.criteria.isEmpty || !limits.catalogueLimits.isEmpty {
                    evidence.edgeThresholds.append(limits.resolved(with: catalogue))
                }
            } catch {
                evidence.edgeProblems[deviceClass] = error.description
            }
        }
        return evidence
    }

    /// Judges the version's shadow period on telemetry: from its latest entry into staging to
    /// its exit from staging, or now while it is there.
    private func addShadowReport(of version: ModelVersionRecord, rules: GovernanceRules, to evidence: inout GateEvidence) async throws(AgentError) {
        let now = clock()
        let moves = rules.snapshot.transitions.filter { $0.reference == version.reference }.sorted { $0.at < $1.at }
        let entry = moves.lastIndex { $0.to == .staging }
        let from = entry.map { moves[$0].at } ?? now
        let to = entry.flatMap { index in moves[(index + 1)...].first?.at } ?? now
        let telemetry: ShadowTelemetry
        do { telemetry = try await store.shadowTelemetry(of: version.reference, from: from, to: max(from, to)) } catch { throw .store(error) }
        evidence.modelHasTelemetry = telemetry.modelHasTelemetry
        guard entry != nil else { return }
        evidence.shadowReport = ShadowComparison.report(
            candidate: version.reference.description, artifactSHA256: version.model.artifactSHA256, pairs: telemetry.pairs, from: from, to: max(from, to),
            policy: rules.policy)
    }

    /// The device classes on which `version` has complete runs stored: what a policy that
    /// names no class (the built-in one) gates on.
    private func deviceClassesWithRuns(of version: ModelVersionRecord) async throws(AgentError) -> [String] {
        let runs: [StoredRunFigures]
        do { runs = try await store.runFigures(of: version.model, deviceClass: nil, runID: nil, tokens: .counts) } catch { throw .store(error) }
        return Array(Set(runs.filter { $0.status == .complete }.map(\.context.deviceClass))).sorted()
    }

    /// The bytes of a registered version's artifact, for a device to install: from the registry's
    /// database, or from the version's file when this host can read it. Bytes whose SHA-256 is
    /// no longer the registered one are never handed out.
    public func artifactBytes(sha256: String) async throws(AgentError) -> [UInt8] {
        let models: [RegisteredModel]
        do { models = try await store.models() } catch { throw .store(error) }
        let registered = models.filter { $0.artifactSHA256 == sha256 }
        guard !registered.isEmpty else {
            throw .governance(.notFound("no registered version has the artifact sha256 \(sha256); GET /v1/models lists them"))
        }
        let stored: [UInt8]?
        do { stored = try await store.artifact(sha256: sha256) } catch { throw .store(error) }
        let file = registered.lazy.filter { StoredArtifact.sha256(inPath: $0.artifactPath) == nil }.compactMap { FileManager.default.contents(atPath: $0.artifactPath) }.first
        guard let bytes = stored ?? file.map(Array.init) else {
            throw .governance(.notFound(
                "the artifact sha256 \(sha256) is registered from a file this collector cannot read (\(registered[0].artifactPath)). Fix: register the version over the collector's API (edgeprof model register --collector …), which keeps its bytes in the registry"))
        }
        guard ArtifactDigest.of(bytes: bytes).sha256 == sha256 else {
            throw .governance(.artifactMismatch("the stored artifact sha256 \(sha256) has CHANGED; refusing to hand it to devices. Fix: restore it, or register the new bytes as a new version"))
        }
        return bytes
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

    /// Reads a policy file and the edge thresholds file it names (relative to it), as the
    /// texts a proposal or a dry run carries.
    public static func readPolicyFile(_ path: String) throws(AgentError) -> (text: String, thresholds: String?) {
        let text = try readText(path, what: "the governance policy")
        let policy: GovernancePolicy
        do { policy = try GovernancePolicy(yaml: text, file: path) } catch { throw .config(error) }
        let named = policy.edgeThresholdsFile
        let thresholdsPath = named.hasPrefix("/") ? named : ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(named)
        guard FileManager.default.fileExists(atPath: thresholdsPath) else {
            if policy.edgeDeviceClasses.isEmpty { return (text, nil) }
            throw .config(ConfigError(file: path, line: nil, message: "gates: edge-performance: thresholds names \(named), which does not exist beside the policy (\(thresholdsPath))"))
        }
        return (text, try readText(thresholdsPath, what: "the edge thresholds"))
    }

    private static func readText(_ path: String, what: String) throws(AgentError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .config(ConfigError(file: path, line: nil, message: "cannot read \(what) (missing or unreadable)"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .config(ConfigError(file: path, line: nil, message: "is not UTF-8 text"))
        }
        return text
    }
}
