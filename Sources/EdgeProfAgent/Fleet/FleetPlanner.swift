import EdgeProfCore
import Foundation

/// Reads what `FleetAssignment` needs from the registry — the device, its classmates on the same
/// model, the model's stages and the policy in force — and returns the device's assignment.
public struct FleetPlanner: Sendable {
    public let store: any RegistryStore

    public init(store: any RegistryStore) {
        self.store = store
    }

    /// What `device` should serve and shadow now, and why.
    public func assignment(for device: String, now: Date = Date()) async throws(AgentError) -> DeviceAssignment {
        guard let found = try await read({ () async throws(StoreError) in try await store.fleetDevice(device) }) else {
            throw .governance(.notFound("there is no device \(device) in the fleet (BOARD:SERIAL, as `edgeprof fleet list` shows them)"))
        }
        let model = found.serving.registered.name
        let snapshot = try await read { () async throws(StoreError) in try await store.snapshot(model: model) }
        let policy: GovernancePolicy
        do { policy = try snapshot.policyInForce.parsed() } catch { throw .config(error) }
        let classmates = try await read { () async throws(StoreError) in try await store.fleetDevices(FleetQuery(deviceClass: found.deviceClass)) }
            .filter { $0.serving.registered.name == model }
        return FleetAssignment.assign(found, classmates: classmates, deployment: ModelDeployment(snapshot), canaryShare: policy.canaryShare, now: now)
    }

    private func read<T>(_ body: () async throws(StoreError) -> T) async throws(AgentError) -> T {
        do { return try await body() } catch { throw .store(error) }
    }
}
