import EdgeProfAgent
import EdgeProfCore
import Foundation

/// The registry's acts sent to a lab's collector (`--collector URL`): the same requests the
/// collector's API takes, decided there by the same rules, as the token's actor.
struct RegistryRemote {
    let client: CollectorClient

    /// POSTs `body` to `path` and decodes the answer, `what` naming it in errors.
    func post<Answer: Decodable>(_ path: String, _ body: some Encodable, _ answer: Answer.Type, what: String) async throws(AgentError) -> Answer {
        let data: Data
        do { data = try JSONCoding.encoder.encode(body) } catch { throw .invalidArgument("the request cannot be encoded: \(error)") }
        return try client.decoded(answer, from: try await client.call(.POST, path, body: data), what: what)
    }

    func promote(_ reference: ModelReference, _ request: RegistryRequests.Promote) async throws(AgentError) -> GovernanceListing.DecisionSummary {
        try await post(RegistryRequests.versionPath(reference, "promote"), request, GovernanceListing.DecisionSummary.self, what: "a decision")
    }

    func requestEmergency(_ reference: ModelReference, _ request: RegistryRequests.Emergency) async throws(AgentError) -> EmergencyRequest {
        try await post(RegistryRequests.versionPath(reference, "emergency"), request, EmergencyRequest.self, what: "an emergency request")
    }

    func confirmEmergency(_ reference: ModelReference, reason: String) async throws(AgentError) -> GovernanceListing.DecisionSummary {
        try await post(
            RegistryRequests.versionPath(reference, "emergency/confirm"), RegistryRequests.Reason(reason: reason), GovernanceListing.DecisionSummary.self,
            what: "a decision")
    }

    func declineEmergency(_ reference: ModelReference, reason: String) async throws(AgentError) -> EmergencyRequest {
        try await post(RegistryRequests.versionPath(reference, "emergency/decline"), RegistryRequests.Reason(reason: reason), EmergencyRequest.self, what: "an emergency request")
    }

    func retire(_ reference: ModelReference, reason: String) async throws(AgentError) -> GovernanceListing.DecisionSummary {
        try await post(RegistryRequests.versionPath(reference, "retire"), RegistryRequests.Reason(reason: reason), GovernanceListing.DecisionSummary.self, what: "a decision")
    }

    func rollback(_ name: String, _ request: RegistryRequests.Rollback) async throws(AgentError) -> GovernanceListing.DecisionSummary {
        try await post("/v1/models/\(name)/rollback", request, GovernanceListing.DecisionSummary.self, what: "a decision")
    }

    /// `action` is `halt` or `resume`.
    func halt(_ name: String, _ action: String, reason: String) async throws(AgentError) -> HaltEvent {
        try await post("/v1/models/\(name)/\(action)", RegistryRequests.Reason(reason: reason), HaltEvent.self, what: "a halt event")
    }

    func approve(_ reference: ModelReference, _ request: RegistryRequests.Approve) async throws(AgentError) -> Approval {
        try await post(RegistryRequests.versionPath(reference, "approvals"), request, Approval.self, what: "an approval")
    }

