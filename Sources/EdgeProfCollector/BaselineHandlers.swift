import EdgeProfCore
import Foundation
import Hummingbird

/// The routes that pin and unpin a device's baseline: a person names the reference runs, the
/// collector checks they are complete runs of that model version on that device.
extension CollectorHandlers {
    func pinBaseline(_ request: Request, grant: TokenGrant) async throws -> Response {
        let body = try await decode(BaselinePinRequest.self, request)
        let key = body.key
        var found: [StoredRun] = []
        for id in Set(body.runIDs.prefix(BaselinePin.maximumRuns + 1)) {
            if let run = try await storeCall({ () async throws(StoreError) in try await store.run(id: id) }) { found.append(run) }
        }
        if let problem = BaselinePin.problem(
            key: key, runIDs: body.runIDs, found: found, reason: body.reason, minimum: configuration.settings.monitor.minimumBaselineRuns)
        {
            throw APIError(.unprocessableContent, "invalid-baseline", problem)
        }
        let pin = BaselinePin(key: key, runIDs: body.runIDs, pinnedBy: grant.actor, pinnedAt: Date(), reason: body.reason)
        try await storeCall { () async throws(StoreError) in try await store.pinBaseline(pin) }
        return try Responses.json(pin, status: .created)
    }

    func unpinBaseline(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        guard let model = query["model"], let deviceClass = query["deviceClass"], let device = query["device"] else {
            throw APIError(.badRequest, "invalid-parameter", "say which device: ?model=NAME@VERSION&deviceClass=CLASS&device=BOARD:SERIAL")
        }
        let key = MonitorKey(model: String(model), deviceClass: String(deviceClass), device: String(device))
        guard try await storeCall({ () async throws(StoreError) in try await store.unpinBaseline(key) }) else {
            throw APIError(.notFound, "not-pinned", "\(key) has no pinned baseline; GET /v1/baselines lists the pins")
        }
        return try Responses.json(["unpinned": key.description])
    }
}
