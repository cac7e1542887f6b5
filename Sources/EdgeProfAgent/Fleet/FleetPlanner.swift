import EdgeProfCore
import Foundation

/// Reads what `FleetAssignment` needs from the registry — the device, its classmates on the same
/// model, the model's stages and the policy in force — and returns the device's assignment.
public struct FleetPlanner: Sendable {
    public let store: any RegistryStore
    /// Snapshots kept between calls while the registry does not change (the collector's).
    public let cache: RegistrySnapshotCache?

    public init(store: any RegistryStore, cache: RegistrySnapshotCache? = nil) {
        self.store = store
        self.cache = cache
    }

    /// `model`'s registry and the policy in force, from the cache when there is one.
    public func registry(of model: String) async throws(AgentError) -> RegistrySnapshotCache.Entry {
        if let cache { return try await cache.entry(model: model, store: store) }
        let snapshot = try await read { () async throws(StoreError) in try await store.snapshot(model: model) }
        do { return RegistrySnapshotCache.Entry(snapshot: snapshot, policy: try snapshot.policyInForce.parsed()) } catch { throw .config(error) }
    }

    /// What `device` should serve and shadow now, and why.
    public func assignment(for device: String, now: Date = Date()) async throws(AgentError) -> DeviceAssignment {
        guard let found = try await read({ () async throws(StoreError) in try await store.fleetDevice(device) }) else {
            throw .governance(.notFound("there is no device \(device) in the fleet (BOARD:SERIAL, as `edgeprof fleet list` shows them)"))
        }
        let model = found.serving.registered.name
        let (snapshot, policy) = try await registry(of: model).pair
        let deployment = ModelDeployment(snapshot)
        // Only a canary draw needs the device's classmates: without one, a device's assignment is its own.
        let classmates = deployment.canaryRollout == nil || deployment.halt != nil ? [found]
            : try await read { () async throws(StoreError) in try await store.fleetDevices(FleetQuery(deviceClass: found.deviceClass)) }
                .filter { $0.serving.registered.name == model }
        return FleetAssignment.assign(found, classmates: classmates, deployment: deployment, canaryShare: policy.canaryShare, now: now)
    }

    /// Every device `query` keeps, against its assignment: each model's registry is read once and
    /// each class's canary drawn once, from the whole fleet (not only the devices shown). A device
    /// silent beyond its model's outage policy as of `now` is flagged stale.
    public func status(_ query: FleetQuery = FleetQuery(), now: Date = Date()) async throws(AgentError) -> FleetStatus {
        let fleet = try await read { () async throws(StoreError) in try await store.fleetDevices(FleetQuery()) }
        var deployments: [String: (ModelDeployment, Double, OutagePolicy)] = [:]
        var entries: [DeviceConformance] = []
        var draws: [String: CanaryDraw] = [:]
        let byClassAndModel = Dictionary(grouping: fleet) { "\($0.deviceClass)\u{0}\($0.serving.registered.name)" }
        for device in fleet where query.matches(device) {
            let model = device.serving.registered.name
            if deployments[model] == nil {
                let (snapshot, policy) = try await registry(of: model).pair
                deployments[model] = (ModelDeployment(snapshot), policy.canaryShare, policy.outage)
            }
            guard let (deployment, share, outage) = deployments[model] else { continue }
            let group = "\(device.deviceClass)\u{0}\(model)"
            let classmates = byClassAndModel[group] ?? [device]
            if draws[group] == nil, let rollout = deployment.canaryRollout {
                draws[group] = CanaryDraw(classmates.map(\.device), rollout: rollout, share: share)
            }
            let assignment = FleetAssignment.assign(
                device, classmates: classmates, deployment: deployment, canaryShare: share, now: now, canary: draws[group])
            entries.append(FleetConformance.judge(device, assignment, contact: FleetConformance.ContactCheck(now: now, policy: outage)))
        }
        return FleetStatus(entries)
    }

    /// How far the fleet has followed `model`'s latest rollback; nil when it was never rolled back.
    public func rollbackProgress(model: String, now: Date = Date()) async throws(AgentError) -> RollbackProgress? {
        let (snapshot, policy) = try await registry(of: model).pair
        let devices = try await read { () async throws(StoreError) in try await store.fleetDevices(FleetQuery()) }.filter { $0.serving.registered.name == model }
        let deployment = ModelDeployment(snapshot)
        var assigned: [(FleetDevice, DeviceAssignment)] = []
        for (_, classmates) in Dictionary(grouping: devices, by: \.deviceClass) {
            let draw = deployment.canaryRollout.map { CanaryDraw(classmates.map(\.device), rollout: $0, share: policy.canaryShare) }
            for device in classmates {
                assigned.append((device, FleetAssignment.assign(device, classmates: classmates, deployment: deployment, canaryShare: policy.canaryShare, now: now, canary: draw)))
            }
        }
        return RollbackProgress.measure(snapshot, devices: assigned)
    }

    private func read<T>(_ body: () async throws(StoreError) -> T) async throws(AgentError) -> T {
        do { return try await body() } catch { throw .store(error) }
    }
}