    func attach(_ reference: ModelReference, kind: String, file: String) async throws(AgentError) -> GovernanceListing.AttachmentSummary {
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw .artifact(path: file, problem: "cannot be read as UTF-8 text; attachments are text (CSV, Markdown, JSON)")
        }
        let request = RegistryRequests.Attach(kind: kind, fileName: (file as NSString).lastPathComponent, content: text)
        return try await post(RegistryRequests.versionPath(reference, "attachments"), request, GovernanceListing.AttachmentSummary.self, what: "an attachment")
    }

    func register(name: String, version: String, artifact: String, metadataFile: String?, tags: [String]) async throws(AgentError) -> RegisteredModel {
        _ = try ArtifactDigest.of(path: artifact)
        guard let bytes = FileManager.default.contents(atPath: artifact) else { throw .artifact(path: artifact, problem: "cannot be read") }
        var metadata: String?
        if let metadataFile {
            _ = try loadMetadata(metadataFile)
            metadata = FileManager.default.contents(atPath: metadataFile).map { String(decoding: $0, as: UTF8.self) }
        }
        let request = RegistryRequests.Register(version: version, artifactBase64: bytes.base64EncodedString(), metadata: metadata, tags: tags.isEmpty ? nil : tags)
        return try await post("/v1/models/\(try parseModelName(name))/versions", request, RegisteredModel.self, what: "a registered version")
    }

    /// The version's shadow report as the collector judges it on its telemetry.
    func shadowReport(_ reference: ModelReference) async throws(AgentError) -> ShadowReport {
        try client.decoded(ShadowReport.self, from: try await client.call(.GET, RegistryRequests.versionPath(reference, "shadow-report")), what: "a shadow report")
    }

    /// The card as the collector renders it.
    func card(_ reference: ModelReference, format: ModelCardFormat) async throws(AgentError) -> String {
        String(decoding: try await client.call(.GET, RegistryRequests.versionPath(reference, "card") + "?format=\(format.rawValue)"), as: UTF8.self)
    }

    /// `action` is grant, remove-role, deactivate or reactivate.
    func changeActor(_ name: String, action: String, _ request: RegistryRequests.ActorChange) async throws(AgentError) -> RegistryActor {
        try await post("/v1/actors/\(name)/\(action)", request, RegistryActor.self, what: "an actor")
    }

    func revokeApproval(_ reference: ModelReference, _ request: RegistryRequests.RevokeApproval) async throws(AgentError) -> ApprovalRevocation {
        try await post(RegistryRequests.versionPath(reference, "approvals/revoke"), request, ApprovalRevocation.self, what: "a revocation")
    }

    func addActor(_ request: RegistryRequests.AddActor) async throws(AgentError) -> RegistryActor {
        try await post("/v1/actors", request, RegistryActor.self, what: "an actor")
    }

    /// The fleet's devices as `query` narrows them (the collector applies an agent token's bench).
    func fleetDevices(_ query: FleetQuery) async throws(AgentError) -> [FleetDevice] {
        try client.decoded([FleetDevice].self, from: try await client.call(.GET, Self.path("/v1/fleet/devices", query)), what: "the fleet")
    }

    func fleetStatus(_ query: FleetQuery) async throws(AgentError) -> FleetStatus {
        try client.decoded(FleetStatus.self, from: try await client.call(.GET, Self.path("/v1/fleet/status", query)), what: "the fleet's status")
    }

    static func path(_ path: String, _ query: FleetQuery) -> String {
        var items: [URLQueryItem] = []
        if let deviceClass = query.deviceClass { items.append(URLQueryItem(name: "deviceClass", value: deviceClass)) }
        if let bench = query.bench { items.append(URLQueryItem(name: "bench", value: bench)) }
        if let label = query.label { items.append(URLQueryItem(name: "label", value: "\(label.key)=\(label.value)")) }
        var components = URLComponents()
        components.path = path
        components.queryItems = items.isEmpty ? nil : items
        return components.string ?? path
    }

    /// One device, nil when the collector knows none by that name.
    func fleetDevice(_ device: String) async throws(AgentError) -> FleetDevice? {
        do {
            return try client.decoded(FleetDevice.self, from: try await client.call(.GET, Self.devicePath(device)), what: "a device")
        } catch .collector(_, 404, _, _) {
            return nil
        }
    }

    func startABTest(_ request: ABTestRequest) async throws(AgentError) -> ABTest {
        try await post("/v1/ab-tests", request, ABTest.self, what: "an A/B test")
    }

    func stopABTest(_ id: Int64, reason: String) async throws(AgentError) -> ABTest {
        try await post("/v1/ab-tests/\(id)/stop", RegistryRequests.Reason(reason: reason), ABTest.self, what: "an A/B test")
    }

    func abTests() async throws(AgentError) -> [ABTest] {
        try client.decoded([ABTest].self, from: try await client.call(.GET, "/v1/ab-tests"), what: "the A/B tests")
    }

    func rollbackProgress(model: String) async throws(AgentError) -> RollbackProgress? {
        do {
            return try client.decoded(RollbackProgress.self, from: try await client.call(.GET, "/v1/models/\(model)/rollback"), what: "a rollback's progress")
        } catch .collector(_, 404?, _, _) {
            return nil
        }
    }

    func assignment(_ device: String) async throws(AgentError) -> DeviceAssignment {
        try client.decoded(DeviceAssignment.self, from: try await client.call(.GET, Self.devicePath(device) + "/assignment"), what: "an assignment")
    }

    func labelDevice(_ device: String, _ request: RegistryRequests.LabelDevice) async throws(AgentError) -> FleetDevice {
        try await post(Self.devicePath(device) + "/labels", request, FleetDevice.self, what: "a device")
    }

    static func devicePath(_ device: String) -> String {
        "/v1/fleet/devices/" + (device.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: ".-_:"))) ?? device)
    }

    func proposePolicy(_ request: RegistryRequests.ProposePolicy) async throws(AgentError) -> PolicyRecord {
        try await post("/v1/policies", request, PolicyRecord.self, what: "a policy")
    }

    func approvePolicy(version: Int, reason: String) async throws(AgentError) -> RegistryRequests.PolicyApproved {
        try await post("/v1/policies/\(version)/approve", RegistryRequests.Reason(reason: reason), RegistryRequests.PolicyApproved.self, what: "a policy approval")
    }

    /// Every policy version the collector's registry holds.
    func policies() async throws(AgentError) -> [PolicyRecord] {
        try client.decoded([PolicyRecord].self, from: try await client.call(.GET, "/v1/policies"), what: "the policy versions")
    }

    /// One policy version (nil: the one in force) and the roles it still waits for.
    func policy(version: Int?) async throws(AgentError) -> (PolicyRecord, waitingFor: [GovernanceRole]) {
        struct View: Decodable {
            var policy: PolicyRecord
            var waitingFor: [GovernanceRole]
        }
        guard let version else {
            return (try client.decoded(PolicyRecord.self, from: try await client.call(.GET, "/v1/policy"), what: "the policy in force"), [])
        }
        let view = try client.decoded(View.self, from: try await client.call(.GET, "/v1/policies/\(version)"), what: "a policy")
        return (view.policy, view.waitingFor)
    }
}

extension CollectorAccessOptions {
    /// The collector to read through when --collector is given (never from the environment
    /// alone: without the flag a read command reads --db).
    func remote(_ store: StoreOptions) throws(AgentError) -> RegistryRemote? {
        guard let collector else { return nil }
        guard store.db == nil else { throw .invalidArgument("--collector and --db name two registries: give one") }
        return RegistryRemote(client: try Self.client(url: collector, token: token))
    }
}
