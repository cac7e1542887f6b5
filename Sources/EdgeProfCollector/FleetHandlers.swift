import EdgeProfAgent
import EdgeProfCore
import Foundation
import Hummingbird

/// The fleet over the API: devices as the stored runs and their agents' reports show them
/// (narrowed to its own bench for an agent's token), their assignments and status, and the
/// acts on them — labels and A/B tests — as people's governance acts.
extension GovernanceHandlers {
    static let fleetRoutes: Set<CollectorRoute> = [.listDevices, .showDevice, .labelDevice, .deviceAssignment, .listABTests, .startABTest, .stopABTest, .fleetStatus, .reportDevice, .fetchArtifact, .rollbackProgress]

    func fleet(_ call: Call, grant: TokenGrant?, _ service: GovernanceService) async throws(AgentError) -> Response {
        let ownBench = grant?.kind == .agent ? grant?.bench : nil
        switch call.route {
        case .listDevices:
            let query = try fleetQuery(call, ownBench: ownBench)
            let devices: [FleetDevice]
            do { devices = try await registry.fleetDevices(query) } catch { throw .store(error) }
            return try json(devices)
        case .fleetStatus:
            return try json(try await FleetPlanner(store: registry, cache: snapshots).status(try fleetQuery(call, ownBench: ownBench)))
        case .showDevice:
            return try json(try await visibleDevice(devicePath(call), ownBench: ownBench))
        case .deviceAssignment:
            let device = try await visibleDevice(devicePath(call), ownBench: ownBench)
            return try json(try await FleetPlanner(store: registry, cache: snapshots).assignment(for: device.device))
        case .labelDevice:
            let request = try decode(RegistryRequests.LabelDevice.self, call.body)
            let device = try await service.labelDevice(devicePath(call), set: request.set ?? [:], remove: request.remove ?? [], reason: request.reason)
            return try json(device)
        case .reportDevice:
            let report = try decode(DeviceReport.self, call.body)
            guard report.artifactSHA256.count == 64, report.artifactSHA256.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
                throw .invalidArgument("artifactSHA256: 64 lower-case hex digits, as the board's MODEL line announced")
            }
            if let shadow = report.shadowArtifactSHA256, shadow.count != 64 || !shadow.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) {
                throw .invalidArgument("shadowArtifactSHA256: 64 lower-case hex digits, as the board's SHADOW line announced, or null")
            }
            guard let grant, grant.kind == .agent, let bench = grant.bench else {
                throw .governance(.notPermitted("only a bench's agent token reports what its devices serve"))
            }
            let device = try await visibleDevice(devicePath(call), ownBench: bench)
            let recorded: Bool
            let registered: ModelReference?
            let versions = try await snapshots.entry(model: device.serving.registered.name, store: registry).snapshot.versions
            registered = versions.first { $0.model.artifactSHA256 == report.artifactSHA256 }?.reference
            do { recorded = try await registry.recordReport(report, device: device.device, registered: registered, at: Date()) } catch { throw .store(error) }
            guard recorded, let now = try await optionalDevice(device.device) else {
                throw .governance(.notFound("there is no device \(device.device) in the fleet"))
            }
            return try json(now)
        case .rollbackProgress:
            let name = call.parameters.get("name") ?? ""
            do throws(ModelReferenceError) { try ModelReference.validate(name: name) } catch { throw .invalidArgument(error.description) }
            guard let progress = try await FleetPlanner(store: registry, cache: snapshots).rollbackProgress(model: name) else {
                throw .governance(.notFound("\(name) was never rolled back"))
            }
            return try json(progress)
        case .fetchArtifact:
            let sha256 = call.parameters.get("sha256") ?? ""
            guard sha256.count == 64, sha256.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
                throw .invalidArgument("sha256: 64 lower-case hex digits, as the assignment's serveArtifactSHA256")
            }
            if let grant, grant.kind == .agent {
                try await requireAssignable(sha256, bench: grant.bench)
            }
            let bytes = try await service.artifactBytes(sha256: sha256)
            return Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        case .listABTests:
            for key in call.query.keys where key != "model" { throw .invalidArgument("unknown query parameter \(key); use model") }
            let model = call.query["model"]
            if let model { do throws(ModelReferenceError) { try ModelReference.validate(name: model) } catch { throw .invalidArgument(error.description) } }
            return try json(try await service.abTests().filter { test in model.map { test.model == $0 } ?? true })
        case .startABTest:
            return try json(try await service.startABTest(try decode(ABTestRequest.self, call.body)), status: .created)
        case .stopABTest:
            let text = call.parameters.get("abTestID") ?? ""
            guard let id = Int64(text), id > 0 else { throw .invalidArgument("an A/B test id is a whole number ≥ 1, not \(text)") }
            let model = try await service.abTests().first { $0.id == id }?.model
            guard let model else { throw .governance(.notFound("there is no A/B test \(id); GET /v1/ab-tests lists them")) }
            return try json(try await service.stopABTest(id, model: model, reason: try decode(RegistryRequests.Reason.self, call.body).reason))
        default:
            throw .invalidArgument("not a fleet route")
        }
    }

    /// The query's class, bench and label, narrowed to its own bench for an agent's token.
    private func fleetQuery(_ call: Call, ownBench: String?) throws(AgentError) -> FleetQuery {
        for key in call.query.keys where !["deviceClass", "bench", "label"].contains(key) {
            throw .invalidArgument("unknown query parameter \(key); use deviceClass, bench or label (KEY=VALUE)")
        }
        for key in ["deviceClass", "bench"] {
            if let value = call.query[key], let problem = RunUploadValidation.nameProblem(value) { throw .invalidArgument("\(key) \(problem)") }
        }
        var query = FleetQuery(deviceClass: call.query["deviceClass"], bench: call.query["bench"])
        if let label = call.query["label"] {
            do throws(GovernanceError) { query.label = try FleetLabels.parse(label) } catch { throw .invalidArgument("label: \(error.description)") }
        }
        if let ownBench {
            if let asked = query.bench, asked != ownBench {
                throw .governance(.notPermitted("an agent token of bench \(ownBench) reads that bench's devices only, not \(asked)'s"))
            }
            query.bench = ownBench
        }
        return query
    }

    /// The device, unless it is unknown or another bench's (to an agent's token, the same).
    private func visibleDevice(_ name: String, ownBench: String?) async throws(AgentError) -> FleetDevice {
        let found: FleetDevice?
        do { found = try await registry.fleetDevice(name) } catch { throw .store(error) }
        guard let device = found, ownBench == nil || device.bench == ownBench else {
            throw .governance(.notFound("there is no device \(name) in the fleet\(ownBench.map { " of bench \($0)" } ?? ""); GET /v1/fleet/devices lists them"))
        }
        return device
    }

    private func optionalDevice(_ name: String) async throws(AgentError) -> FleetDevice? {
        do { return try await registry.fleetDevice(name) } catch { throw .store(error) }
    }

    private func devicePath(_ call: Call) -> String {
        let raw = call.parameters.get("device") ?? ""
        return raw.removingPercentEncoding ?? raw
    }

    /// An agent's token fetches only what the registry could assign to one of its bench's devices
    /// (`ArtifactAccess`); anything else — unknown, in development, failed, another model's — is
    /// the same 403, so the route tells an agent nothing about what else is registered.
    private func requireAssignable(_ sha256: String, bench: String?) async throws(AgentError) {
        let served = try await benchModels.models(of: bench) { () async throws(AgentError) in
            do throws(StoreError) { return Set(try await registry.fleetDevices(FleetQuery(bench: bench)).map(\.serving.registered.name)) } catch { throw .store(error) }
        }
        var models: [RegistrySnapshot] = []
        for model in served.sorted() {
            models.append(try await snapshots.entry(model: model, store: registry).snapshot)
        }
        guard ArtifactAccess.agentMayFetch(sha256, snapshots: models) else {
            throw .governance(.notPermitted(
                "bench \(bench ?? "?")'s agent token fetches only artifacts the registry assigns to its devices (staging, canary, serving, or arm B of a running A/B test); \(sha256) is none of them"))
        }
    }
}
