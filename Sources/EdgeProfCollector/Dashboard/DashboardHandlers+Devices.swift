import EdgeProfCore
import Foundation
import Hummingbird

/// The devices list and one device's page: trends, band, alerts, firmware changes, comparison.
extension DashboardHandlers {
    /// How many of a device's latest runs its charts draw.
    static let deviceRuns = 500

    func devices(_ request: Request) async -> Response {
        await page(request) { signedIn in
            let devices = try await storeCall { () async throws(StoreError) in try await store.registry.fleetDevices(FleetQuery()) }
            return DevicesView.page(devices: devices, liveAlerts: try await liveAlerts(), viewer: signedIn.viewer, now: Date())
        }
    }

    func device(_ request: Request, context: CollectorRequestContext) async -> Response {
        let name = Self.parameter(context, "device")
        let query = FormEncoding.firstValues(request.uri.query)
        return await page(request) { signedIn in
            guard let device = try await storeCall({ () async throws(StoreError) in try await store.registry.fleetDevice(name) }) else {
                throw Problem(status: .notFound, title: "No such device", message: "There is no device \(name) in the fleet.", back: "/")
            }
            let runs = try await storeCall { () async throws(StoreError) in
                try await store.runSummaries(RunQuery(device: (device.board, device.serial), limit: Self.deviceRuns, newestFirst: true))
            }.reversed()
            let alerts = try await storeCall { () async throws(StoreError) in try await store.alerts(state: nil, limit: 1000) }.filter { $0.key.device == name }
            let bands = try await learnedBands(latest: runs.last)
            var comparison: (StoredRun, StoredRun)?
            if let a = query["a"].flatMap(Int64.init), let b = query["b"].flatMap(Int64.init) {
                let first = try await storeCall { () async throws(StoreError) in try await store.run(id: a) }
                let second = try await storeCall { () async throws(StoreError) in try await store.run(id: b) }
                guard let first, let second, FleetDevice.identity(of: first.run.board) == name, FleetDevice.identity(of: second.run.board) == name else {
                    throw Problem(status: .notFound, title: "No such runs", message: "Runs \(a) and \(b) are not both runs of \(name).", back: "/devices/\(HTML.pathSegment(name))")
                }
                comparison = (first, second)
            }
            return DeviceView.page(
                device: device, runs: Array(runs), alerts: alerts, bands: bands, comparison: comparison, viewer: signedIn.viewer, now: Date(),
                notice: query["notice"])
        }
    }

    /// The bands monitoring judges the latest run's model version on this device by (nil while
    /// the latest run is itself part of the baseline, or too few baseline runs exist).
    private func learnedBands(latest: CollectedRunSummary?) async throws -> DeviceView.Bands {
        guard let latest else { return .init() }
        let key = MonitorKey(model: latest.model, deviceClass: latest.deviceClass, device: "\(latest.board):\(latest.serial)")
        let settings = configuration.settings.monitor
        guard let history = try await storeCall({ () async throws(StoreError) in
            try await store.monitorHistory(key, runID: latest.id, baselineRuns: settings.baselineRuns, recentRuns: 1)
        }) else { return .init(model: latest.model) }
        let baseline = history.baseline.filter { $0.run.status == .complete }.map { ProfileSummary(runs: [$0.run]) }
        return .init(
            model: latest.model,
            latencyP95: MonitorEvaluation.learnedBand(baseline.compactMap { $0.latencyMs?.p95 }, settings: settings),
            energy: MonitorEvaluation.learnedBand(baseline.compactMap(\.energyPerInferenceMillijoules), settings: settings))
    }

    func liveAlerts() async throws -> [Alert] {
        let open = try await storeCall { () async throws(StoreError) in try await store.alerts(state: .open, limit: 5000) }
        let acknowledged = try await storeCall { () async throws(StoreError) in try await store.alerts(state: .acknowledged, limit: 5000) }
        return open + acknowledged
    }

    func storeCall<T>(_ call: () async throws(StoreError) -> T) async throws -> T {
        do { return try await call() } catch { throw APIError.store(error) }
    }
}
